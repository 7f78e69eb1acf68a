"""The provider layer (``packages/providers/src``): one streaming interface over every provider.

Start at :mod:`catalyst_runtime.providers.create_provider` (``Providers``, ``ChatRequest``). Each
provider folder imports its official SDK, so it is imported on first use only. Imports nothing of
the workflow, the engine, the nodes or the server."""
