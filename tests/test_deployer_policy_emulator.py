"""Emulator proof of the deployer policy (issue 29 item 1): a principal holding only what ``wandb-cdktf
deployer-policy`` generates for the ``<ns>-infra`` stack applies, upgrades and destroys it; the same principal without
one generated statement is refused.

moto enforces IAM identity policies once ``POST /moto-api/reset-auth`` (body: the number of requests still let through,
here 0) has been sent (moto.core.authorization.ActionAuthenticatorMixin). The count and the setting live in the server
process, and the ``moto`` fixture starts one server per module and worker, so only this module's requests are checked;
it is switched off again (``inf``, moto's default) before anything else talks to the server.

What moto checks, and what it does not, is in docs/deployer-policy.md ("What the emulator does not authorise"). In
short: it checks the action of every API request against the identity policies of the IAM user whose access key signed
it, with the resource ``*`` for every service but S3 (the bucket ARN), SQS (the queue ARN) and IAM role operations (the
role ARN), and none of AWS's implicit authorizations (iam:PassRole, tag-on-create, service-linked roles, KMS calls a
service makes for the caller, key policies). So the users hold ``emulator_view`` of the generated policy (Resources
``*``, Conditions dropped: moto would refuse any statement with a Condition, having no request context to match).
tests/emulator_server.py (``_iam_enforcement_as_aws_names_it``) makes moto check the IAM action names AWS checks
(``cloudwatch:``, not the signing name ``monitoring:``; S3's IAM actions, not its API operation names), fixes its
signature check for bodiless requests, and logs every decision, which this test reads.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from _emulator_support import PARALLELISM, Moto, Stack, aws_env, emulator_config, synth, tail_text
from wandb_cdktf.testing import TerraformEnv, load_stacks

pytestmark = [pytest.mark.emulator, pytest.mark.slow, pytest.mark.long]

NS = "wbdeployer"
STACK = f"{NS}-infra"
# A statement the apply needs: the one granting EKS's DescribeCluster (every refresh and create of the cluster).
REMOVED_ACTION = "eks:DescribeCluster"
# Refused and tolerated: the provider's account-id lookup (aws-sdk-go-base v2, getAccountIDAndPartition) tries
# iam:GetUser first and falls back to sts:GetCallerIdentity when it is refused; the generated policy leaves it out.
TOLERATED = {"iam:GetUser"}
# tests/emulator_server.py, _iam_enforcement_as_aws_names_it: one line per authorization decision.
DECISION = re.compile(r"^emulator-auth (allowed|denied): (\S+) (\S+) (\S+)$", re.MULTILINE)


def test_deployer_policy_applies_upgrades_and_destroys_the_infra(
        emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """Apply (eks_cluster_version 1.33), upgrade (EKS + 1 minor: cluster, node groups and add-ons in place, docs/
    operate.md "Upgrades") and destroy ``<ns>-infra`` as an IAM user holding only the generated policy; a user
    holding the policy without the statement that grants eks:DescribeCluster is refused that action, and only actions
    of that statement, on a plan of the applied cluster."""
    from wandb_cdktf.deployer_policy import deployer_policies, emulator_view, split_policy

    start = time.monotonic()
    base = emulator_config(moto, namespace=NS, deletion_protection=False, eks_cluster_version="1.33")
    project = tmp_path / "project"
    project.mkdir()
    old_out, new_out = project / "cdktf.out", project / "cdktf.out.134"
    synth(emulator_tf, base, old_out, STACK, env=moto.env())
    synth(emulator_tf, {**base, "eks_cluster_version": "1.34"}, new_out, STACK, env=moto.env())
    policy = deployer_policies(load_stacks(old_out))[STACK]
    assert deployer_policies(load_stacks(new_out))[STACK] == policy, "the upgrade needs another policy"
    documents = [emulator_view(doc) for doc in split_policy(policy)]  # managed policies of <= 6,144 characters
    reduced, removed = _without_statement_granting(documents, REMOVED_ACTION)

    iam = moto.client("iam")
    deployer_env, deployer_arn = _user(moto, iam, "deployer", documents)
    reduced_env, reduced_arn = _user(moto, iam, "deployer-reduced", reduced)
    log_start = len(moto.log.read_text())
    _enforce(moto, "0")
    try:
        applied = Stack(emulator_tf, old_out / "stacks" / STACK, deployer_env)
        applied.apply()
        upgrade = Stack(emulator_tf, new_out / "stacks" / STACK, deployer_env)
        assert upgrade.state_file == applied.state_file
        plan = upgrade.plan_json()
        (cluster,) = [rc for rc in plan["resource_changes"] if rc["type"] == "aws_eks_cluster"]
        assert cluster["change"]["actions"] == ["update"] and cluster["change"]["after"]["version"] == "1.34"
        replaced = [rc["address"] for rc in plan["resource_changes"] if "delete" in rc["change"]["actions"]]
        assert not replaced, f"the EKS upgrade replaces {replaced}"
        upgrade.apply_plan()

        refused_from = len(moto.log.read_text())
        without = Stack(emulator_tf, new_out / "stacks" / STACK, reduced_env)
        without.initialized = True  # the directory is the upgrade's, initialized above
        refused = without.run("plan", "-input=false", "-no-color", "-lock=false", f"-target={cluster['address']}",
                              PARALLELISM)
        print(tail_text(refused.output, 1500))
        assert refused.returncode != 0, "a plan without the statement granting eks:DescribeCluster succeeded"
        assert f"is not authorized to perform: {REMOVED_ACTION}" in refused.output
        denied = {action for outcome, arn, action, _ in DECISION.findall(moto.log.read_text()[refused_from:])
                  if outcome == "denied" and arn == reduced_arn} - TOLERATED
        assert denied and all(_grants(removed, action) for action in denied), denied

        upgrade.must("destroy", "-auto-approve", "-input=false", "-no-color", PARALLELISM)
    finally:
        _enforce(moto, "inf")
        denials = sorted({f"{arn} {action} {resource}" for outcome, arn, action, resource
                          in DECISION.findall(moto.log.read_text()[log_start:]) if outcome == "denied"})
        print("emulator refusals:\n  " + "\n  ".join(denials or ["none"]))

    decisions = DECISION.findall(moto.log.read_text()[log_start:])
    used = sorted({action for outcome, arn, action, _ in decisions if arn == deployer_arn and outcome == "allowed"})
    assert not [d for d in decisions if d[1] == deployer_arn and d[0] == "denied" and d[2] not in TOLERATED]
    assert REMOVED_ACTION in used and "eks:UpdateClusterVersion" in used and "eks:DeleteCluster" in used
    eks = moto.client("eks")
    assert NS not in eks.list_clusters()["clusters"], "destroy left the cluster"
    granted = [a for doc in documents for s in doc["Statement"] for a in _actions(s)]
    unused = sorted({a for a in granted if not any(fnmatch.fnmatchcase(u.lower(), a.lower()) for u in used)})
    print(f"[{STACK}] applied, upgraded and destroyed as {deployer_arn} in {time.monotonic() - start:.1f}s: "
          f"{len(used)} actions checked by the emulator, {len(unused)} granted ones never checked:\n  "
          + "\n  ".join(unused))


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else list(action)


def _grants(statement: dict[str, Any], action: str) -> bool:
    """IAM matches action names case-insensitively, with ``*`` and ``?`` wildcards."""
    return statement.get("Effect") == "Allow" and any(
        fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in _actions(statement))


def _without_statement_granting(documents: list[dict[str, Any]], action: str) -> tuple[list[dict[str, Any]],
                                                                                       dict[str, Any]]:
    """The documents without the one statement that grants ``action`` (exactly one must)."""
    found = [(i, j) for i, doc in enumerate(documents) for j, s in enumerate(doc["Statement"]) if _grants(s, action)]
    assert len(found) == 1, f"{len(found)} generated statements grant {action}"
    (i, j), reduced = found[0], copy.deepcopy(documents)
    removed = reduced[i]["Statement"].pop(j)
    return [doc for doc in reduced if doc["Statement"]], removed


def _user(moto: Moto, iam: Any, name: str, documents: list[dict[str, Any]]) -> tuple[dict[str, str], str]:
    """An IAM user with ``documents`` attached as customer managed policies and an access key: (the environment
    Terraform runs with as that user, the user's ARN)."""
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    for index, doc in enumerate(documents):
        created = iam.create_policy(PolicyName=f"{name}-{index}", PolicyDocument=json.dumps(doc))
        iam.attach_user_policy(UserName=name, PolicyArn=created["Policy"]["Arn"])
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return aws_env(key["AccessKeyId"], key["SecretAccessKey"], endpoint_url=moto.url), arn


def _enforce(moto: Moto, count: str) -> None:
    """moto's ``reset-auth``: check every request after the next ``count`` ones (``inf``: none, moto's default)."""
    request = urllib.request.Request(f"{moto.url}/moto-api/reset-auth", data=count.encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})  # a form body would be parsed away
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read())["status"] == "ok"
