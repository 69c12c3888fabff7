"""The emulator in its own process (``python -m openai_uploads.emulator``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, Self, Unpack

import httpx

from ._exposure import API_KEY_ENV
from ._faults import FaultConfig
from ._handle import EmulatorHandle
from ._limits import ServerLimits
from ._request_log import RecordedRequest
from ._settings import EmulatorSettings, SettingsOptions, make_settings


class EmulatorProcess(EmulatorHandle):
    """The emulator in its own process (``python -m openai_uploads.emulator``).

    Fault settings, the script, the counts and the request log go through the
    emulator-only ``/v1/_emulator/...`` routes. Besides the :class:`EmulatorHandle` API it
    offers the ``pid`` and ``kill()`` (a crash); ``extra_args`` are added to the command.
    """

    def __init__(
        self,
        settings: EmulatorSettings | None = None,
        *,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 30.0,
        **options: Unpack[SettingsOptions],
    ) -> None:
        settings = make_settings(settings, options)
        super().__init__(settings)
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
        settings = self.settings
        if settings.faults != FaultConfig():
            cmd += ["--faults-json", json.dumps(settings.faults.to_json())]
        if settings.fault_script:
            cmd += ["--fault-script", json.dumps(dict(settings.fault_script))]
        if settings.limits != ServerLimits():
            cmd += ["--limits-json", json.dumps(asdict(settings.limits))]
        cmd += ["--log-level", settings.log_level]
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

    def _control(self, method: str, body: Any = None, route: str = "faults") -> dict[str, Any]:
        """An emulator-only route: ``faults`` answers ``{"config": ..., "stats": ...}``,
        ``script`` ``{"script": ...}``, ``requests`` ``{"requests": [...]}``."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key is not None else {}
        response = httpx.request(
            method, f"{self.base_url}/_emulator/{route}", json=body, headers=headers
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

    def set_fault_script(self, script: Mapping[str, Sequence[str | int]]) -> None:
        self._control("POST", {k: list(v) for k, v in script.items()}, route="script")

    def fault_script(self) -> dict[str, list[str]]:
        script: dict[str, list[str]] = self._control("GET", route="script")["script"]
        return script

    def requests(self) -> list[RecordedRequest]:
        records = self._control("GET", route="requests")["requests"]
        return [RecordedRequest.from_json(r) for r in records]

    def clear_requests(self) -> None:
        self._control("DELETE", route="requests")
