"""IrsaRole (with the LBC / external-dns policies), WeaveFileSystem, AppSecrets and LoadBalancer, each alone
in a bare TerraformStack."""

from __future__ import annotations

import json

import pytest

from _construct_support import (
    CERT_ARN,
    KEY_ARN,
    SG_ID,
    SUBNETS,
    VPC_ID,
    ZONE_ID,
    assert_validates,
    at,
    build_bare_stacks,
    output,
    ref,
    statements,
    types,
    under,
)
from wandb_cdktf.constructs.aws import (
    AppSecrets,
    AppSecretsProps,
    IrsaRole,
    IrsaRoleProps,
    LoadBalancer,
    LoadBalancerProps,
    WeaveFileSystem,
    WeaveFileSystemProps,
)
from wandb_cdktf.constructs.aws.iam import RoleRef
from wandb_cdktf.constructs.aws.ingress_security_group import IngressSecurityGroup, IngressSecurityGroupProps
from wandb_cdktf.constructs.aws.lbc_policy import (
    cluster_autoscaler_policy,
    external_dns_policy,
    load_balancer_controller_policy,
)

OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PUBLIC_SUBNETS = ["subnet-0000000000000000p", "subnet-0000000000000000q"]
ASGS = ["eks-ng-0-asg", "eks-ng-1-asg"]


def _irsa(stack):
    lbc = IrsaRole(stack, "lbc", IrsaRoleProps(
        name_prefix="mt-lbc-", oidc_provider_arn=OIDC_ARN, oidc_issuer=ISSUER,
        service_accounts=(("kube-system", "aws-load-balancer-controller"),),
        inline_policy=load_balancer_controller_policy(), description="LBC", tags={"team": "ml"},
    ))
    dns = IrsaRole(stack, "dns", IrsaRoleProps(
        name_prefix="mt-dns-", oidc_provider_arn=OIDC_ARN, oidc_issuer=ISSUER,
        service_accounts=(("kube-system", "external-dns"), ("wandb", "*")),
        managed_policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/extra"),
        inline_policy=external_dns_policy(ZONE_ID),
    ))
    output(stack, "lbc_role_arn", lbc.role_arn)
    output(stack, "dns_role_name", dns.role_name)
    return lbc, dns


def _efs(props: WeaveFileSystemProps):
    def build(stack):
        efs = WeaveFileSystem(stack, "efs", props)
        output(stack, "file_system_id", efs.file_system_id)
        output(stack, "security_group_id", efs.security_group_id)
        return efs
    return build


def _secrets(stack):
    s = AppSecrets(stack, "secrets", AppSecretsProps(namespace="mt", kms_key_arn=KEY_ARN))
    output(stack, "secret_arn", s.weave_worker_auth_secret_arn)
    output(stack, "secret_name", s.weave_worker_auth_secret_name)
    return s.grant_read(RoleRef("mt-reader"))


def _lb(props: LoadBalancerProps):
    def build(stack):
        lb = LoadBalancer(stack, "alb", props)
        output(stack, "dns_name", lb.dns_name)
        output(stack, "target_group_arn", lb.target_group_arn)
        return lb
    return build


LB_BARE = dict(namespace="mt", vpc_id=VPC_ID, subnet_ids=PUBLIC_SUBNETS, certificate_arn=CERT_ARN, fqdn="wandb.example.com",
               zone_id=ZONE_ID, node_security_group_id=SG_ID, autoscaling_group_names=ASGS)
LB = dict(LB_BARE, allowed_inbound_cidr=("0.0.0.0/0",))
LB_IPV6 = dict(LB, allowed_inbound_cidr=("10.0.0.0/8", "192.168.0.0/16"), allowed_inbound_ipv6_cidr=("2001:db8::/32",),
               internal=True, deletion_protection=True, health_check_path="/healthz",
               extra_fqdns=("ml.example.com", "wandb.corp.example.com"))
EFS = dict(namespace="mt", vpc_id=VPC_ID, subnet_ids=SUBNETS, kms_key_arn=KEY_ARN)


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("misc"), {
        "irsa": _irsa,
        "efs": _efs(WeaveFileSystemProps(**EFS, allowed_security_group_ids=(SG_ID,))),
        "efs-no-backup": _efs(WeaveFileSystemProps(**EFS, enable_backups=False, throughput_mode="bursting")),
        "secrets": _secrets,
        "lb": _lb(LoadBalancerProps(**LB)),
        "lb-ipv6-internal": _lb(LoadBalancerProps(**LB_IPV6)),
        "lb-closed": _lb(LoadBalancerProps(**LB_BARE)),
        "ingress-sg": _ingress_sg(IngressSecurityGroupProps(
            namespace="mt", vpc_id=VPC_ID, target_security_group_id=SG_ID,
            allowed_inbound_cidr=("10.0.0.0/8",), allowed_inbound_ipv6_cidr=("2001:db8::/32",))),
        "ingress-sg-closed": _ingress_sg(IngressSecurityGroupProps(namespace="mt", vpc_id=VPC_ID, target_security_group_id=SG_ID)),
        # all four constructs side by side: the one stack terraform validate runs on (one init instead of four)
        "all": _all,
    })


def _ingress_sg(props: IngressSecurityGroupProps):
    def build(stack):
        sg = IngressSecurityGroup(stack, "alb-k8s", props)
        output(stack, "security_group_id", sg.security_group_id)
        return sg
    return build


def _all(stack):
    _irsa(stack)
    WeaveFileSystem(stack, "efs", WeaveFileSystemProps(**EFS, allowed_security_group_ids=(SG_ID,)))
    AppSecrets(stack, "secrets", AppSecretsProps(namespace="mt", kms_key_arn=KEY_ARN))
    LoadBalancer(stack, "alb", LoadBalancerProps(**LB_IPV6))


# --- IrsaRole ------------------------------------------------------------------------------------

def test_irsa_props_validation():
    ok = dict(oidc_provider_arn=OIDC_ARN, oidc_issuer=ISSUER, service_accounts=(("ns", "sa"),))
    assert IrsaRoleProps(name_prefix="x" * 38, **ok).managed_policy_arns == ()
    with pytest.raises(ValueError, match="at most 38"):
        IrsaRoleProps(name_prefix="x" * 39, **ok)
    with pytest.raises(ValueError, match="service_accounts"):
        IrsaRoleProps(name_prefix="x", **{**ok, "service_accounts": ()})


def test_irsa_trust_is_limited_to_the_service_account(stacks):
    doc = stacks["irsa"]
    role = at(doc, "aws_iam_role", "lbc/role")
    assert role["name_prefix"] == "mt-lbc-" and role["description"] == "LBC" and role["tags"] == {"team": "ml"}
    (stmt,) = json.loads(role["assume_role_policy"])["Statement"]
    assert stmt["Principal"] == {"Federated": OIDC_ARN} and stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert stmt["Condition"] == {"StringEquals": {
        f"{ISSUER}:aud": "sts.amazonaws.com",
        f"{ISSUER}:sub": ["system:serviceaccount:kube-system:aws-load-balancer-controller"],
    }}


def test_irsa_wildcard_service_account_uses_string_like(stacks):
    (stmt,) = json.loads(at(stacks["irsa"], "aws_iam_role", "dns/role")["assume_role_policy"])["Statement"]
    assert stmt["Condition"]["StringEquals"] == {f"{ISSUER}:aud": "sts.amazonaws.com"}
    assert stmt["Condition"]["StringLike"] == {f"{ISSUER}:sub": [
        "system:serviceaccount:kube-system:external-dns", "system:serviceaccount:wandb:*"]}


def test_irsa_policies_attached(stacks):
    doc = stacks["irsa"]
    lbc_policy = at(doc, "aws_iam_policy", "lbc/policy")
    assert json.loads(lbc_policy["policy"]) == json.loads(load_balancer_controller_policy())
    attach = at(doc, "aws_iam_role_policy_attachment", "lbc/policy-attachment")
    assert attach["role"] == ref(doc, "aws_iam_role", "lbc/role", "name")
    assert attach["policy_arn"] == ref(doc, "aws_iam_policy", "lbc/policy", "arn")
    assert not under(doc, "aws_iam_role_policy_attachment", "lbc/managed-")
    managed = under(doc, "aws_iam_role_policy_attachment", "dns/managed-")
    assert [m["policy_arn"] for _, m in sorted(managed.items())] == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/extra"]
    assert all(m["role"] == ref(doc, "aws_iam_role", "dns/role", "name") for m in managed.values())
    assert "description" not in at(doc, "aws_iam_role", "dns/role")
    out = doc["output"]
    assert out["lbc_role_arn"]["value"] == ref(doc, "aws_iam_role", "lbc/role", "arn")
    assert out["dns_role_name"]["value"] == ref(doc, "aws_iam_role", "dns/role", "name")


def test_external_dns_policy_scoped_to_the_zone(stacks):
    stmts = statements(at(stacks["irsa"], "aws_iam_policy", "dns/policy"))
    assert stmts["ChangeWandbZone"]["Resource"] == f"arn:aws:route53:::hostedzone/{ZONE_ID}"
    assert stmts["ChangeWandbZone"]["Action"] == "route53:ChangeResourceRecordSets"
    assert "route53:ChangeResourceRecordSets" not in stmts["ListZones"]["Action"]


def test_lbc_policy_mutations_need_the_cluster_tag():
    stmts = json.loads(load_balancer_controller_policy("aws-us-gov"))["Statement"]
    for s in stmts:
        actions = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
        if any(a in ("elasticloadbalancing:DeleteLoadBalancer", "ec2:DeleteSecurityGroup") for a in actions):
            assert s["Condition"] == {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
        for r in [s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]:
            assert r == "*" or r.startswith("arn:aws-us-gov:")


# --- WeaveFileSystem -----------------------------------------------------------------------------

def test_efs_encrypted_with_backups_and_mount_targets(stacks):
    doc = stacks["efs"]
    fs = at(doc, "aws_efs_file_system", "efs/file-system")
    assert fs["encrypted"] is True and fs["kms_key_id"] == KEY_ARN
    assert fs["throughput_mode"] == "elastic" and fs["creation_token"] == "mt-weave"
    assert at(doc, "aws_efs_backup_policy", "efs/backup")["backup_policy"] == {"status": "ENABLED"}
    sg = ref(doc, "aws_security_group", "efs/security-group", "id")
    for i, subnet in enumerate(SUBNETS):
        mt = at(doc, "aws_efs_mount_target", f"efs/mount-target-{i}")
        assert mt["subnet_id"] == subnet and mt["security_groups"] == [sg]
        assert mt["file_system_id"] == ref(doc, "aws_efs_file_system", "efs/file-system", "id")
    (rule,) = under(doc, "aws_vpc_security_group_ingress_rule", "efs/").values()
    assert rule["referenced_security_group_id"] == SG_ID and (rule["from_port"], rule["to_port"]) == (2049, 2049)
    assert doc["output"]["file_system_id"]["value"] == ref(doc, "aws_efs_file_system", "efs/file-system", "id")


def test_efs_backups_off_and_no_ingress(stacks):
    doc = stacks["efs-no-backup"]
    assert at(doc, "aws_efs_backup_policy", "efs/backup")["backup_policy"] == {"status": "DISABLED"}
    assert at(doc, "aws_efs_file_system", "efs/file-system")["throughput_mode"] == "bursting"
    assert "aws_vpc_security_group_ingress_rule" not in types(doc)


# --- AppSecrets ----------------------------------------------------------------------------------

def test_weave_secret_generated_by_aws_and_kept_out_of_state(stacks):
    """The token comes from an ephemeral aws_secretsmanager_random_password and goes in through the write-only
    secret_string_wo (Terraform 1.11 write-only arguments; AWS provider aws_secretsmanager_secret_version docs),
    so neither plan nor state holds it; secret_string_wo_version decides when a new one is written."""
    doc = stacks["secrets"]
    secret = at(doc, "aws_secretsmanager_secret", "secrets/weave-worker-auth")
    assert secret["name_prefix"] == "mt-weave-worker-auth-" and secret["kms_key_id"] == KEY_ARN
    assert secret["recovery_window_in_days"] == 7
    (name,) = doc["ephemeral"]["aws_secretsmanager_random_password"]
    pw = doc["ephemeral"]["aws_secretsmanager_random_password"][name]
    assert pw["password_length"] == 48 and pw["exclude_punctuation"] is True
    version = at(doc, "aws_secretsmanager_secret_version", "secrets/weave-worker-auth-version")
    assert version["secret_id"] == ref(doc, "aws_secretsmanager_secret", "secrets/weave-worker-auth", "id")
    assert version["secret_string_wo"] == f"${{ephemeral.aws_secretsmanager_random_password.{name}.random_password}}"
    assert version["secret_string_wo_version"] == 1 and "secret_string" not in version
    assert "aws_secretsmanager_random_password" not in doc.get("data", {})
    out = doc["output"]
    assert out["secret_arn"]["value"] == ref(doc, "aws_secretsmanager_secret", "secrets/weave-worker-auth", "arn")
    assert out["secret_name"]["value"] == ref(doc, "aws_secretsmanager_secret", "secrets/weave-worker-auth", "name")


def test_secret_grant_read_names_the_secret_and_the_key_via_secrets_manager(stacks):
    """``grant_read`` gives one role exactly this secret (its ARN, no ``<namespace>*`` pattern that other
    deployments' secrets also match) and kms:Decrypt on its key only through Secrets Manager: a secret under a
    customer managed key cannot be read without kms:Decrypt (Secrets Manager user guide, "Secret encryption and
    decryption"); aws-cdk-lib ``Secret.grantRead`` grants the key the same way (``kms:ViaService``)."""
    doc = stacks["secrets"]
    grant = stacks.handles["secrets"]
    policy = at(doc, "aws_iam_role_policy", "secrets/read-access")
    assert policy["role"] == "mt-reader" and policy["name_prefix"] == "mt-secrets-read-"
    stmts = statements(policy)
    assert [s["Sid"] for s in grant.statements] == ["ReadSecret", "DecryptSecret"] and set(stmts) == {"ReadSecret", "DecryptSecret"}
    assert stmts["ReadSecret"]["Resource"] == ref(doc, "aws_secretsmanager_secret", "secrets/weave-worker-auth", "arn")
    assert set(stmts["ReadSecret"]["Action"]) == {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
    assert stmts["DecryptSecret"]["Action"] == "kms:Decrypt" and stmts["DecryptSecret"]["Resource"] == KEY_ARN
    region = ref(doc, "aws_region", "account-region", "name", kind="data")
    suffix = ref(doc, "aws_partition", "account-partition", "dns_suffix", kind="data")
    assert stmts["DecryptSecret"]["Condition"] == {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.{suffix}"}}


# --- IngressSecurityGroup ------------------------------------------------------------------------

def test_ingress_security_group_admits_exactly_the_allowed_cidrs(stacks):
    """The controller-made ALB's frontend group: HTTPS from the listed CIDRs only, nothing when both lists are
    empty (the controller's own group would open 0.0.0.0/0 then, aws-load-balancer-controller v2.13.4
    model_builder.go), and egress only to the target group (Terraform drops AWS's default allow-all egress)."""
    doc = stacks["ingress-sg"]
    sg = at(doc, "aws_security_group", "alb-k8s/security-group")
    assert sg["name_prefix"] == "mt-alb-k8s-" and sg["vpc_id"] == VPC_ID
    assert sg["lifecycle"] == {"create_before_destroy": True}
    rules = under(doc, "aws_vpc_security_group_ingress_rule", "alb-k8s/ingress-")
    assert {(r["from_port"], r["to_port"], r.get("cidr_ipv4") or r.get("cidr_ipv6")) for r in rules.values()} == {
        (443, 443, "10.0.0.0/8"), (443, 443, "2001:db8::/32")}
    egress = at(doc, "aws_vpc_security_group_egress_rule", "alb-k8s/egress-targets")
    assert egress["referenced_security_group_id"] == SG_ID and (egress["from_port"], egress["to_port"]) == (0, 65535)
    assert doc["output"]["security_group_id"]["value"] == ref(doc, "aws_security_group", "alb-k8s/security-group", "id")
    assert not under(stacks["ingress-sg-closed"], "aws_vpc_security_group_ingress_rule", "alb-k8s/ingress-")


def test_cluster_autoscaler_policy_scales_only_this_clusters_groups():
    """Cluster autoscaler (cloudprovider/aws README, "Full Cluster Autoscaler Features Policy"): describe
    calls on *, capacity changes restricted to groups tagged for this cluster."""
    stmts = {s["Sid"]: s for s in json.loads(cluster_autoscaler_policy("mt"))["Statement"]}
    scale = stmts["ScaleOwnNodeGroups"]
    assert set(scale["Action"]) == {"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}
    assert scale["Condition"]["StringEquals"] == {"aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                                                  "aws:ResourceTag/k8s.io/cluster-autoscaler/mt": "owned"}
    assert all(a.split(":")[1].startswith(("Describe", "Get")) for a in stmts["DescribeCapacity"]["Action"])


# --- LoadBalancer --------------------------------------------------------------------------------

def test_lb_props_defaults():
    p = LoadBalancerProps(**LB_BARE)
    assert p.allowed_inbound_cidr == () and p.allowed_inbound_ipv6_cidr == () and p.extra_fqdns == ()
    assert p.internal is False and p.deletion_protection is False and p.node_port == 32543
    assert p.health_check_path == "/ready"


def test_lb_without_cidrs_admits_no_one(stacks):
    """An empty allow-list is closed (the same meaning as for the post-operator ALB's security group)."""
    assert not under(stacks["lb-closed"], "aws_vpc_security_group_ingress_rule", "alb/ingress-")


def test_lb_default_internet_facing_ipv4(stacks):
    doc = stacks["lb"]
    lb = at(doc, "aws_lb", "alb/alb")
    assert lb["name"] == "mt-alb" and lb["internal"] is False and lb["load_balancer_type"] == "application"
    assert lb["ip_address_type"] == "ipv4" and lb["subnets"] == PUBLIC_SUBNETS
    assert lb["drop_invalid_header_fields"] is True and lb["enable_deletion_protection"] is False
    records = under(doc, "aws_route53_record", "alb/")
    assert list(records) == ["alb/record-a"]
    a = records["alb/record-a"]
    assert a["type"] == "A" and a["name"] == "wandb.example.com" and a["zone_id"] == ZONE_ID
    assert a["alias"]["name"] == ref(doc, "aws_lb", "alb/alb", "dns_name")
    ingress = under(doc, "aws_vpc_security_group_ingress_rule", "alb/ingress-")
    assert {(r["from_port"], r["cidr_ipv4"]) for r in ingress.values()} == {(443, "0.0.0.0/0"), (80, "0.0.0.0/0")}


def test_lb_listeners_target_group_and_nodeport(stacks):
    doc = stacks["lb"]
    tg = at(doc, "aws_lb_target_group", "alb/target-group")
    assert tg["port"] == 32543 and tg["protocol"] == "HTTP" and tg["vpc_id"] == VPC_ID
    assert tg["health_check"]["path"] == "/ready"
    https = at(doc, "aws_lb_listener", "alb/https")
    assert https["port"] == 443 and https["protocol"] == "HTTPS" and https["certificate_arn"] == CERT_ARN
    assert https["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert https["default_action"][0]["target_group_arn"] == ref(doc, "aws_lb_target_group", "alb/target-group", "arn")
    redirect = at(doc, "aws_lb_listener", "alb/http-redirect")["default_action"][0]
    assert redirect["type"] == "redirect" and redirect["redirect"] == {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}
    attachments = under(doc, "aws_autoscaling_attachment", "alb/")
    assert sorted(a["autoscaling_group_name"] for a in attachments.values()) == ASGS
    alb_sg = ref(doc, "aws_security_group", "alb/security-group", "id")
    node_in = at(doc, "aws_vpc_security_group_ingress_rule", "alb/node-ingress")
    assert node_in["security_group_id"] == SG_ID and node_in["referenced_security_group_id"] == alb_sg
    assert (node_in["from_port"], node_in["to_port"]) == (32543, 32543)
    egress = at(doc, "aws_vpc_security_group_egress_rule", "alb/egress-nodes")
    assert egress["referenced_security_group_id"] == SG_ID and egress["from_port"] == 32543
    assert doc["output"]["dns_name"]["value"] == ref(doc, "aws_lb", "alb/alb", "dns_name")


def test_lb_ipv6_cidrs_keep_the_alb_ipv4(stacks):
    """ELB refuses a dual-stack load balancer in subnets without an IPv6 CIDR ("You must specify subnets with
    an associated IPv6 CIDR block", ELB user guide, load-balancer-ip-address-type), and the VPC has none.
    IPv6 CIDRs become security-group rules only, as in terraform-aws-wandb v1.16.10 (modules/app_lb)."""
    doc = stacks["lb-ipv6-internal"]
    lb = at(doc, "aws_lb", "alb/alb")
    assert lb["ip_address_type"] == "ipv4"
    assert lb["internal"] is True and lb["enable_deletion_protection"] is True
    records = under(doc, "aws_route53_record", "alb/")
    assert {r["type"] for r in records.values()} == {"A"}  # no AAAA for an IPv4 ALB
    assert all(r["alias"]["zone_id"] == ref(doc, "aws_lb", "alb/alb", "zone_id") for r in records.values())
    ingress = under(doc, "aws_vpc_security_group_ingress_rule", "alb/ingress-")
    assert len(ingress) == 6
    assert {(r["from_port"], r.get("cidr_ipv4") or r.get("cidr_ipv6")) for r in ingress.values()} == {
        (p, c) for p in (443, 80) for c in ("10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32")}
    assert not any("0.0.0.0/0" in json.dumps(r) for r in ingress.values())
    assert at(doc, "aws_lb_target_group", "alb/target-group")["health_check"]["path"] == "/healthz"


def test_lb_extra_fqdns_resolve_to_the_alb(stacks):
    """Names on the certificate also get records, as v1.16.10's ``aws_route53_record.extra``."""
    doc = stacks["lb-ipv6-internal"]
    records = under(doc, "aws_route53_record", "alb/")
    assert {r["name"] for r in records.values()} == {"wandb.example.com", "ml.example.com", "wandb.corp.example.com"}
    extra = records["alb/record-extra-1"]
    assert extra["type"] == "A" and extra["zone_id"] == ZONE_ID
    assert extra["alias"] == {"name": ref(doc, "aws_lb", "alb/alb", "dns_name"),
                              "zone_id": ref(doc, "aws_lb", "alb/alb", "zone_id"), "evaluate_target_health": True}


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    doc = stacks["all"]
    assert {"aws_iam_role", "aws_efs_file_system", "aws_secretsmanager_secret", "aws_lb"} <= types(doc)
    assert_validates(tf_env, stacks.stack_dir("all"))
