"""Private-only access and PrivateLink (v8 private_only_traffic, allowed_private_endpoint_cidr,
private_link_allowed_account_ids) in both deployment shapes, plus the internal-only certificate story."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from _construct_support import address, all_of, at, ref
from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping, load_config
from wandb_cdktf.config.validators import NAMESPACE_MAX_LENGTH
from wandb_cdktf.constructs.aws.private_link import ELB_NAME_MAX, nlb_name, principal_arn, target_group_name

REPO = Path(__file__).resolve().parents[1]
ACCOUNTS = ["111111111111", "222222222222"]
PUBLIC_ZONE = "Z0PUBLICZONE00000003"

# Private-only PrivateLink in each shape: internal ALB, client CIDRs, a public zone for validation only.
PRIVATE = dict(allowed_inbound_cidr=["10.0.0.0/8"], allowed_inbound_ipv6_cidr=[],
               private_link_allowed_account_ids=ACCOUNTS, private_only_traffic=True,
               allowed_private_endpoint_cidr=["10.100.0.0/16"], certificate_validation_zone_id=PUBLIC_ZONE)
PRE = make_config(namespace="wbplpre", deployment="pre-operator", **PRIVATE)
POST = make_config(namespace="wbplpost", kubernetes_alb_internet_facing=False, **PRIVATE)
# PrivateLink alone (not private-only), post-operator with an internet-facing ALB.
OPEN = make_config(namespace="wbplopen", private_link_allowed_account_ids=ACCOUNTS[:1])


def _err(data: dict) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    return info.value


@pytest.mark.parametrize("overrides,option,fragment", [
    ({"private_only_traffic": True, "allowed_private_endpoint_cidr": ["10.1.0.0/16"]},
     "private_only_traffic", "private_link_allowed_account_ids"),
    # allowed_private_endpoint_cidr alone: v8 accepts it (unused), so a warning (tests/test_newcomer_inputs.py)
    ({"private_link_allowed_account_ids": ACCOUNTS, "private_only_traffic": True, "kubernetes_alb_internet_facing": False,
      "acm_certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"},
     "allowed_private_endpoint_cidr", "must list"),
    ({**PRIVATE, "kubernetes_alb_internet_facing": True}, "private_only_traffic", "kubernetes_alb_internet_facing: false"),
    ({**PRIVATE, "deployment": "pre-operator", "public_access": True}, "private_only_traffic", "public_access: false"),
    ({**PRIVATE, "kubernetes_alb_internet_facing": False, "certificate_validation_zone_id": None},
     "private_only_traffic", "acm_certificate_arn"),
    ({"private_link_allowed_account_ids": ["1111"]}, "private_link_allowed_account_ids", "12-digit"),
    ({"private_link_allowed_account_ids": ["111111111111", "111111111111"]}, "private_link_allowed_account_ids", "twice"),
    ({"private_link_allowed_account_ids": ACCOUNTS, "enable_helm_wandb": False}, "private_link_allowed_account_ids",
     "enable_helm_wandb"),
    ({"certificate_validation_zone_id": PUBLIC_ZONE,
      "acm_certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"},
     "certificate_validation_zone_id", "acm_certificate_arn"),
    ({"allowed_private_endpoint_cidr": ["10.1.0.1/16"]}, "allowed_private_endpoint_cidr", "host bits"),
])
def test_bad_private_access_settings(overrides, option, fragment):
    err = _err(make_config(**overrides))
    assert err.option.startswith(option) and fragment in str(err), str(err)
    assert "\n" not in str(err)


def test_bad_setting_exits_2_with_one_line(tmp_path):
    """Bad input: one line naming the option, exit code 2, nothing written (BRIEF standards)."""
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps(make_config(private_only_traffic=True)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JSII_", "WANDB_CDKTF_CONFIG"))}
    env.update(WANDB_CDKTF_CONFIG=str(cfg), CDKTF_OUTDIR=str(tmp_path / "out"))
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "private_only_traffic" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_v8_tfvars_with_private_link_loads(tmp_path):
    """The three v8 variables load from a v8 terraform.tfvars under their v8 names."""
    data = {**POST}
    body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in data.items())
    (tmp_path / "terraform.tfvars").write_text(body)
    cfg = load_config(tmp_path / "terraform.tfvars")
    assert cfg.private_link_allowed_account_ids == ACCOUNTS and cfg.private_only_traffic
    assert cfg.allowed_private_endpoint_cidr == ["10.100.0.0/16"]


def test_names_fit_the_elb_limit_for_every_namespace():
    """ELB names (load balancers and target groups) are at most 32 characters (CreateLoadBalancer and
    CreateTargetGroup API reference, Name); the longest namespace still fits. v8 appends "-private-link-nlb"
    to up to 28 characters of namespace, which can exceed it."""
    ns = "a" * NAMESPACE_MAX_LENGTH
    assert len(nlb_name(ns)) <= ELB_NAME_MAX and len(target_group_name(ns)) <= ELB_NAME_MAX


def test_principal_format():
    """An endpoint service admits a whole account as ``arn:aws:iam::<account-id>:root`` (VPC PrivateLink
    guide, "Manage permissions": "Principals ... AWS account: arn:aws:iam::account_id:root")."""
    assert principal_arn("aws", "111111111111") == "arn:aws:iam::111111111111:root"
    assert re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:root", principal_arn("aws-us-gov", "111111111111"))


@pytest.fixture(scope="module", params=["pre", "post"])
def shape(request, synth):
    data = PRE if request.param == "pre" else POST
    out = synth(data)
    ns = data["namespace"]
    return request.param, out, out.stack(f"{ns}-infra"), ns


def test_nlb_is_internal_in_the_private_subnets(shape):
    """An endpoint service fronts a Network (or Gateway) Load Balancer only (VPC PrivateLink guide, "Create an
    endpoint service": "a Network Load Balancer or a Gateway Load Balancer"); ours is internal, in the private
    subnets (v8 private_link), IPv4, with a security group from the start (one cannot be added later: ELB
    user guide, load-balancer-security-groups)."""
    _, _, infra, ns = shape
    nlb = at(infra, "aws_lb", "private-link/nlb")
    assert nlb["load_balancer_type"] == "network" and nlb["internal"] is True and nlb["name"] == f"{ns}-nlb"
    assert all("network_private" in s for s in nlb["subnets"]), nlb["subnets"]
    assert nlb["security_groups"] == [ref(infra, "aws_security_group", "private-link/security-group", "id")]
    service = at(infra, "aws_vpc_endpoint_service", "private-link/endpoint-service")
    assert service["network_load_balancer_arns"] == [ref(infra, "aws_lb", "private-link/nlb", "arn")]
    assert service["acceptance_required"] is False  # v8; allowed_principals decide who may connect
    assert service["allowed_principals"] == [
        f"arn:${{data.aws_partition.account-partition.partition}}:iam::{a}:root" for a in ACCOUNTS]


def test_alb_target_group_rules(shape):
    """ELB user guide, "Use an Application Load Balancer as a target of a Network Load Balancer": the target
    group is of type alb with protocol TCP, the ALB must be in the NLB's VPC, and the target group's port must
    be a listener port of the ALB (443 here: the pre-operator HTTPS listener, the post-operator listen-ports
    annotation); the NLB listener is TCP 443 so TLS ends at the ALB with the W&B certificate."""
    kind, out, infra, ns = shape
    tg = at(infra, "aws_lb_target_group", "private-link/target-group")
    assert (tg["target_type"], tg["protocol"], tg["port"]) == ("alb", "TCP", 443)
    assert tg["health_check"]["protocol"] in {"HTTP", "HTTPS"}  # ALB targets: HTTP(S) health checks only
    listener = at(infra, "aws_lb_listener", "private-link/listener")
    assert (listener["protocol"], listener["port"]) == ("TCP", 443)
    vpc = "${aws_vpc.network_vpc_4E8F0223.id}"
    assert tg["vpc_id"] == vpc
    if kind == "pre":
        alb = at(infra, "aws_lb", "alb/alb")
        assert at(infra, "aws_lb_listener", "alb/https")["port"] == tg["port"]
        sg = at(infra, "aws_security_group", "alb/security-group")
        assert sg["vpc_id"] == vpc and alb["internal"] is True
        attachment = at(infra, "aws_lb_target_group_attachment", "private-link/alb-attachment")
        assert attachment["target_id"] == ref(infra, "aws_lb", "alb/alb", "arn")
        assert attachment["depends_on"] == [address(infra, "aws_lb_listener", "alb/https")]
    else:
        op = out.stack(f"{ns}-operator")
        cr = next(r for r in op["resource"]["helm_release"].values() if r["name"] == "wandb-cr")
        assert '\\"HTTPS\\": 443' in cr["values"][0] or '"HTTPS": 443' in cr["values"][0].replace('\\"', '"')
        assert at(infra, "aws_security_group", "alb-k8s/security-group")["vpc_id"] == vpc


def test_security_groups_chain_nlb_to_alb(shape):
    """NLB security groups (ELB user guide, load-balancer-security-groups): targets may admit the NLB's group;
    health checks obey the NLB's outbound rules; with inbound rules enforced on PrivateLink traffic the source
    is the client's private IP. Private-only: the NLB admits allowed_private_endpoint_cidr on 443 only."""
    kind, _, infra, _ = shape
    alb_sg = "alb/security-group" if kind == "pre" else "alb-k8s/security-group"
    nlb_sg = ref(infra, "aws_security_group", "private-link/security-group", "id")
    into_alb = at(infra, "aws_vpc_security_group_ingress_rule", "private-link/alb-ingress")
    assert into_alb["security_group_id"] == ref(infra, "aws_security_group", alb_sg, "id")
    assert into_alb["referenced_security_group_id"] == nlb_sg and into_alb["from_port"] == into_alb["to_port"] == 443
    egress = at(infra, "aws_vpc_security_group_egress_rule", "private-link/egress-alb")
    assert egress["security_group_id"] == nlb_sg and egress["from_port"] == egress["to_port"] == 443
    assert egress["referenced_security_group_id"] == ref(infra, "aws_security_group", alb_sg, "id")
    ingress = {p: r for p, r in all_of(infra, "aws_vpc_security_group_ingress_rule").items()
               if r["security_group_id"] == nlb_sg}
    assert [(r["cidr_ipv4"], r["from_port"], r["to_port"]) for r in ingress.values()] == [("10.100.0.0/16", 443, 443)]
    assert at(infra, "aws_lb", "private-link/nlb")["enforce_security_group_inbound_rules_on_private_link_traffic"] == "on"


def test_outputs_name_the_endpoint_service(shape):
    _, _, infra, _ = shape
    assert "aws_vpc_endpoint_service" in infra["output"]["private_link_service_name"]["value"]
    assert "private_link_service_id" in infra["output"]


def test_validation_records_go_to_the_public_zone_only(shape):
    """An internal-only deployment keeps its records in the private zone_id; ACM validates through public DNS
    only (ACM user guide, "DNS validation"), so the validation records and the plan-time public-zone check use
    certificate_validation_zone_id."""
    kind, _, infra, _ = shape
    assert at(infra, "aws_route53_record", "dns/validation-record")["zone_id"] == PUBLIC_ZONE
    zone = at(infra, "aws_route53_zone", "dns/validation-zone", kind="data")
    assert zone["zone_id"] == PUBLIC_ZONE
    assert "certificate_validation_zone_id" in zone["lifecycle"]["postcondition"][0]["error_message"]
    if kind == "pre":
        assert at(infra, "aws_route53_record", "alb/record-a")["zone_id"] == PRE["zone_id"]


def test_post_operator_registers_the_controller_alb_after_it_exists(synth):
    """The post-operator ALB is created by the aws-load-balancer-controller after the W&B release, so the
    operator stack waits for it (AWS CLI waiter, which retries on LoadBalancerNotFound), then reads it and
    registers it; the Ingress also answers any Host (v8 additionalHosts [""]) for health checks and endpoint
    clients."""
    out = synth(POST)
    op = out.stack("wbplpost-operator")
    wait = at(op, "terraform_data", "private-link/alb-available")
    assert wait["depends_on"] == [address(op, "helm_release", "wandb/wandb")]
    command = wait["provisioner"][0]["local-exec"]["command"]
    assert "aws elbv2 wait load-balancer-available --region us-west-2 --names wbplpost-alb-k8s" in command
    assert "describe-listeners" in command and "Port==`443`" in command
    alb = at(op, "aws_lb", "private-link/alb", kind="data")
    assert alb["name"] == "wbplpost-alb-k8s" and alb["depends_on"] == [address(op, "terraform_data", "private-link/alb-available")]
    attachment = at(op, "aws_lb_target_group_attachment", "private-link/alb-attachment")
    assert attachment["target_id"] == ref(op, "aws_lb", "private-link/alb", "arn", kind="data")
    assert "cross-stack-output-aws_lb_target_groupprivate-link_target-group" in attachment["target_group_arn"]
    cr = at(op, "helm_release", "wandb/wandb")
    values = cr["values"][0]
    assert '""' in values[values.index("additionalHosts"):values.index("additionalHosts") + 40]
    # The annotation names the same ALB the registration waits for.
    assert "wbplpost-alb-k8s" in values


def test_without_private_only_the_nlb_admits_privatelink_traffic_only(synth):
    """Without private_only_traffic the NLB's group has no inbound rule and does not evaluate PrivateLink
    traffic (enforce off): endpoints of the allowed accounts connect, nothing else in the VPC reaches the NLB
    (ELB user guide, load-balancer-security-groups). The public ALB keeps its allowed_inbound_cidr rules."""
    infra = synth(OPEN).stack("wbplopen-infra")
    assert at(infra, "aws_lb", "private-link/nlb")["enforce_security_group_inbound_rules_on_private_link_traffic"] == "off"
    nlb_sg = ref(infra, "aws_security_group", "private-link/security-group", "id")
    assert not [r for r in all_of(infra, "aws_vpc_security_group_ingress_rule").values() if r["security_group_id"] == nlb_sg]


def test_no_private_link_no_resources(synth):
    infra = synth(make_config(namespace="wbplnone")).stack("wbplnone-infra")
    assert "aws_vpc_endpoint_service" not in infra["resource"]
    assert "private_link_service_name" not in infra["output"]
    op = synth(make_config(namespace="wbplnone")).stack("wbplnone-operator")
    assert "aws_lb_target_group_attachment" not in op.get("resource", {})


@pytest.mark.terraform
@pytest.mark.parametrize("data", [PRE, POST, OPEN], ids=["pre", "post", "open"])
def test_infra_validates(synth, tf_validate, data):
    tf_validate(*(synth(d).stack_dir(f"{d['namespace']}-infra") for d in (data, PRE, POST, OPEN)))


def test_nlb_deletion_protection_follows_deletion_protection(synth):
    """v8 private_link sets the NLB's deletion protection from deletion_protection: replacing the NLB replaces
    the endpoint service and its name, with which every consumer endpoint was created."""
    assert at(synth(OPEN).stack("wbplopen-infra"), "aws_lb", "private-link/nlb")["enable_deletion_protection"] is True
    off = make_config(namespace="wbploff", private_link_allowed_account_ids=ACCOUNTS[:1], deletion_protection=False)
    nlb = at(synth(off).stack("wbploff-infra"), "aws_lb", "private-link/nlb")
    assert nlb["enable_deletion_protection"] is False and nlb["enable_cross_zone_load_balancing"] is True
