"""The plugin host: registration, precedence, and what happens when a plugin raises."""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
from collections.abc import Generator, Mapping

import httpx
import pytest

from openai_uploads import hookspecs
from openai_uploads._exceptions import PluginError
from openai_uploads._plugins import (
    DISABLE_AUTOLOAD_ENV,
    PLUGINS_ENV,
    PluginHost,
    PluginSelection,
)
from openai_uploads.hookspecs import (
    DigestsComputed,
    DigestSetup,
    HasherFactory,
    RetryContext,
    RetryDecision,
    UploadsPlugin,
    UploadStarted,
    Veto,
    hookimpl,
)

REQUEST = httpx.Request("POST", "http://127.0.0.1/v1/uploads/upload_x/parts")


def retry_context(
    *,
    status: int | None = 500,
    headers: dict[str, str] | None = None,
    attempt: int = 0,
    max_retries: int = 2,
    time_left: float | None = None,
) -> RetryContext:
    response = (
        httpx.Response(status, headers=headers or {}, request=REQUEST)
        if status is not None
        else None
    )
    return RetryContext(
        operation="add_part",
        attempt=attempt,
        max_retries=max_retries,
        request=REQUEST,
        response=response,
        error=None if response is not None else httpx.ConnectError("refused"),
        time_left=time_left,
    )


def started() -> UploadStarted:
    return UploadStarted(
        upload_id="upload_1", filename="a.bin", total_bytes=10, part_size=10, part_count=1
    )


def test_builtin_plugins_are_registered_by_default() -> None:
    host = PluginHost(load_entrypoints=False)
    assert host.list_plugin_names() == [
        "openai_uploads.builtin.retry",
        "openai_uploads.builtin.logging",
    ]


def test_misspelled_hook_name_fails_at_registration() -> None:
    class Typo:
        @hookimpl
        def on_upload_startd(self, event: UploadStarted) -> None: ...

    with pytest.raises(PluginError, match="'Typo' cannot be registered: 'on_upload_startd'"):
        PluginHost([Typo()], load_entrypoints=False)


def test_caller_retry_plugin_decides_before_the_builtin_policy() -> None:
    class Never:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            return RetryDecision.give_up()

    host = PluginHost([Never()], load_entrypoints=False)
    assert host.decide_retry(retry_context(status=503)) == RetryDecision.give_up()


def test_retry_plugin_returning_none_defers_to_the_builtin_policy() -> None:
    class Abstain:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> None:
            return None

    host = PluginHost([Abstain()], load_entrypoints=False)
    assert host.decide_retry(retry_context(status=503)).retry


@pytest.mark.parametrize(
    ("context", "retry"),
    [
        pytest.param(retry_context(status=500), True, id="500-retried"),
        pytest.param(retry_context(status=503), True, id="503-retried"),
        pytest.param(retry_context(status=429), True, id="429-retried"),
        pytest.param(retry_context(status=408), True, id="408-retried"),
        pytest.param(retry_context(status=409), True, id="409-retried"),
        pytest.param(retry_context(status=None), True, id="connection-error-retried"),
        pytest.param(retry_context(status=400), False, id="400-not-retried"),
        pytest.param(retry_context(status=404), False, id="404-not-retried"),
        pytest.param(retry_context(attempt=2, max_retries=2), False, id="budget-spent"),
        pytest.param(
            retry_context(status=400, headers={"x-should-retry": "true"}), True, id="header-yes"
        ),
        pytest.param(
            retry_context(status=500, headers={"x-should-retry": "false"}), False, id="header-no"
        ),
        pytest.param(retry_context(time_left=0.01), False, id="would-outlast-the-upload"),
    ],
)
def test_builtin_retry_policy(context: RetryContext, retry: bool) -> None:
    assert PluginHost(load_entrypoints=False).decide_retry(context).retry is retry


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        pytest.param({"retry-after": "3"}, 3.0, id="seconds"),
        pytest.param({"retry-after-ms": "250"}, 0.25, id="milliseconds"),
        pytest.param({"retry-after-ms": "1500", "retry-after": "9"}, 1.5, id="ms-wins"),
    ],
)
def test_builtin_retry_policy_honours_retry_after(headers: dict[str, str], delay: float) -> None:
    decision = PluginHost(load_entrypoints=False).decide_retry(
        retry_context(status=429, headers=headers)
    )
    assert decision == RetryDecision.after(delay)


def test_builtin_retry_policy_backs_off_exponentially_with_jitter() -> None:
    host = PluginHost(load_entrypoints=False)
    delays = [host.decide_retry(retry_context(attempt=n, max_retries=10)).delay for n in range(6)]
    for n, delay in enumerate(delays):
        ceiling = min(0.5 * 2**n, 8.0)
        assert 0.75 * ceiling <= delay <= ceiling


def test_digests_of_all_plugins_are_merged_and_md5_is_no_plugins() -> None:
    """The md5 is the engine's own (tests/transfer/test_md5_is_core.py), not a plugin's."""

    class Sha:
        @hookimpl
        def digest_algorithms(self, event: DigestSetup) -> Mapping[str, HasherFactory]:
            return {"sha256": hashlib.sha256}

    class Crc:
        @hookimpl
        def digest_algorithms(self, event: DigestSetup) -> Mapping[str, HasherFactory]:
            return {"crc": hashlib.sha1}

    host = PluginHost([Sha(), Crc()], load_entrypoints=False)
    algorithms = host.digest_algorithms(DigestSetup(filename="a", total_bytes=1, expected_md5=None))
    assert sorted(algorithms) == ["crc", "sha256"]


def digests_computed(expected_md5: str | None) -> DigestsComputed:
    return DigestsComputed(
        upload_id="upload_1",
        filename="a",
        total_bytes=5,
        digests={"md5": hashlib.md5(b"hello").hexdigest()},
        expected_md5=expected_md5,
    )


def test_no_builtin_plugin_vetoes_an_md5_the_engine_checks_it() -> None:
    assert PluginHost(load_entrypoints=False).check_digests(digests_computed("0" * 32)) == []


def test_a_plugin_can_veto_completion() -> None:
    class Strict:
        @hookimpl
        def check_digests(self, event: DigestsComputed) -> Veto:
            return Veto(reason="not on the allow list")

    vetoes = PluginHost([Strict()], load_entrypoints=False).check_digests(digests_computed(None))
    assert [veto.reason for veto in vetoes] == ["not on the allow list"]


def test_progress_plugin_errors_are_logged_once_and_ignored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []

    class Broken:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None:
            raise RuntimeError("boom")

    class Healthy:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None:
            seen.append(event.upload_id)

    host = PluginHost([Broken(), Healthy()], load_entrypoints=False)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host.upload_started(started())
        host.upload_started(started())
    assert seen == ["upload_1", "upload_1"]
    assert len([r for r in caplog.records if "boom" in r.getMessage()]) == 1


def test_decision_plugin_errors_raise_plugin_error() -> None:
    class Broken:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            raise RuntimeError("boom")

    host = PluginHost([Broken()], load_entrypoints=False)
    with pytest.raises(PluginError, match="decide_retry") as info:
        host.decide_retry(retry_context())
    assert info.value.hook == "decide_retry"


def test_decide_retry_must_return_a_retry_decision() -> None:
    class Wrong:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> object:
            return 3

    with pytest.raises(PluginError, match="RetryDecision"):
        PluginHost([Wrong()], load_entrypoints=False).decide_retry(retry_context())


def test_progress_listeners_are_detected_so_idle_hooks_cost_nothing() -> None:
    class Listener:
        @hookimpl
        def on_bytes_sent(self, event: object) -> None: ...

    assert not PluginHost(load_entrypoints=False).wants_progress
    assert PluginHost([Listener()], load_entrypoints=False).wants_progress


def test_entry_point_autoload_is_off_under_the_environment_switch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def entry_points(*, group: str) -> list[object]:
        calls.append(group)
        return []

    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    PluginHost()
    assert calls == []
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "0")
    PluginHost()
    assert calls == [hookspecs.PROJECT_NAME]


def test_every_event_is_frozen() -> None:
    event = started()
    with pytest.raises(AttributeError):
        event.upload_id = "other"  # type: ignore[misc]


# --------------------------------------------------------------------------- pluggy's terms


def test_observer_hooks_are_dispatched_by_pluggy_so_tracing_sees_them() -> None:
    lines: list[str] = []

    class Listener:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None: ...

    host = PluginHost([Listener()], load_entrypoints=False)
    host.pm.trace.root.setwriter(lines.append)
    host.pm.enable_tracing()
    host.upload_started(started())
    assert any("on_upload_started" in line for line in lines)


def test_tryfirst_and_registration_order_decide_the_call_order() -> None:
    order: list[str] = []

    class First:
        @hookimpl(tryfirst=True)
        def on_upload_started(self) -> None:
            order.append("first")

    class Early:
        @hookimpl
        def on_upload_started(self) -> None:
            order.append("registered first")

    class Late:
        @hookimpl
        def on_upload_started(self) -> None:
            order.append("registered last")

    PluginHost([First(), Early(), Late()], load_entrypoints=False).upload_started(started())
    assert order == ["first", "registered last", "registered first"]


def test_a_failing_observer_does_not_stop_a_wrapper_or_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def on_upload_started(self, event: UploadStarted) -> Generator[None, object, object]:
            calls.append("before")
            result = yield
            calls.append("after")
            return result

    class Broken:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None:
            raise RuntimeError("boom")

    class Healthy:
        @hookimpl(trylast=True)
        def on_upload_started(self, event: UploadStarted) -> None:
            calls.append("healthy")

    host = PluginHost([Wrapper(), Healthy(), Broken()], load_entrypoints=False)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host.upload_started(started())
    assert calls == ["before", "healthy", "after"]
    [record] = [r for r in caplog.records if "boom" in r.getMessage()]
    assert "plugin 'Broken' raised in on_upload_started" in record.getMessage()


def test_a_failing_observer_wrapper_is_logged_and_the_hook_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    class BadWrapper:
        @hookimpl(hookwrapper=True)
        def on_upload_started(self, event: UploadStarted) -> Generator[None, object, None]:
            yield
            raise RuntimeError("teardown failed")

    class Healthy:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None:
            calls.append("healthy")

    host = PluginHost([Healthy(), BadWrapper()], load_entrypoints=False)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host.upload_started(started())
    assert calls == ["healthy"]
    assert any("'BadWrapper'" in r.getMessage() for r in caplog.records)


def test_an_async_hook_is_refused_at_registration() -> None:
    class Async:
        @hookimpl
        async def on_upload_started(self, event: UploadStarted) -> None: ...

    with pytest.raises(PluginError, match=r"'Async'.*'async def'") as info:
        PluginHost([Async()], load_entrypoints=False)
    assert info.value.plugin == "Async"


def test_two_instances_of_one_class_get_distinct_readable_names() -> None:
    class Counter:
        @hookimpl
        def on_upload_started(self) -> None: ...

    host = PluginHost([Counter(), Counter()], load_entrypoints=False)
    assert host.list_plugin_names()[-2:] == ["Counter", "Counter#2"]


# --------------------------------------------------------------------------- decision faults


def test_a_retry_plugin_error_names_the_plugin() -> None:
    class Broken:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            raise RuntimeError("boom")

    with pytest.raises(PluginError, match="plugin 'Broken' raised RuntimeError") as info:
        PluginHost([Broken()], load_entrypoints=False).decide_retry(retry_context())
    assert (info.value.plugin, info.value.hook) == ("Broken", "decide_retry")


def test_the_client_caps_retries_whatever_a_plugin_decides() -> None:
    class Always:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            return RetryDecision.after(0)

    host = PluginHost([Always()], load_entrypoints=False)
    assert host.decide_retry(retry_context(attempt=1, max_retries=2)).retry
    assert not host.decide_retry(retry_context(attempt=2, max_retries=2)).retry


def test_a_plugin_claiming_md5_is_refused_at_registration() -> None:
    class Md5:
        @hookimpl
        def digest_algorithms(self, event: DigestSetup) -> Mapping[str, HasherFactory]:
            return {"md5": hashlib.md5}

    with pytest.raises(PluginError, match=r"'Md5'.*reserved"):
        PluginHost([Md5()], load_entrypoints=False)


def test_a_plugin_claiming_md5_only_at_transfer_time_is_refused_then() -> None:
    class Sneaky:
        @hookimpl
        def digest_algorithms(self, event: DigestSetup) -> Mapping[str, HasherFactory]:
            return {"md5": hashlib.md5} if event.total_bytes else {}

    host = PluginHost([Sneaky()], load_entrypoints=False)
    with pytest.raises(PluginError, match=r"'Sneaky'.*reserved"):
        host.digest_algorithms(DigestSetup(filename="a", total_bytes=5, expected_md5=None))


@pytest.mark.parametrize(
    ("result", "message"),
    [
        pytest.param(["sha256"], "not a mapping", id="not-a-mapping"),
        pytest.param({"sha256": "hashlib.sha256"}, "not callable", id="not-callable"),
        pytest.param({3: hashlib.sha256}, "not a string", id="bad-name"),
    ],
)
def test_digest_algorithms_results_are_checked(result: object, message: str) -> None:
    class Wrong:
        @hookimpl
        def digest_algorithms(self, event: DigestSetup) -> object:
            return result

    host = PluginHost(load_entrypoints=False)
    host.register(Wrong())
    with pytest.raises(PluginError, match=f"'Wrong'.*{message}"):
        host.digest_algorithms(DigestSetup(filename="a", total_bytes=5, expected_md5=None))


class BadHexHasher:
    def update(self, data: memoryview) -> None: ...

    def hexdigest(self) -> str:
        return "not hex!"


class RaisingHasher:
    def update(self, data: memoryview) -> None:
        raise ValueError("cannot hash")

    def hexdigest(self) -> str:
        return "00"


def hashers_of(plugin: object) -> dict[str, hookspecs.Hasher]:
    host = PluginHost([plugin], load_entrypoints=False)
    setup = DigestSetup(filename="a", total_bytes=5, expected_md5=None)
    return {name: factory() for name, factory in host.digest_algorithms(setup).items()}


def test_a_hasher_gets_read_only_views_of_the_same_bytes() -> None:
    seen: list[memoryview] = []

    class Spy:
        def update(self, data: memoryview) -> None:
            seen.append(data)

        def hexdigest(self) -> str:
            return "ab"

    class Plugin:
        @hookimpl
        def digest_algorithms(self) -> Mapping[str, HasherFactory]:
            return {"spy": Spy}

    buffer = bytearray(b"hello")
    hashers_of(Plugin())["spy"].update(memoryview(buffer))
    [view] = seen
    assert view.readonly
    assert view.obj is buffer  # no copy


@pytest.mark.parametrize(
    ("hasher", "message"),
    [
        pytest.param(BadHexHasher, "not hexadecimal", id="hexdigest-not-hex"),
        pytest.param(RaisingHasher, "raised ValueError", id="update-raises"),
        pytest.param(object, "no update", id="not-a-hasher"),
    ],
)
def test_hasher_faults_raise_plugin_error_naming_the_plugin(hasher: type, message: str) -> None:
    class Plugin:
        @hookimpl
        def digest_algorithms(self) -> Mapping[str, HasherFactory]:
            return {"mine": hasher}

    def use() -> None:
        instance = hashers_of(Plugin())["mine"]
        instance.update(memoryview(b"x"))
        instance.hexdigest()

    with pytest.raises(PluginError, match=f"'Plugin'.*{message}") as info:
        use()
    assert info.value.hook == "digest_algorithms"


def test_check_digests_must_return_a_veto_or_none() -> None:
    class Wrong:
        @hookimpl
        def check_digests(self) -> object:
            return "no"

    host = PluginHost([Wrong()], load_entrypoints=False)
    with pytest.raises(PluginError, match=r"'Wrong'.*not a Veto"):
        host.check_digests(digests_computed(None))


def test_every_veto_is_returned_with_its_plugin_name() -> None:
    class One:
        @hookimpl
        def check_digests(self) -> Veto:
            return Veto(reason="one")

    class Two:
        @hookimpl
        def check_digests(self) -> Veto:
            return Veto(reason="two", plugin="pretends to be someone else")

    vetoes = PluginHost([One(), Two()], load_entrypoints=False).check_digests(
        digests_computed("0" * 32)
    )
    assert {(v.reason.split(":")[0], v.plugin) for v in vetoes} == {
        ("one", "One"),
        ("two", "Two"),
    }


# --------------------------------------------------------------------------- selection


@pytest.mark.parametrize(
    ("value", "installed", "otel"),
    [
        pytest.param(None, True, False, id="unset"),
        pytest.param("", True, False, id="empty"),
        pytest.param("no:example", False, False, id="no-name"),
        pytest.param("no:openai-uploads-example", False, False, id="no-distribution"),
        pytest.param("no:*", False, False, id="no-star"),
        pytest.param("other", False, False, id="allow-list-without-it"),
        pytest.param("example", True, False, id="allow-list-with-it"),
        pytest.param("otel", False, True, id="otel-only"),
        pytest.param("*,otel", True, True, id="all-and-otel"),
        pytest.param("*, otel, no:otel", True, False, id="no-wins"),
    ],
)
def test_plugin_selection_syntax(value: str | None, installed: bool, otel: bool) -> None:
    selection = PluginSelection.parse(value)
    assert selection.allows_installed("example", "openai-uploads-example") is installed
    assert selection.allows_optional("otel") is otel


def test_a_builtin_plugin_is_turned_off_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PLUGINS_ENV, "no:logging")
    host = PluginHost(load_entrypoints=False)
    assert "openai_uploads.builtin.logging" not in host.list_plugin_names()
    assert "openai_uploads.builtin.retry" in host.list_plugin_names()


def test_a_subclass_of_the_typed_protocol_registers_only_the_hooks_it_implements() -> None:
    class Metrics(UploadsPlugin):
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None: ...

    host = PluginHost([Metrics()], load_entrypoints=False)
    [info] = [i for i in host.list_plugins() if i.name == "Metrics"]
    assert info.hooks == ("on_upload_started",)
