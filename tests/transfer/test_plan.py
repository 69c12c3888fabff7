"""The sans-I/O core: tiling, progress accounting, ordered ids. No server involved."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openai_uploads._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES, MiB
from openai_uploads._transfer._plan import MissingPartsError, PartPlan, TransferState


@given(
    total=st.integers(min_value=0, max_value=MAX_UPLOAD_BYTES),
    part_size=st.integers(min_value=1, max_value=MAX_PART_SIZE),
)
def test_part_plan_tiles_any_allowed_file_exactly(total: int, part_size: int) -> None:
    plan = PartPlan(total_bytes=total, part_size=part_size)
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
