"""What the ``llmRouter`` node keeps between runs and how it orders targets
(TypeScript: ``runtime/router``)."""
