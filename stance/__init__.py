"""Stance: track what states and organisations say and how they vote on diplomatic issues."""

__version__ = "0.1.0"
