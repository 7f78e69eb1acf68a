"""One executor per node type (TypeScript: ``runtime/executors``), each a
``NodeContext -> NodeResult`` function; :mod:`catalyst_runtime.engine.executors` maps node types
to them."""
