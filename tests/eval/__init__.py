"""Held-out evaluation of the suggestion sources (issue 5)."""
