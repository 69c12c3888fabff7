"""The emulator in its own process (``python -m openai_uploads.emulator``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any, Self

import httpx

from ._cli import API_KEY_ENV
from ._faults import FaultConfig
from ._handle import EmulatorHandle


class EmulatorProcess(EmulatorHandle):
    """The emulator in its own process (``python -m openai_uploads.emulator``).

    Fault settings and counts go through the emulator-only ``/v1/_emulator/faults`` route.
    Besides the :class:`EmulatorHandle` API it offers the ``pid`` and ``kill()`` (a crash).
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
        super().__init__(
            data_dir=data_dir, api_key=api_key, host=host, port=port, allow_no_key=allow_no_key
        )
        self.initial_faults = faults
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self._base_url = ""

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1`` once started (empty before)."""
        return self._base_url

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
            cmd += ["--faults-json", json.dumps(self.initial_faults.to_json())]
        return cmd + self.extra_args

    def environment(self) -> dict[str, str]:
        """The process's environment: the key travels here, not in the command line."""
        env = dict(os.environ)
        env.pop(API_KEY_ENV, None)
        if self.api_key is not None:
            env[API_KEY_ENV] = self.api_key
        return env

    def start(self) -> Self:
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
        self.process, self._base_url = process, url
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

    def _control(self, method: str, body: Any = None) -> dict[str, Any]:
        """The emulator-only fault route: ``{"config": ..., "stats": ...}``."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key is not None else {}
        response = httpx.request(
            method, f"{self.base_url}/_emulator/faults", json=body, headers=headers
        )
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    @property
    def faults(self) -> FaultConfig:
        return FaultConfig.from_json(self._control("GET")["config"])

    @faults.setter
    def faults(self, config: FaultConfig) -> None:
        self._control("POST", config.to_json())

    def fault_stats(self) -> dict[str, int]:
        stats: dict[str, int] = self._control("GET")["stats"]
        return stats

    def reset_fault_stats(self) -> None:
        self._control("DELETE")
