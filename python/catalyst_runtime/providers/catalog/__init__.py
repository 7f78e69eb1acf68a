"""The model catalog: prices, context windows, capabilities (``packages/providers/src/catalog``)."""
