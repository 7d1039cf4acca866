"""Ingest a sales CSV, clean it, compute statistics per region and render a text report."""
