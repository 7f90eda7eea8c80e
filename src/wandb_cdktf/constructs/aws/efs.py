"""WeaveFileSystem: the encrypted EFS file system the W&B operator mounts for Weave.

Post-operator only: one mount target per private subnet, NFS (2049) admitted
only from the EKS node security group, automatic backups on.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..._providers import aws


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


class WeaveFileSystem(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: WeaveFileSystemProps) -> None:
        super().__init__(scope, construct_id)
        ns = props.namespace
        self._fs = aws.efs_file_system.EfsFileSystem(
            self, "file-system", creation_token=f"{ns}-weave", encrypted=True, kms_key_id=props.kms_key_arn,
            performance_mode="generalPurpose", throughput_mode=props.throughput_mode,
            tags={"Name": f"{ns}-weave"},
        )
        aws.efs_backup_policy.EfsBackupPolicy(
            self, "backup", file_system_id=self._fs.id,
            backup_policy={"status": "ENABLED" if props.enable_backups else "DISABLED"},
        )
        self._sg = aws.security_group.SecurityGroup(
            self, "security-group", name_prefix=f"{ns}-efs-", vpc_id=props.vpc_id,
            description=f"W&B {ns} EFS: NFS from the EKS nodes only", tags={"Name": f"{ns}-efs"},
            lifecycle={"create_before_destroy": True},
        )
        for i, sg in enumerate(props.allowed_security_group_ids):
            aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
                self, f"ingress-sg-{i}", security_group_id=self._sg.id, referenced_security_group_id=sg,
                ip_protocol="tcp", from_port=2049, to_port=2049, description="NFS from EKS nodes",
            )
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
