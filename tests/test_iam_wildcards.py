"""IAM gate: no policy we generate grants every action, or a whole service on every resource.

Every policy document in every synthesized stack (IAM policies and inline role
policies, trust policies, bucket / queue / key / repository policies; all JSON text
written with ``constructs/aws/iam.policy_document``, and an ``aws_iam_policy_document``
data source fails the gate) is parsed. An ``Allow`` statement fails
the gate when its Action is ``*``, when it uses ``NotAction``, or when an Action
``<service>:*`` meets Resource ``*`` -- unless ``iam_wildcards`` in
``security/checkov-skips.yaml`` lists it with a reason. Entries that no longer match
anything fail too. Resource policies must also not grant to ``Principal: "*"``
without a condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from _security_support import SCAN_LABELS, PolicyDoc, Skips, as_list, iter_policies, load_skips, synthesized
from wandb_cdktf.testing import load_stacks

pytestmark = pytest.mark.slow  # synthesizes the 16 security configurations (shared with checkov)

_SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$")


@dataclass(frozen=True)
class Wildcard:
    label: str
    stack: str
    address: str
    sid: str | None
    action: str
    why: str


def wildcards(policy: PolicyDoc, label: str) -> list[Wildcard]:
    found = []
    for st in as_list(policy.document.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        sid = st.get("Sid")
        actions = [a for a in as_list(st.get("Action")) if isinstance(a, str)]
        resources = as_list(st.get("Resource"))
        if as_list(st.get("NotAction")):
            found.append(Wildcard(label, policy.stack, policy.address, sid, "NotAction", "Allow with NotAction"))
        for action in actions:
            if action == "*":
                found.append(Wildcard(label, policy.stack, policy.address, sid, action, "every action"))
            elif _SERVICE_WILDCARD.match(action) and "*" in resources:
                found.append(Wildcard(label, policy.stack, policy.address, sid, action, "whole service on Resource *"))
    return found


def open_principals(policy: PolicyDoc) -> list[str]:
    """Allow statements granting to everyone without any condition."""
    bad = []
    for st in as_list(policy.document.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
        if everyone and not st.get("Condition"):
            bad.append(f"{policy.stack}: {policy.address} Sid={st.get('Sid')}")
    return bad


@pytest.fixture(scope="module")
def skips() -> Skips:
    return load_skips()


@pytest.fixture(scope="module")
def policies() -> dict[str, list[PolicyDoc]]:
    out: dict[str, list[PolicyDoc]] = {}
    for label in SCAN_LABELS:
        out[label] = [p for stack, doc in load_stacks(synthesized(label)).items() for p in iter_policies(stack, doc)]
    return out


def _allowed(w: Wildcard, skips: Skips) -> bool:
    return any(a.matches(w.address, w.sid, w.action) for a in skips.iam_wildcards)


def test_policies_are_found(policies: dict[str, list[PolicyDoc]]) -> None:
    # The default deployment has node, IRSA, KMS, bucket and queue policies; if we find none, the parser is broken.
    kinds = {p.address.split(".")[0] for p in policies["default"]}
    assert {"aws_iam_role_policy", "aws_iam_policy", "aws_iam_role", "aws_kms_key", "aws_s3_bucket_policy",
            "aws_sqs_queue_policy"} <= kinds, kinds


@pytest.mark.parametrize("label", SCAN_LABELS)
def test_no_unlisted_wildcards(label: str, policies: dict[str, list[PolicyDoc]], skips: Skips) -> None:
    found = [w for p in policies[label] for w in wildcards(p, label)]
    unlisted = [w for w in found if not _allowed(w, skips)]
    assert not unlisted, (
        f"{label}: wildcard grants not listed under iam_wildcards in security/checkov-skips.yaml:\n"
        + "\n".join(f"  {w.stack}: {w.address} Sid={w.sid} {w.action} ({w.why})" for w in unlisted)
    )


@pytest.mark.parametrize("label", SCAN_LABELS)
def test_no_policy_grants_everyone(label: str, policies: dict[str, list[PolicyDoc]]) -> None:
    bad = [b for p in policies[label] for b in open_principals(p)]
    assert not bad, f"{label}: Allow to Principal '*' without a condition:\n  " + "\n  ".join(bad)


def test_no_stale_wildcard_entries(policies: dict[str, list[PolicyDoc]], skips: Skips) -> None:
    found = [w for label, docs in policies.items() for p in docs for w in wildcards(p, label)]
    stale = [a for a in skips.iam_wildcards if not any(a.matches(w.address, w.sid, w.action) for w in found)]
    assert not stale, "iam_wildcards entries matching nothing (remove them):\n" + "\n".join(
        f"  {a.pattern} Sid={a.sid} {list(a.actions)}" for a in stale)


def test_detector_flags_star_grants() -> None:
    """The detector itself: Action '*', NotAction and 'svc:*' on '*' are caught; scoped grants are not."""
    doc = PolicyDoc("s", "aws_iam_policy.p_1", "policy", {"Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"},
        {"Sid": "B", "Effect": "Allow", "Action": ["s3:*"], "Resource": "*"},
        {"Sid": "C", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Sid": "D", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "E", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
        {"Sid": "F", "Effect": "Deny", "Action": "*", "Resource": "*"},
    ]})
    assert sorted((w.sid, w.action) for w in wildcards(doc, "t")) == [("A", "*"), ("B", "s3:*"), ("C", "NotAction")]
    open_doc = PolicyDoc("s", "aws_s3_bucket_policy.p_1", "policy", {"Statement": [
        {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
    assert open_principals(open_doc) == ["s: aws_s3_bucket_policy.p_1 Sid=Open"]
