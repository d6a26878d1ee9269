"""Drift: which fields (fields), the check (check), the reports (reports)."""
