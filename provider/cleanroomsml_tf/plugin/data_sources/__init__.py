"""The Terraform data sources, one module per data source (``common`` holds what they share)."""
