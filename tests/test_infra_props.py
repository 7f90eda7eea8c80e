"""InfraStack's config -> Props mapping, checked without building a stack (pure functions, milliseconds).

Each test takes v8 option names (terraform-aws-wandb v8 ``variables.tf``) and checks that their value reaches
the Props the construct is built from; the synthesized effect of the same options is checked in
tests/test_infra_stack.py.
"""

from __future__ import annotations

from _support import make_config
from wandb_cdktf.config import SIZE_PRESETS, config_from_mapping
from wandb_cdktf.constructs.aws import AccessPrincipal
from wandb_cdktf.stacks.infra import (
    access_principals,
    addon_versions,
    cluster_props,
    database_props,
    existing_cluster_props,
    file_storage_props,
    key_props,
    network_props,
    redis_props,
)

KEY = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY = "arn:aws:kms:us-west-2:123456789012:key/99999999-2222-3333-4444-555555555555"
SUBNETS = ["subnet-0a", "subnet-0b"]
NODES = ("sg-nodes",)


def _config(**overrides):
    return config_from_mapping(make_config(**overrides))


def _cluster(c, key_created=True):
    return cluster_props(c, vpc_id="vpc-1", private_subnet_ids=SUBNETS, key_arn=KEY, key_created=key_created)


def test_cluster_sizes_come_from_the_size_preset_unless_set():
    """v8 ``size`` presets fill instance type, node counts and disk; an explicit v8 variable wins."""
    preset = SIZE_PRESETS["large"]
    p = _cluster(_config(size="large"))
    assert (p.instance_types, p.min_nodes_per_az, p.max_nodes_per_az, p.node_disk_size_gb) == (
        (preset.node_instance_type,), preset.min_nodes_per_az, preset.max_nodes_per_az, preset.node_disk_size_gb)
    p = _cluster(_config(size="large", kubernetes_instance_types=["m6i.xlarge"], kubernetes_min_nodes_per_az=0,
                         kubernetes_max_nodes_per_az=2, kubernetes_node_disk_size_gb=200))
    # min 0 is a value, not "unset": it must not fall back to the preset's 1.
    assert (p.instance_types, p.min_nodes_per_az, p.max_nodes_per_az, p.node_disk_size_gb) == (("m6i.xlarge",), 0, 2, 200)


def test_cluster_v8_options_reach_the_props():
    c = _config(eks_cluster_version="1.33", kubernetes_public_access=True, kubernetes_public_access_cidrs=["10.0.0.0/8"],
                system_reserved_cpu_millicores=-1, system_reserved_pid=1000, eks_policy_arns=[
                    "arn:aws:iam::123456789012:policy/extra"], eks_cluster_tags={"team": "ml"},
                kubernetes_legacy_cluster_creator_admin=True)
    p = _cluster(c)
    assert p.kubernetes_version == "1.33"
    assert (p.public_access, p.public_access_cidrs) == (True, ("10.0.0.0/8",))
    assert (p.system_reserved_cpu_millicores, p.system_reserved_pid) == (-1, 1000)
    assert p.extra_node_policy_arns == ("arn:aws:iam::123456789012:policy/extra",)
    assert p.cluster_tags == {"team": "ml"}
    assert p.creator_admin_access_entry is False  # v8: the legacy creator already holds an entry
    assert (p.vpc_id, p.private_subnet_ids, p.kms_key_arn) == ("vpc-1", SUBNETS, KEY)


def test_addon_versions_keep_only_the_pinned_ones():
    """v8 ``eks_addon_*_version``: an unset version is left out (resolved per cluster minor at plan time)."""
    assert addon_versions(_config()) == {}
    c = _config(eks_addon_coredns_version="v1.11.4-eksbuild.2", eks_addon_metrics_server_version="v0.7.2-eksbuild.1")
    assert addon_versions(c) == {"coredns": "v1.11.4-eksbuild.2", "metrics-server": "v0.7.2-eksbuild.1"}
    assert _cluster(c).addon_versions == addon_versions(c)


def test_map_roles_and_users_become_access_principals_in_order():
    role, user = "arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:user/viewer"
    c = _config(kubernetes_map_roles=[{"rolearn": role, "username": "admin", "groups": ["system:masters"]}],
                kubernetes_map_users=[{"userarn": user, "username": "viewer", "groups": ["view"]}])
    assert access_principals(c) == (AccessPrincipal(role, "admin", ("system:masters",)),
                                    AccessPrincipal(user, "viewer", ("view",)))


def test_log_group_key_only_with_our_own_key_policy():
    """Our key policy admits CloudWatch Logs; an existing key or a custom ``kms_key_policy`` may not
    (CloudWatch Logs: "KMS key ... not allowed to be used with LogGroup")."""
    assert _cluster(_config()).encrypt_logs_with_key is True
    assert _cluster(_config(), key_created=False).encrypt_logs_with_key is False


def test_existing_cluster_props():
    role = "arn:aws:iam::123456789012:role/nodes"
    data = make_config(create_vpc=False, network_id="vpc-0a1b2c3d4e5f60718",
                       network_private_subnets=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
                       network_database_subnets=["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
                       network_elasticache_subnets=["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"],
                       external_eks_cluster_name="shared", external_eks_node_role_arn=role)
    data.pop("eks_cluster_version")  # the model refuses a version for a cluster it does not manage
    c = config_from_mapping(data)
    p = existing_cluster_props(c, key_arn=KEY)
    assert (p.cluster_name, p.node_role_arn, p.kms_key_arn) == ("shared", role, KEY)
    n = network_props(c)
    assert (n.create_vpc, n.vpc_id, n.existing_private_subnet_ids) == (
        False, "vpc-0a1b2c3d4e5f60718", ("subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"))


def test_database_and_redis_use_the_database_key_when_given():
    """v8 main.tf: ``database_kms_key_arn`` encrypts the database and (``local.database_kms_key_arn``) Redis."""
    kw = dict(vpc_id="vpc-1", subnet_ids=SUBNETS, key_arn=KEY, allowed_security_group_ids=NODES)
    c = _config()
    assert database_props(c, **kw).kms_key_arn == KEY
    assert redis_props(c, **kw).kms_key_arn == KEY
    c = _config(database_kms_key_arn=OTHER_KEY, size="medium", database_sort_buffer_size=262144)
    db, redis = database_props(c, **kw), redis_props(c, **kw)
    assert (db.kms_key_arn, redis.kms_key_arn) == (OTHER_KEY, OTHER_KEY)
    assert db.instance_class == SIZE_PRESETS["medium"].database_instance_class
    assert db.sort_buffer_size == 262144
    assert redis.node_type == SIZE_PRESETS["medium"].elasticache_node_type
    assert db.allowed_security_group_ids == redis.allowed_security_group_ids == NODES


def test_existing_bucket_uses_its_own_key_and_no_queue():
    """v8 ``bucket_name`` + ``bucket_kms_key_arn``: the bucket is not ours, so no SQS queue is made for it."""
    p = file_storage_props(_config(), key_arn=KEY)
    assert (p.existing_bucket_name, p.kms_key_arn, p.create_queue) == (None, KEY, True)
    p = file_storage_props(_config(bucket_name="their-bucket", bucket_kms_key_arn=OTHER_KEY), key_arn=KEY)
    assert (p.existing_bucket_name, p.kms_key_arn, p.create_queue) == ("their-bucket", OTHER_KEY, False)
    assert file_storage_props(_config(use_internal_queue=True), key_arn=KEY).create_queue is False


def test_network_and_key_props():
    c = _config(single_nat_gateway=True, deletion_protection=False, kms_key_deletion_window=14)
    n = network_props(c)
    assert (n.create_vpc, n.single_nat_gateway, n.flow_log_force_destroy) == (True, True, True)
    assert n.private_subnet_cidrs == tuple(c.network_private_subnet_cidrs)
    assert key_props(c).deletion_window_in_days == 14
