"""Deployment size presets, as in terraform-aws-wandb v8 ``deployment-size.tf``.

A size picks the Aurora instance class, the EKS node instance type and count, the
ElastiCache node type and the node root-volume size. Every value can still be
overridden by its own option (``database_instance_class``, ``kubernetes_instance_types``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Size = Literal["small", "medium", "large", "xlarge", "xxlarge"]
SIZES: tuple[Size, ...] = get_args(Size)


@dataclass(frozen=True)
class SizePreset:
    database_instance_class: str
    node_instance_type: str
    min_nodes_per_az: int
    max_nodes_per_az: int
    elasticache_node_type: str
    node_disk_size_gb: int


SIZE_PRESETS: dict[str, SizePreset] = {
    "small": SizePreset("db.r6g.large", "r6i.2xlarge", 1, 4, "cache.m6g.large", 100),
    "medium": SizePreset("db.r6g.xlarge", "r6i.4xlarge", 1, 4, "cache.m6g.large", 100),
    "large": SizePreset("db.r6g.2xlarge", "r6i.4xlarge", 1, 4, "cache.m6g.xlarge", 256),
    "xlarge": SizePreset("db.r6g.4xlarge", "r6i.4xlarge", 1, 4, "cache.m6g.xlarge", 256),
    "xxlarge": SizePreset("db.r6g.8xlarge", "r6i.4xlarge", 1, 4, "cache.m6g.2xlarge", 256),
}
