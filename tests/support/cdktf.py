"""Fixtures for cdktf tests (filled in by its issue)."""
