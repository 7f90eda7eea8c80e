"""Security gate: checkov (pinned) finds nothing we have not deliberately accepted.

Every configuration in ``_security_support.scan_configs()`` (default post-operator,
pre-operator with flow logs, BYO VPC/bucket, and every ``examples/*.yaml``) is
synthesized and scanned with ``checkov --framework terraform_json`` (one process, one ``-d`` per
configuration). A failed check
passes the gate only if ``security/checkov-skips.yaml`` lists its check id and
resource with a reason; a skip entry that matches no finding fails the gate too.

checkov is looked up as ``$WANDB_CDKTF_CHECKOV``, then ``.venv-checkov/bin/checkov``
(``scripts/install-checkov.sh``), then ``checkov`` on PATH; without it these tests skip.
Set ``WANDB_CDKTF_SECURITY_REPORT=<file>`` to write the per-stack counts as JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from _security_support import (
    CHECKOV_VERSION,
    SCAN_LABELS,
    CheckovResult,
    Finding,
    Skips,
    find_checkov,
    load_skips,
    scan_with_checkov,
    synthesized,
)
from _support import skip_or_fail

pytestmark = [pytest.mark.slow, pytest.mark.long]  # one fixture synthesizes and scans every configuration


@pytest.fixture(scope="module")
def checkov() -> str:
    binary = find_checkov()
    if binary is None:
        reason = "checkov not found (set WANDB_CDKTF_CHECKOV, or run scripts/install-checkov.sh to create .venv-checkov)"
        skip_or_fail(reason)
    return binary  # its version is checked on every report (scan_with_checkov)


@pytest.fixture(scope="module")
def skips() -> Skips:
    return load_skips()


@pytest.fixture(scope="module")
def scans(checkov: str) -> dict[str, CheckovResult]:
    """label -> checkov result; all configurations synthesized, then scanned by one checkov process."""
    results = scan_with_checkov(checkov, {label: synthesized(label) for label in SCAN_LABELS})
    report = os.environ.get("WANDB_CDKTF_SECURITY_REPORT")
    if report:
        Path(report).write_text(json.dumps(_counts(results, load_skips()), indent=2, sort_keys=True))
    return results


def _counts(results: dict[str, CheckovResult], skips: Skips) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for label, result in results.items():
        per: dict[str, dict[str, int]] = {s: {"passed": n, "failed": 0, "skipped": 0} for s, n in result.passed.items()}
        for f in result.failed:
            row = per.setdefault(f.stack, {"passed": 0, "failed": 0, "skipped": 0})
            row["skipped" if _skip_for(f, skips) else "failed"] += 1
        out[label] = per
    return out


def _skip_for(finding: Finding, skips: Skips):
    return next((s for s in skips.checkov if s.matches(finding.check_id, finding.address)), None)


def test_skip_file_is_well_formed(skips: Skips) -> None:
    assert skips.checkov, "security/checkov-skips.yaml lists no checkov entries"
    keys = [(s.check_id, s.pattern) for s in skips.checkov]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"duplicate skip entries: {dupes}"


@pytest.mark.parametrize("label", SCAN_LABELS)
def test_no_unaccepted_findings(label: str, scans: dict[str, CheckovResult], skips: Skips) -> None:
    result = scans[label]
    assert sum(result.passed.values()) > 0, f"{label}: checkov passed no check at all; did it scan anything?"
    unaccepted = [f for f in result.failed if _skip_for(f, skips) is None]
    assert not unaccepted, (
        f"{label}: checkov findings not listed in security/checkov-skips.yaml (fix them, or add an entry with a reason):\n"
        + "\n".join(f"  {f.stack}: {f.check_id} {f.address}  ({f.check_name})" for f in unaccepted)
    )


def test_no_stale_skip_entries(scans: dict[str, CheckovResult], skips: Skips) -> None:
    findings = [f for result in scans.values() for f in result.failed]
    stale = [s for s in skips.checkov if not any(s.matches(f.check_id, f.address) for f in findings)]
    assert not stale, (
        "security/checkov-skips.yaml entries that match no current finding (remove them, the issue is fixed "
        "or the resource is gone):\n" + "\n".join(f"  {s.check_id} {s.pattern}" for s in stale)
    )


def test_gate_would_catch_a_regression(checkov: str, tmp_path: Path, skips: Skips) -> None:
    """The scan really fails on an insecure resource that no skip entry covers (guards against a vacuous gate)."""
    stack = tmp_path / "stacks" / "probe"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({
        # As every stack declares it; checkov 3.3.30 evaluates nothing in a file with it (the gate's view drops it).
        "terraform": {"required_version": ">= 1.11.0, < 2.0.0"},
        "moved": [{"from": "aws_ebs_volume.old_volume_1234ABCD", "to": "aws_ebs_volume.probe_volume_1234ABCD"}],
        # As deletion-protected stacks may carry them (constructs/aws/removal.py); the gate's view drops them too.
        "removed": [{"from": "aws_ebs_volume.gone_volume_1234ABCD", "lifecycle": {"destroy": False}}],
        "resource": {"aws_ebs_volume": {"probe_volume_1234ABCD": {
            "availability_zone": "us-west-2a", "size": 10, "encrypted": False}}}
    }))
    result = scan_with_checkov(checkov, {"probe": tmp_path})["probe"]
    unaccepted = [f for f in result.failed if _skip_for(f, skips) is None]
    assert any(f.check_id == "CKV_AWS_3" and f.address == "aws_ebs_volume.probe_volume_1234ABCD" for f in unaccepted), result.failed


def test_a_checkov_other_than_the_pinned_one_fails_the_scan(tmp_path: Path) -> None:
    """The pin is read from the reports (no extra ``checkov --version``): a report by another version fails."""
    fake = tmp_path / "checkov"
    report = {"check_type": "terraform_json", "results": {"passed_checks": [], "failed_checks": []},
              "summary": {"passed": 0, "failed": 0, "checkov_version": "3.0.0"}}
    fake.write_text(f"#!/bin/sh\necho '{json.dumps(report)}'\n")
    fake.chmod(0o755)
    (tmp_path / "app" / "stacks").mkdir(parents=True)
    with pytest.raises(AssertionError, match=rf"checkov {CHECKOV_VERSION} is pinned .* reported \['3.0.0'\]"):
        scan_with_checkov(str(fake), {"app": tmp_path / "app"})
