"""The lock file: model (data), store (read/write), project (where, read-only), synth."""
