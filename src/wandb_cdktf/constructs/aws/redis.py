"""Redis: the ElastiCache replication group W&B uses as cache and job queue.

As in terraform-aws-wandb v8: Redis 7.1, two nodes with automatic failover across
AZs, TLS in transit, KMS at rest. W&B reads it as
``redis://<host>:<port>?tls=true&ttlInSeconds=604800``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import Token
from constructs import Construct

from ..._providers import aws
from .security_groups import allow_port_from_groups, service_security_group
from .yace import discovery_tags


@dataclass(frozen=True)
class RedisProps:
    namespace: str
    vpc_id: str
    subnet_ids: list[str]
    kms_key_arn: str
    """At-rest encryption key."""
    node_type: str = "cache.m6g.large"
    """Default: cache.m6g.large (size small)."""
    allowed_security_group_ids: tuple[str, ...] = ()
    """Security groups allowed on 6379 (the EKS nodes). Default: ()."""
    engine_version: str = "7.1"
    """Default: 7.1."""
    num_cache_clusters: int = 2
    """Nodes (primary + replicas). Default: 2."""
    maintenance_window: str = "sun:03:00-sun:04:00"
    """UTC. Default: sun:03:00-sun:04:00."""
    snapshot_retention_limit: int = 1
    """Days. Default: 1."""

    def __post_init__(self) -> None:
        if self.num_cache_clusters < 2:
            raise ValueError("RedisProps.num_cache_clusters must be >= 2 for automatic failover")


class Redis(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: RedisProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        ns = props.namespace
        self._sg = service_security_group(self, namespace=ns, service="redis", vpc_id=props.vpc_id,
                                          description=f"W&B {ns} Redis: 6379 from the EKS nodes only")
        allow_port_from_groups(self, self._sg.id, 6379, props.allowed_security_group_ids, "Redis from EKS nodes")
        subnets = aws.elasticache_subnet_group.ElasticacheSubnetGroup(
            self, "subnet-group", name=f"{ns}-redis", subnet_ids=props.subnet_ids, description=f"W&B {ns} Redis subnets"
        )
        self._group = aws.elasticache_replication_group.ElasticacheReplicationGroup(
            self, "replication-group",
            replication_group_id=f"{ns}-rep-group",
            description=f"W&B {ns} Redis",
            engine="redis",
            engine_version=props.engine_version,
            parameter_group_name="default.redis7",
            node_type=props.node_type,
            num_cache_clusters=props.num_cache_clusters,
            port=6379,
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            transit_encryption_enabled=True,
            at_rest_encryption_enabled="true",
            kms_key_id=props.kms_key_arn,
            subnet_group_name=subnets.name,
            security_group_ids=[self._sg.id],
            maintenance_window=props.maintenance_window,
            snapshot_retention_limit=props.snapshot_retention_limit,
            auto_minor_version_upgrade="true",
            apply_immediately=False,
            # ElastiCache copies replication-group tags to every node, which YACE discovers by them.
            tags=discovery_tags(ns),
        )

    @property
    def host(self) -> str:
        return self._group.primary_endpoint_address

    @property
    def port(self) -> int:
        return 6379

    @property
    def url(self) -> str:
        """The connection string W&B expects (no password: TLS + security groups)."""
        return f"redis://{self.host}:{self.port}?tls=true&ttlInSeconds=604800"

    @property
    def security_group_id(self) -> str:
        return self._sg.id

    @property
    def replication_group_id(self) -> str:
        return Token.as_string(self._group.id)

    @property
    def cache_cluster_ids(self) -> tuple[str, ...]:
        """The nodes, as ElastiCache names a replication group's members (``<group>-001`` ...): the
        ``CacheClusterId`` dimension of AWS/ElastiCache metrics."""
        group = f"{self.props.namespace}-rep-group"
        return tuple(f"{group}-{i:03d}" for i in range(1, self.props.num_cache_clusters + 1))
