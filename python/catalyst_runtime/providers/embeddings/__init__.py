"""Embeddings (TypeScript: ``providers/embeddings``): batching, caches, Qdrant points, and
each provider's embeddings endpoint."""
