"""Anthropic Messages through the ``anthropic`` SDK (TypeScript: ``providers/anthropic``)."""
