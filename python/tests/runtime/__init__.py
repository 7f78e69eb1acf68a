"""Tests of catalyst_runtime, including the cross-runtime comparison with the TypeScript server."""
