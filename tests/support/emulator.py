"""Fixtures for emulator tests (filled in by its issue)."""
