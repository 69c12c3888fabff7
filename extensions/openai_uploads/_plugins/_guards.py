"""What happens once, when a plugin is registered: refusals, and a guard around each impl.

A plugin is refused (with :class:`Refused`, which the host turns into a
:class:`~openai_uploads.PluginError` naming it) for an ``async def`` impl, a hook that
does not exist, or a claim on the ``md5`` digest. Each impl it registers is then wrapped
in a guard, which pluggy calls instead:

* observer hooks (``on_*``: progress, lifecycle): an exception goes to the host, which
  logs it once per plugin and hook and goes on;
* decision hooks (every other hook): an exception, or a result of the wrong kind, is a
  ``PluginError`` naming the plugin; hashers are checked the same way, and a ``Veto``
  gets the plugin's name.

Both tables are read from :mod:`openai_uploads.hookspecs`, never listed here.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import string
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

import pluggy

from .. import hookspecs
from .._exceptions import PluginError
from ..hookspecs import DigestSetup, Hasher, HasherFactory, OutgoingRequest, RetryDecision, Veto


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
RESERVED_DIGEST = "md5"

_HEX = frozenset(string.hexdigits)

_MD5_RESERVED = (
    f"it returns the digest name {RESERVED_DIGEST!r}, which is reserved for the built-in "
    "md5 (sent with complete so the server checks the bytes); use another name"
)


class Refused(Exception):
    """A plugin cannot be registered; the message says why (without naming it)."""


class Faults(Protocol):
    """Where a guard sends a plugin's faults: the host, which knows how to name the plugin."""

    def label(self, name: str) -> str: ...

    def fault(self, name: str, hook: str, what: str) -> PluginError: ...

    def observer_failed(self, name: str, hook: str, exc: BaseException) -> None: ...

    def decision_failed(self, name: str, hook: str, exc: BaseException) -> NoReturn: ...


# --------------------------------------------------------------------------- refusals


def refuse_async(pm: pluggy.PluginManager, plugin: object) -> None:
    for attr in dir(plugin):
        if pm.parse_hookimpl_opts(plugin, attr) is None:
            continue
        function = getattr(plugin, attr)
        if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
            raise Refused(
                f"its hook {attr} is 'async def', but hooks are called synchronously "
                "(also by AsyncOpenAI): make it a plain 'def' (hand slow work to a "
                "thread or a queue)"
            )


def validate(pm: pluggy.PluginManager, plugin: object, *, builtin: bool) -> None:
    """Hooks that exist, and no claim on the md5 digest (checked by a probe call)."""
    for caller in pm.get_hookcallers(plugin) or []:
        impls = [i for i in caller.get_hookimpls() if i.plugin is plugin]
        if not caller.has_spec():
            if all(i.optionalhook for i in impls):
                continue
            known = ", ".join(sorted(OBSERVER_HOOKS | DECISION_HOOKS))
            raise Refused(f"{caller.name!r} is not a hook (misspelled?); the hooks: {known}")
        if caller.name == "digest_algorithms" and not builtin:
            probe = {"event": DigestSetup(filename="", total_bytes=0, expected_md5=None)}
            for impl in impls:
                if impl.hookwrapper or impl.wrapper:
                    continue
                try:
                    names = impl.function(*[probe[a] for a in impl.argnames])
                except Exception:  # judged again on every transfer
                    continue
                if isinstance(names, Mapping) and RESERVED_DIGEST in names:
                    raise Refused(_MD5_RESERVED)


# --------------------------------------------------------------------------- guards


def guard(
    pm: pluggy.PluginManager, plugin: object, name: str, *, builtin: bool, faults: Faults
) -> None:
    """Wrap each impl's function so that pluggy calls it through the error policy."""
    label = faults.label(name)
    for caller in pm.get_hookcallers(plugin) or []:
        hook = caller.name
        if hook not in OBSERVER_HOOKS and hook not in DECISION_HOOKS:
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin is not plugin:
                continue
            fail: Callable[[BaseException], None]
            if hook in OBSERVER_HOOKS:
                fail = functools.partial(faults.observer_failed, name, hook)
            else:
                fail = functools.partial(faults.decision_failed, name, hook)
            if impl.hookwrapper or impl.wrapper:
                _install(impl, _guard_wrapper(impl.function, fail))
            elif hook in OBSERVER_HOOKS:
                _install(impl, _guard_observer(impl.function, fail))
            else:
                ctx = _Ctx(faults, name, label, builtin, tuple(impl.argnames))
                if hook == "prepare_request":
                    _install(impl, _guard_prepare(impl.function, fail, ctx))
                else:
                    check = _CHECKS.get(hook, _unchecked)
                    _install(impl, _guard_decision(impl.function, fail, check, ctx))


@dataclass(frozen=True, slots=True)
class _Ctx:
    host: Faults
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
