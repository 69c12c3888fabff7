"""The plugin manager of a client: pluggy, plus the guarantees the rest of the package needs.

Every hook is dispatched by pluggy (``pm.hook.<name>(event=...)``): wrappers,
``tryfirst`` / ``trylast``, hook-call monitoring and tracing see every call, and an impl
may take any subset of a hook's arguments. What this module adds happens once, when a
plugin is registered (whoever registers it, ``pm.register`` included):

* it refuses ``async def`` impls, hooks that do not exist, and a claim on the ``md5``
  digest, with a :class:`PluginError` naming the plugin;
* it wraps each impl's function in a guard, which pluggy then calls instead:

  - observer hooks (progress, lifecycle): an exception is logged once per plugin and
    hook, then ignored, so it can never stop a transfer or the other plugins;
  - decision hooks (``decide_retry``, ``prepare_request``, ``digest_algorithms``,
    ``check_digests``): an exception, or a result of the wrong kind, raises
    :class:`PluginError` naming the plugin (which fails the transfer and cancels the
    Upload); hashers are checked the same way, and a ``Veto`` gets the plugin's name.

Installed plugins (entry points of the ``openai_uploads`` group) are loaded one by one:
one that cannot be loaded is reported in one line naming its distribution and how to
turn it off, and only stops what needs it (``upload_file_chunked``). The
``OPENAI_UPLOADS_PLUGINS`` environment variable selects plugins by name (see
:class:`PluginSelection`).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.metadata
import inspect
import logging
import os
import string
import threading
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pluggy

from . import hookspecs
from ._exceptions import PluginError
from ._version import __version__
from .hookspecs import (
    BytesSent,
    DigestsComputed,
    DigestSetup,
    Hasher,
    HasherFactory,
    OutgoingRequest,
    PartCompleted,
    RequestFinished,
    RequestStarted,
    RetryContext,
    RetryDecision,
    TransferStarted,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    Veto,
)

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
RESERVED_DIGEST = "md5"


def _hook_names() -> frozenset[str]:
    marker = hookspecs.PROJECT_NAME + "_spec"
    return frozenset(name for name, value in vars(hookspecs).items() if hasattr(value, marker))


HOOKS = _hook_names()
"""Every hook of :mod:`.hookspecs` (read from its ``@hookspec`` marks)."""
OBSERVER_HOOKS = frozenset(name for name in HOOKS if name.startswith("on_"))
"""Hooks named ``on_*`` report what happened: a fault in one is logged and ignored."""
DECISION_HOOKS = HOOKS - OBSERVER_HOOKS
"""Every other hook decides something: a fault in one is a :class:`PluginError`."""

PROTECTED_HEADERS = ("content-length", "content-type", "transfer-encoding", "host")
"""Headers that describe the body: ``prepare_request`` must leave them alone."""

_HEX = frozenset(string.hexdigits)

Kind = Literal["built-in", "installed", "given"]
Status = Literal["loaded", "disabled", "failed"]


def _autoload_disabled_by_env() -> bool:
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def default_plugins() -> list[object]:
    """The built-in plugins every client starts with (they use the public hooks)."""
    from .plugins import logging as logging_plugin
    from .plugins import retry

    return [retry, logging_plugin]


def _load_otel() -> object:
    try:
        from .plugins.otel import OpenTelemetryPlugin
    except ModuleNotFoundError as exc:
        raise _Refused(
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
    """One plugin as ``openai-uploads plugins`` shows it."""

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


class _Refused(Exception):
    """A plugin cannot be registered; the message says why (without naming it)."""


# --------------------------------------------------------------------------- the manager


class UploadsPluginManager(pluggy.PluginManager):
    """pluggy's manager; every registration is checked and its impls guarded."""

    def __init__(self, host: PluginHost) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self._host = host

    def register(self, plugin: object, name: str | None = None) -> str | None:
        host = self._host
        name = name or host.default_name(plugin)
        try:
            host.refuse_async(plugin)
            registered = super().register(plugin, name)
        except pluggy.PluginValidationError as exc:
            raise host.refusal(name, str(exc).splitlines()[0]) from exc
        except _Refused as exc:
            raise host.refusal(name, str(exc)) from None
        except ValueError as exc:  # already registered, or the name is taken
            raise host.refusal(name, str(exc)) from exc
        if registered is None:  # blocked with pm.set_blocked
            return None
        try:
            host.validate(plugin, name)
        except _Refused as exc:
            super().unregister(plugin)
            raise host.refusal(name, str(exc)) from None
        host.guard(plugin, name)
        host.refresh()
        return registered

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        result = super().unregister(plugin, name)
        self._host.refresh()
        return result


class PluginHost:
    """One client's plugins: built-ins, installed entry points, and the caller's own.

    Order for every hook is pluggy's: ``tryfirst`` impls, then the most recently
    registered plugin first, then ``trylast`` ones. Registration order is the built-ins,
    then installed plugins, then the caller's ``plugins=[...]`` in the order given, so
    the caller's last plugin is called first; the built-in retry and md5 impls are
    ``trylast``.
    """

    def __init__(
        self,
        plugins: Iterable[object] = (),
        *,
        load_entrypoints: bool | None = None,
        selection: PluginSelection | None = None,
    ) -> None:
        self._warned: set[tuple[str, str]] = set()
        self._warn_lock = threading.Lock()
        self._origins: dict[str, tuple[Kind, str | None, str | None]] = {}
        self.failed: list[PluginInfo] = []
        """Installed (or optional) plugins that could not be loaded."""
        self.disabled: list[PluginInfo] = []
        self.unreported = False
        """A plugin failed to load and no request has said so yet (see report_failed)."""
        self.wants_progress = False
        self.wants_requests = False
        self.wants_prepare = False
        self.pm = UploadsPluginManager(self)
        self.pm.add_hookspecs(hookspecs)
        selection = selection or PluginSelection.from_env()
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
        self._autoload_off: str | None = None
        """Why installed plugins were not loaded (they are listed as disabled)."""
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
        for plugin in plugins:
            self.register(plugin)
        self.refresh()

    # ------------------------------------------------------------------ registration

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register a plugin object or module; a fault in it raises :class:`PluginError`."""
        return self.pm.register(plugin, name=name)

    def unregister(self, plugin: object) -> None:
        self.pm.unregister(plugin)

    def refresh(self) -> None:
        # Skip building events for hooks nobody implements (the hot path of a transfer).
        hook = self.pm.hook
        self.wants_progress = bool(hook.on_bytes_sent.get_hookimpls())
        self.wants_requests = bool(
            hook.on_request_start.get_hookimpls() or hook.on_request_end.get_hookimpls()
        )
        self.wants_prepare = bool(hook.prepare_request.get_hookimpls())

    def default_name(self, plugin: object) -> str:
        """A readable registered name: the module's or the class's, made unique."""
        base = getattr(plugin, "__name__", None)
        if not isinstance(base, str) or not base:
            base = type(plugin).__name__
        name, n = base, 1
        while self.pm.has_plugin(name):
            n += 1
            name = f"{base}#{n}"
        return name

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

    def refuse_async(self, plugin: object) -> None:
        for attr in dir(plugin):
            if self.pm.parse_hookimpl_opts(plugin, attr) is None:
                continue
            function = getattr(plugin, attr)
            if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
                raise _Refused(
                    f"its hook {attr} is 'async def', but hooks are called synchronously "
                    "(also by AsyncOpenAI): make it a plain 'def' (hand slow work to a "
                    "thread or a queue)"
                )

    def validate(self, plugin: object, name: str) -> None:
        """Hooks that exist, and no claim on the md5 digest (checked by a probe call)."""
        for caller in self.pm.get_hookcallers(plugin) or []:
            impls = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if not caller.has_spec():
                if all(i.optionalhook for i in impls):
                    continue
                known = ", ".join(sorted(OBSERVER_HOOKS | DECISION_HOOKS))
                raise _Refused(f"{caller.name!r} is not a hook (misspelled?); the hooks: {known}")
            if caller.name == "digest_algorithms" and not name.startswith(BUILTIN_PREFIX):
                probe = {"event": DigestSetup(filename="", total_bytes=0, expected_md5=None)}
                for impl in impls:
                    if impl.hookwrapper or impl.wrapper:
                        continue
                    try:
                        names = impl.function(*[probe[a] for a in impl.argnames])
                    except Exception:  # judged again on every transfer
                        continue
                    if isinstance(names, Mapping) and RESERVED_DIGEST in names:
                        raise _Refused(_MD5_RESERVED)

    def guard(self, plugin: object, name: str) -> None:
        """Wrap each impl's function so that pluggy calls it through the error policy."""
        label = self.label(name)
        builtin = name.startswith(BUILTIN_PREFIX)
        for caller in self.pm.get_hookcallers(plugin) or []:
            hook = caller.name
            if hook not in OBSERVER_HOOKS and hook not in DECISION_HOOKS:
                continue
            for impl in caller.get_hookimpls():
                if impl.plugin is not plugin:
                    continue
                if hook in OBSERVER_HOOKS:
                    fail = functools.partial(self._observer_failed, name, hook)
                else:
                    fail = functools.partial(self._decision_failed, name, hook)
                if impl.hookwrapper or impl.wrapper:
                    _install(impl, _guard_wrapper(impl.function, fail))
                elif hook in OBSERVER_HOOKS:
                    _install(impl, _guard_observer(impl.function, fail))
                else:
                    ctx = _Ctx(self, name, label, builtin, tuple(impl.argnames))
                    if hook == "prepare_request":
                        _install(impl, _guard_prepare(impl.function, fail, ctx))
                    else:
                        check = _CHECKS.get(hook, _unchecked)
                        _install(impl, _guard_decision(impl.function, fail, check, ctx))

    def _observer_failed(self, name: str, hook: str, exc: BaseException) -> None:
        key = (name, hook)
        with self._warn_lock:
            if key in self._warned:
                return
            self._warned.add(key)
        log.warning(
            "plugin %s raised in %s (ignored, and not logged again): %r",
            self.label(name),
            hook,
            exc,
        )
        # The warning stays one line; the traceback is there for whoever logs DEBUG.
        log.debug("traceback of plugin %s in %s:", self.label(name), hook, exc_info=exc)

    def _decision_failed(self, name: str, hook: str, exc: BaseException) -> None:
        if isinstance(exc, PluginError):
            raise exc
        raise self.fault(name, hook, f"raised {exc!r}") from exc

    def fault(self, name: str, hook: str, what: str) -> PluginError:
        _, dist, version = self._origins.get(name, ("given", None, None))
        return PluginError(
            f"plugin {self.label(name)} {what} in {hook}",
            hook=hook,
            plugin=name,
            distribution=f"{dist} {version}" if dist and version else dist,
        )

    # ------------------------------------------------------------------ loading

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
            line = info.error or info.name
            with self._warn_lock:
                first = line not in _REPORTED
                _REPORTED.add(line)
            if first:
                log.warning("%s", line)

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

    # ------------------------------------------------------------------ observers

    def _observe(self, hook: str, event: object) -> None:
        # Impls are guarded; what is left is pluggy's own (a monitoring callback, a
        # wrapper that broke pluggy's protocol): logged the same way, never raised.
        try:
            getattr(self.pm.hook, hook)(event=event)
        except Exception as exc:
            self._observer_failed("(pluggy)", hook, exc)

    def transfer_started(self, event: TransferStarted) -> None:
        self._observe("on_transfer_started", event)

    def upload_started(self, event: UploadStarted) -> None:
        self._observe("on_upload_started", event)

    def bytes_sent(self, event: BytesSent) -> None:
        try:
            self.pm.hook.on_bytes_sent(event=event)
        except Exception as exc:
            self._observer_failed("(pluggy)", "on_bytes_sent", exc)

    def part_completed(self, event: PartCompleted) -> None:
        self._observe("on_part_completed", event)

    def upload_completed(self, event: UploadCompleted) -> None:
        self._observe("on_upload_completed", event)

    def upload_failed(self, event: UploadFailed) -> None:
        self._observe("on_upload_failed", event)

    def upload_cancelled(self, event: UploadCancelled) -> None:
        self._observe("on_upload_cancelled", event)

    def request_started(self, event: RequestStarted) -> None:
        self._observe("on_request_start", event)

    def request_finished(self, event: RequestFinished) -> None:
        self._observe("on_request_end", event)

    # ------------------------------------------------------------------ decisions

    def _decide(self, hook: str, event: object) -> Any:
        try:
            return getattr(self.pm.hook, hook)(event=event)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(f"a plugin failed in {hook}: {exc!r}", hook=hook) from exc

    def prepare_request(self, event: OutgoingRequest) -> None:
        self._decide("prepare_request", event)

    def decide_retry(self, event: RetryContext) -> RetryDecision:
        decision = self._decide("decide_retry", event)
        if decision is None:  # only when the built-in policy is turned off
            return RetryDecision.give_up()
        if not isinstance(decision, RetryDecision):  # a wrapper changed the result
            raise PluginError(
                f"decide_retry must return a RetryDecision or None, got {decision!r}",
                hook="decide_retry",
            )
        if decision.retry and event.attempt >= event.max_retries:
            # The client caps retries, whatever a plugin decides.
            log.debug(
                "%s: a plugin asked for retry %d, over max_retries=%d: not retried",
                event.operation,
                event.attempt + 1,
                event.max_retries,
            )
            return RetryDecision.give_up()
        return decision

    def digest_algorithms(self, event: DigestSetup) -> dict[str, HasherFactory]:
        results: list[Mapping[str, HasherFactory] | None] = self._decide("digest_algorithms", event)
        merged: dict[str, HasherFactory] = {}
        # pluggy's call order: the plugin called first wins a name.
        for mapping in results:
            for algorithm, factory in (mapping or {}).items():
                merged.setdefault(algorithm, factory)
        return merged

    def check_digests(self, event: DigestsComputed) -> list[Veto]:
        results: list[Veto | None] = self._decide("check_digests", event)
        return [veto for veto in results if isinstance(veto, Veto)]


_REPORTED: set[str] = set()
"""Load failures already logged in this process (a line per plugin, not per client)."""

_MD5_RESERVED = (
    f"it returns the digest name {RESERVED_DIGEST!r}, which is reserved for the built-in "
    "md5 (sent with complete so the server checks the bytes); use another name"
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


# --------------------------------------------------------------------------- guards


@dataclass(frozen=True, slots=True)
class _Ctx:
    host: PluginHost
    name: str
    label: str
    builtin: bool
    argnames: tuple[str, ...]

    def fault(self, hook: str, what: str) -> PluginError:
        return self.host.fault(self.name, hook, what)

    def event_of(self, args: tuple[Any, ...]) -> Any:
        return args[self.argnames.index("event")] if "event" in self.argnames else None


def _install(impl: pluggy.HookImpl, guarded: Callable[..., Any]) -> None:
    """Make pluggy call ``guarded`` for ``impl``.

    pluggy calls ``impl.function(*args)`` with the arguments named in ``impl.argnames``
    (worked out from the plugin's own function, and left as they are), so the guard
    takes ``*args``. The attribute is Final in pluggy's annotations, which are about its
    own code; it is replaced once, right after registration, before any call.
    """
    impl.function = guarded  # type: ignore[misc]


def _guard_observer(function: Callable[..., Any], fail: Callable[[BaseException], None]) -> Any:
    @functools.wraps(function)
    def observer(*args: Any) -> None:
        try:
            function(*args)
        except Exception as exc:
            fail(exc)

    return observer


def _guard_decision(
    function: Callable[..., Any],
    fail: Callable[[BaseException], None],
    check: Callable[[_Ctx, Any], Any],
    ctx: _Ctx,
) -> Any:
    @functools.wraps(function)
    def decision(*args: Any) -> Any:
        try:
            result = function(*args)
        except Exception as exc:
            fail(exc)
            raise  # pragma: no cover - fail() always raises
        return check(ctx, result)

    return decision


def _guard_prepare(
    function: Callable[..., Any], fail: Callable[[BaseException], None], ctx: _Ctx
) -> Any:
    @functools.wraps(function)
    def prepare(*args: Any) -> None:
        event = ctx.event_of(args)
        before = _protected(event)
        try:
            function(*args)
        except Exception as exc:
            fail(exc)
        after = _protected(event)
        for name, old, new in zip(PROTECTED_HEADERS, before, after, strict=False):
            if old != new:
                raise ctx.fault(
                    "prepare_request", f"changed the {name} header ({old!r} -> {new!r})"
                )

    return prepare


def _guard_wrapper(function: Callable[..., Any], fail: Callable[[BaseException], None]) -> Any:
    """A wrapper impl (old or new style) whose own faults go to ``fail``.

    Exceptions of the impls it wraps pass through it untouched, as pluggy would pass them.
    """

    @functools.wraps(function)
    def wrapper(*args: Any) -> Generator[None, Any, Any]:
        try:
            inner = function(*args)
            next(inner)
        except StopIteration:
            fail(RuntimeError("the wrapper returned without yielding"))
            return (yield)
        except Exception as exc:
            fail(exc)
            return (yield)
        try:
            outcome = yield
        except BaseException as exc:  # new style: an inner impl raised
            try:
                inner.throw(exc)
            except StopIteration as stop:
                return stop.value
            except BaseException as raised:
                if raised is not exc and isinstance(raised, Exception):
                    fail(raised)
                raise
            fail(RuntimeError("the wrapper yielded twice"))
            raise
        try:
            inner.send(outcome)
        except StopIteration as stop:
            return stop.value
        except Exception as exc:
            fail(exc)
            return _keep(outcome)
        fail(RuntimeError("the wrapper yielded twice"))
        return _keep(outcome)

    return wrapper


def _keep(outcome: Any) -> Any:
    """What a new-style wrapper returns to leave the result alone (old style: ignored)."""
    return None if isinstance(outcome, pluggy.Result) else outcome


def _unchecked(ctx: _Ctx, result: Any) -> Any:
    return result


def _check_retry(ctx: _Ctx, result: Any) -> Any:
    if result is not None and not isinstance(result, RetryDecision):
        raise ctx.fault("decide_retry", f"returned {result!r} (not a RetryDecision or None)")
    return result


def _check_digest_algorithms(ctx: _Ctx, result: Any) -> Any:
    hook = "digest_algorithms"
    if result is None:
        return None
    if not isinstance(result, Mapping):
        raise ctx.fault(hook, f"returned {result!r} (not a mapping of names to hasher factories)")
    checked: dict[str, HasherFactory] = {}
    for algorithm, factory in result.items():
        if not isinstance(algorithm, str) or not algorithm:
            raise ctx.fault(hook, f"returned the digest name {algorithm!r} (not a string)")
        if not callable(factory):
            raise ctx.fault(hook, f"returned {factory!r} for {algorithm!r} (not callable)")
        if ctx.builtin:
            checked[algorithm] = factory
            continue
        if algorithm == RESERVED_DIGEST:
            raise ctx.fault(hook, _MD5_RESERVED.replace("it returns", "returned"))
        checked[algorithm] = functools.partial(_make_hasher, ctx, algorithm, factory)
    return checked


def _make_hasher(ctx: _Ctx, algorithm: str, factory: Callable[[], Any]) -> Hasher:
    try:
        hasher = factory()
    except Exception as exc:
        raise ctx.fault("digest_algorithms", f"'s {algorithm!r} factory raised {exc!r}") from exc
    update = getattr(hasher, "update", None)
    hexdigest = getattr(hasher, "hexdigest", None)
    if not callable(update) or not callable(hexdigest):
        raise ctx.fault(
            "digest_algorithms",
            f"'s {algorithm!r} factory made {hasher!r} (no update() and hexdigest())",
        )
    return _CheckedHasher(ctx, algorithm, update, hexdigest)


class _CheckedHasher:
    """A plugin's hasher: fed read-only views; its faults become ``PluginError``."""

    __slots__ = ("_algorithm", "_ctx", "_hexdigest", "_update")

    def __init__(
        self,
        ctx: _Ctx,
        algorithm: str,
        update: Callable[[memoryview], object],
        hexdigest: Callable[[], object],
    ) -> None:
        self._ctx = ctx
        self._algorithm = algorithm
        self._update = update
        self._hexdigest = hexdigest

    def update(self, data: memoryview, /) -> None:
        view = data if isinstance(data, memoryview) and data.readonly else memoryview(data)
        try:
            self._update(view.toreadonly())
        except Exception as exc:
            raise self._ctx.fault(
                "digest_algorithms", f"'s {self._algorithm!r} hasher raised {exc!r} in update()"
            ) from exc

    def hexdigest(self) -> str:
        try:
            value = self._hexdigest()
        except Exception as exc:
            raise self._ctx.fault(
                "digest_algorithms",
                f"'s {self._algorithm!r} hasher raised {exc!r} in hexdigest()",
            ) from exc
        if not isinstance(value, str) or not value or not _HEX.issuperset(value):
            raise self._ctx.fault(
                "digest_algorithms",
                f"'s {self._algorithm!r} hasher returned {value!r} from hexdigest() "
                "(not hexadecimal digits)",
            )
        return value.lower()


def _check_digests(ctx: _Ctx, result: Any) -> Any:
    if result is None:
        return None
    if not isinstance(result, Veto):
        raise ctx.fault("check_digests", f"returned {result!r} (not a Veto or None)")
    return dataclasses.replace(result, plugin=ctx.name)


def _protected(event: Any) -> tuple[str | None, ...]:
    if not isinstance(event, OutgoingRequest):
        return ()
    return tuple(event.headers.get(name) for name in PROTECTED_HEADERS)


_CHECKS: dict[str, Callable[[_Ctx, Any], Any]] = {
    "decide_retry": _check_retry,
    "digest_algorithms": _check_digest_algorithms,
    "check_digests": _check_digests,
}
