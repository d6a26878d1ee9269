"""Talking to Clean Rooms ML through botocore: settings, endpoints, sessions, retries, errors,
the shared client and the resolver."""
