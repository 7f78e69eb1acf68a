"""Environment names and settings of each provider (``packages/providers/src/config``)."""
