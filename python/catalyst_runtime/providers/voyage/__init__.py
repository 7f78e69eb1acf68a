"""Voyage AI embeddings over its HTTP API (``packages/providers/src/voyage``)."""
