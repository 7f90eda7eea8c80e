"""The test harness's own helpers that the suite's speed depends on (tests/_support.py, tests/_emulator_support.py)."""

from __future__ import annotations

import threading
import time

import pytest

from _emulator_support import _state_resources
from _support import PENDING_ENV, wait_for_install


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
