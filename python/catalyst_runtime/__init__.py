"""Catalyst's Python runtime helpers, copied verbatim into generated FastAPI services."""
