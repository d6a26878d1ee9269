"""The trained-model record and what describes it: the attribute table, identifiers, typed errors,
the botocore service model, every JSON Schema. Imports nothing else of this package."""
