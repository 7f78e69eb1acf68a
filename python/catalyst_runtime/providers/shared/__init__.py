"""What every provider shares (TypeScript: ``providers/shared``): errors, the stream loop and
its state, message conversion."""
