"""Outcomes Coach: helps people say what matters to them before a care assessment."""

__version__ = "0.1.0"
