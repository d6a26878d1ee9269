"""What leaves the process: atomic file writes, secret redaction, escaping of service text, and
where caches go."""
