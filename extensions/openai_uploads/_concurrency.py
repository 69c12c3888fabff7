"""The operations whose sync and async forms differ by more than ``await``.

The clients and resources are written once, as async code in :mod:`._async`, and
``scripts/unasync.py`` makes the sync code in :mod:`._sync` from it by renaming: each
async helper here becomes the sync one of the same name without the leading ``a``
(``await asleep(s)`` -> ``sleep(s)``).
"""

from __future__ import annotations

import collections
import contextlib
import inspect
import queue
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial
from types import FrameType
from typing import Any, Self, TypeVar, TypeVarTuple

import anyio
import anyio.to_thread

from ._platform import async_library
from ._transfer._plan import RequestBudget

__all__ = [
    "AsyncSlots",
    "AsyncWorkers",
    "Slots",
    "Workers",
    "ainterrupted",
    "aloop_header",
    "aresolve",
    "arun_blocking",
    "arun_stoppable",
    "ashield",
    "asleep",
    "awatch_interrupts",
    "interrupted",
    "loop_header",
    "resolve",
    "run_blocking",
    "run_stoppable",
    "shield",
    "sleep",
    "watch_interrupts",
]

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


def aloop_header() -> str:
    """An async client's ``X-Stainless-Async``: ``async:`` and the running loop's library."""
    return f"async:{async_library()}"


def loop_header() -> str:
    """The sync client's ``X-Stainless-Async``."""
    return "false"


async def asleep(seconds: float) -> None:
    """Wait ``seconds`` without blocking the event loop."""
    await anyio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Wait ``seconds``."""
    time.sleep(seconds)


async def aresolve(value: T | Awaitable[T]) -> T:
    """``value``, awaited if it is awaitable (what a plain or async callable returned)."""
    if inspect.isawaitable(value):
        return await value
    return value


def resolve(value: T) -> T:
    """``value`` itself: a sync callable's result needs no awaiting."""
    return value


async def arun_blocking(func: Callable[[*Ts], T], *args: *Ts) -> T:
    """``func(*args)`` in a worker thread, so that blocking I/O leaves the loop free."""
    return await anyio.to_thread.run_sync(func, *args)


def run_blocking(func: Callable[[*Ts], T], *args: *Ts) -> T:
    """``func(*args)``, here: sync code may block."""
    return func(*args)


# --------------------------------------------------------------------------- the transfer's


async def arun_stoppable(func: Callable[[threading.Event], T], discard: Callable[[T], None]) -> T:
    """``func(stop)`` in a worker thread. Cancelled, the caller does not wait for it:
    ``stop`` is set (``func`` ends at its next check), and a result it produces anyway
    is handed to ``discard`` (closed, not leaked)."""
    stop = threading.Event()
    handoff = threading.Lock()
    made: list[T] = []

    def run() -> T:
        result = func(stop)
        with handoff:
            if not stop.is_set():
                made.append(result)
                return result
        discard(result)
        return result  # nobody is waiting for it

    try:
        return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
    except BaseException:
        with handoff:
            stop.set()
            for result in made:
                discard(result)
        raise


def run_stoppable(func: Callable[[threading.Event], T], discard: Callable[[T], None]) -> T:
    """``func(stop)``, here (Ctrl-C stops it); ``discard`` is for the async twin."""
    return func(threading.Event())


def ashield(on: bool) -> anyio.CancelScope:
    """A scope the caller's cancellation does not reach into when ``on`` (the clean-up
    after a failure must finish: it is bounded by its own timeouts)."""
    return anyio.CancelScope(shield=on)


def shield(on: bool) -> contextlib.nullcontext[None]:
    """Nothing to shield: sync code is not cancelled from outside."""
    return contextlib.nullcontext()


def ainterrupted(exc: BaseException) -> BaseException:
    """``exc``: an event loop has no lock race to see through."""
    return exc


def interrupted(exc: BaseException) -> BaseException:
    """The KeyboardInterrupt that ``exc`` stands for, else ``exc``: a Ctrl-C landing in
    ``threading.Condition.wait`` between its release and re-acquire of the lock surfaces
    as ``RuntimeError('release unlocked lock')`` (the calling thread still waits on such
    conditions: for a result, in the clean-up), which is the user's Ctrl-C."""
    context = exc.__context__
    if (
        isinstance(exc, RuntimeError)
        and isinstance(context, KeyboardInterrupt)
        and "lock" in str(exc)
    ):
        return context
    return exc


class InterruptWatch:
    """Sees that a Ctrl-C reaches the transfer: one raised inside a finalizer (a
    ``weakref.finalize``, a ``__del__``) is printed as "ignored" and dropped. The SIGINT
    handler in place is wrapped: a ``KeyboardInterrupt`` it raises is noted, and
    :meth:`check` (called each time the flow waits for its parts) raises it again if it
    never arrived. A handler that does not raise (an app's own) keeps its choice."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending = False
        self.previous: Callable[[int, FrameType | None], Any] | None = None

    def on_sigint(self, signum: int, frame: FrameType | None) -> None:
        assert self.previous is not None
        try:
            self.previous(signum, frame)
        except KeyboardInterrupt:
            self.pending = True
            raise

    def check(self) -> None:
        """Raise the KeyboardInterrupt that was raised but never reached the driver."""
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    def seen(self, exc: BaseException) -> None:
        """The driver caught ``exc``: a KeyboardInterrupt is no longer pending."""
        if isinstance(exc, KeyboardInterrupt):
            self.pending = False


class _NotWatching(InterruptWatch):
    def check(self) -> None:  # nothing is watched
        pass


_WATCH = InterruptWatch()
"""The one watch of the main thread (signal handlers run only there)."""


@contextlib.contextmanager
def awatch_interrupts() -> Iterator[InterruptWatch]:
    """Nothing to watch: an event loop's runner turns Ctrl-C into a cancellation."""
    yield _NotWatching()


@contextlib.contextmanager
def watch_interrupts() -> Iterator[InterruptWatch]:
    """Watch for a lost Ctrl-C (:class:`InterruptWatch`) in the main thread; nested: one."""
    watch = _WATCH
    if threading.current_thread() is not threading.main_thread():
        yield _NotWatching()
        return
    if watch.depth == 0:
        current = signal.getsignal(signal.SIGINT)
        if not callable(current):  # ignored, or the C default: nothing raised to lose
            yield _NotWatching()
            return
        watch.previous, watch.pending = current, False
        signal.signal(signal.SIGINT, watch.on_sigint)
    watch.depth += 1
    try:
        yield watch
    finally:
        watch.depth -= 1
        if watch.depth == 0:
            if signal.getsignal(signal.SIGINT) == watch.on_sigint:
                signal.signal(signal.SIGINT, watch.previous)
            watch.previous, watch.pending = None, False


POLL_INTERVAL = 0.2
"""How often the sync transfer's calling thread wakes while waiting, so that signals
are handled promptly."""

Done = list[tuple[int, object]]
"""Jobs that ended since the last look: ``(key, result or the exception it raised)``."""


class AsyncWorkers:
    """The jobs a transfer runs beside its flow (parts, the digest read): tasks of one
    task group, each in its own cancel scope, collected as they end.

    A job's exception is its result (the flow decides what it means); a job that
    :meth:`cancel` stopped reports nothing.
    """

    def __init__(self, size: int) -> None:
        self._group = anyio.create_task_group()
        self._scopes: dict[int, anyio.CancelScope] = {}
        self._threads: set[int] = set()
        self._done: Done = []
        self._ended = anyio.Event()
        self._turn: anyio.Event | None = None

    async def __aenter__(self) -> Self:
        await self._group.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        self._group.cancel_scope.cancel()
        return await self._group.__aexit__(*exc_info)

    def start(self, key: int, func: Callable[[], Awaitable[object]]) -> None:
        """Run ``await func()`` beside the flow."""
        scope = self._scopes[key] = anyio.CancelScope()
        self._group.start_soon(self._run, key, scope, func)

    def start_in_turn(
        self, key: int, func: Callable[[Callable[[], None]], Awaitable[object]]
    ) -> None:
        """Run ``await func(began)`` beside the flow once the job started in turn before
        it has called its ``began`` (or ended, or been cancelled): jobs started so begin
        in the order they were started, and run side by side after that. ``began`` must
        be called in the event loop's thread."""
        before, mine = self._turn, anyio.Event()
        self._turn = mine

        async def run() -> object:
            try:
                if before is not None:
                    await before.wait()
                return await func(mine.set)
            finally:
                mine.set()

        self.start(key, run)

    def start_thread(self, key: int, func: Callable[[], object]) -> None:
        """Run ``func()`` in a worker thread beside the flow; it must stop on its own
        (see :meth:`cancel`)."""
        self._threads.add(key)
        self.start(key, partial(anyio.to_thread.run_sync, func, abandon_on_cancel=True))

    def start_here(self, key: int, func: Callable[[], object]) -> None:
        """Run ``func()`` now, in this thread (a job too small for a thread of its own);
        its result or exception is reported as any job's."""
        self._ended_here(key, _call(func))

    async def run_here(
        self, key: int, func: Callable[[Callable[[], None]], Awaitable[object]]
    ) -> None:
        """Run ``await func(began)`` to its end now, in this task: its result or error
        is reported as any job's; a cancellation or KeyboardInterrupt stops the caller."""
        result: object
        try:
            result = await func(_nothing)
        except Exception as exc:
            result = exc
        self._ended_here(key, result)

    def _ended_here(self, key: int, result: object) -> None:
        self._done.append((key, result))
        self._ended.set()

    async def _run(
        self, key: int, scope: anyio.CancelScope, func: Callable[[], Awaitable[object]]
    ) -> None:
        try:
            with scope:
                result: object
                try:
                    result = await func()
                except anyio.get_cancelled_exc_class():
                    raise
                except BaseException as exc:
                    result = exc
                if not scope.cancel_called:  # a job cancel() stopped reports nothing
                    self._done.append((key, result))
        finally:
            if self._scopes.get(key) is scope:  # not yet a later job of the same key
                del self._scopes[key]
            self._ended.set()

    async def wait(self, seconds: float | None) -> Done:
        """What ended, after waiting up to ``seconds`` (None: no limit; 0: not at all)
        for something to end."""
        if not self._done and seconds != 0:
            with anyio.move_on_after(seconds):
                await self._ended.wait()
        return self._take()

    def _take(self) -> Done:
        done, self._done = self._done, []
        if self._ended.is_set():
            self._ended = anyio.Event()
        return done

    async def _until_ended(self, keys: set[int], seconds: float | None) -> None:
        with anyio.move_on_after(seconds):
            while keys & self._scopes.keys():
                await self._ended.wait()
                self._ended = anyio.Event()

    async def cancel(self, keep: frozenset[int], grace: float, stop_grace: float) -> Done:
        """Stop every job: wait up to ``grace`` seconds for those in ``keep``, cancel the
        other tasks (and wait for them), give the threads ``stop_grace`` seconds to stop.
        Returns what ended meanwhile."""
        await self._until_ended(set(keep), grace)
        for key, scope in self._scopes.items():
            if key not in self._threads:
                scope.cancel()
        await self._until_ended(self._scopes.keys() - self._threads, None)
        await self._until_ended(set(self._threads), stop_grace)
        for scope in self._scopes.values():
            scope.cancel()
        self._turn = None
        return self._take()


class Workers:
    """The jobs a transfer runs beside its flow, in a pool of threads; the calling thread
    waits in :data:`POLL_INTERVAL` slices, so that Ctrl-C lands promptly."""

    def __init__(self, size: int) -> None:
        self._executor = ThreadPoolExecutor(size, thread_name_prefix="openai-upload")
        self._futures: dict[Future[object], int] = {}
        self._threads: set[Future[object]] = set()
        self._abandoned: list[Future[object]] = []
        self._turn: threading.Event | None = None
        self._ended: queue.SimpleQueue[tuple[Future[object], object]] = queue.SimpleQueue()
        """Each job and its outcome as it ends (put by its done callback). Not
        ``concurrent.futures.wait``: a Ctrl-C amid the future locks it takes in Python
        left one held, and the job's thread (and the interpreter's exit) hung for good."""

    def _track(self, future: Future[object], key: int) -> None:
        self._futures[future] = key
        future.add_done_callback(lambda done: self._ended.put((done, _outcome(done))))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # The threads of a failed transfer stop on their own (at their next chunk or
        # slice): not waited for.
        running = any(not future.done() for future in [*self._futures, *self._abandoned])
        self._executor.shutdown(wait=not running, cancel_futures=True)

    def start(self, key: int, func: Callable[[], object]) -> None:
        """Run ``func()`` in a pool thread beside the flow."""
        self._track(self._executor.submit(func), key)

    def start_in_turn(self, key: int, func: Callable[[Callable[[], None]], object]) -> None:
        """Run ``func(began)`` in a pool thread once the job started in turn before it
        has called its ``began`` (or ended, or been cancelled before it ran)."""
        before, mine = self._turn, threading.Event()
        self._turn = mine

        def run() -> object:
            if before is not None:
                before.wait()
            return func(mine.set)

        future = self._executor.submit(run)
        future.add_done_callback(lambda _: mine.set())  # ended, failed or cancelled
        self._track(future, key)

    def start_thread(self, key: int, func: Callable[[], object]) -> None:
        """Run ``func()`` in a pool thread beside the flow; it must stop on its own."""
        future = self._executor.submit(func)
        self._track(future, key)
        self._threads.add(future)

    def start_here(self, key: int, func: Callable[[], object]) -> None:
        """Run ``func()`` now, in this thread (see :meth:`AsyncWorkers.start_here`)."""
        self._ended_here(key, _call(func))

    def run_here(self, key: int, func: Callable[[Callable[[], None]], object]) -> None:
        """Run ``func(began)`` to its end now, in this thread (see
        :meth:`AsyncWorkers.run_here`)."""
        result: object
        try:
            result = func(_nothing)
        except Exception as exc:
            result = exc
        self._ended_here(key, result)

    def _ended_here(self, key: int, result: object) -> None:
        """Report ``result`` as job ``key``'s, as a future that is already done."""
        future: Future[object] = Future()
        future.set_result(result)
        self._track(future, key)

    def wait(self, seconds: float | None) -> Done:
        """What ended, after waiting up to ``seconds`` (None: no limit; 0: not at all),
        at most :data:`POLL_INTERVAL`, for something to end."""
        timeout = seconds
        if timeout != 0:
            timeout = POLL_INTERVAL if timeout is None else min(POLL_INTERVAL, timeout)
        ended: list[tuple[Future[object], object]] = []
        try:
            ended.append(self._ended.get(timeout=timeout) if timeout else self._ended.get_nowait())
            while True:
                ended.append(self._ended.get_nowait())
        except queue.Empty:
            pass
        # (a job that cancel() gave up on may still end: it is no longer reported)
        return [(self._futures.pop(f), outcome) for f, outcome in ended if f in self._futures]

    def cancel(self, keep: frozenset[int], grace: float, stop_grace: float) -> Done:
        """Stop every job: wait up to ``grace`` seconds for those in ``keep``, cancel the
        queued ones (running ones stop on their own), give the threads ``stop_grace``
        seconds to stop. Returns what ended meanwhile."""
        ended: Done = []
        landing = {future for future, key in self._futures.items() if key in keep}
        deadline = time.monotonic() + grace
        while landing and (left := deadline - time.monotonic()) > 0:
            done, _ = wait(landing, timeout=left, return_when=FIRST_COMPLETED)
            for future in done:
                landing.discard(future)
                ended.append((self._futures.pop(future), _outcome(future)))
        for future in self._futures:
            future.cancel()
        if self._threads:
            wait(self._threads, timeout=stop_grace)
        self._abandoned += self._futures
        self._futures.clear()
        self._threads.clear()
        self._turn = None
        return ended


class AsyncSlots:
    """The requests a batch of transfers may have in flight at once, shared by all its
    files and parts: ``async with slots.hold(): ...`` around each request, as many at
    once as its :class:`.RequestBudget` allows now (first come, first served).
    ``stopped()`` returning an exception refuses every later hold with it (the batch is
    stopping)."""

    def __init__(self, budget: RequestBudget, stopped: Callable[[], BaseException | None]) -> None:
        self.budget = budget
        self._stopped = stopped
        self._in_flight = 0
        self._waiting: collections.deque[anyio.Event] = collections.deque()

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        if self._waiting or self._in_flight >= self.budget.limit:
            turn = anyio.Event()
            self._waiting.append(turn)
            try:
                await turn.wait()  # given a slot: counted in _in_flight by _admit
            except BaseException:
                if turn.is_set():
                    self._release()  # given one as it was cancelled: pass it on
                else:
                    self._waiting.remove(turn)
                raise
        else:
            self._in_flight += 1
        try:
            if (error := self._stopped()) is not None:
                raise error
            yield
        finally:
            self._release()

    def throttled(self) -> None:
        """An attempt is to be retried: the budget may shrink."""
        self.budget.throttled(time.monotonic())

    def succeeded(self) -> None:
        """A request succeeded: the budget may grow."""
        if self.budget.succeeded():
            self._admit()

    def _release(self) -> None:
        self._in_flight -= 1
        self._admit()

    def _admit(self) -> None:
        while self._waiting and self._in_flight < self.budget.limit:
            self._in_flight += 1
            self._waiting.popleft().set()


class Slots:
    """The requests a batch of transfers may have in flight at once (see
    :class:`AsyncSlots`); a wait for a slot wakes every :data:`POLL_INTERVAL` to see
    whether the batch is stopping."""

    def __init__(self, budget: RequestBudget, stopped: Callable[[], BaseException | None]) -> None:
        self.budget = budget
        self._stopped = stopped
        self._in_flight = 0
        self._room = threading.Condition()

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        with self._room:
            while self._in_flight >= self.budget.limit:
                self._room.wait(POLL_INTERVAL)
                if (error := self._stopped()) is not None:
                    raise error
            self._in_flight += 1
        try:
            if (error := self._stopped()) is not None:
                raise error
            yield
        finally:
            with self._room:
                self._in_flight -= 1
                self._room.notify()

    def throttled(self) -> None:
        """An attempt is to be retried: the budget may shrink."""
        with self._room:
            self.budget.throttled(time.monotonic())

    def succeeded(self) -> None:
        """A request succeeded: the budget may grow."""
        with self._room:
            if self.budget.succeeded():
                self._room.notify()


def _nothing() -> None:
    """``began`` of a job run in place: nothing waits for it to begin."""


def _call(func: Callable[[], object]) -> object:
    """``func()``'s result, or the exception it raised."""
    try:
        return func()
    except BaseException as exc:
        return exc


def _outcome(future: Future[object]) -> object:
    try:
        return future.result()
    except BaseException as exc:
        return exc
