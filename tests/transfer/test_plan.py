"""The sans-I/O core: tiling, progress accounting, ordered ids. No server involved."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openai_uploads._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES, MiB
from openai_uploads._transfer._plan import (
    LAYOUT_TAPERED,
    LAYOUT_UNIFORM,
    TAPER_MIN_PART_SIZE,
    MissingPartsError,
    PartPlan,
    TransferState,
)


@given(
    total=st.integers(min_value=0, max_value=MAX_UPLOAD_BYTES),
    part_size=st.integers(min_value=1, max_value=MAX_PART_SIZE),
)
def test_uniform_layout_tiles_any_allowed_file_in_equal_parts(total: int, part_size: int) -> None:
    """The layout of resume records written before layouts were recorded."""
    plan = PartPlan(total_bytes=total, part_size=part_size, layout=LAYOUT_UNIFORM)
    if plan.part_count > 10_000:  # check the ends and a sample; the formula is the same
        numbers = [1, 2, plan.part_count // 2, plan.part_count - 1, plan.part_count]
        parts = [plan.part(n) for n in numbers]
        assert parts[0].offset == 0
        assert parts[-1].end == total
        for part in parts:
            assert part.offset == (part.number - 1) * part_size
            assert 1 <= part.size <= part_size
        assert all(p.size == part_size for p in parts[:-1])
        return
    parts = list(plan)
    assert len(parts) == plan.part_count
    assert [p.number for p in parts] == list(range(1, len(parts) + 1))
    position = 0
    for part in parts:
        assert part.offset == position
        assert 1 <= part.size <= part_size
        position = part.end
    assert position == total
    assert all(p.size == part_size for p in parts[:-1])


@given(
    total=st.integers(min_value=0, max_value=MAX_UPLOAD_BYTES),
    part_size=st.integers(min_value=1, max_value=MAX_PART_SIZE),
)
def test_tapered_layout_tiles_any_allowed_file_in_order_within_the_part_size(
    total: int, part_size: int
) -> None:
    plan = PartPlan(total_bytes=total, part_size=part_size, layout=LAYOUT_TAPERED)
    uniform = PartPlan(total_bytes=total, part_size=part_size, layout=LAYOUT_UNIFORM)
    assert uniform.part_count <= plan.part_count <= uniform.part_count + 16
    # Past the first parts only the last few can differ; check those and a sample.
    numbers = sorted(
        {1, 2, plan.part_count // 2, *range(max(1, plan.part_count - 40), plan.part_count + 1)}
    )
    numbers = [n for n in numbers if 1 <= n <= plan.part_count]
    ends: dict[int, int] = {}
    for n in numbers:
        part = plan.part(n)
        assert part.number == n
        assert 1 <= part.size <= part_size
        assert plan.size_of(n) == part.size
        assert part.offset == ends.get(n - 1, part.offset)
        ends[n] = part.end
    if plan.part_count:
        assert plan.part(1).offset == 0
        assert plan.part(plan.part_count).end == total


def test_tapered_layout_sends_a_gib_s_last_wave_in_halves_then_quarters() -> None:
    plan = PartPlan(total_bytes=1024 * MiB, part_size=64 * MiB)
    assert plan.layout == LAYOUT_TAPERED
    assert [p.size // MiB for p in plan] == [64] * 8 + [32] * 8 + [16] * 16


def test_tapered_layout_is_uniform_below_its_minimum_part_size_or_for_one_part() -> None:
    small = PartPlan(total_bytes=100 * MiB, part_size=TAPER_MIN_PART_SIZE - 1)
    assert [p.size for p in small] == [
        p.size for p in PartPlan(100 * MiB, TAPER_MIN_PART_SIZE - 1, layout=LAYOUT_UNIFORM)
    ]
    assert [p.size for p in PartPlan(total_bytes=64 * MiB, part_size=64 * MiB)] == [64 * MiB]


def test_the_most_parts_an_8_gib_upload_takes_at_64_mib_is_144() -> None:
    assert PartPlan(total_bytes=MAX_UPLOAD_BYTES, part_size=MAX_PART_SIZE).part_count == 144


def test_part_plan_rejects_an_unknown_layout() -> None:
    with pytest.raises(ValueError, match="unknown part layout 3"):
        PartPlan(total_bytes=10, part_size=4, layout=3)


@pytest.mark.parametrize("part_size", [0, -1, MAX_PART_SIZE + 1])
def test_part_plan_rejects_part_sizes_outside_one_byte_to_64_mib(part_size: int) -> None:
    with pytest.raises(ValueError, match="part_size"):
        PartPlan(total_bytes=10, part_size=part_size)


def test_part_plan_rejects_more_than_8_gib() -> None:
    with pytest.raises(ValueError, match="8 GiB"):
        PartPlan(total_bytes=MAX_UPLOAD_BYTES + 1, part_size=MAX_PART_SIZE)


def test_progress_never_goes_backwards_when_a_part_restarts() -> None:
    state = TransferState(PartPlan(total_bytes=4 * MiB, part_size=4 * MiB))
    totals = []
    for sent, now in [(MiB, 0.0), (2 * MiB, 0.2), (0, 0.3), (MiB, 0.4), (3 * MiB, 0.6)]:
        total = state.record_progress(1, sent, now)
        if total is not None:
            totals.append(total)
    final = state.complete_part(1, "part_1")
    assert final is not None
    totals.append(final)
    assert totals == sorted(totals)
    assert totals[-1] == 4 * MiB
    assert state.bytes_sent == 4 * MiB


def test_progress_is_coalesced_to_one_event_per_mib_or_100_ms() -> None:
    state = TransferState(PartPlan(total_bytes=4 * MiB, part_size=4 * MiB))
    fired = [state.record_progress(1, n * 64 * 1024, 0.001 * n) for n in range(1, 33)]
    assert sum(1 for f in fired if f is not None) == 2  # the first read, then 1 MiB later


def test_resumed_parts_count_as_sent_from_the_start() -> None:
    state = TransferState(PartPlan(total_bytes=10, part_size=4))
    state.resume({1: "a", 3: "c"})
    assert state.resumed_bytes == 6
    assert [p.number for p in state.plan if p.number not in state.done] == [2]


def test_ordered_part_ids_follow_file_order_not_completion_order() -> None:
    state = TransferState(PartPlan(total_bytes=10, part_size=4))
    for number, part_id in [(3, "c"), (1, "a"), (2, "b")]:
        state.complete_part(number, part_id)
    assert state.ordered_part_ids() == ["a", "b", "c"]


def test_ordered_part_ids_refuse_a_missing_part() -> None:
    state = TransferState(PartPlan(total_bytes=10, part_size=4))
    state.complete_part(1, "a")
    state.complete_part(3, "c")
    with pytest.raises(MissingPartsError, match=r"\[2\]"):
        state.ordered_part_ids()
