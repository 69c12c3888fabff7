"""Running the emulator in a background thread of this process, or in the foreground."""

from __future__ import annotations

import contextlib
import errno
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self, Unpack

import uvicorn

from ._app import create_app
from ._exposure import check_exposure
from ._faults import FaultConfig, FaultInjector
from ._handle import EmulatorHandle
from ._limits import http_protocol
from ._request_log import RecordedRequest
from ._settings import EmulatorSettings, SettingsOptions, make_settings
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


class CannotListen(OSError):
    """The emulator's address cannot be listened on (in use, not this machine's...)."""


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = "the address is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise CannotListen(exc.errno, f"cannot listen on {host}:{port}: {reason}") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _uvicorn_config(app: Any, settings: EmulatorSettings) -> uvicorn.Config:
    limits = settings.limits
    return uvicorn.Config(
        app,
        loop="auto",  # uvloop when installed
        http=http_protocol(limits),  # httptools, with the admission and header limits
        lifespan="on",
        log_level=settings.log_level,
        log_config=None,
        access_log=False,
        timeout_keep_alive=limits.keep_alive,  # type: ignore[arg-type]  # a float works
        limit_concurrency=None,  # admission is the protocol's (see _limits.py)
        timeout_graceful_shutdown=5,
    )


def _injector(settings: EmulatorSettings) -> FaultInjector:
    injector = FaultInjector(settings.faults)
    injector.set_script(settings.fault_script)
    return injector


class EmulatorServer(EmulatorHandle):
    """The emulator in a background thread of this process, on a loopback port.

    ``data_dir=None`` makes a temporary directory, removed by ``close()``. ``stop()`` then
    ``start()`` restarts on the same data dir and port, as a restarted server would. Besides
    the :class:`EmulatorHandle` API it offers the ``store``, the fault ``injector`` and the
    ``clock`` directly; ``clock`` (in-process only) is what the store reads the time from.
    """

    def __init__(
        self,
        settings: EmulatorSettings | None = None,
        *,
        clock: Clock | None = None,
        **options: Unpack[SettingsOptions],
    ) -> None:
        settings = make_settings(settings, options)
        super().__init__(settings)
        self.limits = settings.limits
        self.clock: Clock = clock or time.time
        self.log_level = settings.log_level
        self.injector = _injector(settings)
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

    def set_fault_script(self, script: Mapping[str, Sequence[str | int]]) -> None:
        self.injector.set_script(script)

    def fault_script(self) -> dict[str, list[str]]:
        return self.injector.script()

    def requests(self) -> list[RecordedRequest]:
        return self.injector.log.records()

    def clear_requests(self) -> None:
        self.injector.log.clear()

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
        server = uvicorn.Server(_uvicorn_config(app, self.settings))
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
    settings: EmulatorSettings | None = None,
    *,
    clock: Clock | None = None,
    **options: Unpack[SettingsOptions],
) -> Iterator[EmulatorServer]:
    """Run the emulator in a background thread for the duration of the ``with`` block;
    takes what :class:`EmulatorServer` takes."""
    with EmulatorServer(settings, clock=clock, **options) as server:
        yield server


def serve_forever(settings: EmulatorSettings, *, announce: Any = print) -> None:
    """Serve in the foreground until SIGINT/SIGTERM; ``announce`` gets the base URL.

    Raises ``DataDirInUse`` when another server holds the data dir, and ``OSError``
    when the address cannot be listened on."""
    check_exposure(settings.host, settings.api_key, settings.allow_no_key)
    own_dir = settings.data_dir is None
    directory = Path(settings.data_dir or tempfile.mkdtemp(prefix="openai-uploads-emulator-"))
    try:
        store = Store(directory)
    except BaseException:
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    sock: socket.socket | None = None
    try:
        sock = _bind(settings.host, settings.port)
        app = create_app(
            store,
            api_key=settings.api_key,
            injector=_injector(settings),
            limits=settings.limits,
        )
        server = uvicorn.Server(_uvicorn_config(app, settings))
        announce(f"http://{_url_host(settings.host)}:{sock.getsockname()[1]}/v1")
        # uvicorn re-raises the signal that stopped it once it has shut down; with these
        # handlers in place that re-raise is a no-op, so the clean-up below runs and the
        # process exits 0.
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: setattr(server, "should_exit", True))
        server.run(sockets=[sock])
    finally:
        if sock is not None:
            sock.close()
        store.close()
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
