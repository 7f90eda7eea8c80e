"""Redis used alone in a bare TerraformStack."""

from __future__ import annotations

import pytest

from _construct_support import (
    KEY_ARN,
    SG_ID,
    SUBNETS,
    VPC_ID,
    assert_validates,
    at,
    build_bare_stacks,
    output,
    ref,
    under,
)
from wandb_cdktf.constructs.aws import Redis, RedisProps

BASE = dict(namespace="rt", vpc_id=VPC_ID, subnet_ids=SUBNETS, kms_key_arn=KEY_ARN)


def _redis(props: RedisProps):
    def build(stack):
        r = Redis(stack, "redis", props)
        output(stack, "host", r.host)
        output(stack, "url", r.url)
        output(stack, "security_group_id", r.security_group_id)
        output(stack, "replication_group_id", r.replication_group_id)
        return r
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("redis"), {
        "default": _redis(RedisProps(**BASE, allowed_security_group_ids=(SG_ID, "sg-0fedcba9876543210"))),
        "custom": _redis(RedisProps(**BASE, node_type="cache.r7g.large", num_cache_clusters=3, engine_version="7.1",
                                    snapshot_retention_limit=7)),
    })


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_nodes_raises(n):
    with pytest.raises(ValueError, match="num_cache_clusters"):
        RedisProps(**BASE, num_cache_clusters=n)


def test_replication_group_defaults(stacks):
    doc = stacks["default"]
    g = at(doc, "aws_elasticache_replication_group", "redis/replication-group")
    assert g["replication_group_id"] == "rt-rep-group"
    assert (g["engine"], g["engine_version"], g["parameter_group_name"]) == ("redis", "7.1", "default.redis7")
    assert g["node_type"] == "cache.m6g.large" and g["num_cache_clusters"] == 2 and g["port"] == 6379
    assert g["automatic_failover_enabled"] is True and g["multi_az_enabled"] is True
    assert g["transit_encryption_enabled"] is True and g["at_rest_encryption_enabled"] == "true"
    assert g["kms_key_id"] == KEY_ARN
    assert g["subnet_group_name"] == ref(doc, "aws_elasticache_subnet_group", "redis/subnet-group", "name")
    assert g["security_group_ids"] == [ref(doc, "aws_security_group", "redis/security-group", "id")]
    subnets = at(doc, "aws_elasticache_subnet_group", "redis/subnet-group")
    assert subnets["name"] == "rt-redis" and subnets["subnet_ids"] == SUBNETS
    assert at(doc, "aws_security_group", "redis/security-group")["vpc_id"] == VPC_ID


def test_ingress_only_from_allowed_groups_on_6379(stacks):
    doc = stacks["default"]
    rules = under(doc, "aws_vpc_security_group_ingress_rule", "redis/")
    assert [r["referenced_security_group_id"] for _, r in sorted(rules.items())] == [SG_ID, "sg-0fedcba9876543210"]
    for r in rules.values():
        assert (r["ip_protocol"], r["from_port"], r["to_port"]) == ("tcp", 6379, 6379)
        assert "cidr_ipv4" not in r
    assert not under(stacks["custom"], "aws_vpc_security_group_ingress_rule", "redis/")


def test_url_and_attributes(stacks):
    doc = stacks["default"]
    out = {k: v["value"] for k, v in doc["output"].items()}
    host = ref(doc, "aws_elasticache_replication_group", "redis/replication-group", "primary_endpoint_address")
    assert out["host"] == host
    assert out["url"] == f"redis://{host}:6379?tls=true&ttlInSeconds=604800"
    assert out["replication_group_id"] == ref(doc, "aws_elasticache_replication_group", "redis/replication-group", "id")
    assert stacks.handles["default"].port == 6379


def test_custom_size(stacks):
    g = at(stacks["custom"], "aws_elasticache_replication_group", "redis/replication-group")
    assert g["node_type"] == "cache.r7g.large" and g["num_cache_clusters"] == 3 and g["snapshot_retention_limit"] == 7


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("default"))
