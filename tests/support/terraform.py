"""Fixtures for terraform tests (filled in by its issue)."""
