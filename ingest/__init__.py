"""Ingest: source adapters turn vendor payloads into `PostCreate` records and store them once."""
