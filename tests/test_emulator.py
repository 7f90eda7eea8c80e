"""Deploy tests: the real Terraform CLI and hashicorp/aws 5.100.0 against a local moto server.

Synthesis and ``terraform validate`` prove shape; these prove that Terraform and the
real AWS provider accept, create, re-plan and destroy what we generate. Run with::

    pytest -m emulator -rs            # docs/emulator-tests.md

They skip (with the reason printed) when Terraform, the provider mirror or moto is
missing. Emulator gaps and accepted re-plan artefacts are listed, with reasons, in
tests/emulator_artefacts.py.

One moto server serves the module in each pytest-xdist worker; each scenario uses its own
namespace, so their resources never collide. The re-plan and destroy tests reuse the state of
the apply step: the three are steps of one test (``test_infra_apply_replan_destroy``); every other
scenario is independent and may run in any worker, in any order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from _emulator_support import (
    DOMAIN,
    PARALLELISM,
    REGION,
    REPO,
    STATEFUL_TYPES,
    Moto,
    Result,
    Stack,
    aws_env,
    changed_paths,
    changes,
    describe,
    emulator_config,
    free_port,
    skip_missing,
    split_artefacts,
    start_moto,
    stop_moto,
    synth,
    tail_text,
)
from _support import CDKTF_CLI_ENV, find_cdktf_cli
from wandb_cdktf.config import config_from_mapping
from wandb_cdktf.testing import TerraformEnv

pytestmark = [pytest.mark.emulator, pytest.mark.slow]



@dataclass
class Deployment:
    """The post-operator infra applied once per module; later scenarios reuse its state."""

    stack: Stack
    config: dict[str, Any]
    outdir: Path
    applied: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


PREVIOUS_VERSION = REPO / "tests" / "fixtures" / "previous_version"
"""The previous release's synthesized infra stack and its configuration (tests/fixtures/previous_version/generate.py,
run with that release's code): the scenario deploys it first and upgrades it to the current code."""
PREVIOUS_ZONE = "ZPREVIOUSVERSIONZONE0"


@pytest.fixture(scope="module")
def infra(emulator_tf: TerraformEnv, moto: Moto, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    data = json.loads((PREVIOUS_VERSION / "config.json").read_text()) | {"zone_id": moto.hosted_zone()}
    outdir = tmp_path_factory.mktemp("emu-infra") / "cdktf.out"
    return Deployment(synth(emulator_tf, data, outdir, "wbemu-infra", env=moto.env()), data, outdir)


@pytest.mark.long
def test_infra_apply_replan_destroy(infra: Deployment, moto: Moto, emulator_tf: TerraformEnv) -> None:
    """Scenarios 1, 2 and 4 on one deployment, in the user's order: apply the post-operator infra, re-plan
    (clean but for listed emulator artefacts), then destroy (refused with deletion protection, completes
    without). One test, so no scheduler can separate the steps that share the applied state."""
    _apply_infra_post_operator(infra)
    _replan_after_apply_is_clean(infra)
    _second_operator_plans_no_change(infra, moto)
    _destroy_respects_deletion_protection(infra, moto, emulator_tf)


# --- 1. apply ---------------------------------------------------------------------------------------


def _apply_infra_post_operator(infra: Deployment) -> None:
    """Issue 25 item 10: apply what the previous release synthesized for this configuration, then plan the current
    code over it: nothing stateful is replaced or destroyed, and every resource type that changes is named in the
    upgrade notes of CHANGELOG.md's newest release; apply that plan."""
    manifest = json.loads((PREVIOUS_VERSION / "manifest.json").read_text())
    stack_id = f"{infra.config['namespace']}-infra"
    previous_dir = infra.outdir.with_name("cdktf.out.previous") / "stacks" / stack_id
    previous_dir.mkdir(parents=True)
    text = (PREVIOUS_VERSION / f"{stack_id}.cdk.tf.json").read_text()
    (previous_dir / "cdk.tf.json").write_text(text.replace(PREVIOUS_ZONE, infra.config["zone_id"]))
    previous = Stack(infra.stack.tf, previous_dir, infra.stack.env)
    assert previous.state_file == infra.stack.state_file
    start = time.monotonic()
    previous.apply()
    infra.seconds["apply-previous"] = time.monotonic() - start
    infra.applied = True

    start = time.monotonic()
    plan = infra.stack.plan_json()
    harmful = [describe(rc) for rc in plan["resource_changes"]
               if rc["type"] in STATEFUL_TYPES and "delete" in rc["change"]["actions"]]
    assert not harmful, f"upgrading from {manifest['version']} replaces or destroys:\n" + "\n".join(harmful)
    noted = _upgrade_note_types()
    _, unexpected = split_artefacts(changes(plan))
    unlisted = [u for u in unexpected if u.removeprefix("data.").split(".", 1)[0] not in noted]
    assert not unlisted, f"changes upgrading from {manifest['version']} missing from CHANGELOG.md's upgrade notes:\n" + \
        "\n".join(unlisted)
    print(f"upgrade from {manifest['version']} ({manifest['commit']}):\n" + "\n".join(unexpected))
    # Issue 25 item 4: the client-CIDR rules the previous release keyed by position move to their content keys
    # (moved blocks), no create or destroy (which would race into InvalidPermission.Duplicate).
    moved = [rc for rc in plan["resource_changes"] if rc.get("previous_address")]
    cidrs = len(infra.config["allowed_inbound_cidr"]) + len(infra.config["allowed_inbound_ipv6_cidr"])
    assert len(moved) == cidrs and all(rc["change"]["actions"] == ["no-op"] and "_ingress-443-" in rc["address"]
                                       and "_ingress-" in rc["previous_address"] for rc in moved), moved
    infra.stack.apply_plan()
    infra.seconds["upgrade"] = time.monotonic() - start
    infra.applied = True
    state = infra.stack.state_json()
    types = {r["type"] for r in state["values"]["root_module"].get("resources", [])}
    for rtype in ("aws_vpc", "aws_kms_key", "aws_s3_bucket", "aws_sqs_queue", "aws_rds_cluster", "aws_eks_cluster",
                  "aws_eks_node_group", "aws_eks_addon", "aws_efs_file_system", "aws_acm_certificate_validation"):
        assert rtype in types, f"{rtype} missing from the applied state"
    outputs = state["values"]["outputs"]
    assert outputs["cluster_name"]["value"] == "wbemu"
    assert outputs["bucket_queue"]["value"].startswith("sqs://wbemu-file-storage-")


def test_apply_byob_aws(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    byob = _byob_config(moto)
    stack = synth(emulator_tf, byob, tmp_path / "out", "wbemubyob-byob-aws", env=moto.env())
    stack.apply()
    state = stack.state_json()
    # state_json() reads the state file; it must say what `terraform show -json` says.
    shown = json.loads(stack.must("show", "-json").stdout)["values"]
    assert {k: v["value"] for k, v in state["values"]["outputs"].items()} == {k: v["value"] for k, v in shown["outputs"].items()}
    assert ({r["address"]: (r["mode"], r["type"], r["name"], r["values"]) for r in state["values"]["root_module"]["resources"]}
            == {r["address"]: (r["mode"], r["type"], r["name"], r["values"]) for r in shown["root_module"]["resources"]})
    outputs = state["values"]["outputs"]
    assert outputs["bucket_name"]["value"] == "wbemubyob-team-files"
    assert outputs["kms_key_arn"]["value"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    _, unexpected = split_artefacts(changes(stack.plan_json()))
    assert not unexpected, "re-plan of the BYOB stack is not clean:\n" + "\n".join(unexpected)


def _byob_config(moto: Moto) -> dict[str, Any]:
    return {
        "namespace": "wbemubyob",
        "region": "us-east-1",
        "create_platform": False,
        "aws_endpoints": {},  # the URL comes from moto.env()
        "byob": {
            "deployment_type": "dedicated",
            "level": "team",
            "aws": {"bucket_name": "wbemubyob-team-files", "path": "wandb", "kms_key_deletion_window": 7},
        },
    }


# --- 2. re-plan -------------------------------------------------------------------------------------


def _upgrade_note_types() -> set[str]:
    """Resource types named (in backticks) in the "Upgrade notes" of CHANGELOG.md's newest release."""
    import re

    text = (REPO / "CHANGELOG.md").read_text()
    newest = text.split("\n## ")[1]
    notes = newest.split("### Upgrade notes", 1)[1].split("\n### ", 1)[0]
    return set(re.findall(r"`((?:aws|terraform)_[a-z0-9_]+)`", notes))


def _replan_after_apply_is_clean(infra: Deployment) -> None:
    start = time.monotonic()
    plan = infra.stack.plan_json()
    infra.seconds["replan"] = time.monotonic() - start
    artefacts, unexpected = split_artefacts(changes(plan))
    if artefacts:
        print("emulator artefacts in the re-plan (tests/emulator_artefacts.py):\n" + "\n".join(artefacts))
    assert not unexpected, "re-plan after apply is not clean (not an emulator artefact):\n" + "\n".join(unexpected)


def _second_operator_plans_no_change(infra: Deployment, moto: Moto) -> None:
    """Issue 25 item 2: another principal (a CI role, a colleague) plans the applied deployment: no change. Naming
    the current caller replaced the creator's EKS access entry (principal_arn is ForceNew) and rewrote both key
    policies, which KMS refuses to anyone but the key's administrator; the first apply's caller is recorded."""
    iam = moto.client("iam")
    iam.create_user(UserName="second-operator")
    key = iam.create_access_key(UserName="second-operator")["AccessKey"]
    first = infra.stack.env
    infra.stack.env = aws_env(key["AccessKeyId"], key["SecretAccessKey"], endpoint_url=moto.url)
    infra.stack.initialized = False  # its own provider (the shared one holds the first principal's credentials)
    try:
        import boto3

        sts = boto3.client("sts", endpoint_url=moto.url, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                           aws_secret_access_key=key["SecretAccessKey"])
        assert sts.get_caller_identity()["Arn"].endswith(":user/second-operator"), "the emulator must tell them apart"
        start = time.monotonic()
        _, unexpected = split_artefacts(changes(infra.stack.plan_json()))
        infra.seconds["second-operator-plan"] = time.monotonic() - start
    finally:
        infra.stack.env = first
    assert not unexpected, "another principal's plan changes the deployment:\n" + "\n".join(unexpected)


# --- 3. migration -----------------------------------------------------------------------------------


@pytest.mark.long
def test_migration_pre_to_post_operator_keeps_stateful_resources(
    emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path
) -> None:
    """README "Migrating from pre-operator to post-operator", the infra part, with the defaults (deletion
    protection on): apply pre-operator; switch `deployment`; plan (no stateful resource deleted or replaced,
    the Terraform ALB goes, which ELB allows because it is not deletion-protected) and apply; the re-plan is
    clean; then the documented rollback, applied, brings the Terraform ALB back under the same name and leaves
    Weave's file system in AWS (deletion protection: forgotten, not destroyed)."""
    pre_data = emulator_config(moto, namespace="wbmig", deployment="pre-operator", public_access=True)
    assert "deletion_protection" not in pre_data or pre_data["deletion_protection"] is True
    pre = synth(emulator_tf, pre_data, tmp_path / "cdktf.out", "wbmig-infra", env=moto.env())
    pre.apply()
    elbv2 = moto.client("elbv2")
    assert [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]].count("wbmig-alb") == 1

    # What a user does: change `deployment` and synthesize again in the same project directory.
    post_data = {**pre_data, "deployment": "post-operator"}
    post = synth(emulator_tf, post_data, tmp_path / "cdktf.out.post", "wbmig-infra", env=moto.env())
    assert post.state_file == pre.state_file and pre.state_file.is_file()
    plan = post.plan_json()

    stateful = [rc for rc in plan["resource_changes"] if rc["type"] in STATEFUL_TYPES and rc["mode"] == "managed"]
    seen = {STATEFUL_TYPES[rc["type"]] for rc in stateful}
    assert seen == set(STATEFUL_TYPES.values()), f"stateful resources missing from the plan: {set(STATEFUL_TYPES.values()) - seen}"
    harmful = [describe(rc) for rc in stateful if "delete" in rc["change"]["actions"]]
    assert not harmful, "migration deletes or replaces stateful resources:\n" + "\n".join(harmful)
    efs = [rc for rc in stateful if rc["type"] == "aws_efs_file_system"]
    assert [rc["change"]["actions"] for rc in efs] == [["create"]], "post-operator adds the Weave EFS"
    gone = {rc["type"] for rc in changes(plan) if rc["change"]["actions"] == ["delete"]}
    assert {"aws_lb", "aws_lb_listener", "aws_lb_target_group", "aws_route53_record"} <= gone
    print("migration plan:\n" + "\n".join(describe(rc) for rc in changes(plan)))

    post.apply_plan()  # step 4 of the README: ELB deletes the unprotected ALB
    assert "wbmig-alb" not in [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    _, unexpected = split_artefacts(changes(post.plan_json()))
    assert not unexpected, "re-plan after the migration is not clean:\n" + "\n".join(unexpected)

    # Rollback: back to pre-operator over the same state. Pre-operator has no Weave EFS; with deletion protection
    # Terraform forgets it instead of destroying it (issue 25 item 9: a removed block with destroy = false, since
    # prevent_destroy does not cover a resource taken out of the configuration). The ALB comes back, nothing
    # stateful is destroyed.
    back = synth(emulator_tf, pre_data, tmp_path / "cdktf.out.back", "wbmig-infra", env=moto.env())
    rollback = back.plan_json()
    harmful = [describe(rc) for rc in changes(rollback)
               if rc["type"] in STATEFUL_TYPES and "delete" in rc["change"]["actions"]]
    assert not harmful, "rollback deletes or replaces stateful resources:\n" + "\n".join(harmful)
    (efs,) = [rc for rc in rollback["resource_changes"] if rc["type"] == "aws_efs_file_system"]
    assert efs["change"]["actions"] == ["forget"], describe(efs)
    back.apply_plan()
    assert [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]].count("wbmig-alb") == 1
    weave = [fs for fs in moto.client("efs").describe_file_systems()["FileSystems"] if fs["CreationToken"] == "wbmig-weave"]
    assert len(weave) == 1, "the rollback destroyed Weave's file system"


def test_certificate_in_a_private_zone_fails_the_plan(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """ACM cannot validate through a private hosted zone (the apply would wait until
    aws_acm_certificate_validation times out); the plan stops first, naming acm_certificate_arn."""
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    zone = moto.client("route53").create_hosted_zone(
        Name="corp.example.internal", CallerReference=f"private-{time.time_ns()}",
        VPC={"VPCRegion": REGION, "VPCId": vpc}, HostedZoneConfig={"PrivateZone": True, "Comment": "private"})
    zone_id = zone["HostedZone"]["Id"].rsplit("/", 1)[-1]
    data = emulator_config(moto, namespace="wbpriv", zone_id=zone_id, domain_name="corp.example.internal")
    stack = synth(emulator_tf, data, tmp_path / "cdktf.out", "wbpriv-infra", env=moto.env())
    result = _plan_expecting_failure(stack)
    assert "private hosted zone" in result.output and "acm_certificate_arn" in result.output


@pytest.mark.medium
def test_post_operator_rename_follows_the_documented_sequence(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """docs/operate.md "Renaming W&B (post-operator)" run literally. ACM refuses to delete a certificate a listener
    uses (ResourceInUseException, shim) and post-operator the listener is the load balancer controller's, moved to the
    new certificate only when <ns>-operator is deployed. With the documented step 1 (state rm of the certificate and
    its validation) the infra apply issues the new certificate and deletes nothing; the controller moves the
    listener; the old certificate is deleted by hand; the re-plan is clean. Without step 1 the apply is stuck on
    DeleteCertificate: the provider retries ResourceInUseException for 20 minutes (certificateCrossService
    PropagationTimeout in internal/service/acm/certificate.go), so the test sees it retrying (Terraform's "Still
    destroying" after 10 s, which moto without the shim never reaches) and interrupts it as Ctrl-C would; then the
    documented recovery (the operator stack moves the listener, the next infra apply deletes the kept old one).

    Only the certificate's part of <ns>-infra is applied (-target of the certificate and its validation, which take
    the validation records and the zone lookup with them): nothing else in the stack refers to the certificate (checked
    below), so the rename touches nothing else, and the scenario costs seconds instead of a full infra apply."""
    from botocore.exceptions import ClientError

    ns = "wbcert"
    data = emulator_config(moto, namespace=ns, deployment="post-operator")
    outdir = tmp_path / "cdktf.out"
    stack = synth(emulator_tf, data, outdir, f"{ns}-infra", env=moto.env())
    doc = json.loads((stack.dir / "cdk.tf.json").read_text())
    (cert_name,) = doc["resource"]["aws_acm_certificate"]
    (validation_name,) = doc["resource"]["aws_acm_certificate_validation"]
    for rtype, resources in doc["resource"].items():
        for name, body in resources.items():
            if rtype.startswith("aws_acm_certificate") or (rtype == "aws_route53_record" and "validation-record" in name):
                continue
            assert "aws_acm_certificate" not in json.dumps(body), f"{rtype}.{name} refers to the certificate"
    # Both targeted: with the validation alone Terraform leaves out the destroy of the replaced (deposed) certificate,
    # which runs after the validation's replacement and is no dependency of it.
    targets = (f"-target=aws_acm_certificate.{cert_name}", f"-target=aws_acm_certificate_validation.{validation_name}")
    stack.init()
    stack.must("apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM, *targets)

    def certificate_arn() -> str:
        return next(r["values"]["arn"] for r in stack.state_json()["values"]["root_module"]["resources"]
                    if r["address"] == f"aws_acm_certificate.{cert_name}")

    old = certificate_arn()
    # The load balancer controller, from the Ingress annotations of <ns>-operator: ALB <ns>-alb-k8s, HTTPS on 443
    # with the certificate-arn annotation's certificate.
    ec2, elbv2, acm = moto.client("ec2"), moto.client("elbv2"), moto.client("acm")
    vpc = ec2.create_vpc(CidrBlock="10.66.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.66.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    alb = elbv2.create_load_balancer(Name=f"{ns}-alb-k8s", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elbv2.create_listener(
        LoadBalancerArn=alb, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": old}],
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]

    def listener_certificates() -> list[str]:
        return [c["CertificateArn"] for c in elbv2.describe_listener_certificates(ListenerArn=listener)["Certificates"]]

    # Rename: python main.py with the new subdomain.
    stack = synth(emulator_tf, data | {"subdomain": "wandb2"}, outdir, f"{ns}-infra", env=moto.env())
    step1, step2, step3 = _rename_steps(ns)
    # Step 1, the documented commands as they are written, from the project directory (the parent of cdktf.out).
    env, _ = stack._process_env()
    env["PATH"] = f"{Path(emulator_tf.terraform).parent}{os.pathsep}{os.environ['PATH']}"
    ran = subprocess.run(["bash", "-euo", "pipefail", "-c", step1 + '\necho "OLD=$OLD"'], cwd=outdir.parent, env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"OLD={old}" in ran.stdout.splitlines()
    assert sorted(a for a in stack.must("state", "list").stdout.split() if "acm_certificate" in a) == []
    # Step 2: deploy <ns>-infra: a new certificate, nothing deleted (then <ns>-operator names it in the Ingress).
    assert step2 == [f"cdktf deploy {ns}-infra {ns}-operator"]
    plan = stack.plan_json(*targets)
    assert not [describe(rc) for rc in plan["resource_changes"]
                if rc["type"] == "aws_acm_certificate" and "delete" in rc["change"]["actions"]]
    start = time.monotonic()
    stack.apply_plan()
    assert time.monotonic() - start < 120, "the apply waited (the provider's DeleteCertificate retry?)"
    new = certificate_arn()
    assert new != old and listener_certificates() == [old]
    assert acm.describe_certificate(CertificateArn=new)["Certificate"]["DomainName"] == f"wandb2.{DOMAIN}"
    # The controller reconciles the Ingress's new certificate-arn annotation (deploy <ns>-operator).
    elbv2.modify_listener(ListenerArn=listener, Certificates=[{"CertificateArn": new}])
    # Step 3, the same API calls as the documented aws CLI commands: the listener lists only the new ARN, so the
    # old certificate is deleted by hand.
    assert re.findall(r"(?:^|\$\()aws (\S+) (\S+)", "\n".join(step3), re.M) == [
        ("elbv2", "describe-load-balancers"), ("elbv2", "describe-listeners"),
        ("elbv2", "describe-listener-certificates"), ("acm", "delete-certificate")]
    found = elbv2.describe_load_balancers(Names=[f"{ns}-alb-k8s"])["LoadBalancers"][0]["LoadBalancerArn"]
    (on_443,) = [li["ListenerArn"] for li in elbv2.describe_listeners(LoadBalancerArn=found)["Listeners"] if li["Port"] == 443]
    assert on_443 == listener and listener_certificates() == [new]
    acm.delete_certificate(CertificateArn=old)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        acm.describe_certificate(CertificateArn=old)
    _, unexpected = split_artefacts(changes(stack.plan_json(*targets)))
    assert not unexpected, "re-plan after the rename is not clean:\n" + "\n".join(unexpected)

    # Without step 1: Terraform deletes the replaced certificate (create_before_destroy) while the listener uses it.
    stack = synth(emulator_tf, data | {"subdomain": "wandb3"}, outdir, f"{ns}-infra", env=moto.env())
    _apply_stuck_on_certificate_in_use(stack, targets)
    newest = certificate_arn()
    assert listener_certificates() == [new] and newest != new
    assert stack.state_json()["values"]["outputs"]["certificate_arn"]["value"] == newest
    # The documented recovery: <ns>-operator moves the Ingress to the new certificate (the infra's output names it),
    # then <ns>-infra deletes the old one, which it kept as deposed.
    elbv2.modify_listener(ListenerArn=listener, Certificates=[{"CertificateArn": newest}])
    stack.must("apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM, *targets)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        acm.describe_certificate(CertificateArn=new)


def _rename_steps(ns: str) -> tuple[str, list[str], list[str]]:
    """The three steps of docs/operate.md "Renaming W&B (post-operator)" (its bash block, ``# 1.`` to ``# 3.``), with
    ``<ns>`` filled in: step 1 as a script, steps 2 and 3 as their command lines."""
    section = (REPO / "docs" / "operate.md").read_text().split("## Renaming W&B (post-operator)", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0].replace("<ns>", ns)
    steps = re.split(r"^# [123]\. .*\n", block, flags=re.M)
    assert len(steps) == 4 and not steps[0].strip(), block
    return steps[1], *([line for line in step.splitlines() if line.strip()] for step in steps[2:])  # type: ignore[return-value]


def _apply_stuck_on_certificate_in_use(stack: Stack, targets: tuple[str, ...]) -> None:
    """Apply, wait until Terraform reports the deposed certificate still being destroyed (the provider retrying
    ResourceInUseException), interrupt it (SIGINT: Terraform stops the provider's retry) and expect it to fail."""
    import signal

    process = stack.start("apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM, *targets)
    assert process.stdout is not None
    lines: list[str] = []
    deposed = False  # "<address> (deposed object <key>): Destroying...", then "<address>: Still destroying..."
    deadline = time.monotonic() + 180
    try:
        for line in process.stdout:
            lines.append(line)
            deposed = deposed or (line.startswith("aws_acm_certificate.") and "(deposed object" in line)
            if deposed and line.startswith("aws_acm_certificate.") and "Still destroying" in line:
                process.send_signal(signal.SIGINT)
                break
            assert time.monotonic() < deadline, "no retried certificate delete within 180 s:\n" + "".join(lines[-40:])
        else:
            pytest.fail("the apply ended without retrying the certificate's delete:\n" + tail_text("".join(lines)))
        lines += process.stdout.readlines()
        returncode = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(lines)
    print(f"Terraform's output, interrupted ({stack.name}):\n{tail_text(output, 3000)}")
    assert returncode != 0 and "Error: deleting ACM Certificate" in output and "ResourceInUseException" in output


def test_bring_your_own_services_into_an_existing_cluster(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """The platform team's cluster, database and Redis exist (created here with the AWS API first); the infra
    stack applies without creating a cluster, node group, OIDC provider, RDS or ElastiCache resource, grants the
    existing node role, admits the node security group to the database's, trusts the existing OIDC provider in
    the IRSA roles, and re-plans clean."""
    ec2, iam, eks = moto.client("ec2"), moto.client("iam"), moto.client("eks")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.77.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    node_role = iam.create_role(RoleName="corp-nodes", Path="/platform/", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    cluster = eks.create_cluster(name="corp-shared", roleArn=node_role, resourcesVpcConfig={"subnetIds": subnets})["cluster"]
    issuer = eks.describe_cluster(name="corp-shared")["cluster"]["identity"]["oidc"]["issuer"]
    oidc = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=["sts.amazonaws.com"],
                                               ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
    db_sg = ec2.create_security_group(GroupName="corp-aurora", Description="corp Aurora", VpcId=vpc)["GroupId"]
    data = emulator_config(
        moto, namespace="wbbyos", create_vpc=False, network_id=vpc, network_private_subnets=subnets,
        external_eks_cluster_name="corp-shared", external_eks_node_role_arn=node_role,
        external_database_host="corp.cluster-abc.us-west-2.rds.amazonaws.com",
        external_database_secret_arn=f"arn:aws:secretsmanager:{REGION}:123456789012:secret:rds!cluster-1-AbCdEf",
        external_database_security_group_id=db_sg,
        use_external_redis=True, external_redis_host="redis.corp.internal", external_redis_params={"tls": True},
    )
    data.pop("eks_cluster_version")
    data.pop("create_elasticache")  # use_external_redis alone means no ElastiCache
    stack = synth(emulator_tf, data, tmp_path / "cdktf.out", "wbbyos-infra", env=moto.env())
    stack.apply()
    state = stack.state_json()
    created = {r["type"] for r in state["values"]["root_module"].get("resources", []) if r["mode"] == "managed"}
    assert not {t for t in created if t.startswith(("aws_eks_", "aws_rds_", "aws_db_", "aws_elasticache_"))}, created
    assert "aws_iam_openid_connect_provider" not in created and "aws_launch_template" not in created
    assert {"aws_s3_bucket", "aws_kms_key", "aws_efs_file_system", "aws_iam_role"} <= created
    (policy_name,) = iam.list_role_policies(RoleName="corp-nodes")["PolicyNames"]
    statements = iam.get_role_policy(RoleName="corp-nodes", PolicyName=policy_name)["PolicyDocument"]["Statement"]
    assert {"BucketObjects", "DeploymentKey", "Queue"} <= {st["Sid"] for st in statements}
    cluster_sg = eks.describe_cluster(name="corp-shared")["cluster"]["resourcesVpcConfig"]["clusterSecurityGroupId"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [db_sg]}])["SecurityGroupRules"]
    assert [(r["FromPort"], r["ReferencedGroupInfo"]["GroupId"]) for r in rules if not r["IsEgress"]] == [(3306, cluster_sg)]
    lbc = next(r for r in state["values"]["root_module"]["resources"]
               if r["type"] == "aws_iam_role" and r["values"]["name"].startswith("wbbyos-lbc-"))
    assert oidc["OpenIDConnectProviderArn"] in lbc["values"]["assume_role_policy"]
    assert state["values"]["outputs"]["cluster_name"]["value"] == cluster["name"]
    _, unexpected = split_artefacts(changes(stack.plan_json()))
    assert not unexpected, "re-plan of the bring-your-own-services infra is not clean:\n" + "\n".join(unexpected)


def test_emulator_refuses_what_aws_refuses(moto: Moto) -> None:
    """The shims (tests/emulator_server.py) refuse, as AWS does: a dual-stack ALB in subnets without IPv6
    (ELB user guide), a second ALB of the same name (DuplicateLoadBalancerName), an ACM validation record
    in a private zone (it would never validate), a second EKS access entry for one principal and system:
    Kubernetes groups (EKS CreateAccessEntry), Graviton instance types for an x86_64 AMI type (EKS CreateNodegroup)."""
    from botocore.exceptions import ClientError

    ec2, elbv2, r53, eks = (moto.client(s) for s in ("ec2", "elbv2", "route53", "eks"))
    vpc = ec2.create_vpc(CidrBlock="10.98.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.98.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    with pytest.raises(ClientError, match="associated IPv6 CIDR block"):
        elbv2.create_load_balancer(Name="shim-dualstack", Subnets=subnets, IpAddressType="dualstack")
    alb = elbv2.create_load_balancer(Name="shim-alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    with pytest.raises(ClientError, match="DuplicateLoadBalancerName"):
        elbv2.create_load_balancer(Name="shim-alb", Subnets=subnets)
    # Issue 25 item 5: ACM refuses to delete a certificate a listener uses (the post-operator rename's failure).
    acm = moto.client("acm")
    cert = acm.request_certificate(DomainName="shim.example.com", ValidationMethod="DNS")["CertificateArn"]
    elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": cert}],
                          DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])
    with pytest.raises(ClientError, match="ResourceInUseException"):
        acm.delete_certificate(CertificateArn=cert)
    private = r53.create_hosted_zone(Name="shim.internal", CallerReference=f"shim-{time.time_ns()}",
                                     VPC={"VPCRegion": REGION, "VPCId": vpc}, HostedZoneConfig={"PrivateZone": True})
    record = {"Name": "_x.wandb.shim.internal", "Type": "CNAME", "TTL": 60,
              "ResourceRecords": [{"Value": "_y.abc.acm-validations.aws."}]}
    with pytest.raises(ClientError, match="private hosted zone"):
        r53.change_resource_record_sets(HostedZoneId=private["HostedZone"]["Id"],
                                        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]})
    eks.create_cluster(name="shim", roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={"subnetIds": subnets})
    admin = "arn:aws:iam::123456789012:role/admin"
    eks.create_access_entry(clusterName="shim", principalArn=admin)
    with pytest.raises(ClientError, match="ResourceInUseException"):
        eks.create_access_entry(clusterName="shim", principalArn=admin)
    with pytest.raises(ClientError, match="cannot start with system:"):
        eks.create_access_entry(clusterName="shim", principalArn=admin + "2", kubernetesGroups=["system:masters"])
    # Issue 25 item 7: node instance types must match the AMI type's architecture (Graviton on the x86_64 AMI).
    node = {"clusterName": "shim", "nodeRole": "arn:aws:iam::123456789012:role/nodes", "subnets": subnets,
            "amiType": "AL2023_x86_64_STANDARD"}
    with pytest.raises(ClientError, match=r"InvalidParameterException.*\[m7g\.large, c7gn\.xlarge\] is not a valid "
                       r"instance type for requested amiType AL2023_x86_64_STANDARD"):
        eks.create_nodegroup(nodegroupName="arm", instanceTypes=["r6i.large", "m7g.large", "c7gn.xlarge"], **node)
    # (x86 types pass: every scenario that applies node groups creates r6i/m5 ones through this shim.)
    # Issue 25 item 7: a minor past EKS extended support (1.31 ended 2026-11-26) is created no more.
    with pytest.raises(ClientError, match=r"unsupported Kubernetes version 1\.31"):
        eks.create_cluster(name="shim-old", version="1.31", roleArn="arn:aws:iam::123456789012:role/eks",
                           resourcesVpcConfig={"subnetIds": subnets})


def test_emulator_routes_the_go_sdks_json_targets(moto: Moto) -> None:
    """aws-sdk-go-v2 (inside the AWS provider 5.100.0) sends CloudTrail's X-Amz-Target as
    ``CloudTrail_20131101.<Operation>``, botocore as ``com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>``;
    AWS accepts both. moto 5.2.6 answered the short form with 404 (the CreateTrail failure of the audit trail
    scenario); the shim _json_targets_by_service_shape_name routes it, and an unknown operation still fails."""
    from botocore.exceptions import ClientError

    trail_api = moto.client("cloudtrail")

    def go_sdk_target(request: Any, **_: Any) -> None:
        namespaced, operation = request.headers["X-Amz-Target"].rsplit(".", 1)
        request.headers.replace_header("X-Amz-Target", namespaced.rsplit(".", 1)[1] + "." + operation)

    trail_api.meta.events.register("before-sign.cloudtrail.*", go_sdk_target)
    assert trail_api.describe_trails()["trailList"] == []
    with pytest.raises(ClientError, match=r"InvalidTrailName|TrailNotFound"):
        trail_api.get_trail_status(Name="no-such-trail")

    def unknown_operation(request: Any, **_: Any) -> None:
        request.headers.replace_header("X-Amz-Target", "CloudTrail_20131101.NoSuchOperation")

    trail_api.meta.events.unregister("before-sign.cloudtrail.*", go_sdk_target)
    trail_api.meta.events.register("before-sign.cloudtrail.*", unknown_operation)
    with pytest.raises(ClientError):
        trail_api.describe_trails()


def test_apply_audit_trail_with_boundary(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """The S3 audit trail (cloudtrail option) applies against the emulator, whose CreateTrail shim refuses a
    bucket policy that does not admit cloudtrail.amazonaws.com for this trail (CloudTrail User Guide "Amazon
    S3 bucket policy for CloudTrail"); the trail logs, records the watched bucket's objects, and a re-plan is
    clean. Without the bucket policy the emulator refuses the trail as AWS does. A role in the same stack gets
    the permissions boundary and path, which the emulator's IAM must accept and report back."""
    from botocore.exceptions import ClientError
    from cdktf import App

    from wandb_cdktf._providers import aws
    from wandb_cdktf.constructs.aws.audit_trail import AuditTrail, AuditTrailProps
    from wandb_cdktf.constructs.aws.iam import service_trust
    from wandb_cdktf.stacks.base import WandbStack, aws_provider

    s3, trail_api, iam = (moto.client(x) for x in ("s3", "cloudtrail", "iam"))
    s3.create_bucket(Bucket="wbemutrail-nopolicy", CreateBucketConfiguration={"LocationConstraint": REGION})
    with pytest.raises(ClientError, match="InsufficientS3BucketPolicyException"):
        trail_api.create_trail(Name="wbemutrail-bad", S3BucketName="wbemutrail-nopolicy")

    boundary = iam.create_policy(PolicyName="wbemutrail-boundary", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    config = config_from_mapping(emulator_config(moto, namespace="wbemutrail",
                                                 iam_permissions_boundary_arn=boundary["Policy"]["Arn"],
                                                 iam_role_path="/wandb/audit/"))
    outdir = tmp_path / "out"
    app = App(outdir=str(outdir))
    stack = WandbStack(app, "wbemutrail-trail", config=config)
    aws_provider(stack, config.region, config.tags)
    watched = aws.s3_bucket.S3Bucket(stack, "watched", bucket="wbemutrail-files", force_destroy=True)
    aws.iam_role.IamRole(stack, "role", name="wbemutrail-reader", assume_role_policy=service_trust("ec2.amazonaws.com"))
    AuditTrail(stack, "cloudtrail", AuditTrailProps(
        namespace="wbemutrail", watched_bucket_name=watched.bucket, log_bucket_name="wbemutrail-audit-logs",
        force_destroy=True, key_deletion_window_in_days=7))
    app.synth()
    tf = Stack(emulator_tf, outdir / "stacks" / "wbemutrail-trail", moto.env())
    tf.apply()

    (described,) = trail_api.describe_trails(trailNameList=["wbemutrail-s3-events-cloudtrail"])["trailList"]
    assert described["S3BucketName"] == "wbemutrail-audit-logs" and described["KmsKeyId"].startswith("arn:aws:kms:")
    assert described["IsMultiRegionTrail"] is True and described["LogFileValidationEnabled"] is True
    assert trail_api.get_trail_status(Name="wbemutrail-s3-events-cloudtrail")["IsLogging"] is True
    (selector,) = trail_api.get_event_selectors(TrailName="wbemutrail-s3-events-cloudtrail")["EventSelectors"]
    assert selector["DataResources"] == [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::wbemutrail-files/"]}]
    role = iam.get_role(RoleName="wbemutrail-reader")["Role"]
    assert role["Path"] == "/wandb/audit/"
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary["Policy"]["Arn"]
    _, unexpected = split_artefacts(changes(tf.plan_json()))
    assert not unexpected, "re-plan of the audit trail is not clean:\n" + "\n".join(unexpected)


def test_emulator_refuses_what_aws_refuses_for_privatelink(moto: Moto) -> None:
    """The PrivateLink shims (tests/emulator_server.py _privatelink_rules) refuse, as AWS does: an ELB name over
    32 characters (CreateLoadBalancer), an alb target group that is not TCP and an ALB target without a
    listener on the target group's port or that is not an ALB (ELB user guide, "Use an Application Load
    Balancer as a target of a Network Load Balancer"), an endpoint service in front of an ALB (VPC PrivateLink
    guide: Network or Gateway Load Balancers), and a principal that is not an ARN (a bare account id)."""
    from botocore.exceptions import ClientError

    ec2, elbv2 = moto.client("ec2"), moto.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.97.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.97.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    with pytest.raises(ClientError, match="longer than '32'"):
        elbv2.create_load_balancer(Name="x" * 33, Subnets=subnets)
    alb = elbv2.create_load_balancer(Name="shim-pl-alb", Subnets=subnets, Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
    nlb = elbv2.create_load_balancer(Name="shim-pl-nlb", Subnets=subnets, Type="network",
                                     Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
    with pytest.raises(ClientError, match="only the TCP protocol"):
        elbv2.create_target_group(Name="shim-pl-http", Protocol="HTTP", Port=443, VpcId=vpc, TargetType="alb")
    tg = elbv2.create_target_group(Name="shim-pl-tg", Protocol="TCP", Port=443, VpcId=vpc,
                                   TargetType="alb")["TargetGroups"][0]["TargetGroupArn"]
    with pytest.raises(ClientError, match="no listener on port 443"):
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": alb}])
    with pytest.raises(ClientError, match="not an Application Load Balancer"):
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": nlb}])
    with pytest.raises(ClientError, match="not a Network or Gateway Load Balancer"):
        ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[alb])
    service = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb])["ServiceConfiguration"]
    with pytest.raises(ClientError, match="InvalidPrincipal"):
        ec2.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"], AddAllowedPrincipals=["111111111111"])


@pytest.mark.medium
def test_pre_operator_private_link_apply(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """Private-only PrivateLink, pre-operator (the ALB is ours, so the infra stack registers it): the W&B
    records go in a private zone while the certificate is validated in a public zone; apply creates the
    internal NLB, its ALB-type target group holding the ALB (through the shims' ELB rules), the endpoint
    service with the account principals; the re-plan is clean."""
    ec2 = moto.client("ec2")
    other_vpc = ec2.create_vpc(CidrBlock="10.96.0.0/16")["Vpc"]["VpcId"]
    private = moto.client("route53").create_hosted_zone(
        Name=DOMAIN, CallerReference=f"pl-private-{time.time_ns()}",
        VPC={"VPCRegion": REGION, "VPCId": other_vpc}, HostedZoneConfig={"PrivateZone": True})
    data = emulator_config(
        moto, namespace="wbpl", deployment="pre-operator", zone_id=private["HostedZone"]["Id"].rsplit("/", 1)[-1],
        certificate_validation_zone_id=moto.hosted_zone(), allowed_inbound_cidr=["10.0.0.0/8", "192.168.0.0/16"],
        allowed_inbound_ipv6_cidr=[], private_link_allowed_account_ids=["111111111111", "222222222222"],
        private_only_traffic=True, allowed_private_endpoint_cidr=["10.100.0.0/16"])
    stack = synth(emulator_tf, data, tmp_path / "cdktf.out", "wbpl-infra", env=moto.env())
    stack.apply()
    elbv2 = moto.client("elbv2")
    lbs = {lb["LoadBalancerName"]: lb for lb in elbv2.describe_load_balancers()["LoadBalancers"]}
    nlb, alb = lbs["wbpl-nlb"], lbs["wbpl-alb"]
    assert (nlb["Type"], nlb["Scheme"], alb["Scheme"]) == ("network", "internal", "internal")
    assert nlb["VpcId"] == alb["VpcId"] and nlb["SecurityGroups"]
    assert nlb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"  # private_only_traffic
    (tg,) = elbv2.describe_target_groups(LoadBalancerArn=nlb["LoadBalancerArn"])["TargetGroups"]
    assert (tg["TargetType"], tg["Protocol"], tg["Port"]) == ("alb", "TCP", 443)
    targets = elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
    assert [t["Target"]["Id"] for t in targets] == [alb["LoadBalancerArn"]]
    outputs = stack.state_json()["values"]["outputs"]
    service_id = outputs["private_link_service_id"]["value"]
    (service,) = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service_id])["ServiceConfigurations"]
    assert service["NetworkLoadBalancerArns"] == [nlb["LoadBalancerArn"]] and service["AcceptanceRequired"] is False
    assert outputs["private_link_service_name"]["value"] == service["ServiceName"]
    principals = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service_id)["AllowedPrincipals"]
    assert sorted(p["Principal"] for p in principals) == ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
    artefacts, unexpected = split_artefacts(changes(stack.plan_json()))
    if artefacts:
        print("emulator artefacts in the re-plan:\n" + "\n".join(artefacts))
    assert not unexpected, "re-plan after the PrivateLink apply is not clean:\n" + "\n".join(unexpected)

    # Issue 25 item 4: a CIDR inserted in the middle of allowed_inbound_cidr plans that CIDR's two rules (443, 80)
    # and nothing else; keyed by position, every later rule was modified in place while its neighbour was
    # created, and EC2 refuses the transient duplicate (InvalidPermission.Duplicate).
    edited = synth(emulator_tf, {**data, "allowed_inbound_cidr": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]},
                   tmp_path / "cdktf.out.cidr", "wbpl-infra", env=moto.env())
    _, unexpected = split_artefacts(changes(edited.plan_json()))
    created = [u for u in unexpected if "aws_vpc_security_group_ingress_rule.alb_ingress-" in u and "create" in u]
    assert len(created) == 2 and created == unexpected, "\n".join(unexpected)

    # Issue 25 item 6: a minimum above the node groups' live desired size (desired is the autoscaler's, ignored)
    # stops the plan with the command to run, instead of EKS refusing UpdateNodegroupConfig mid-apply (shim); after
    # the command, the node groups update in place.
    raised = synth(emulator_tf, {**data, "kubernetes_min_nodes_per_az": 2}, tmp_path / "cdktf.out.min",
                   "wbpl-infra", env=moto.env())
    raised.init()
    refused = raised.run("plan", "-input=false", "-no-color", "-refresh=false")
    assert refused.returncode != 0, tail_text(refused.output, 2000)
    assert "aws eks update-nodegroup-config --cluster-name wbpl" in " ".join(refused.output.split()), \
        tail_text(refused.output, 2000)
    eks = moto.client("eks")
    for name in eks.list_nodegroups(clusterName="wbpl")["nodegroups"]:
        eks.update_nodegroup_config(clusterName="wbpl", nodegroupName=name, scalingConfig={"desiredSize": 2})
    _, unexpected = split_artefacts(changes(raised.plan_json()))
    assert len(unexpected) == 2 and all("aws_eks_node_group." in u and ": update" in u for u in unexpected), unexpected


# --- 4. destroy -------------------------------------------------------------------------------------


def _destroy_respects_deletion_protection(infra: Deployment, moto: Moto, emulator_tf: TerraformEnv) -> None:
    from botocore.exceptions import ClientError

    stack = infra.stack
    before = stack.state_json()
    bucket = before["values"]["outputs"]["bucket_name"]["value"]
    s3 = moto.client("s3", config=_path_style())
    # The bucket policy denies requests without TLS and moto enforces it; the emulator speaks plain
    # HTTP, so lift the policy for this one upload and put the very same document back.
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="runs/keep-me.txt", Body=b"W&B run file")
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)

    start = time.monotonic()
    refused = stack.run("destroy", "-auto-approve", "-input=false", "-no-color", PARALLELISM)
    infra.seconds["destroy-protected"] = time.monotonic() - start
    print(tail_text(refused.output, 3000))
    # README "Destroy": refused at plan time (prevent_destroy on the cluster, the bucket, the Weave EFS and the
    # deployment key), so nothing at all is destroyed: RDS's own refusal would come only after Terraform had
    # destroyed the cluster's dependents, the EKS cluster and the rest. (The key's refusal does not show: its
    # destroy waits for those of the resources it encrypts, and the plan stops at theirs.)
    assert refused.returncode != 0, "destroy must fail while deletion protection is on"
    assert refused.output.count("Instance cannot be destroyed") == 3, refused.output
    for address in ("aws_rds_cluster.database_cluster_", "aws_s3_bucket.file-storage_bucket_",
                    "aws_efs_file_system.weave-efs_file-system_"):
        assert address in refused.output
    assert _addresses(stack.state_json()) == _addresses(before), "the refused destroy changed the state"
    # Should Terraform be bypassed, AWS refuses as well: RDS deletion protection, a bucket not force-destroyed.
    rds = moto.client("rds")
    with pytest.raises(ClientError, match="disable deletion protection"):
        rds.delete_db_cluster(DBClusterIdentifier="wbemu", SkipFinalSnapshot=True)
    with pytest.raises(ClientError, match="BucketNotEmpty"):
        s3.delete_bucket(Bucket=bucket)
    assert [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]].count("wbemu") == 1
    assert [o["Key"] for o in s3.list_object_versions(Bucket=bucket).get("Versions", [])] == ["runs/keep-me.txt"]

    # Protection off: apply the unprotected configuration over the same state, then destroy.
    unprotected = synth(emulator_tf, {**infra.config, "deletion_protection": False},
                        infra.outdir.with_name("cdktf.out.unprotected"), "wbemu-infra", env=moto.env())
    assert unprotected.state_file == stack.state_file
    start = time.monotonic()
    lift = [rc for rc in changes(unprotected.plan_json()) if rc["mode"] == "managed"]
    # Lifting the protection is in-place only (README: "this lifts the protection").
    assert lift and all(rc["change"]["actions"] == ["update"] for rc in lift), "\n".join(describe(rc) for rc in lift)
    assert {rc["type"] for rc in lift} >= {"aws_rds_cluster", "aws_s3_bucket"}
    unprotected.apply_plan()
    unprotected.must("destroy", "-auto-approve", "-input=false", "-no-color", PARALLELISM)
    infra.seconds["destroy-unprotected"] = time.monotonic() - start
    assert not unprotected.state_json().get("values", {}).get("root_module", {}).get("resources")
    assert "wbemu" not in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    print(f"timings (s): { {k: round(v, 1) for k, v in infra.seconds.items()} }")


def _addresses(state: dict[str, Any]) -> list[str]:
    return sorted(r["address"] for r in state["values"]["root_module"].get("resources", []))


def _path_style() -> Any:
    from botocore.config import Config

    return Config(s3={"addressing_style": "path"})


# --- 5. errors surface ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_stack_data(moto: Moto) -> dict[str, Any]:
    """The smallest stack that talks to AWS during plan: BYOB if present, else the infra stack."""
    return _byob_config(moto) or emulator_config(moto, namespace="wberr")


def _plan_expecting_failure(stack: Stack) -> Result:
    stack.init()
    result = stack.run("plan", "-input=false", "-no-color", "-refresh=true", timeout=300)
    print(f"Terraform's error ({stack.name}):\n{tail_text(result.output, 3000)}")
    assert result.returncode != 0, "plan must fail"
    assert "Error:" in result.output
    return result


def test_bad_credentials_surface_terraform_error(
    emulator_tf: TerraformEnv, small_stack_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A second server that checks credentials against its (empty) IAM: every key is unknown.
    strict = start_moto(tmp_path_factory.mktemp("moto-auth") / "moto.log", {"INITIAL_NO_AUTH_ACTION_COUNT": "0"})
    try:
        data = {**small_stack_data, "aws_endpoints": {"url": strict.url}}
        stack = synth(emulator_tf, data, tmp_path_factory.mktemp("badcreds"), _stack_id(data))
        stack.env = aws_env("AKIAEXAMPLEBADKEY000", "not-a-real-secret")
        result = _plan_expecting_failure(stack)
        # moto answers 403; the provider reports that it cannot determine the account.
        assert "403" in result.output and "GetCallerIdentity" in result.output
    finally:
        stop_moto(strict)


def test_unreachable_endpoint_surfaces_terraform_error(
    emulator_tf: TerraformEnv, moto: Moto, small_stack_data: dict[str, Any], tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    data = {**small_stack_data, "aws_endpoints": {"url": dead}}
    # With moto.env() as every scenario's: the provider block's endpoints win over AWS_ENDPOINT_URL.
    stack = synth(emulator_tf, data, tmp_path / "out", _stack_id(data), env=moto.env())
    start = time.monotonic()
    result = _plan_expecting_failure(stack)
    assert "connection refused" in result.output.lower() or "connect:" in result.output.lower()
    assert time.monotonic() - start < 120, "Terraform should give up quickly (aws_endpoints.max_retries)"


def _stack_id(data: dict[str, Any]) -> str:
    return f"{data['namespace']}-byob-aws" if data.get("byob") else f"{data['namespace']}-infra"


# --- 6. day 2: switch to the Terraform-controlled password, upgrade EKS, rotate on purpose ----------------


def _as_rds_managed(stack: Stack) -> None:
    """Rewrite the synthesized infra JSON into the shape earlier releases deployed: the RDS-managed master
    password (manage_master_user_password) and no database secret of ours. A stand-in for "the deployment
    was created by the previous version of wandb-cdktf"."""
    path = stack.dir / "cdk.tf.json"
    doc = json.loads(path.read_text())
    for kind in ("aws_secretsmanager_random_password", "aws_secretsmanager_secret_version"):
        ephemeral = doc["ephemeral"].get(kind, {})
        for name in [n for n in ephemeral if n.startswith("database_")]:
            del ephemeral[name]
        if not ephemeral:
            doc["ephemeral"].pop(kind, None)
    (cluster_id, cluster), = doc["resource"]["aws_rds_cluster"].items()
    for key in ("master_password_wo", "master_password_wo_version"):
        cluster.pop(key)
    cluster.update(manage_master_user_password=True, master_user_secret_kms_key_id=cluster["kms_key_id"])
    for rtype in ("aws_secretsmanager_secret", "aws_secretsmanager_secret_version"):
        for key in [k for k in doc["resource"].get(rtype, {}) if k.startswith("database_")]:
            del doc["resource"][rtype][key]
    managed = f"${{aws_rds_cluster.{cluster_id}.master_user_secret[0].secret_arn}}"
    for output in doc["output"].values():
        if "aws_secretsmanager_secret_version.database_" in str(output["value"]):
            output["value"] = managed
    path.write_text(json.dumps(doc, indent=2))


def _rds_master_password(moto: Moto, cluster_id: str) -> str:
    """What the emulated RDS holds as the master password (the shim _rds_master_password_readable's route; no AWS
    API returns it)."""
    from urllib.request import urlopen

    with urlopen(f"{moto.url}/moto-api/emulator/rds-master-passwords", timeout=60) as response:
        return str(json.load(response)[cluster_id])


def _by_type(plan: dict[str, Any], *types: str) -> list[dict[str, Any]]:
    return [rc for rc in plan["resource_changes"] if rc["type"] in types and rc["mode"] == "managed"]


def _replaced(plan: dict[str, Any]) -> list[str]:
    return [describe(rc) for rc in plan["resource_changes"] if "delete" in rc["change"]["actions"]]


@pytest.mark.long
def test_day2_password_switch_eks_upgrade_and_rotation(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """The user's sequence over a deployment's life, each step planned and applied by the real provider:

    1. a deployment made with the RDS-managed password switches in place to the Terraform-controlled one
       (hashicorp/aws 5.100.0: manage_master_user_password, master_password_wo(_version) are not ForceNew;
       one ModifyDBCluster with ManageMasterUserPassword=false and the new password);
    2. eks_cluster_version + 1 minor: the cluster, every node group and every addon update in place and
       nothing is replaced (EKS User Guide, "Update existing cluster to new Kubernetes version": node groups
       must match before the next bump; v8 app_eks add-ons.tf resolves addon versions per minor);
    3. skipping a minor is refused, as EKS refuses it ("Unsupported Kubernetes minor version update");
    4. the next bump is accepted by the emulated EKS (which refuses it while node groups lag), i.e. the node
       groups did follow; with it database_password_version + 1 rotates the password in RDS and in our
       secret in place, and no state holds it (write-only arguments, ephemeral random password).
    """
    base = emulator_config(moto, namespace="wbday2", deletion_protection=False, eks_cluster_version="1.33")
    out = tmp_path / "project"
    out.mkdir()

    old = synth(emulator_tf, base, out / "cdktf.out.old", "wbday2-infra", env=moto.env())
    _as_rds_managed(old)
    old.apply()
    rds = moto.client("rds")
    (cluster,) = [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == "wbday2"]
    assert cluster.get("MasterUserSecret"), "the old shape uses the RDS-managed secret"

    # 1. switch to the Terraform-controlled password: in place.
    new = synth(emulator_tf, base, out / "cdktf.out.new", "wbday2-infra", env=moto.env())
    assert new.state_file == old.state_file
    plan = new.plan_json()
    assert not _replaced(plan), "switching the password mode replaces resources:\n" + "\n".join(_replaced(plan))
    (db,) = _by_type(plan, "aws_rds_cluster")
    assert db["change"]["actions"] == ["update"], describe(db)
    assert {"manage_master_user_password", "master_password_wo_version"} <= set(changed_paths(db))
    # Issue 25 item 3: the apply stops right after the cluster was modified (here: -target, as an expired session
    # or a refused PutSecretValue would stop it), and the re-run completes it: the secret and RDS agree. Each
    # written from its own run's random draw, RDS kept the first password and the secret got the second.
    new.must("apply", "-auto-approve", "-input=false", "-no-color", f"-target={db['address']}", PARALLELISM)
    new.apply()
    sm = moto.client("secretsmanager")
    outputs = new.state_json()["values"]["outputs"]
    secret_arn = outputs["database_secret_arn"]["value"]
    first = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])
    assert first["username"] == "wandb" and len(first["password"]) == 32 and first["password"].isalnum()
    assert _rds_master_password(moto, "wbday2") == first["password"], "the secret and RDS disagree"
    assert first["password"] not in new.state_file.read_text(), "the password landed in state"

    # 2. one minor up: everything in place.
    up = synth(emulator_tf, {**base, "eks_cluster_version": "1.34"}, out / "cdktf.out.134", "wbday2-infra", env=moto.env())
    plan = up.plan_json()
    assert not _replaced(plan), "the EKS upgrade replaces resources:\n" + "\n".join(_replaced(plan))
    (eks,) = _by_type(plan, "aws_eks_cluster")
    assert eks["change"]["actions"] == ["update"] and eks["change"]["after"]["version"] == "1.34"
    groups = _by_type(plan, "aws_eks_node_group")
    assert groups and all(rc["change"]["actions"] == ["update"] and rc["change"]["after"]["version"] == "1.34"
                          for rc in groups), "\n".join(describe(rc) for rc in groups)
    addons = _by_type(plan, "aws_eks_addon")
    assert len(addons) == 6
    for rc in addons:
        assert rc["change"]["actions"] == ["update"], describe(rc)
        assert rc["change"]["after"]["addon_version"] != rc["change"]["before"]["addon_version"], describe(rc)
        assert ".34-eksbuild.2" in rc["change"]["after"]["addon_version"], "most recent version for 1.34"
    up.apply_plan()

    # 3. skipping a minor: Terraform plans it, EKS (the emulator) refuses it; nothing else moved.
    skip = synth(emulator_tf, {**base, "eks_cluster_version": "1.36"}, out / "cdktf.out.skip", "wbday2-infra", env=moto.env())
    skip.init()
    refused = skip.run("apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM)
    print(tail_text(refused.output, 2000))
    assert refused.returncode != 0 and "Unsupported Kubernetes minor version update from 1.34 to 1.36" in refused.output
    eks_api = moto.client("eks")
    assert eks_api.describe_cluster(name="wbday2")["cluster"]["version"] == "1.34"

    # 4. the next minor (accepted only because the node groups followed) together with a password rotation.
    rotate = synth(emulator_tf, {**base, "eks_cluster_version": "1.35", "database_password_version": 2},
                   out / "cdktf.out.135", "wbday2-infra", env=moto.env())
    plan = rotate.plan_json()
    # A new value is a new *version* of the same secret (secret_string_wo_version forces a new version
    # resource: PutSecretValue moves AWSCURRENT); the secret, its ARN and everything else stay.
    replaced = [rc["address"] for rc in plan["resource_changes"] if "delete" in rc["change"]["actions"]]
    assert replaced == [a for a in replaced if a.startswith("aws_secretsmanager_secret_version.database_")], replaced
    assert len(replaced) == 1
    assert all(rc["change"]["actions"] == ["no-op"] for rc in _by_type(plan, "aws_secretsmanager_secret")
               if "database" in rc["address"])
    (db,) = _by_type(plan, "aws_rds_cluster")
    assert db["change"]["actions"] == ["update"] and changed_paths(db) == ["master_password_wo_version"], describe(db)
    rotate.apply_plan()
    assert eks_api.describe_cluster(name="wbday2")["cluster"]["version"] == "1.35"
    second = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])
    assert second["password"] != first["password"] and second["password"].isalnum()
    assert _rds_master_password(moto, "wbday2") == second["password"], "the secret and RDS disagree after rotation"
    assert second["password"] not in rotate.state_file.read_text(), "the password landed in state"
    _, unexpected = split_artefacts(changes(rotate.plan_json()))
    assert not unexpected, "re-plan after the rotation is not clean:\n" + "\n".join(unexpected)


# --- cdktf-cli --------------------------------------------------------------------------------------


def _cdktf_project(emulator_tf: TerraformEnv, moto: Moto, data: dict[str, Any], tmp_path: Path) -> tuple[str, Path, dict[str, str]]:
    """(cdktf binary, a project directory with the repository's cdktf.json and main.py, its environment)."""
    cli = find_cdktf_cli()
    if cli is None:
        skip_missing(f"no cdktf-cli (run scripts/install-cdktf-cli.sh or set {CDKTF_CLI_ENV})")
    # A project directory with the repository's cdktf.json and main.py, so the output stays in tmp.
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(REPO / "cdktf.json", project / "cdktf.json")
    (project / "main.py").symlink_to(REPO / "main.py")
    config_file = tmp_path / "wandb.json"
    config_file.write_text(json.dumps(data))
    env = {k: v for k, v in emulator_tf.env().items() if not k.startswith("AWS_")}
    env.update(moto.env())
    env.update(
        WANDB_CDKTF_CONFIG=str(config_file),
        # cdktf.json runs `python main.py`: put this interpreter (the venv) first on PATH.
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{Path(emulator_tf.terraform).parent}{os.pathsep}{env.get('PATH', '')}",
        CI="1",
        DISABLE_VERSION_CHECK="true",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV="1",
        HOME=str(tmp_path / "home"),
    )
    env.pop(CDKTF_CLI_ENV, None)
    (tmp_path / "home").mkdir()
    return cli, project, env


def _cdktf(cli: str, project: Path, env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    start = time.monotonic()
    proc = subprocess.run([cli, *args], cwd=project, env=env, capture_output=True, text=True, timeout=timeout)
    print(f"cdktf {' '.join(args)} -> {proc.returncode} in {time.monotonic() - start:.1f}s\n{tail_text(proc.stdout + proc.stderr, 3000)}")
    return proc


@pytest.mark.medium
def test_cdktf_deploy_with_repo_cdktf_json(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """``cdktf deploy <stack> --auto-approve`` with the repository's cdktf.json and main.py."""
    data = _byob_config(moto)
    if data is not None:
        data = {**data, "namespace": "wbcli", "byob": {**data["byob"], "aws": {**data["byob"]["aws"], "bucket_name": "wbcli-team-files"}}}
    else:
        data = emulator_config(moto, namespace="wbcli", deletion_protection=False)
    stack_id = _stack_id(data)
    cli, project, env = _cdktf_project(emulator_tf, moto, data, tmp_path)
    proc = _cdktf(cli, project, env, "deploy", stack_id, "--auto-approve", "--skip-provider-lock")
    assert proc.returncode == 0, f"cdktf deploy failed:\n{tail_text(proc.stdout + proc.stderr)}"
    state = project / f"terraform.{stack_id}.tfstate"  # the local backend keeps state in the project directory
    assert state.is_file(), "cdktf deploy wrote no local state"
    resources = json.loads(state.read_text())["resources"]
    assert any(r["type"] == "aws_s3_bucket" for r in resources)


@pytest.mark.medium
def test_readme_deploy_commands(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """README "Deploy", as written, as far as the local provider mirror allows (it holds hashicorp/aws only):

    - ``cdktf deploy <ns>-operator`` alone is refused by cdktf's dependency check (why README names both);
    - ``cdktf deploy <ns>-infra <ns>-operator`` passes that check; cdktf initializes both stacks before it
      applies, so here it stops at the operator stack's ``terraform init`` for want of the helm/kubernetes
      providers (the infra stack's init succeeds); with those providers available it goes on to apply."""
    data = emulator_config(moto, namespace="wbreadme")
    cli, project, env = _cdktf_project(emulator_tf, moto, data, tmp_path)
    alone = _cdktf(cli, project, env, "deploy", "wbreadme-operator", "--auto-approve", "--skip-provider-lock")
    assert alone.returncode != 0 and "dependencies are not included" in alone.stdout + alone.stderr
    # README: to apply only the operator stack later (an upgrade)
    later = _cdktf(cli, project, env, "deploy", "wbreadme-operator", "--ignore-missing-stack-dependencies",
                   "--auto-approve", "--skip-provider-lock")
    assert "dependencies are not included" not in later.stdout + later.stderr
    assert "provider registry.terraform.io/hashicorp/helm was not found" in later.stdout + later.stderr

    both = _cdktf(cli, project, env, "deploy", "wbreadme-infra", "wbreadme-operator", "--auto-approve",
                  "--skip-provider-lock", timeout=1500)
    output = both.stdout + both.stderr
    assert "dependencies are not included" not in output
    assert "Terraform has been successfully initialized" in output  # the infra stack (hashicorp/aws only)
    assert both.returncode != 0 and "provider registry.terraform.io/hashicorp/helm was not found" in output, tail_text(output)
