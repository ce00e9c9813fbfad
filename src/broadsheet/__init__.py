"""Broadsheet: an open-source news and markets terminal."""

__version__ = "0.1.0"
