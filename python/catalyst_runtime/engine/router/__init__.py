"""What the ``llmRouter`` node keeps between runs and how it orders targets
(``packages/runtime/src/router``)."""
