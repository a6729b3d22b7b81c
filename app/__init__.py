"""Tawsim: offline annotation of Arabic news articles."""

__version__ = "0.1.0"
