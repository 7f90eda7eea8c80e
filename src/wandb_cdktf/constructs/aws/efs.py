"""WeaveFileSystem: the encrypted EFS file system the W&B operator mounts for Weave.

Post-operator only: one mount target per private subnet, NFS (2049) admitted
only from the EKS node security group, automatic backups on.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..._providers import aws
from .security_groups import allow_port_from_groups, service_security_group


@dataclass(frozen=True)
class WeaveFileSystemProps:
    namespace: str
    vpc_id: str
    subnet_ids: list[str]
    """One mount target per subnet (the private subnets)."""
    kms_key_arn: str
    allowed_security_group_ids: tuple[str, ...] = ()
    """Security groups allowed on NFS 2049 (the EKS nodes). Default: ()."""
    throughput_mode: str = "elastic"
    """Default: elastic."""
    enable_backups: bool = True
    """AWS Backup policy on the file system. Default: True."""
    deletion_protection: bool = True
    """Terraform's ``prevent_destroy`` on the file system (Weave's data): a destroy or a replacing change fails at
    plan time. EFS has no deletion protection of its own. Default: True."""


class WeaveFileSystem(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: WeaveFileSystemProps) -> None:
        super().__init__(scope, construct_id)
        ns = props.namespace
        self._fs = aws.efs_file_system.EfsFileSystem(
            self, "file-system", creation_token=f"{ns}-weave", encrypted=True, kms_key_id=props.kms_key_arn,
            performance_mode="generalPurpose", throughput_mode=props.throughput_mode,
            tags={"Name": f"{ns}-weave"},
            lifecycle={"prevent_destroy": True} if props.deletion_protection else None,
        )
        aws.efs_backup_policy.EfsBackupPolicy(
            self, "backup", file_system_id=self._fs.id,
            backup_policy={"status": "ENABLED" if props.enable_backups else "DISABLED"},
        )
        self._sg = service_security_group(self, namespace=ns, service="efs", vpc_id=props.vpc_id,
                                          description=f"W&B {ns} EFS: NFS from the EKS nodes only")
        allow_port_from_groups(self, self._sg.id, 2049, props.allowed_security_group_ids, "NFS from EKS nodes")
        for i, subnet in enumerate(props.subnet_ids):
            aws.efs_mount_target.EfsMountTarget(
                self, f"mount-target-{i}", file_system_id=self._fs.id, subnet_id=subnet, security_groups=[self._sg.id]
            )

    @property
    def file_system_id(self) -> str:
        return self._fs.id

    @property
    def file_system_arn(self) -> str:
        return self._fs.arn

    @property
    def security_group_id(self) -> str:
        return self._sg.id
