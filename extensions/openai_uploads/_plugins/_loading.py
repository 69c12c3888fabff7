"""Which plugins a client gets, where each came from, and how a failure to load is said.

Built-in plugins come first, then installed ones (entry points of the ``openai_uploads``
group), loaded one by one: one that cannot be loaded is reported in one line naming its
distribution and how to turn it off, and only stops what needs it
(``upload_file_chunked``). The ``OPENAI_UPLOADS_PLUGINS`` environment variable selects
plugins by name (see :class:`PluginSelection`).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pluggy

from .. import hookspecs
from .._exceptions import PluginError
from .._version import __version__
from ._guards import Refused

log = logging.getLogger(__name__)

PLUGINS_ENV = "OPENAI_UPLOADS_PLUGINS"
"""Selects plugins by name: see :class:`PluginSelection`."""
DISABLE_AUTOLOAD_ENV = "OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD"
"""Set to ``1`` to stop installed plugins (entry points) from loading."""

BUILTIN_PREFIX = "openai_uploads.builtin."
RETIRED_PLUGINS = {
    "checksum": (
        "the md5 is core behaviour, not a plugin: it is always computed, a given md5= is "
        "always checked, and md5=None (CLI --no-md5) sends none"
    ),
}
"""Names that were built-in plugins once, with what became of them."""

Kind = Literal["built-in", "installed", "given"]
Status = Literal["loaded", "disabled", "failed"]

_REPORTED: set[str] = set()
"""Load failures already logged in this process (a line per plugin, not per client)."""


def _autoload_disabled_by_env() -> bool:
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def default_plugins() -> list[object]:
    """The built-in plugins every client starts with (they use the public hooks)."""
    from ..plugins import logging as logging_plugin
    from ..plugins import retry

    return [retry, logging_plugin]


def _load_otel() -> object:
    try:
        from ..plugins.otel import OpenTelemetryPlugin
    except ModuleNotFoundError as exc:
        raise Refused(
            f"needs {exc.name or 'opentelemetry'}: pip install 'openai-uploads[otel]'"
        ) from exc
    return OpenTelemetryPlugin()


OPTIONAL_PLUGINS: dict[str, Callable[[], object]] = {"otel": _load_otel}
"""Built-in plugins that are off unless named in ``OPENAI_UPLOADS_PLUGINS``."""


# --------------------------------------------------------------------------- selection


@dataclass(frozen=True, slots=True)
class PluginSelection:
    """Which plugins load, from ``OPENAI_UPLOADS_PLUGINS`` (like ``pytest -p no:NAME``).

    A comma-separated list of items, matched against a plugin's name (the entry-point
    name, e.g. ``example``; ``logging`` for the built-in ``openai_uploads.builtin.logging``)
    or its distribution's name:

    * ``no:NAME`` -- never load NAME (an installed plugin, or a built-in such as
      ``logging``, ``retry`` or ``checksum``); ``no:*`` -- no installed plugin at all;
    * ``NAME`` -- an allow-list: once one name is given, only the installed plugins named
      load; this is also how the optional built-in ``otel`` is turned on;
    * ``*`` -- every installed plugin (the default), e.g. ``*,otel`` adds ``otel``.

    Unset or empty: every installed plugin, no optional built-in.
    """

    allow: frozenset[str] | None = None
    """None: every installed plugin (no allow-list)."""
    deny: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: str | None) -> PluginSelection:
        allow: set[str] = set()
        deny: set[str] = set()
        for raw in (value or "").split(","):
            item = raw.strip()
            if not item:
                continue
            if item.startswith("no:"):
                deny.add(item[3:].strip())
            else:
                allow.add(item.removeprefix("+"))
        if allow == {"*"}:
            allow = set()
        return cls(allow=frozenset(allow) if allow else None, deny=frozenset(deny))

    @classmethod
    def from_env(cls) -> PluginSelection:
        return cls.parse(os.environ.get(PLUGINS_ENV))

    def names(self) -> frozenset[str]:
        """Every plugin name the selection mentions (``*`` left out)."""
        return ((self.allow or frozenset()) | self.deny) - {"*"}

    def denies(self, *names: str | None) -> bool:
        return any(name in self.deny for name in names if name)

    def allows_installed(self, *names: str | None) -> bool:
        if self.denies(*names) or "*" in self.deny:
            return False
        return self.allow is None or "*" in self.allow or any(n in self.allow for n in names if n)

    def allows_optional(self, name: str) -> bool:
        return self.allow is not None and name in self.allow and not self.denies(name)


# --------------------------------------------------------------------------- listing


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """One plugin as ``openai-uploads plugins`` shows it (see
    :func:`openai_uploads.plugins.list_plugins`).

    ``kind`` is ``built-in``, ``installed`` (an entry point) or ``given`` (passed as
    ``plugins=[...]``); ``status`` is ``loaded``, ``disabled`` or ``failed``.
    """

    name: str
    kind: Kind
    status: Status
    hooks: tuple[str, ...] = ()
    distribution: str | None = None
    version: str | None = None
    error: str | None = None
    """Why it failed to load (``status == "failed"``), in one line."""
    note: str | None = None
    """Why it is turned off (``status == "disabled"``), e.g. ``no:NAME``."""

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON values (``openai-uploads plugins --json``)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
            "error": self.error,
            "note": self.note,
        }


# --------------------------------------------------------------------------- loading


class LoadedPlugins:
    """What a host loaded from the environment, what it left out, and what failed (and why).

    The base of :class:`~openai_uploads._plugins.PluginHost`, which owns ``pm``.
    """

    pm: pluggy.PluginManager

    def __init__(self) -> None:
        self._warn_lock = threading.Lock()
        self._origins: dict[str, tuple[Kind, str | None, str | None]] = {}
        self.failed: list[PluginInfo] = []
        """Installed (or optional) plugins that could not be loaded."""
        self.disabled: list[PluginInfo] = []
        self.unreported = False
        """A plugin failed to load and no request has said so yet (see report_failed)."""
        self._autoload_off: str | None = None
        """Why installed plugins were not loaded (they are listed as disabled)."""

    def _load(self, selection: PluginSelection, load_entrypoints: bool | None) -> None:
        """The built-ins, then (unless turned off) installed and optional plugins."""
        for plugin in default_plugins():
            short = _plugin_name(plugin)
            name = BUILTIN_PREFIX + short
            if selection.denies(short, name):
                self.disabled.append(_disabled(name, "built-in", f"turned off by {PLUGINS_ENV}"))
                continue
            self._origins[name] = ("built-in", None, None)
            self.pm.register(plugin, name=name)
        if load_entrypoints is None:
            load_entrypoints = not _autoload_disabled_by_env()
        if load_entrypoints:
            self._load_installed(selection)
            self._load_optional(selection)
        else:
            self._autoload_off = (
                f"{DISABLE_AUTOLOAD_ENV}=1" if _autoload_disabled_by_env() else "load_plugins=False"
            )
            for name in OPTIONAL_PLUGINS:
                note = f"plugins are not loaded from the environment: {self._autoload_off}"
                self.disabled.append(_disabled(name, "built-in", note))
        self._warn_unknown(selection)

    def _load_installed(self, selection: PluginSelection) -> None:
        for ep, dist, version in _installed():
            if self.pm.has_plugin(ep.name):
                continue
            if not selection.allows_installed(ep.name, dist):
                note = f"turned off by {PLUGINS_ENV}"
                self.disabled.append(_disabled(ep.name, "installed", note, dist, version))
                continue
            self._origins[ep.name] = ("installed", dist, version)
            try:
                self.pm.register(ep.load(), name=ep.name)
            except Exception as exc:
                self._failed(ep.name, "installed", dist, version, exc)

    def _load_optional(self, selection: PluginSelection) -> None:
        for name, load in OPTIONAL_PLUGINS.items():
            if not selection.allows_optional(name) or self.pm.has_plugin(name):
                note = f"off unless named in {PLUGINS_ENV}, e.g. '*,{name}'"
                self.disabled.append(_disabled(name, "built-in", note))
                continue
            self._origins[name] = ("built-in", None, None)
            try:
                self.pm.register(load(), name=name)
            except Exception as exc:
                self._failed(name, "built-in", None, None, exc)

    def _warn_unknown(self, selection: PluginSelection) -> None:
        """One warning line (once per process) for names in the selection that match no
        plugin: a typo in ``no:NAME`` would otherwise leave NAME on, silently."""
        named = selection.names()
        builtins = [_plugin_name(p) for p in default_plugins()] + list(OPTIONAL_PLUGINS)
        unknown = set(named) - set(builtins) - {BUILTIN_PREFIX + name for name in builtins}
        for name in sorted(unknown):
            retired = RETIRED_PLUGINS.get(name.removeprefix(BUILTIN_PREFIX))
            if retired is not None:
                self._warn_once(f"{PLUGINS_ENV} names {name!r}: {retired}")
                unknown.discard(name)
        if not unknown:
            return
        installed = _installed()  # only read when a name is not a built-in's
        unknown -= {ep.name for ep, _, _ in installed} | {d for _, d, _ in installed if d}
        if not unknown:
            return
        known = ", ".join([*builtins, *sorted({ep.name for ep, _, _ in installed})])
        names = ", ".join(repr(name) for name in sorted(unknown))
        line = (
            f"{PLUGINS_ENV} names {names}, which "
            f"{'is not a plugin' if len(unknown) == 1 else 'are not plugins'} "
            f"in this environment (ignored); known plugins: {known}"
        )
        self._warn_once(line)

    def _warn_once(self, line: str) -> None:
        with self._warn_lock:
            first = line not in _REPORTED
            _REPORTED.add(line)
        if first:
            log.warning("%s", line)

    def _failed(
        self, name: str, kind: Kind, dist: str | None, version: str | None, exc: Exception
    ) -> None:
        if isinstance(exc, PluginError):
            reason = str(exc).split(": ", 1)[-1]
        else:
            reason = f"{type(exc).__name__}: {exc}"
        reason = reason.splitlines()[0] if reason else type(exc).__name__
        where = f" from {dist} {version}" if dist else " (built-in)"
        how = f"{PLUGINS_ENV}=no:{name}" + (f", or pip uninstall {dist}" if dist else "")
        if kind == "built-in":
            how = f"leave {name} out of {PLUGINS_ENV}"
        line = f"plugin {name!r}{where} failed to load ({reason}); to turn it off: {how}"
        self.failed.append(
            PluginInfo(
                name=name,
                kind=kind,
                status="failed",
                distribution=dist,
                version=version,
                error=line,
            )
        )
        self.unreported = True

    def report_failed(self) -> None:
        """Log each load failure once (one line each), at the client's first request.

        Not when the client is made: a command that only lists plugins shows them, and
        ``upload_file_chunked`` raises the same line instead.
        """
        self.unreported = False
        for info in self.failed:
            self._warn_once(info.error or info.name)

    def check_loaded(self) -> None:
        """Raise :class:`PluginError` when a plugin that should be loaded failed to.

        ``upload_file_chunked`` calls this before its first request: a transfer without
        a checksum or veto plugin the environment expects must not go ahead.
        """
        if not self.failed:
            return
        self.unreported = False  # the error says it
        first = self.failed[0]
        more = f" (and {len(self.failed) - 1} more)" if len(self.failed) > 1 else ""
        raise PluginError(
            f"{first.error}{more}",
            plugin=first.name,
            distribution=f"{first.distribution} {first.version}" if first.distribution else None,
        )

    # ------------------------------------------------------------------ listing

    def list_plugin_names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin()]

    def list_plugins(self) -> list[PluginInfo]:
        """Every plugin: loaded (with its hooks), disabled and failed."""
        infos: list[PluginInfo] = []
        for name, plugin in self.pm.list_name_plugin():
            kind, dist, version = self._origins.get(name, ("given", None, None))
            if kind == "built-in":
                dist, version = "openai-uploads", __version__
            hooks = tuple(sorted(c.name for c in self.pm.get_hookcallers(plugin) or []))
            infos.append(
                PluginInfo(
                    name=name,
                    kind=kind,
                    status="loaded",
                    hooks=hooks,
                    distribution=dist,
                    version=version,
                )
            )
        others = [
            dataclasses.replace(info, distribution="openai-uploads", version=__version__)
            if info.kind == "built-in"
            else info
            for info in self.failed + self.disabled
        ]
        if self._autoload_off is not None:
            listed = {info.name for info in infos + others}
            note = f"plugins are not loaded from the environment: {self._autoload_off}"
            others += [
                _disabled(ep.name, "installed", note, dist, version)
                for ep, dist, version in _installed()
                if ep.name not in listed
            ]
        return infos + others

    # ------------------------------------------------------------------ naming

    def label(self, name: str) -> str:
        """How messages name a plugin: ``'example' (openai-uploads-example 1.0.0)``."""
        _, dist, version = self._origins.get(name, ("given", None, None))
        if dist:
            return f"{name!r} ({dist} {version})" if version else f"{name!r} ({dist})"
        return repr(name)

    def refusal(self, name: str, reason: str) -> PluginError:
        _, dist, version = self._origins.get(name, ("given", None, None))
        return PluginError(
            f"plugin {self.label(name)} cannot be registered: {reason}",
            plugin=name,
            distribution=f"{dist} {version}" if dist and version else dist,
        )

    def fault(self, name: str, hook: str, what: str) -> PluginError:
        _, dist, version = self._origins.get(name, ("given", None, None))
        return PluginError(
            f"plugin {self.label(name)} {what} in {hook}",
            hook=hook,
            plugin=name,
            distribution=f"{dist} {version}" if dist and version else dist,
        )


def _disabled(
    name: str, kind: Kind, note: str, dist: str | None = None, version: str | None = None
) -> PluginInfo:
    return PluginInfo(
        name=name, kind=kind, status="disabled", distribution=dist, version=version, note=note
    )


def _installed() -> list[tuple[importlib.metadata.EntryPoint, str | None, str | None]]:
    """The entry points of installed plugins (first of each name), with their
    distribution's name and version; nothing is imported."""
    seen: set[str] = set()
    found = []
    for ep in importlib.metadata.entry_points(group=hookspecs.PROJECT_NAME):
        if ep.name in seen:
            continue
        seen.add(ep.name)
        dist = ep.dist.name if ep.dist is not None else None
        version = ep.dist.version if ep.dist is not None else None
        found.append((ep, dist, version))
    return found


def _plugin_name(plugin: object) -> str:
    name = getattr(plugin, "__name__", None) or type(plugin).__name__
    return str(name).rsplit(".", 1)[-1]
