"""Running the emulator: in a background thread, in a subprocess, or in the foreground."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from ._app import create_app
from ._cli import API_KEY_ENV, check_exposure
from ._faults import FaultConfig, FaultInjector
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


class EmulatorServer:
    """The emulator in a background thread of this process, on a loopback port.

    ``data_dir=None`` makes a temporary directory, removed by ``close()``. ``stop()`` then
    ``start()`` restarts on the same data dir and port, as a restarted server would.
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
        check_exposure(host, api_key, allow_no_key)
        self.limits = limits or ServerLimits()
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="openai-uploads-emulator-"))
        self.api_key = api_key
        self.host = host
        self.port = port
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
    def azure_endpoint(self) -> str:
        """The ``azure_endpoint`` of the Azure surface (``/openai/...``, same store)."""
        return f"http://{_url_host(self.host)}:{self.port}"

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
        """Counts of requests and of each injected fault since start (or the last reset)."""
        return self.injector.stats()

    def reset_fault_stats(self) -> None:
        self.injector.reset_stats()

    def start(self) -> EmulatorServer:
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
        """Stop serving; the data dir is kept."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
            self._sock.close()
        if self._store is not None:
            self._store.close()
        self._server = self._thread = self._store = None

    def restart(self) -> EmulatorServer:
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop, and remove the data dir if it was a temporary one."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


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


class EmulatorProcess:
    """The emulator in its own process (``python -m openai_uploads.emulator``).

    Fault settings and counts go through the emulator-only ``/v1/_emulator/faults`` route.
    """

    def __init__(
        self,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        api_key: str | None = None,
        faults: FaultConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 30.0,
        allow_no_key: bool = False,
    ) -> None:
        check_exposure(host, api_key, allow_no_key)
        self.allow_no_key = allow_no_key
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="openai-uploads-emulator-"))
        self.api_key = api_key
        self.host = host
        self.port = port
        self.initial_faults = faults
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("the emulator process is not running")
        return self.process.pid

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "openai_uploads.emulator", "--host", self.host]
        cmd += ["--port", str(self.port), "--data-dir", str(self.data_dir)]
        if self.allow_no_key:
            cmd += ["--allow-no-key"]
        if self.initial_faults is not None:
            import json

            cmd += ["--faults-json", json.dumps(self.initial_faults.to_json())]
        return cmd + self.extra_args

    def environment(self) -> dict[str, str]:
        """The process's environment: the key travels here, not in the command line."""
        env = dict(os.environ)
        env.pop(API_KEY_ENV, None)
        if self.api_key is not None:
            env[API_KEY_ENV] = self.api_key
        return env

    def start(self) -> EmulatorProcess:
        if self.process is not None:
            return self
        process = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, text=True, bufsize=1, env=self.environment()
        )
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(process.stdout.readline() if process.stdout else ""),
            daemon=True,
        )
        reader.start()
        reader.join(self.startup_timeout)
        url = line[0].strip() if line else ""
        if not url.startswith("http"):
            process.kill()
            process.wait()
            raise RuntimeError(f"the emulator process did not start (printed {url!r})")
        self.process, self.base_url = process, url
        self.port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
        return self

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 s); the data dir is kept."""
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def kill(self) -> None:
        """Stop the process abruptly, as a crash would."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()

    def restart(self) -> EmulatorProcess:
        self.stop()
        return self.start()

    def close(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def azure_endpoint(self) -> str:
        """The ``azure_endpoint`` of the Azure surface (``/openai/...``, same store)."""
        return self.base_url.removesuffix("/v1")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key is not None else {}

    def set_faults(self, config: FaultConfig) -> None:
        httpx.post(
            f"{self.base_url}/_emulator/faults", json=config.to_json(), headers=self._headers()
        ).raise_for_status()

    def fault_stats(self) -> dict[str, int]:
        response = httpx.get(f"{self.base_url}/_emulator/faults", headers=self._headers())
        response.raise_for_status()
        stats: dict[str, int] = response.json()["stats"]
        return stats

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
