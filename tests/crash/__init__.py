"""Crash safety: kill real processes with SIGKILL at random moments and check the project."""
