"""Cluster used alone in a bare TerraformStack."""

from __future__ import annotations

import base64
import json
import re

import pytest

from _construct_support import (
    KEY_ARN,
    SUBNETS,
    VPC_ID,
    address,
    all_of,
    assert_validates,
    at,
    build_bare_stacks,
    output,
    ref,
    statements,
    under,
)
from wandb_cdktf.constructs.aws import AccessPrincipal, Cluster, ClusterProps
from wandb_cdktf.constructs.aws.cluster import ADDONS, CONTROL_PLANE_LOGS, namespace_secrets_arn
from wandb_cdktf.constructs.aws.iam import PolicyOwner

BASE = dict(namespace="ct", kubernetes_version="1.32", vpc_id=VPC_ID, private_subnet_ids=SUBNETS, kms_key_arn=KEY_ARN)
ADMIN = "arn:aws:iam::123456789012:role/platform-admin"
VIEWER = "arn:aws:iam::123456789012:user/viewer"
EXTRA_POLICY = "arn:aws:iam::123456789012:policy/extra"
BUCKET_STMT = {"Sid": "Bucket", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
# What FileStorage.grant_read_write adds for a bucket under the deployment key: the node policy already has it.
DEPLOYMENT_KEY_AGAIN = {"Sid": "BucketKey", "Effect": "Allow", "Action": [
    "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": KEY_ARN}


def _cluster(props: ClusterProps, grants: tuple[dict, ...] = ()):
    def build(stack):
        c = Cluster(stack, "eks", props)
        if grants:
            c.node_role.add_to_principal_policy(grants)
        output(stack, "cluster_name", c.cluster_name)
        output(stack, "endpoint", c.cluster_endpoint)
        output(stack, "ca", c.cluster_ca_data)
        output(stack, "cluster_sg", c.cluster_security_group_id)
        output(stack, "node_sg", c.node_security_group_id)
        output(stack, "node_role_name", c.node_role_name)
        output(stack, "oidc_provider_arn", c.oidc_provider_arn)
        output(stack, "oidc_issuer", c.oidc_issuer)
        output(stack, "asg_names", c.node_group_autoscaling_group_names())
        return c
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("cluster"), {
        "default": _cluster(ClusterProps(**BASE)),
        "custom": _cluster(ClusterProps(
            **{**BASE, "private_subnet_ids": [*SUBNETS, "subnet-0000000000000000c"]},
            cluster_name="eks-custom", public_access=True, public_access_cidrs=("203.0.113.0/24", "198.51.100.7/32"),
            instance_types=("m6i.xlarge", "m5.xlarge"), min_nodes_per_az=0, max_nodes_per_az=2, node_disk_size_gb=256,
            system_reserved_cpu_millicores=250, access_principals=(
                AccessPrincipal(ADMIN, "admin", ("system:masters", "platform")),
                AccessPrincipal(VIEWER, None, ("viewers",)),
            ),
            creator_admin_access_entry=False, extra_node_policy_arns=(EXTRA_POLICY,),
            addon_versions={"coredns": "v1.11.4-eksbuild.2", "vpc-cni": "v1.19.2-eksbuild.1"},
            cluster_tags={"team": "ml"}, log_retention_days=90,
        ), grants=(BUCKET_STMT, {**BUCKET_STMT, "Sid": "SameAgain"}, DEPLOYMENT_KEY_AGAIN)),
    })


# --- props ---------------------------------------------------------------------------------------

def test_min_above_max_raises():
    with pytest.raises(ValueError, match="min_nodes_per_az"):
        ClusterProps(**BASE, min_nodes_per_az=5, max_nodes_per_az=4)


def test_unknown_addon_raises():
    with pytest.raises(ValueError, match=r"unknown addon.*'karpenter'"):
        ClusterProps(**BASE, addon_versions={"karpenter": "1.0", "coredns": "v1"})


# --- control plane -------------------------------------------------------------------------------

def test_private_control_plane_by_default(stacks):
    doc = stacks["default"]
    c = at(doc, "aws_eks_cluster", "eks/cluster")
    assert c["name"] == "ct" and c["version"] == "1.32"
    assert c["role_arn"] == ref(doc, "aws_iam_role", "eks/cluster-role", "arn")
    assert c["vpc_config"]["subnet_ids"] == SUBNETS
    assert c["vpc_config"]["endpoint_private_access"] is True and c["vpc_config"]["endpoint_public_access"] is False
    assert "public_access_cidrs" not in c["vpc_config"]
    assert c["encryption_config"] == {"provider": {"key_arn": KEY_ARN}, "resources": ["secrets"]}
    assert c["enabled_cluster_log_types"] == CONTROL_PLANE_LOGS and {"api", "audit"} <= set(CONTROL_PLANE_LOGS)
    assert c["access_config"] == {"authentication_mode": "API_AND_CONFIG_MAP",
                                  "bootstrap_cluster_creator_admin_permissions": False}
    assert "tags" not in c
    # the log group exists (with its retention and key) before EKS would create its own
    log = at(doc, "aws_cloudwatch_log_group", "eks/control-plane-logs")
    assert log["name"] == "/aws/eks/ct/cluster" and log["kms_key_id"] == KEY_ARN
    assert log["retention_in_days"] == ClusterProps(**BASE).log_retention_days
    assert any(d.startswith("aws_cloudwatch_log_group.") for d in c["depends_on"])
    attached = {a["policy_arn"].rsplit("/", 1)[-1] for p, a in all_of(doc, "aws_iam_role_policy_attachment").items()
                if p.startswith("eks/cluster-role-")}
    assert attached == {"AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"}


def test_public_access_cidrs(stacks):
    c = at(stacks["custom"], "aws_eks_cluster", "eks/cluster")
    assert c["name"] == "eks-custom"
    assert c["vpc_config"]["endpoint_public_access"] is True and c["vpc_config"]["endpoint_private_access"] is True
    assert c["vpc_config"]["public_access_cidrs"] == ["203.0.113.0/24", "198.51.100.7/32"]
    assert c["tags"] == {"team": "ml"}
    log = at(stacks["custom"], "aws_cloudwatch_log_group", "eks/control-plane-logs")
    assert log["name"] == "/aws/eks/eks-custom/cluster" and log["retention_in_days"] == 90


def test_bootstrap_flag_is_fixed_so_creator_access_never_replaces_the_cluster(stacks):
    """``access_config.bootstrap_cluster_creator_admin_permissions`` forces a new cluster (AWS provider
    aws_eks_cluster docs: "changing it forces a new resource"; EKS cannot change it on a live cluster,
    UpdateClusterConfig has no such field). It is the same literal with or without the creator entry, and
    ignored, so a cluster that was created with it true (or imported) is never replaced over it."""
    for name in ("default", "custom"):
        c = at(stacks[name], "aws_eks_cluster", "eks/cluster")
        assert c["access_config"] == {"authentication_mode": "API_AND_CONFIG_MAP",
                                      "bootstrap_cluster_creator_admin_permissions": False}
        assert c["lifecycle"]["ignore_changes"] == ["access_config[0].bootstrap_cluster_creator_admin_permissions"]


def test_node_security_group_is_not_cluster_tagged(stacks):
    """Node ENIs carry the EKS cluster security group, which EKS tags ``kubernetes.io/cluster/<name>: owned``
    (EKS user guide, "Amazon EKS security group requirements"). With several groups on an ENI, the
    aws-load-balancer-controller needs exactly one carrying that tag key, else "expected exactly one
    securityGroup tagged with kubernetes.io/cluster/<name> for eni ..." and no ALB -> pod rule
    (aws-load-balancer-controller v2.13.4 pkg/networking/networking_manager.go resolveEndpointSGForENI)."""
    doc = stacks["default"]
    template = at(doc, "aws_launch_template", "eks/node-launch-template")
    cluster_sg = ref(doc, "aws_eks_cluster", "eks/cluster", "vpc_config[0].cluster_security_group_id")
    node_sg = ref(doc, "aws_security_group", "eks/node-security-group", "id")
    assert template["vpc_security_group_ids"] == [cluster_sg, node_sg]
    for sg in all_of(doc, "aws_security_group").values():
        assert not any(k.startswith("kubernetes.io/cluster/") for k in (sg.get("tags") or {})), sg


def test_node_security_group_rules(stacks):
    doc = stacks["default"]
    sg = at(doc, "aws_security_group", "eks/node-security-group")
    assert sg["vpc_id"] == VPC_ID
    node_sg = ref(doc, "aws_security_group", "eks/node-security-group", "id")
    self_rule = at(doc, "aws_vpc_security_group_ingress_rule", "eks/node-ingress-self")
    assert self_rule["security_group_id"] == self_rule["referenced_security_group_id"] == node_sg
    from_cp = at(doc, "aws_vpc_security_group_ingress_rule", "eks/node-ingress-cluster")
    assert from_cp["referenced_security_group_id"] == ref(doc, "aws_eks_cluster", "eks/cluster",
                                                          "vpc_config[0].cluster_security_group_id")
    assert at(doc, "aws_vpc_security_group_egress_rule", "eks/node-egress")["cidr_ipv4"] == "0.0.0.0/0"


# --- nodes ---------------------------------------------------------------------------------------

def test_one_node_group_per_subnet(stacks):
    doc = stacks["default"]
    groups = under(doc, "aws_eks_node_group", "eks/node-group-")
    assert sorted(groups) == ["eks/node-group-0", "eks/node-group-1"]
    for i, subnet in enumerate(SUBNETS):
        g = groups[f"eks/node-group-{i}"]
        assert g["subnet_ids"] == [subnet]
        assert g["cluster_name"] == ref(doc, "aws_eks_cluster", "eks/cluster", "name")
        assert g["node_role_arn"] == ref(doc, "aws_iam_role", "eks/node-role", "arn")
        assert g["instance_types"] == ["r6i.2xlarge"] and g["ami_type"] == "AL2023_x86_64_STANDARD"
        assert g["scaling_config"] == {"min_size": 1, "max_size": 4, "desired_size": 1}
        assert g["lifecycle"]["ignore_changes"] == ["scaling_config[0].desired_size"]
        assert g["labels"] == {"wandb.ai/node-group": f"az-{i}"}
        assert g["launch_template"]["id"] == ref(doc, "aws_launch_template", "eks/node-launch-template", "id")
    assert len(stacks["custom"]["resource"]["aws_eks_node_group"]) == 3


def test_custom_node_sizes(stacks):
    doc = stacks["custom"]
    g = at(doc, "aws_eks_node_group", "eks/node-group-2")
    assert g["instance_types"] == ["m6i.xlarge", "m5.xlarge"]
    # desired size is at least one node even when the group may scale to zero
    assert g["scaling_config"] == {"min_size": 0, "max_size": 2, "desired_size": 1}
    lt = at(doc, "aws_launch_template", "eks/node-launch-template")
    assert lt["block_device_mappings"][0]["ebs"]["volume_size"] == 256
    assert "cpu: 250m" in base64.b64decode(lt["user_data"]).decode()


def test_launch_template_hardening(stacks):
    doc = stacks["default"]
    lt = at(doc, "aws_launch_template", "eks/node-launch-template")
    assert lt["metadata_options"]["http_tokens"] == "required"
    assert lt["metadata_options"]["http_put_response_hop_limit"] == 2
    ebs = lt["block_device_mappings"][0]["ebs"]
    assert ebs["encrypted"] == "true" and ebs["kms_key_id"] == KEY_ARN and ebs["volume_type"] == "gp3"
    assert ebs["volume_size"] == 100
    assert lt["vpc_security_group_ids"] == [ref(doc, "aws_eks_cluster", "eks/cluster", "vpc_config[0].cluster_security_group_id"),
                                            ref(doc, "aws_security_group", "eks/node-security-group", "id")]
    user_data = base64.b64decode(lt["user_data"]).decode()
    for needle in ("kind: NodeConfig", "cpu: 70m", "memory: 100Mi", "ephemeral-storage: 750Mi", 'pid: "500"'):
        assert needle in user_data


def test_node_role_policies(stacks):
    for stack_id in ("default", "custom"):
        doc = stacks[stack_id]
        node_attachments = {p: a["policy_arn"] for p, a in under(doc, "aws_iam_role_policy_attachment", "eks/node-").items()}
        assert all(a["role"] == ref(doc, "aws_iam_role", "eks/node-role", "name")
                   for a in under(doc, "aws_iam_role_policy_attachment", "eks/node-").values())
        names = {arn.rsplit("/", 1)[-1] for arn in node_attachments.values()}
        assert {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly",
                "AmazonEBSCSIDriverPolicy", "AmazonEFSCSIDriverPolicy"} <= names
    custom = stacks["custom"]
    assert at(custom, "aws_iam_role_policy_attachment", "eks/node-extra-0")["policy_arn"] == EXTRA_POLICY
    assert not under(stacks["default"], "aws_iam_role_policy_attachment", "eks/node-extra-")
    stmts = statements(at(custom, "aws_iam_role_policy", "eks/node-inline-policy"))
    assert stmts["Bucket"] == BUCKET_STMT
    assert stmts["DeploymentKey"]["Resource"] == KEY_ARN
    assert stmts["NamespaceSecrets"]["Resource"].endswith(":secret:ct-*")
    assert stmts["NodeLogs"]["Resource"].endswith(":log-group:/aws/eks/eks-custom/*")
    assert "Bucket" not in statements(at(stacks["default"], "aws_iam_role_policy", "eks/node-inline-policy"))


def test_grants_to_the_node_role_join_its_inline_policy(stacks):
    """A grant to ``node_role`` lands in ``eks/node-inline-policy`` (no new resource, so granting the bucket
    to the nodes moves no statement between Terraform addresses), before the node's own statements, and a
    statement the policy already holds under another Sid is not repeated."""
    doc = stacks["custom"]
    policies = under(doc, "aws_iam_role_policy", "eks/")
    assert list(policies) == ["eks/node-inline-policy"]
    sids = [s["Sid"] for s in json.loads(policies["eks/node-inline-policy"]["policy"])["Statement"]]
    assert sids == ["Bucket", "DeploymentKey", "NamespaceSecrets", "NodeLogs", "NodeMetrics"]
    assert isinstance(stacks.handles["custom"].node_role, PolicyOwner)


def test_namespace_secrets_are_this_deployments_only():
    """The node role may manage ``<namespace>-…`` secrets; ``secret:<namespace>*`` would also match the
    secrets of a deployment named ``<namespace>2`` in the same account (IAM matches ``*`` across any
    characters, IAM user guide "IAM JSON policy elements: Resource"). terraform-aws-wandb's secrets_store
    module scopes to ``secret:${namespace}-*`` the same way."""
    arn = namespace_secrets_arn("aws", "us-west-2", "123456789012", "ct")
    pattern = re.compile("^" + re.escape(arn).replace(r"\*", ".*") + "$")
    prefix = "arn:aws:secretsmanager:us-west-2:123456789012:secret:"
    assert pattern.match(prefix + "ct-weave-worker-auth-20250101-AbCdEf")
    assert not pattern.match(prefix + "ct2-weave-worker-auth-20250101-AbCdEf")
    assert not pattern.match(prefix + "ctx-db-AbCdEf")


# --- access entries ------------------------------------------------------------------------------

def test_deploying_principal_gets_cluster_admin_by_default(stacks):
    """With ``bootstrap_cluster_creator_admin_permissions`` false, EKS gives nobody access (EKS user guide,
    "Grant IAM users access to Kubernetes with EKS access entries"), and the app/operator stacks
    authenticate as the principal running Terraform (``aws eks get-token``). As terraform-aws-wandb v8
    (``enable_cluster_creator_admin_permissions``): an access entry + AmazonEKSClusterAdminPolicy for the
    caller's role (the session's issuer ARN: access entries take the IAM role, not the assumed-role session) of
    the first apply, recorded in terraform_data.deployment-admin (principal_arn is ForceNew: another principal's
    apply must not replace the entry, issue 25 item 2)."""
    doc = stacks["default"]
    caller = ref(doc, "terraform_data", "deployment-admin", "input.arn")
    assert at(doc, "terraform_data", "deployment-admin")["input"] == {
        "arn": ref(doc, "aws_iam_session_context", "account-session", "issuer_arn", kind="data")}
    entry = at(doc, "aws_eks_access_entry", "eks/creator-access-entry")
    assert entry["principal_arn"] == caller and entry["type"] == "STANDARD"
    assert entry["cluster_name"] == ref(doc, "aws_eks_cluster", "eks/cluster", "name")
    assoc = at(doc, "aws_eks_access_policy_association", "eks/creator-access-admin")
    assert assoc["principal_arn"] == caller and assoc["access_scope"] == {"type": "cluster"}
    assert assoc["policy_arn"].endswith(":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
    assert assoc["depends_on"] == [address(doc, "aws_eks_access_entry", "eks/creator-access-entry")]


def test_no_creator_entry_when_aws_holds_one(stacks):
    """A cluster created with bootstrap admin (v8 ``kubernetes_legacy_cluster_creator_admin = true``) already
    has an AWS-made entry for its creator; EKS refuses a second one (ResourceInUseException)."""
    doc = stacks["custom"]
    assert "eks/creator-access-entry" not in all_of(doc, "aws_eks_access_entry")
    assert "eks/creator-access-admin" not in all_of(doc, "aws_eks_access_policy_association")


def test_access_principals(stacks):
    doc = stacks["custom"]
    admin = at(doc, "aws_eks_access_entry", "eks/access-entry-0")
    assert admin["principal_arn"] == ADMIN and admin["user_name"] == "admin" and admin["type"] == "STANDARD"
    assert admin["kubernetes_groups"] == ["platform"]  # system:masters becomes the policy association
    assoc = at(doc, "aws_eks_access_policy_association", "eks/access-admin-0")
    assert assoc["principal_arn"] == ADMIN
    assert assoc["policy_arn"].endswith(":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
    assert assoc["access_scope"] == {"type": "cluster"}
    assert assoc["depends_on"] == [address(doc, "aws_eks_access_entry", "eks/access-entry-0")]
    viewer = at(doc, "aws_eks_access_entry", "eks/access-entry-1")
    assert viewer["principal_arn"] == VIEWER and viewer["kubernetes_groups"] == ["viewers"] and "user_name" not in viewer
    assert list(all_of(doc, "aws_eks_access_policy_association")) == ["eks/access-admin-0"]  # no creator entry here


# --- OIDC and addons -----------------------------------------------------------------------------

def test_oidc_provider_and_issuer(stacks):
    doc = stacks["default"]
    oidc = at(doc, "aws_iam_openid_connect_provider", "eks/oidc-provider")
    issuer = ref(doc, "aws_eks_cluster", "eks/cluster", "identity[0].oidc[0].issuer")
    assert oidc["url"] == issuer and oidc["client_id_list"] == ["sts.amazonaws.com"]
    out = {k: v["value"] for k, v in doc["output"].items()}
    assert out["oidc_issuer"] == '${replace(' + issuer[2:-1] + ', "https://", "")}'
    assert out["oidc_provider_arn"] == ref(doc, "aws_iam_openid_connect_provider", "eks/oidc-provider", "arn")


def test_addons_default_versions(stacks):
    doc = stacks["default"]
    addons = {a["addon_name"]: a for a in all_of(doc, "aws_eks_addon").values()}
    assert set(addons) == set(ADDONS)
    # Resolved per cluster minor, newest first (v8 app_eks/add-ons.tf: data.aws_eks_addon_version, most_recent).
    for name, a in addons.items():
        lookup = at(doc, "aws_eks_addon_version", f"eks/addon-version-{name}", kind="data")
        assert lookup == {**lookup, "addon_name": name, "kubernetes_version": "1.32", "most_recent": True}
        assert a["addon_version"] == ref(doc, "aws_eks_addon_version", f"eks/addon-version-{name}", "version", kind="data")
    cni_role = ref(doc, "aws_iam_role", "eks/vpc-cni-irsa/role", "arn")
    assert addons["vpc-cni"]["service_account_role_arn"] == cni_role
    assert "depends_on" not in addons["vpc-cni"]  # networking must come up before the nodes
    assert len(addons["coredns"]["depends_on"]) == 2  # pods need the node groups
    # The trust policy's condition keys embed a Terraform expression (the issuer host), so it is a
    # template rather than literal JSON; check the pieces.
    trust = at(doc, "aws_iam_role", "eks/vpc-cni-irsa/role")["assume_role_policy"]
    assert '"Federated": "' + ref(doc, "aws_iam_openid_connect_provider", "eks/oidc-provider", "arn") + '"' in trust
    assert ':sub": ["system:serviceaccount:kube-system:aws-node"]' in trust
    assert ':aud": "sts.amazonaws.com"' in trust


def test_addon_versions(stacks):
    addons = {a["addon_name"]: a for a in all_of(stacks["custom"], "aws_eks_addon").values()}
    assert addons["coredns"]["addon_version"] == "v1.11.4-eksbuild.2"
    assert addons["vpc-cni"]["addon_version"] == "v1.19.2-eksbuild.1"
    assert addons["kube-proxy"]["addon_version"].startswith("${data.aws_eks_addon_version.")
    lookups = {d["addon_name"] for d in all_of(stacks["custom"], "aws_eks_addon_version", kind="data").values()}
    assert lookups == set(ADDONS) - {"coredns", "vpc-cni"}  # a pin wins (v8 coalesce), no lookup


def test_node_groups_follow_the_cluster_version(stacks):
    """EKS refuses a control-plane upgrade while managed node groups are on an older minor (EKS User Guide,
    "Update existing cluster to new Kubernetes version"); aws_eks_node_group without version keeps its
    creation-time version forever (provider docs). v8 passes cluster_version (app_eks/main.tf)."""
    doc = stacks["default"]
    for key, g in all_of(doc, "aws_eks_node_group").items():
        assert g["version"] == ref(doc, "aws_eks_cluster", "eks/cluster", "version"), key


def test_cluster_minor():
    from wandb_cdktf.constructs.aws.cluster import cluster_minor
    assert cluster_minor("1.32") == cluster_minor("1.32.4") == "1.32"


def test_attributes(stacks):
    doc = stacks["default"]
    out = {k: v["value"] for k, v in doc["output"].items()}
    assert out["cluster_name"] == ref(doc, "aws_eks_cluster", "eks/cluster", "name")
    assert out["endpoint"] == ref(doc, "aws_eks_cluster", "eks/cluster", "endpoint")
    assert out["ca"] == ref(doc, "aws_eks_cluster", "eks/cluster", "certificate_authority[0].data")
    assert out["node_sg"] == ref(doc, "aws_security_group", "eks/node-security-group", "id")
    assert out["node_role_name"] == ref(doc, "aws_iam_role", "eks/node-role", "name")
    assert out["asg_names"] == [ref(doc, "aws_eks_node_group", f"eks/node-group-{i}", "resources[0].autoscaling_groups[0].name")
                                for i in range(2)]
    assert len(stacks.handles["default"].node_groups) == 2


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("custom"))
