"""The test harness's own helpers that the suite's speed depends on (tests/_support.py, tests/_emulator_support.py)."""

from __future__ import annotations

import threading
import time

import pytest

from _emulator_support import _state_resources
from _support import PENDING_ENV, schedule_order, wait_for_install


def test_wait_for_install_returns_when_the_marker_goes(tmp_path, monkeypatch):
    """scripts/test.sh starts pytest while checkov and cdktf-cli install; their tests wait for the marker."""
    monkeypatch.setenv(PENDING_ENV, str(tmp_path))
    marker = tmp_path / "checkov.pending"
    marker.touch()
    threading.Timer(0.6, marker.unlink).start()
    start = time.monotonic()
    wait_for_install("checkov")
    assert not marker.exists() and time.monotonic() - start >= 0.5


def test_wait_for_install_gives_up_at_its_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv(PENDING_ENV, str(tmp_path))
    (tmp_path / "cdktf-cli.pending").touch()
    start = time.monotonic()
    wait_for_install("cdktf-cli", timeout=0.2)
    assert time.monotonic() - start < 5


def test_wait_for_install_without_the_variable_does_not_wait(tmp_path, monkeypatch):
    monkeypatch.delenv(PENDING_ENV, raising=False)
    (tmp_path / "checkov.pending").touch()
    start = time.monotonic()
    wait_for_install("checkov")
    assert time.monotonic() - start < 0.5


def test_state_resources_are_addressed_as_terraform_does():
    """Stack.state_json() reads the state file (format 4); addresses as `terraform show -json` gives them
    (tests/test_emulator.py::test_apply_byob_aws compares the two on a real apply)."""
    raw = {"version": 4, "resources": [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "b", "instances": [{"attributes": {"id": "x"}}]},
        {"mode": "data", "type": "aws_region", "name": "r", "instances": [{"attributes": {"name": "us-west-2"}}]},
        {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [
            {"index_key": 0, "attributes": {"id": "a"}}, {"index_key": "b", "attributes": {"id": "b"}}]},
        {"module": "module.old", "mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {}}]},
    ]}
    assert [r["address"] for r in _state_resources(raw)] == [
        "aws_s3_bucket.b", "data.aws_region.r", "aws_subnet.s[0]", 'aws_subnet.s["b"]']
    assert _state_resources(raw)[0]["values"] == {"id": "x"}
    assert _state_resources({}) == []
    with pytest.raises(AssertionError, match="version 3"):
        _state_resources({"version": 3, "resources": []})


class _Item:
    """What schedule_order reads of a pytest item: its node id and markers."""

    def __init__(self, nodeid: str, *markers: str) -> None:
        self.nodeid, self.markers = nodeid, set(markers)

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.markers else None


def test_schedule_starts_long_scenarios_and_keeps_one_worker_on_cpu_bound_modules() -> None:
    long = [_Item(f"tests/test_emulator.py::long{n}", "emulator", "long") for n in range(3)]
    short = [_Item(f"tests/test_emulator.py::short{n}", "emulator") for n in range(3)]
    short.append(_Item("tests/test_emulator.py::short3", "emulator", "medium"))  # queued before the others
    fast = [_Item("tests/test_a.py::one"), _Item("tests/test_a.py::two")]
    slow = [_Item("tests/test_b.py::x"), _Item("tests/test_b.py::y", "slow")]
    plain = [_Item("tests/test_c.py::z", "long")]  # a module whose fixture takes minutes: before the slow ones
    units = schedule_order([*fast, short[0], *slow, *long[:2], short[1], *plain, long[2], *short[2:]], workers=3)
    names = [[i.nodeid.split("::")[1] for i in unit] for unit in units]
    # Round 1 (one unit per worker): long scenarios on all workers but one, the longest module on that one;
    # round 2 (queued behind round 1): scenarios behind scenarios, a module behind the module; then alternating.
    assert names == [["long0"], ["long1"], ["z"], ["long2"], ["short3"], ["x", "y"],
                     ["short0"], ["one", "two"], ["short1"], ["short2"]]
    assert sorted(i.nodeid for unit in units for i in unit) == sorted(
        i.nodeid for i in [*long, *short, *fast, *slow, *plain])


def test_schedule_with_one_worker_still_runs_everything() -> None:
    items = [_Item("tests/test_a.py::one"), _Item("tests/test_emulator.py::s", "emulator")]
    assert [unit[0].nodeid for unit in schedule_order(items, workers=1)] == ["tests/test_emulator.py::s",
                                                                          "tests/test_a.py::one"]
