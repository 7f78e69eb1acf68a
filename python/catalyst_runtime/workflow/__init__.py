"""The workflow model (``packages/workflow/src``): expressions and the node registry."""
