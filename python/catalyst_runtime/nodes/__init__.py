"""One executor per node type (``packages/runtime/src/executors``), each a
``NodeContext -> NodeResult`` function; :mod:`catalyst_runtime.engine.executors` maps node types
to them."""
