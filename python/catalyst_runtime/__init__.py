"""Catalyst's Python runtime, copied verbatim into generated FastAPI services.

Laid out like Catalyst's TypeScript packages, imports only going downward:

- ``javascript/``: what JavaScript does natively (JSON text, number text), so bytes match;
- ``providers/``: one streaming interface over every provider (``packages/providers``);
- ``workflow/``: expressions and the node registry (``packages/workflow``);
- ``engine/``: runs a workflow (``packages/runtime``); ``engine/executors.py`` maps node types to
- ``nodes/``: one executor per node type (``packages/runtime/src/executors``);
- ``server/``: the HTTP API and Server-Sent Events (``packages/runtime/src/server``).

The entry points a service owner uses::

    from catalyst_runtime.definition import Edge, Node, Workflow  # the graph, as Python
    from catalyst_runtime.server import create_app  # the FastAPI app serving it
    from catalyst_runtime.testing import ScriptedProviders  # offline tests
"""
