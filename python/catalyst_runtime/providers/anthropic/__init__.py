"""Anthropic Messages through the ``anthropic`` SDK (``packages/providers/src/anthropic``)."""
