"""The model catalog: prices, context windows, capabilities (TypeScript: ``providers/catalog``)."""
