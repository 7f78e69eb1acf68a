"""The HTTP server (``packages/runtime/src/server``): the FastAPI app and Server-Sent Events.

Example::

    from catalyst_runtime.server import create_app

    app = create_app(workflows=[workflow.to_dict()])
"""

from catalyst_runtime.server.create_app import create_app

__all__ = ["create_app"]
