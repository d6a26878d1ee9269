"""What leaves the process: atomic file writes and secret redaction."""
