"""Embeddings (``packages/providers/src/embeddings``): batching, caches, Qdrant points, and
each provider's embeddings endpoint."""
