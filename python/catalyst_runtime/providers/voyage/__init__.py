"""Voyage AI embeddings over its HTTP API (TypeScript: ``providers/voyage``)."""
