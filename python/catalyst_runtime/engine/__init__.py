"""Runs a workflow (``packages/runtime/src``): scheduling, the node context executors get,
config rendering, router state. Start at :func:`.execute_workflow.execute_workflow`."""
