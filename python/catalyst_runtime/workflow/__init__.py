"""The workflow model (TypeScript: ``workflow``): expressions and the node registry."""
