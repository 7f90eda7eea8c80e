"""The <namespace>-infra stack: settings at parity with terraform-aws-wandb v8, and our secure defaults."""

from __future__ import annotations

import base64
import json

import pytest

from _support import make_config
from wandb_cdktf.testing import one_resource, resources

STACK = "wbtest-infra"
KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
CERT_ARN = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555"

VARIANTS = {
    "default": make_config(),
    "byo-vpc": make_config(
        create_vpc=False, network_id="vpc-0123456789abcdef0",
        network_private_subnets=["subnet-0000000000000000a", "subnet-0000000000000000b"],
        network_database_subnets=["subnet-0000000000000000c", "subnet-0000000000000000d"],
        network_elasticache_subnets=["subnet-0000000000000000e", "subnet-0000000000000000f"],
    ),
    "no-redis-internal-queue": make_config(create_elasticache=False, use_internal_queue=True),
    "xxlarge": make_config(size="xxlarge"),
    "public-eks": make_config(kubernetes_public_access=True, kubernetes_public_access_cidrs=["203.0.113.0/24"]),
    "existing-key-and-cert": make_config(kms_key_arn=KEY_ARN, acm_certificate_arn=CERT_ARN),
    "pre-operator": make_config(deployment="pre-operator"),
    "pre-operator-public": make_config(deployment="pre-operator", public_access=True,
                                       extra_fqdn=["ml.example.com"]),
    "legacy-creator-admin": make_config(kubernetes_legacy_cluster_creator_admin=True),
    "closed": make_config(allowed_inbound_cidr=[], allowed_inbound_ipv6_cidr=[]),
}


@pytest.fixture(scope="module")
def infra(synth):
    return synth(VARIANTS["default"]).stack(STACK)


def _policy(resource: dict) -> dict:
    return json.loads(resource["policy"])


# --- provider set ------------------------------------------------------------------------------

def test_only_the_aws_provider(infra):
    assert set(infra["terraform"]["required_providers"]) == {"aws"}
    assert infra["terraform"]["required_providers"]["aws"]["version"] == "5.100.0"
    assert infra["provider"]["aws"][0]["region"] == "us-west-2"


# --- KMS -----------------------------------------------------------------------------------------

def test_kms_key_rotation_policy_and_alias(infra):
    key = one_resource(infra, "aws_kms_key")
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 7
    assert key["key_usage"] == "ENCRYPT_DECRYPT"
    stmts = {s["Sid"]: s for s in _policy(key)["Statement"]}
    assert stmts["Internal"]["Action"] == "kms:*"
    # the caller's role (not a session ARN) of the first apply, recorded (issue 25 item 2)
    assert stmts["Internal"]["Principal"]["AWS"] == "${terraform_data.deployment-admin.input.arn}"
    assert infra["resource"]["terraform_data"]["deployment-admin"]["input"]["arn"].endswith(".issuer_arn}")
    assert stmts["AccountUse"]["Principal"]["AWS"].endswith(":root")
    assert "kms:RevokeGrant" in stmts["AccountUse"]["Action"]
    asg = stmts["AutoScalingEbs"]
    assert asg["Condition"]["ArnEquals"]["aws:PrincipalArn"].endswith("role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
    assert "kms:CreateGrant" in asg["Action"]
    assert asg["Condition"]["StringLike"]["kms:ViaService"].startswith("ec2.*.")
    assert one_resource(infra, "aws_kms_alias")["name"] == "alias/wbtest-kms-alias"


# --- file storage --------------------------------------------------------------------------------

def test_bucket_secure_defaults(infra):
    bucket = one_resource(infra, "aws_s3_bucket")
    assert bucket["bucket_prefix"] == "wbtest-file-storage-"
    assert bucket["force_destroy"] is False
    assert one_resource(infra, "aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"
    sse = one_resource(infra, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert "aws_kms_key" in sse["apply_server_side_encryption_by_default"]["kms_master_key_id"]
    assert sse["bucket_key_enabled"] is True
    pab = one_resource(infra, "aws_s3_bucket_public_access_block")
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert one_resource(infra, "aws_s3_bucket_ownership_controls")["rule"]["object_ownership"] == "BucketOwnerEnforced"


def test_bucket_cors_matches_reference(infra):
    rule = one_resource(infra, "aws_s3_bucket_cors_configuration")["cors_rule"][0]
    assert rule == {"allowed_headers": ["*"], "allowed_methods": ["GET", "HEAD", "PUT"], "allowed_origins": ["*"],
                    "expose_headers": ["ETag"], "max_age_seconds": 3000}


def test_bucket_policy_denies_insecure_transport(infra):
    (stmt,) = _policy(one_resource(infra, "aws_s3_bucket_policy"))["Statement"]
    assert stmt["Effect"] == "Deny" and stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(stmt["Resource"]) == 2 and stmt["Resource"][1].endswith("/*")


def test_lifecycle_aborts_uploads_and_never_expires_objects(infra):
    (rule,) = one_resource(infra, "aws_s3_bucket_lifecycle_configuration")["rule"]
    assert rule["abort_incomplete_multipart_upload"][0]["days_after_initiation"] == 7
    assert "expiration" not in rule and "noncurrent_version_expiration" not in rule


def test_queue_encrypted_and_restricted_to_the_bucket(infra):
    queue = one_resource(infra, "aws_sqs_queue")
    assert queue["sqs_managed_sse_enabled"] is True
    assert queue["receive_wait_time_seconds"] == 10
    (stmt,) = _policy(one_resource(infra, "aws_sqs_queue_policy"))["Statement"]
    assert stmt["Action"] == "sqs:SendMessage"
    assert "aws_s3_bucket.file-storage_bucket" in stmt["Condition"]["ArnEquals"]["aws:SourceArn"]
    note = one_resource(infra, "aws_s3_bucket_notification")
    assert note["queue"][0]["events"] == ["s3:ObjectCreated:*"]
    assert "aws_sqs_queue_policy" in note["depends_on"][0]


def test_deletion_protection_off_allows_force_destroy(synth):
    infra = synth(make_config(deletion_protection=False)).stack(STACK)
    assert one_resource(infra, "aws_s3_bucket")["force_destroy"] is True
    cluster = one_resource(infra, "aws_rds_cluster")
    assert cluster["deletion_protection"] is False and cluster["skip_final_snapshot"] is True
    assert "final_snapshot_identifier" not in cluster
    assert "lifecycle" not in cluster and "lifecycle" not in one_resource(infra, "aws_s3_bucket")


def test_deletion_protection_makes_terraform_refuse_destroying_the_data(infra):
    """prevent_destroy on the two resources holding data: `terraform destroy` and any replacing change fail at
    plan time (the emulator scenario runs the refused destroy), not after the rest is gone."""
    assert one_resource(infra, "aws_rds_cluster")["lifecycle"] == {"prevent_destroy": True}
    assert one_resource(infra, "aws_s3_bucket")["lifecycle"] == {"prevent_destroy": True}


# --- database ------------------------------------------------------------------------------------

def test_aurora_cluster_settings(infra):
    c = one_resource(infra, "aws_rds_cluster")
    assert c["engine"] == "aurora-mysql" and c["engine_version"] == "8.0"
    assert "manage_master_user_password" not in c and c["master_password_wo_version"] == 1
    assert "master_password" not in c
    assert c["apply_immediately"] is True
    assert c["storage_encrypted"] is True and "aws_kms_key" in c["kms_key_id"]
    assert c["backup_retention_period"] == 14
    assert c["preferred_backup_window"] == "02:00-03:00"
    assert c["preferred_maintenance_window"] == "sun:05:00-sun:06:00"
    assert c["enabled_cloudwatch_logs_exports"] == ["audit", "error", "general", "slowquery"]
    assert c["deletion_protection"] is True and c["skip_final_snapshot"] is False
    assert c["final_snapshot_identifier"] == "wbtest-final-snapshot"
    assert c["database_name"] == "wandb_local" and c["master_username"] == "wandb"


@pytest.mark.parametrize("window, message", [
    ("sun:05:00-sun:05:20", "at least 30 minutes"),
    ("mon:01:30-mon:02:30", "overlaps the daily 02:00-03:00"),
    ("tue:02:59-tue:04:00", "overlaps"),
    ("sun 05:00", "weekly UTC window"),
])
def test_maintenance_window_rds_refusals(window, message):
    """RDS ModifyDBCluster/CreateDBCluster PreferredMaintenanceWindow: format ddd:hh24:mi-ddd:hh24:mi (UTC),
    "Must be at least 30 minutes", and it must not overlap the preferred backup window (API reference)."""
    from wandb_cdktf.config import ConfigError, config_from_mapping
    with pytest.raises(ConfigError, match=f"database_maintenance_window: .*{message}"):
        config_from_mapping(make_config(database_maintenance_window=window))


def test_maintenance_window_and_apply_immediately_options(synth):
    s = synth(make_config(database_maintenance_window="Sat:22:00-Sun:01:00", database_apply_immediately=False)).stack(STACK)
    c, w = one_resource(s, "aws_rds_cluster"), one_resource(s, "aws_rds_cluster_instance")
    assert c["preferred_maintenance_window"] == w["preferred_maintenance_window"] == "sat:22:00-sun:01:00"
    assert c["apply_immediately"] is False and w["apply_immediately"] is False


def test_aurora_writer_settings(infra):
    w = one_resource(infra, "aws_rds_cluster_instance")
    assert w["instance_class"] == "db.r6g.large"
    assert w["performance_insights_enabled"] is True and w["performance_insights_retention_period"] == 7
    assert "aws_kms_key" in w["performance_insights_kms_key_id"]
    assert w["monitoring_interval"] == 15 and "aws_iam_role.database_monitoring-role" in w["monitoring_role_arn"]
    assert w["publicly_accessible"] is False


def test_aurora_parameter_groups(infra):
    inst = {p["name"]: p["value"] for p in one_resource(infra, "aws_db_parameter_group")["parameter"]}
    assert inst == {"performance_schema": "1", "slow_query_log": "1", "long_query_time": "4",
                    "max_prepared_stmt_count": "1048576", "max_execution_time": "60000",
                    "sort_buffer_size": "67108864", "innodb_lru_scan_depth": "128"}
    cl = {p["name"]: p["value"] for p in one_resource(infra, "aws_rds_cluster_parameter_group")["parameter"]}
    assert cl == {"binlog_format": "ROW", "binlog_row_image": "minimal", "innodb_online_alter_log_max_size": "268435456"}


def test_database_and_redis_admit_only_the_node_security_group(infra):
    rules = resources(infra, "aws_vpc_security_group_ingress_rule")
    for prefix, port in (("database_", 3306), ("redis_", 6379), ("weave-efs_", 2049)):
        mine = [r for k, r in rules.items() if k.startswith(prefix)]
        assert mine, prefix
        for r in mine:
            assert r["from_port"] == r["to_port"] == port
            assert "node-security-group" in r["referenced_security_group_id"]
            assert "cidr_ipv4" not in r


# --- Redis ---------------------------------------------------------------------------------------

def test_redis_replication_group(infra):
    r = one_resource(infra, "aws_elasticache_replication_group")
    assert r["replication_group_id"] == "wbtest-rep-group"
    assert (r["engine"], r["engine_version"], r["parameter_group_name"]) == ("redis", "7.1", "default.redis7")
    assert r["num_cache_clusters"] == 2 and r["automatic_failover_enabled"] and r["multi_az_enabled"]
    assert r["transit_encryption_enabled"] is True and r["at_rest_encryption_enabled"] == "true"
    assert "aws_kms_key" in r["kms_key_id"]
    assert r["node_type"] == "cache.m6g.large"
    assert r["snapshot_retention_limit"] == 1 and r["maintenance_window"] == "sun:03:00-sun:04:00"


# --- EKS -----------------------------------------------------------------------------------------

def test_eks_cluster(infra):
    c = one_resource(infra, "aws_eks_cluster")
    assert c["name"] == "wbtest" and c["version"] == "1.32"
    assert c["vpc_config"]["endpoint_private_access"] is True
    assert c["vpc_config"]["endpoint_public_access"] is False
    assert c["encryption_config"]["resources"] == ["secrets"]
    assert c["enabled_cluster_log_types"] == ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    assert c["access_config"]["authentication_mode"] == "API_AND_CONFIG_MAP"
    log = one_resource(infra, "aws_cloudwatch_log_group")
    assert log["name"] == "/aws/eks/wbtest/cluster" and log["retention_in_days"] == 30


def test_node_groups_one_per_az_with_hardened_launch_template(infra):
    groups = resources(infra, "aws_eks_node_group")
    assert len(groups) == 2
    for g in groups.values():
        assert g["ami_type"] == "AL2023_x86_64_STANDARD"
        assert g["instance_types"] == ["r6i.2xlarge"]
        assert g["scaling_config"] == {"desired_size": 1, "max_size": 4, "min_size": 1}
        assert len(g["subnet_ids"]) == 1
    lt = one_resource(infra, "aws_launch_template")
    assert lt["metadata_options"]["http_tokens"] == "required"
    assert lt["metadata_options"]["http_put_response_hop_limit"] == 2
    ebs = lt["block_device_mappings"][0]["ebs"]
    assert ebs["volume_type"] == "gp3" and ebs["encrypted"] == "true" and ebs["volume_size"] == 100
    user_data = base64.b64decode(lt["user_data"]).decode()
    for needle in ("kind: NodeConfig", "cpu: 70m", "memory: 100Mi", "ephemeral-storage: 750Mi", 'pid: "500"'):
        assert needle in user_data


def test_node_role_policies(infra):
    attached = [a["policy_arn"] for k, a in resources(infra, "aws_iam_role_policy_attachment").items() if k.startswith("eks_node-")]
    for name in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly",
                 "AmazonEBSCSIDriverPolicy", "AmazonEFSCSIDriverPolicy"):
        prefix = "policy/service-role/" if name in ("AmazonEBSCSIDriverPolicy", "AmazonEFSCSIDriverPolicy") else ":policy/"
        assert any(a.endswith(prefix + name) for a in attached), name
    stmts = {s["Sid"]: s for s in _policy(one_resource(infra, "aws_iam_role_policy"))["Statement"]}
    assert stmts["BucketObjects"]["Resource"].endswith("/*")
    assert "aws_sqs_queue" in stmts["Queue"]["Resource"]
    assert stmts["NamespaceSecrets"]["Resource"].endswith(":secret:wbtest-*")
    assert "aws_kms_key" in stmts["DeploymentKey"]["Resource"]


def test_oidc_and_addons(infra):
    oidc = one_resource(infra, "aws_iam_openid_connect_provider")
    assert oidc["client_id_list"] == ["sts.amazonaws.com"] and "thumbprint_list" not in oidc
    addons = {a["addon_name"]: a for a in resources(infra, "aws_eks_addon").values()}
    assert set(addons) == {"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "aws-efs-csi-driver", "metrics-server"}
    assert "aws_iam_role.eks_vpc-cni-irsa" in addons["vpc-cni"]["service_account_role_arn"]


def test_addon_versions_are_configurable(synth):
    infra = synth(make_config(eks_addon_coredns_version="v1.11.4-eksbuild.2")).stack(STACK)
    addons = {a["addon_name"]: a for a in resources(infra, "aws_eks_addon").values()}
    assert addons["coredns"]["addon_version"] == "v1.11.4-eksbuild.2"
    lookups = {d["addon_name"] for d in infra["data"]["aws_eks_addon_version"].values()}
    assert "coredns" not in lookups and "kube-proxy" in lookups  # the pin wins, as v8's coalesce()


def test_upgrades_move_node_groups_and_addons_with_the_cluster(infra):
    """EKS refuses a control-plane upgrade while node groups lag ("Update existing cluster to new Kubernetes
    version", EKS User Guide), and an addon without addon_version stays at its creation-time version. v8:
    node groups get cluster_version (app_eks/main.tf), addons data.aws_eks_addon_version per cluster minor
    with most_recent = true (app_eks/add-ons.tf)."""
    cluster = next(iter(resources(infra, "aws_eks_cluster")))
    for g in resources(infra, "aws_eks_node_group").values():
        assert g["version"] == f"${{aws_eks_cluster.{cluster}.version}}"
    lookups = infra["data"]["aws_eks_addon_version"]
    for key, a in resources(infra, "aws_eks_addon").items():
        name = a["addon_name"]
        lookup = next(k for k, d in lookups.items() if d["addon_name"] == name)
        assert lookups[lookup] == {**lookups[lookup], "kubernetes_version": "1.32", "most_recent": True}
        assert a["addon_version"] == f"${{data.aws_eks_addon_version.{lookup}.version}}", key


@pytest.mark.parametrize("bad", ["1.11.4", "v1.11", "latest"])
def test_addon_version_pins_must_be_eks_versions(bad):
    """EKS addon versions have the form v<major>.<minor>.<patch>-eksbuild.<n> (DescribeAddonVersions);
    CreateAddon/UpdateAddon refuse anything else (InvalidParameterException)."""
    from wandb_cdktf.config import ConfigError, config_from_mapping
    with pytest.raises(ConfigError, match="eks_addon_kube_proxy_version"):
        config_from_mapping(make_config(eks_addon_kube_proxy_version=bad))


def test_map_roles_become_access_entries(synth):
    role = "arn:aws:iam::123456789012:role/platform-admin"
    infra = synth(make_config(kubernetes_map_roles=[{"rolearn": role, "username": "admin", "groups": ["system:masters"]}])).stack(STACK)
    entries = {e["principal_arn"]: e for e in resources(infra, "aws_eks_access_entry").values()}
    assert "kubernetes_groups" not in entries[role]
    assocs = {a["principal_arn"]: a for a in resources(infra, "aws_eks_access_policy_association").values()}
    assert assocs[role]["policy_arn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")


def test_deploying_principal_can_reach_the_cluster(infra):
    """v8 (kubernetes_legacy_cluster_creator_admin = false, the fresh-install default): the principal running
    Terraform gets an access entry with cluster admin, which the app/operator stacks need (they authenticate
    as that principal with aws eks get-token; EKS grants nothing else by default): the principal of the first
    apply, recorded, so that another principal's apply does not replace the entry (issue 25 item 2)."""
    (entry,) = resources(infra, "aws_eks_access_entry").values()
    assert entry["principal_arn"] == "${terraform_data.deployment-admin.input.arn}"
    (assoc,) = resources(infra, "aws_eks_access_policy_association").values()
    assert assoc["principal_arn"] == entry["principal_arn"]
    assert assoc["policy_arn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")


def test_legacy_creator_admin_changes_access_entries_not_the_cluster(synth, infra):
    """Flipping kubernetes_legacy_cluster_creator_admin adds or removes the creator's access entry only: the
    cluster's ForceNew bootstrap flag (aws_eks_cluster access_config) is identical in both, so no replacement."""
    legacy = synth(VARIANTS["legacy-creator-admin"]).stack(STACK)
    assert "aws_eks_access_entry" not in legacy["resource"]
    assert one_resource(legacy, "aws_eks_cluster") == one_resource(infra, "aws_eks_cluster")


# --- DNS, secrets, post-operator extras ------------------------------------------------------------

def test_certificate_dns_validation(infra):
    (zone,) = infra["data"]["aws_route53_zone"].values()
    assert zone["zone_id"] == "Z0123456789EXAMPLE00" and zone["lifecycle"]["postcondition"]
    cert = one_resource(infra, "aws_acm_certificate")
    assert cert["domain_name"] == "wandb.example.com" and cert["validation_method"] == "DNS"
    rec = one_resource(infra, "aws_route53_record")
    assert rec["ttl"] == 60 and rec["zone_id"] == "Z0123456789EXAMPLE00" and "for_each" in rec
    assert "aws_route53_record" in one_resource(infra, "aws_acm_certificate_validation")["validation_record_fqdns"]


def test_post_operator_extras(infra):
    efs = one_resource(infra, "aws_efs_file_system")
    assert efs["encrypted"] is True and efs["throughput_mode"] == "elastic"
    assert len(resources(infra, "aws_efs_mount_target")) == 2
    secret = resources(infra, "aws_secretsmanager_secret")["secrets_weave-worker-auth_EEFF2C91"]
    assert secret["name_prefix"].startswith("wbtest") and "aws_kms_key" in secret["kms_key_id"]
    version = resources(infra, "aws_secretsmanager_secret_version")["secrets_weave-worker-auth-version_4A0BD74F"]
    # write-only from an ephemeral generator: the token is in no plan or state of this stack
    assert version["secret_string_wo"].startswith("${ephemeral.aws_secretsmanager_random_password.")
    assert "secret_string" not in version
    roles = resources(infra, "aws_iam_role")
    assert any(k.startswith("lbc-irsa") for k in roles) and any(k.startswith("external-dns-irsa") for k in roles) is False
    assert "aws_lb" not in infra["resource"]


def test_outputs(infra):
    outputs = set(infra["output"])
    for name in ("url", "bucket_name", "bucket_region", "bucket_queue", "cluster_name", "cluster_endpoint",
                 "cluster_ca_data", "database_endpoint", "database_secret_arn", "redis_endpoint", "kms_key_arn",
                 "vpc_id", "private_subnet_ids"):
        assert name in outputs, name
    assert infra["output"]["url"]["value"] == "https://wandb.example.com"
    assert not any("password" in name for name in outputs)


# --- variants ------------------------------------------------------------------------------------

def test_byo_vpc_creates_no_network(synth):
    infra = synth(VARIANTS["byo-vpc"]).stack(STACK)
    for rtype in ("aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_internet_gateway"):
        assert rtype not in infra["resource"], rtype
    assert infra["data"]["aws_vpc"]
    assert one_resource(infra, "aws_db_subnet_group")["subnet_ids"] == ["subnet-0000000000000000c", "subnet-0000000000000000d"]
    groups = resources(infra, "aws_eks_node_group")
    assert sorted(g["subnet_ids"][0] for g in groups.values()) == ["subnet-0000000000000000a", "subnet-0000000000000000b"]


def test_no_redis_and_internal_queue(synth):
    s = synth(VARIANTS["no-redis-internal-queue"]).stack(STACK)
    assert "aws_elasticache_replication_group" not in s["resource"]
    assert "aws_sqs_queue" not in s["resource"] and "aws_s3_bucket_notification" not in s["resource"]
    assert "redis_endpoint" not in s["output"]
    assert s["output"]["bucket_queue"]["value"] == "internal://"


def test_xxlarge(synth):
    s = synth(VARIANTS["xxlarge"]).stack(STACK)
    assert one_resource(s, "aws_rds_cluster_instance")["instance_class"] == "db.r6g.8xlarge"
    assert one_resource(s, "aws_elasticache_replication_group")["node_type"] == "cache.m6g.2xlarge"
    assert one_resource(s, "aws_launch_template")["block_device_mappings"][0]["ebs"]["volume_size"] == 256


def test_public_eks_endpoint(synth):
    c = one_resource(synth(VARIANTS["public-eks"]).stack(STACK), "aws_eks_cluster")
    assert c["vpc_config"]["endpoint_public_access"] is True
    assert c["vpc_config"]["public_access_cidrs"] == ["203.0.113.0/24"]


def test_existing_key_and_certificate(synth):
    s = synth(VARIANTS["existing-key-and-cert"]).stack(STACK)
    assert "aws_kms_key" not in s["resource"] and "aws_acm_certificate" not in s["resource"]
    assert one_resource(s, "aws_rds_cluster")["kms_key_id"] == KEY_ARN
    assert s["output"]["certificate_arn"]["value"] == CERT_ARN


def test_log_group_uses_the_key_only_when_its_policy_admits_cloudwatch_logs(infra, synth):
    """CloudWatch Logs can use a CMK only if the key policy allows logs.<region>.amazonaws.com (CloudWatch
    Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"); otherwise CreateLogGroup fails
    with "The specified KMS key does not exist or is not allowed to be used". Our policy has that statement;
    an existing key (kms_key_arn) or a v8-style kms_key_policy usually does not, so the group then uses
    CloudWatch Logs' own at-rest encryption."""
    assert "aws_kms_key" in one_resource(infra, "aws_cloudwatch_log_group")["kms_key_id"]
    existing = synth(VARIANTS["existing-key-and-cert"]).stack(STACK)
    assert "kms_key_id" not in one_resource(existing, "aws_cloudwatch_log_group")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow", "Principal": {
        "AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]})
    custom = synth(make_config(kms_key_policy=policy)).stack(STACK)
    assert "kms_key_id" not in one_resource(custom, "aws_cloudwatch_log_group")
    assert "aws_kms_key" in one_resource(custom, "aws_eks_cluster")["encryption_config"]["provider"]["key_arn"]


def test_database_key_also_encrypts_redis(synth):
    """v8 main.tf: module "redis" gets kms_key_arn = local.database_kms_key_arn (issue #175: a compliance key
    for the data stores)."""
    s = synth(make_config(database_kms_key_arn=KEY_ARN)).stack(STACK)
    assert one_resource(s, "aws_rds_cluster")["kms_key_id"] == KEY_ARN
    assert one_resource(s, "aws_elasticache_replication_group")["kms_key_id"] == KEY_ARN
    secret = resources(s, "aws_secretsmanager_secret")
    assert [r["kms_key_id"] for k, r in secret.items() if k.startswith("database_")] == [KEY_ARN]


def test_pre_operator_load_balancer(synth):
    s = synth(VARIANTS["pre-operator-public"]).stack(STACK)
    lb = one_resource(s, "aws_lb")
    assert lb["internal"] is False and lb["drop_invalid_header_fields"] is True
    assert len(lb["subnets"]) == 2 and all("network_public-" in x for x in lb["subnets"])
    # IPv6 CIDRs are SG rules only: ELB refuses dualstack without IPv6 subnets (ELB user guide)
    assert lb["ip_address_type"] == "ipv4"
    assert lb["enable_deletion_protection"] is False  # v1.16.10; the migration deletes it
    tg = one_resource(s, "aws_lb_target_group")
    assert tg["port"] == 32543 and tg["protocol"] == "HTTP"
    listeners = {lis["port"]: lis for lis in resources(s, "aws_lb_listener").values()}
    assert listeners[443]["protocol"] == "HTTPS" and "certificate_arn" in listeners[443]
    assert listeners[80]["default_action"][0]["redirect"]["protocol"] == "HTTPS"
    assert len(resources(s, "aws_autoscaling_attachment")) == 2
    ingress = [r for k, r in resources(s, "aws_vpc_security_group_ingress_rule").items() if k.startswith("alb_ingress")]
    assert {(r["from_port"], r.get("cidr_ipv4") or r.get("cidr_ipv6")) for r in ingress} == {
        (443, "0.0.0.0/0"), (80, "0.0.0.0/0"), (443, "::/0"), (80, "::/0")}
    records = {r["name"]: r for k, r in resources(s, "aws_route53_record").items() if k.startswith("alb_")}
    assert set(records) == {"wandb.example.com", "ml.example.com"}
    assert {r["type"] for r in records.values()} == {"A"}
    assert "aws_efs_file_system" not in s["resource"]


def test_pre_operator_alb_is_internal_without_public_access(synth):
    """terraform-aws-wandb v1.16.10 (modules/app_lb, root main.tf): internal = !public_access, in the private
    subnets; public_access defaults to false."""
    s = synth(VARIANTS["pre-operator"]).stack(STACK)
    lb = one_resource(s, "aws_lb")
    assert lb["internal"] is True and all("network_private-" in x for x in lb["subnets"])


def test_post_operator_alb_security_group(infra, synth):
    """The controller-made ALB uses a Terraform-managed frontend security group: 443 from exactly the allowed
    CIDRs (none when the lists are empty, instead of the controller's 0.0.0.0/0 default), egress only to the
    cluster security group that carries the pods' ENIs."""
    sg = resources(infra, "aws_security_group")
    (alb_sg_key,) = [k for k in sg if k.startswith("alb-k8s_")]
    assert sg[alb_sg_key]["name_prefix"] == "wbtest-alb-k8s-"
    rules = [r for k, r in resources(infra, "aws_vpc_security_group_ingress_rule").items() if k.startswith("alb-k8s_")]
    assert {(r["from_port"], r.get("cidr_ipv4") or r.get("cidr_ipv6")) for r in rules} == {(443, "0.0.0.0/0"), (443, "::/0")}
    (egress,) = [r for k, r in resources(infra, "aws_vpc_security_group_egress_rule").items() if k.startswith("alb-k8s_")]
    assert egress["referenced_security_group_id"].endswith(".vpc_config[0].cluster_security_group_id}")
    assert infra["output"]["alb_security_group_id"]["value"] == f"${{aws_security_group.{alb_sg_key}.id}}"
    closed = synth(VARIANTS["closed"]).stack(STACK)
    assert not [k for k in resources(closed, "aws_vpc_security_group_ingress_rule") if k.startswith("alb-k8s_")]


def test_cluster_autoscaler_role(infra):
    """v8 modules/app_eks/cluster_autoscaler IRSA: capacity changes only on Auto Scaling groups tagged as this
    cluster's (EKS tags managed node groups' groups k8s.io/cluster-autoscaler/<cluster> = owned)."""
    roles = {k: r for k, r in resources(infra, "aws_iam_role").items() if k.startswith("cluster-autoscaler-irsa")}
    (role,) = roles.values()
    assert ':sub": ["system:serviceaccount:cluster-autoscaler:cluster-autoscaler"]' in role["assume_role_policy"]
    (policy,) = [p for k, p in resources(infra, "aws_iam_policy").items() if k.startswith("cluster-autoscaler-irsa")]
    stmts = {s["Sid"]: s for s in _policy(policy)["Statement"]}
    assert stmts["ScaleOwnNodeGroups"]["Condition"]["StringEquals"][
        "aws:ResourceTag/k8s.io/cluster-autoscaler/wbtest"] == "owned"
    assert "autoscaling:SetDesiredCapacity" not in stmts["DescribeCapacity"]["Action"]


@pytest.mark.terraform
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_terraform_validate(synth, tf_validate, variant):
    tf_validate(synth(VARIANTS[variant]).stack_dir(STACK), *(synth(v).stack_dir(STACK) for v in VARIANTS.values()))
