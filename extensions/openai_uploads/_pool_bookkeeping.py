"""httpcore 1.0's connection-pool bookkeeping, in linear time, for the SDK's own pools.

httpcore's pools call ``_assign_requests_to_connections`` each time a request joins or
leaves them. Its first loop asks, for every idle connection, ``is_idle()`` of every
connection (a list it only takes the length of: the number of connections), so each
call costs O(connections²). With the dozens of requests in flight of ``upload_many``
that bookkeeping was most of an async client's CPU (48 in flight: 45 % of its samples,
and the batch slower at 48 than at 32). :func:`assign_in_linear_time` gives a pool the
same method with the same decisions, each connection asked at most once a loop.

Only a pool of exactly httpcore 1.0's ``ConnectionPool`` / ``AsyncConnectionPool`` is
changed (its class swapped for a subclass that only overrides this method); another
httpcore, a proxy's pool or a caller's own ``http_client`` is left as it is.
"""

from __future__ import annotations

from typing import Any

import httpcore

__all__ = ["assign_in_linear_time"]

_PATCHED = (httpcore.ConnectionPool, httpcore.AsyncConnectionPool)
_SUPPORTED = httpcore.__version__.startswith("1.0.")


def _assign_requests_to_connections(self: Any) -> list[Any]:
    """httpcore 1.0's decisions: drop closed connections, close expired ones and idle
    ones while the pool holds more connections than it may keep alive; then give each
    queued request the first connection that can take it, else a new one (first closing
    an idle one when the pool is full). Returns the connections to close."""
    closing: list[Any] = []
    connections: list[Any] = self._connections
    for connection in list(connections):
        if connection.is_closed():
            connections.remove(connection)
        elif connection.has_expired() or (
            connection.is_idle() and len(connections) > self._max_keepalive_connections
        ):
            connections.remove(connection)
            closing.append(connection)
    for pool_request in [request for request in self._requests if request.is_queued()]:
        origin = pool_request.request.url.origin
        chosen = next(
            (c for c in connections if c.can_handle_request(origin) and c.is_available()), None
        )
        if chosen is None:
            if len(connections) >= self._max_connections:
                idle = next((c for c in connections if c.is_idle()), None)
                if idle is None:
                    continue  # the request waits for a connection to free up
                connections.remove(idle)
                closing.append(idle)
            chosen = self.create_connection(origin)
            connections.append(chosen)
        pool_request.assign_to_connection(chosen)
    return closing


_SUBCLASSES: dict[type[Any], type[Any]] = {
    base: type(
        f"Linear{base.__name__}",
        (base,),
        {
            "_assign_requests_to_connections": _assign_requests_to_connections,
            "__module__": __name__,
        },
    )
    for base in _PATCHED
}


def assign_in_linear_time(pool: object) -> None:
    """Give ``pool`` (a transport's ``_pool``) the linear-time bookkeeping, if it is
    exactly one of httpcore 1.0's two pools; else leave it as it is."""
    if not _SUPPORTED:  # pragma: no cover - another httpcore
        return
    subclass = _SUBCLASSES.get(type(pool))
    if subclass is not None:
        pool.__class__ = subclass
