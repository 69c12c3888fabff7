"""Running the emulator in a background thread of this process, or in the foreground."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import uvicorn

from ._app import create_app
from ._faults import FaultConfig, FaultInjector
from ._handle import EmulatorHandle
from ._limits import ServerLimits, http_protocol
from ._store import Clock, Store


class ManualClock:
    """A clock that only moves when told to: pass it as ``clock=`` to expire Uploads in tests."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def set(self, now: float) -> None:
        with self._lock:
            self._now = now


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _uvicorn_config(app: Any, log_level: str, limits: ServerLimits) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        loop="auto",  # uvloop when installed
        http=http_protocol(limits),  # httptools, with a deadline for request headers
        lifespan="on",
        log_level=log_level,
        log_config=None,
        access_log=False,
        timeout_keep_alive=limits.keep_alive,  # type: ignore[arg-type]  # a float works
        limit_concurrency=limits.max_concurrency,
        timeout_graceful_shutdown=5,
    )


class EmulatorServer(EmulatorHandle):
    """The emulator in a background thread of this process, on a loopback port.

    ``data_dir=None`` makes a temporary directory, removed by ``close()``. ``stop()`` then
    ``start()`` restarts on the same data dir and port, as a restarted server would. Besides
    the :class:`EmulatorHandle` API it offers the ``store``, the fault ``injector`` and the
    ``clock`` directly.
    """

    def __init__(
        self,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        api_key: str | None = None,
        faults: FaultConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        log_level: str = "warning",
        allow_no_key: bool = False,
        limits: ServerLimits | None = None,
    ) -> None:
        super().__init__(
            data_dir=data_dir, api_key=api_key, host=host, port=port, allow_no_key=allow_no_key
        )
        self.limits = limits or ServerLimits()
        self.clock: Clock = clock or time.time
        self.log_level = log_level
        self.injector = FaultInjector(faults)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._store: Store | None = None

    @property
    def base_url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the emulator is not running")
        return self._store

    @property
    def faults(self) -> FaultConfig:
        return self.injector.config

    @faults.setter
    def faults(self, config: FaultConfig) -> None:
        self.injector.configure(config)

    def fault_stats(self) -> dict[str, int]:
        return self.injector.stats()

    def reset_fault_stats(self) -> None:
        self.injector.reset_stats()

    def start(self) -> Self:
        if self.running:
            return self
        self._store = Store(self.data_dir, clock=lambda: self.clock())
        try:
            sock = _bind(self.host, self.port)
        except BaseException:
            self._store.close()
            self._store = None
            raise
        self.port = sock.getsockname()[1]
        app = create_app(
            self._store, api_key=self.api_key, injector=self.injector, limits=self.limits
        )
        server = uvicorn.Server(_uvicorn_config(app, self.log_level, self.limits))
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name="openai-uploads-emulator",
            daemon=True,
        )
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                self._store.close()
                self._store = None
                raise RuntimeError("the emulator did not start")
            time.sleep(0.005)
        self._server, self._thread, self._sock = server, thread, sock
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
            self._sock.close()
        if self._store is not None:
            self._store.close()
        self._server = self._thread = self._store = None


@contextlib.contextmanager
def run_emulator(
    *,
    data_dir: str | os.PathLike[str] | None = None,
    api_key: str | None = None,
    faults: FaultConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Clock | None = None,
) -> Iterator[EmulatorServer]:
    """Run the emulator in a background thread for the duration of the ``with`` block."""
    server = EmulatorServer(
        data_dir=data_dir, api_key=api_key, faults=faults, host=host, port=port, clock=clock
    )
    with server:
        yield server


def serve_forever(
    *,
    host: str,
    port: int,
    data_dir: str | os.PathLike[str] | None,
    api_key: str | None,
    faults: FaultConfig,
    log_level: str = "warning",
    announce: Any = print,
    limits: ServerLimits | None = None,
) -> None:
    """Serve in the foreground until SIGINT/SIGTERM; ``announce`` gets the base URL."""
    own_dir = data_dir is None
    directory = Path(data_dir or tempfile.mkdtemp(prefix="openai-uploads-emulator-"))
    store = Store(directory)
    try:
        sock = _bind(host, port)
    except BaseException:
        store.close()
        raise
    try:
        limits = limits or ServerLimits()
        app = create_app(store, api_key=api_key, injector=FaultInjector(faults), limits=limits)
        server = uvicorn.Server(_uvicorn_config(app, log_level, limits))
        announce(f"http://{_url_host(host)}:{sock.getsockname()[1]}/v1")
        # uvicorn re-raises the signal that stopped it once it has shut down; with these
        # handlers in place that re-raise is a no-op, so the clean-up below runs and the
        # process exits 0.
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: setattr(server, "should_exit", True))
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
