"""httpcore's connection pool without its quadratic bookkeeping, for the providers' own clients.

On every request start and every response close, ``httpcore.AsyncConnectionPool`` walks its
connections and, for each idle one, counts *all* connections by building a list
(``len([connection.is_idle() for connection in self._connections])``, which is just
``len(self._connections)``): with 32 requests in flight that list-building was a tenth of the
generated service's CPU (py-spy, ``bench/results/hot-path-python.md``, Round 2).
:class:`LinearConnectionPool` is the same method with that count taken as the length it is;
everything else (expiry and readability checks, the keep-alive limit, assignment order) is
httpcore 1.0's code unchanged.

It is installed only into the clients the runtime builds itself, and only on the httpcore
versions whose pool this copy mirrors; any other pool is left as it is. The quadratic pass is a
known upstream problem (encode/httpcore#1035, open; fixed in the pydantic/httpx2 fork); drop this
module once an httpcore release fixes it.

``LinearConnectionPool._assign_requests_to_connections`` is derived from httpcore 1.0.9's
``httpcore/_async/connection_pool.py``, used under its BSD 3-Clause licence:

    Copyright (c) 2020, Encode OSS Ltd. All rights reserved.

    Redistribution and use in source and binary forms, with or without modification, are
    permitted provided that the following conditions are met: (1) Redistributions of source
    code must retain the above copyright notice, this list of conditions and the following
    disclaimer. (2) Redistributions in binary form must reproduce the above copyright notice,
    this list of conditions and the following disclaimer in the documentation and/or other
    materials provided with the distribution. (3) Neither the name of the copyright holder nor
    the names of its contributors may be used to endorse or promote products derived from this
    software without specific prior written permission.

    THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS
    OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
    MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
    COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
    EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
    SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
    HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR
    TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
    SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

Example::

    client = httpx.AsyncClient(...)
    use_linear_pool(client)
"""

from __future__ import annotations

from typing import Any

import httpcore

__all__ = ["LinearConnectionPool", "use_linear_pool"]

# The httpcore releases whose AsyncConnectionPool._assign_requests_to_connections this mirrors.
_MIRRORED_VERSIONS = frozenset(f"1.0.{patch}" for patch in range(3, 10))


class LinearConnectionPool(httpcore.AsyncConnectionPool):
    """``httpcore.AsyncConnectionPool`` with a linear ``_assign_requests_to_connections``."""

    def _assign_requests_to_connections(self) -> list[Any]:
        closing_connections: list[Any] = []

        # First clean up connections that are closed, have expired their keep-alive, or are
        # surplus idle connections (httpcore's test: more connections than keep-alive ones).
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif connection.has_expired() or (
                connection.is_idle() and len(self._connections) > self._max_keepalive_connections
            ):
                self._connections.remove(connection)
                closing_connections.append(connection)

        # Assign queued requests to connections.
        queued_requests = [request for request in self._requests if request.is_queued()]
        for pool_request in queued_requests:
            origin = pool_request.request.url.origin
            available_connection = next(
                (
                    connection
                    for connection in self._connections
                    if connection.can_handle_request(origin) and connection.is_available()
                ),
                None,
            )
            # 1. An existing connection can take the request; 2. a new one may be made; 3. an
            # idle one is closed to make room for a new one.
            if available_connection is not None:
                pool_request.assign_to_connection(available_connection)
            elif len(self._connections) < self._max_connections:
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
            else:
                idle_connection = next(
                    (connection for connection in self._connections if connection.is_idle()),
                    None,
                )
                if idle_connection is not None:
                    self._connections.remove(idle_connection)
                    closing_connections.append(idle_connection)
                    connection = self.create_connection(origin)
                    self._connections.append(connection)
                    pool_request.assign_to_connection(connection)

        return closing_connections


def use_linear_pool(client: Any) -> bool:
    """Give ``client`` (an ``httpx.AsyncClient`` with its default transport) the linear pool;
    False, and nothing changed, for any other transport or httpcore release."""
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool:
        return False
    if httpcore.__version__ not in _MIRRORED_VERSIONS:
        return False
    # Same state, same slots: only the one method differs.
    pool.__class__ = LinearConnectionPool
    return True
