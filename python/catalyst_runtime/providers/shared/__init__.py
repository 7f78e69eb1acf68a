"""What every provider shares (``packages/providers/src/shared``): errors, the stream loop and
its state, message conversion."""
