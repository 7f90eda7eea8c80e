"""What the deploying principal needs, per Terraform type: the table behind ``wandb-cdktf deployer-policy``.

One entry per Terraform resource, data source and ephemeral resource type that any stack synthesizes (``R``
resources, ``D`` data sources, ``E`` ephemeral resources; ``tests/test_deployer_policy.py`` fails when a stack has a
type without an entry, or a provisioner runs an AWS CLI command missing from :data:`CLI_ACTIONS`). An entry lists
the IAM actions hashicorp/aws 5.100.0 calls to create, read (plan/refresh), update, tag and delete that type, and
how their ``Resource`` is scoped:

- ``arns``: ARN templates the actions are scoped to. ``{name}`` becomes ``<namespace>*`` plus every literal name
  of the statement's types that does not start with the namespace (read from the stack: ``names``, the
  attributes holding a name or name prefix); ``{partition}``, ``{region}``, ``{account}`` and ``{path}`` (IAM
  paths the stack uses) come from the stack and the ``--account-id``.
- ``unscoped``: actions with no resource-level permissions (the Service Authorization Reference lists no resource
  type for them), or that act on ARNs AWS generates (ids); they get ``Resource: "*"`` and ``reason`` says why.
- ``tagged``: ``actions`` on ``key/*`` with ``aws:ResourceTag/managed-by`` and ``unscoped`` (``kms:CreateKey``)
  with ``aws:RequestTag/managed-by``: the default tag the stack's provider puts on every resource (KMS keys); and
  ``kms:TagResource`` on ``key/*`` with ``aws:RequestTag/managed-by`` and ``aws:TagKeys``, which CreateKey with tags
  needs before the key has a tag (``KmsDeploymentTagOnCreate``, KMS Developer Guide "Controlling access to tags").

Actions names and resource types: AWS Service Authorization Reference,
https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
(one page per service, e.g. ``list_amazons3.html``, ``list_amazonec2.html``). Sources of each rule: the page of the
entry's service. The ``sid`` groups entries into one statement (same scope, same service).
"""

from __future__ import annotations

from dataclasses import dataclass

SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"


@dataclass(frozen=True)
class Entry:
    """What one Terraform type needs. ``sid``: the statement it belongs to (a name that says what it is for)."""

    sid: str
    actions: tuple[str, ...] = ()
    arns: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    unscoped: tuple[str, ...] = ()
    reason: str = ""
    tagged: bool = False
    global_service: bool = False
    note: str = ""
    name_prefix: str = ""
    """What precedes the namespace in this type's names (``alias/`` for KMS aliases, ``/aws/eks/`` for EKS logs)."""
    passes_role_to: str = ""
    """The service a role of the stack is passed to (iam:PassRole with iam:PassedToService)."""
    decrypts_with_deployment_key: bool = False
    """Reads a value encrypted with a key of the deployment (the secrets): kms:Decrypt, scoped like the keys."""
    service_linked_role: str = ""
    """The service whose service-linked role the first create makes (iam:CreateServiceLinkedRole, narrowed by
    iam:AWSServiceName; IAM User Guide, "Service-linked role permissions")."""


# Reasons shared by many entries (each is the sentence printed and documented for the `*` statements).
EC2_REASON = ("EC2 create calls authorise on the new resource and every resource they reference (VPC, subnet, "
              "security group), whose ARNs carry ids EC2 assigns (vpc-..., sg-...), and ec2:Describe* support no "
              "resource-level permissions (list_amazonec2.html); limited to the stack's region(s)")
DESCRIBE_REASON = "List/Describe actions support no resource-level permissions (the reference lists no resource type)"
ELB_REASON = ("elasticloadbalancing:Describe* support no resource-level permissions, nor acm:DescribeCertificate on "
              "a certificate ACM names by a UUID (list_elasticloadbalancingv2.html)")
EFS_REASON = ("EFS file systems and mount targets are named by ids AWS assigns (fs-...); efs:DescribeFileSystems "
              "without an id lists (list_amazonelasticfilesystem.html)")
ACM_REASON = "certificates are named by a UUID ACM assigns; acm:RequestCertificate has no resource type (list_awscertificatemanager.html)"
BACKUP_REASON = ("backup plans and selections are named by ids AWS Backup assigns (list_awsbackup.html); vault names "
                 "are scoped in their own statement")
NONE_NOTE = "no AWS call: Terraform built-in or the provider's own configuration"
K8S_NOTE = ("Kubernetes API objects: no IAM action; the deploying principal needs the EKS access entry the infra stack "
            "creates for it (cluster admin), and its token comes from `aws eks get-token` (no IAM permission)")

EC2_TAGS = ("ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags")
"""Tag on create (TagSpecifications needs ec2:CreateTags) and update tags (list_amazonec2.html)."""
_S3 = ("arn:{partition}:s3:::{name}",)
_S3_SUB = ("s3:ListBucket", "s3:GetBucketLocation")
_IAM_ROLE = ("arn:{partition}:iam::{account}:role{path}{name}",)
_IAM_POLICY = ("arn:{partition}:iam::{account}:policy{path}{name}",)

TABLE: dict[str, Entry] = {
    # ---- Terraform built-ins and non-AWS providers ----------------------------------------------------------
    "R terraform_data": Entry("None", note=NONE_NOTE),
    "D terraform_remote_state": Entry("None", note="reads another stack's state: the backend's permissions "
                                      "(the TerraformState statement when the stacks use remote_state)"),
    "D aws_partition": Entry("None", note=NONE_NOTE),
    "D aws_region": Entry("None", note=NONE_NOTE),
    "R helm_release": Entry("None", note=K8S_NOTE),
    "R kubernetes_secret_v1": Entry("None", note=K8S_NOTE),
    "R kubernetes_storage_class_v1": Entry("None", note=K8S_NOTE),
    "R kubernetes_config_map_v1": Entry("None", note=K8S_NOTE),
    "R kubernetes_deployment_v1": Entry("None", note=K8S_NOTE),
    "R kubernetes_priority_class_v1": Entry("None", note=K8S_NOTE),
    "R kubernetes_service_v1": Entry("None", note=K8S_NOTE),
    # ---- STS / account -------------------------------------------------------------------------------------
    "D aws_caller_identity": Entry("ReadAccountAndRegion", unscoped=("sts:GetCallerIdentity",),
                                   reason="sts:GetCallerIdentity has no resource type (list_awssecuritytokenservice.html)",
                                   global_service=True),
    "D aws_availability_zones": Entry("Ec2NetworkUnscoped", unscoped=("ec2:DescribeAvailabilityZones",),
                                      reason=EC2_REASON),
    "D aws_iam_session_context": Entry(
        "IamReadCaller", actions=("iam:GetRole",), arns=("arn:{partition}:iam::{account}:role/*",),
        note="reads the deploying principal's own role (its path) when it is an assumed role"),
    # ---- VPC and EC2 ---------------------------------------------------------------------------------------
    **{f"R {t}": Entry("Ec2NetworkUnscoped", unscoped=(*acts, *EC2_TAGS), reason=EC2_REASON) for t, acts in {
        "aws_vpc": ("ec2:CreateVpc", "ec2:DeleteVpc", "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute",
                    "ec2:ModifyVpcAttribute", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables",
                    "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
                    "ec2:AssociateVpcCidrBlock", "ec2:DisassociateVpcCidrBlock"),
        "aws_subnet": ("ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:DescribeSubnets", "ec2:ModifySubnetAttribute",
                       "ec2:AssociateSubnetCidrBlock", "ec2:DisassociateSubnetCidrBlock",
                       "ec2:DescribeNetworkInterfaces"),
        "aws_internet_gateway": ("ec2:CreateInternetGateway", "ec2:DeleteInternetGateway",
                                 "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
                                 "ec2:DescribeInternetGateways"),
        "aws_eip": ("ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DescribeAddresses",
                    "ec2:DescribeAddressesAttribute", "ec2:DisassociateAddress"),
        "aws_nat_gateway": ("ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:DescribeNatGateways"),
        "aws_route_table": ("ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:DescribeRouteTables"),
        "aws_route": ("ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:DescribeRouteTables"),
        "aws_route_table_association": ("ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
                                        "ec2:ReplaceRouteTableAssociation", "ec2:DescribeRouteTables"),
        "aws_default_security_group": ("ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress",
                                       "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
                                       "ec2:AuthorizeSecurityGroupEgress"),
        "aws_security_group": ("ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:DescribeSecurityGroups",
                               "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupEgress",
                               "ec2:DescribeNetworkInterfaces"),
        "aws_vpc_security_group_ingress_rule": ("ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
                                                "ec2:ModifySecurityGroupRules", "ec2:DescribeSecurityGroupRules"),
        "aws_vpc_security_group_egress_rule": ("ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress",
                                               "ec2:ModifySecurityGroupRules", "ec2:DescribeSecurityGroupRules"),
        "aws_launch_template": ("ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion",
                                "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate",
                                "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions",
                                "ec2:GetLaunchTemplateData"),
        "aws_vpc_endpoint_service": ("ec2:CreateVpcEndpointServiceConfiguration",
                                     "ec2:ModifyVpcEndpointServiceConfiguration",
                                     "ec2:DeleteVpcEndpointServiceConfigurations",
                                     "ec2:DescribeVpcEndpointServiceConfigurations",
                                     "ec2:DescribeVpcEndpointServicePermissions", "ec2:DescribeVpcEndpointServices",
                                     "ec2:ModifyVpcEndpointServicePermissions"),
    }.items()},
    "D aws_vpc": Entry("Ec2NetworkUnscoped", unscoped=("ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"),
                       reason=EC2_REASON),
    # ---- KMS -----------------------------------------------------------------------------------------------
    "R aws_kms_key": Entry(
        "KmsDeploymentKeys", tagged=True,
        actions=("kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
                 "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription",
                 "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                 "kms:EnableKey", "kms:DisableKey", "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant",
                 # services that encrypt with the key on the caller's behalf (RDS, EKS secrets, EFS, ElastiCache,
                 # Secrets Manager values) need these of the caller: grants and data keys
                 "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"),
        unscoped=("kms:CreateKey",),
        reason=("kms:CreateKey has no resource type: the key does not exist yet (list_awskeymanagementservice.html); "
                "narrowed by aws:RequestTag/managed-by, which the provider's default tags send")),
    "R aws_kms_key_policy": Entry("KmsDeploymentKeys", tagged=True,
                                  actions=("kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey")),
    "R aws_kms_alias": Entry(
        "KmsAliases", name_prefix="alias/", actions=("kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"),
        arns=("arn:{partition}:kms:{region}:{account}:{name}",), names=("name", "name_prefix"),
        unscoped=("kms:ListAliases",), reason=DESCRIBE_REASON,
        note=("CreateAlias/DeleteAlias/UpdateAlias also authorise on the key, in its key policy (KMS Developer Guide, "
              "'Controlling access to aliases'): the deployment key's policy gives its administrator kms:*")),
    # ---- S3 ------------------------------------------------------------------------------------------------
    "R aws_s3_bucket": Entry(
        "S3DeploymentBuckets", arns=_S3, names=("bucket", "bucket_prefix"),
        actions=("s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketLocation",
                 "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketAcl", "s3:GetBucketCORS",
                 "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration",
                 "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration",
                 "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration",
                 "s3:GetBucketPolicy", "s3:GetBucketOwnershipControls", "s3:GetBucketPublicAccessBlock",
                 "s3:PutBucketOwnershipControls", "s3:PutBucketPublicAccessBlock", "s3:PutBucketObjectLockConfiguration")),
    "R aws_s3_bucket_cors_configuration": Entry("S3DeploymentBuckets", arns=_S3,
                                                actions=(*_S3_SUB, "s3:PutBucketCORS", "s3:GetBucketCORS")),
    "R aws_s3_bucket_lifecycle_configuration": Entry(
        "S3DeploymentBuckets", arns=_S3, actions=(*_S3_SUB, "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration")),
    "R aws_s3_bucket_notification": Entry("S3DeploymentBuckets", arns=_S3,
                                          actions=(*_S3_SUB, "s3:PutBucketNotification", "s3:GetBucketNotification")),
    "R aws_s3_bucket_ownership_controls": Entry(
        "S3DeploymentBuckets", arns=_S3, actions=(*_S3_SUB, "s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls")),
    "R aws_s3_bucket_policy": Entry("S3DeploymentBuckets", arns=_S3,
                                    actions=(*_S3_SUB, "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy")),
    "R aws_s3_bucket_public_access_block": Entry(
        "S3DeploymentBuckets", arns=_S3, actions=(*_S3_SUB, "s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock")),
    "R aws_s3_bucket_server_side_encryption_configuration": Entry(
        "S3DeploymentBuckets", arns=_S3, actions=(*_S3_SUB, "s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration")),
    "R aws_s3_bucket_versioning": Entry("S3DeploymentBuckets", arns=_S3,
                                        actions=(*_S3_SUB, "s3:PutBucketVersioning", "s3:GetBucketVersioning")),
    "D aws_s3_bucket": Entry("S3DeploymentBuckets", arns=_S3, names=("bucket",), actions=_S3_SUB),
    # ---- SQS / SNS -----------------------------------------------------------------------------------------
    "R aws_sqs_queue": Entry(
        "SqsQueues", arns=("arn:{partition}:sqs:{region}:{account}:{name}",), names=("name", "name_prefix"),
        actions=("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
                 "sqs:GetQueueUrl", "sqs:ListQueueTags", "sqs:TagQueue", "sqs:UntagQueue")),
    "R aws_sqs_queue_policy": Entry("SqsQueues", arns=("arn:{partition}:sqs:{region}:{account}:{name}",),
                                    actions=("sqs:SetQueueAttributes", "sqs:GetQueueAttributes")),
    "R aws_sns_topic": Entry(
        "SnsTopics", arns=("arn:{partition}:sns:{region}:{account}:{name}",), names=("name", "name_prefix"),
        actions=("sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
                 "sns:ListTagsForResource", "sns:TagResource", "sns:UntagResource")),
    "R aws_sns_topic_policy": Entry("SnsTopics", arns=("arn:{partition}:sns:{region}:{account}:{name}",),
                                    actions=("sns:SetTopicAttributes", "sns:GetTopicAttributes")),
    "R aws_sns_topic_subscription": Entry(
        "SnsTopics", arns=("arn:{partition}:sns:{region}:{account}:{name}",),
        actions=("sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes",
                 "sns:ListSubscriptionsByTopic")),
    "R aws_cloudwatch_metric_alarm": Entry(
        "CloudWatchAlarms", arns=("arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",), names=("alarm_name",),
        actions=("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:ListTagsForResource",
                 "cloudwatch:TagResource", "cloudwatch:UntagResource"),
        unscoped=("cloudwatch:DescribeAlarms",), reason=DESCRIBE_REASON),
    "R aws_cloudwatch_log_group": Entry(
        "LogGroups", name_prefix="/aws/eks/", arns=("arn:{partition}:logs:{region}:{account}:log-group:{name}",
                           "arn:{partition}:logs:{region}:{account}:log-group:{name}:*"),
        names=("name", "name_prefix"),
        actions=("logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
                 "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:ListTagsForResource", "logs:TagResource",
                 "logs:UntagResource", "logs:ListTagsLogGroup", "logs:TagLogGroup"),
        unscoped=("logs:DescribeLogGroups",), reason=DESCRIBE_REASON),
    # ---- Secrets Manager -----------------------------------------------------------------------------------
    "R aws_secretsmanager_secret": Entry(
        "SecretsManagerSecrets", arns=("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}",),
        names=("name", "name_prefix"),
        actions=("secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret",
                 "secretsmanager:GetResourcePolicy", "secretsmanager:UpdateSecret", "secretsmanager:TagResource",
                 "secretsmanager:UntagResource", "secretsmanager:RestoreSecret")),
    "R aws_secretsmanager_secret_version": Entry(
        "SecretsManagerSecrets", arns=("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}",),
        actions=("secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
                 "secretsmanager:UpdateSecretVersionStage", "secretsmanager:ListSecretVersionIds")),
    "D aws_secretsmanager_secret_version": Entry(
        "SecretsManagerSecrets", decrypts_with_deployment_key=True, arns=("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}",),
        actions=("secretsmanager:GetSecretValue",)),
    "E aws_secretsmanager_secret_version": Entry(
        "SecretsManagerSecrets", decrypts_with_deployment_key=True,
        arns=("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}",),
        actions=("secretsmanager:GetSecretValue",)),
    "E aws_secretsmanager_random_password": Entry(
        "SecretsManagerUnscoped", unscoped=("secretsmanager:GetRandomPassword",),
        reason="secretsmanager:GetRandomPassword has no resource type (list_awssecretsmanager.html)"),
    # ---- RDS -----------------------------------------------------------------------------------------------
    "R aws_rds_cluster": Entry(
        "RdsDatabase", service_linked_role="rds.amazonaws.com",
        arns=("arn:{partition}:rds:{region}:{account}:cluster:{name}",
              "arn:{partition}:rds:{region}:{account}:cluster-snapshot:{name}"),
        names=("cluster_identifier", "cluster_identifier_prefix"),
        note="cluster-snapshot: the final snapshot (final_snapshot_identifier <ns>-final-snapshot) made on destroy",
        actions=("rds:CreateDBCluster", "rds:DeleteDBCluster", "rds:DescribeDBClusters", "rds:ModifyDBCluster",
                 "rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:ListTagsForResource",
                 "rds:CreateDBClusterSnapshot"),
        # The emulator (tests/test_deployer_policy_emulator.py): every read of the cluster asks which global cluster
        # it belongs to, DescribeGlobalClusters filtered by the cluster's ARN (no global cluster name to scope to).
        unscoped=("rds:DescribeGlobalClusters",),
        reason=("rds:DescribeGlobalClusters is called with a filter on the cluster, not on a global cluster's "
                "identifier, so it names no global-cluster ARN (list_amazonrds.html)")),
    "R aws_rds_cluster_instance": Entry(
        "RdsDatabase", passes_role_to="monitoring.rds.amazonaws.com", arns=("arn:{partition}:rds:{region}:{account}:db:{name}",
                             "arn:{partition}:rds:{region}:{account}:cluster:{name}",
                             # the default option group an Aurora instance gets (CreateDBInstance's og resource)
                             "arn:{partition}:rds:{region}:{account}:og:default:*"),
        names=("identifier", "identifier_prefix"),
        actions=("rds:CreateDBInstance", "rds:DeleteDBInstance", "rds:DescribeDBInstances", "rds:ModifyDBInstance",
                 "rds:RebootDBInstance", "rds:AddTagsToResource", "rds:ListTagsForResource")),
    "R aws_db_subnet_group": Entry(
        "RdsDatabase", arns=("arn:{partition}:rds:{region}:{account}:subgrp:{name}",), names=("name", "name_prefix"),
        actions=("rds:CreateDBSubnetGroup", "rds:DeleteDBSubnetGroup", "rds:DescribeDBSubnetGroups",
                 "rds:ModifyDBSubnetGroup", "rds:AddTagsToResource", "rds:ListTagsForResource")),
    "R aws_db_parameter_group": Entry(
        "RdsDatabase", arns=("arn:{partition}:rds:{region}:{account}:pg:{name}",), names=("name", "name_prefix"),
        actions=("rds:CreateDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:DescribeDBParameterGroups",
                 "rds:DescribeDBParameters", "rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup",
                 "rds:AddTagsToResource", "rds:ListTagsForResource")),
    "R aws_rds_cluster_parameter_group": Entry(
        "RdsDatabase", arns=("arn:{partition}:rds:{region}:{account}:cluster-pg:{name}",), names=("name", "name_prefix"),
        actions=("rds:CreateDBClusterParameterGroup", "rds:DeleteDBClusterParameterGroup",
                 "rds:DescribeDBClusterParameterGroups", "rds:DescribeDBClusterParameters",
                 "rds:ModifyDBClusterParameterGroup", "rds:ResetDBClusterParameterGroup",
                 "rds:AddTagsToResource", "rds:ListTagsForResource")),
    # ---- ElastiCache ---------------------------------------------------------------------------------------
    "R aws_elasticache_replication_group": Entry(
        "ElastiCacheRedis", service_linked_role="elasticache.amazonaws.com", arns=("arn:{partition}:elasticache:{region}:{account}:replicationgroup:{name}",
                                  "arn:{partition}:elasticache:{region}:{account}:cluster:{name}",
                                  "arn:{partition}:elasticache:{region}:{account}:parametergroup:*"),
        names=("replication_group_id",),
        actions=("elasticache:CreateReplicationGroup", "elasticache:DeleteReplicationGroup",
                 "elasticache:DescribeReplicationGroups", "elasticache:ModifyReplicationGroup",
                 "elasticache:DescribeCacheClusters", "elasticache:AddTagsToResource",
                 "elasticache:RemoveTagsFromResource", "elasticache:ListTagsForResource",
                 "elasticache:CreateCacheCluster", "elasticache:DeleteCacheCluster")),
    "R aws_elasticache_subnet_group": Entry(
        "ElastiCacheRedis", arns=("arn:{partition}:elasticache:{region}:{account}:subnetgroup:{name}",),
        names=("name",),
        actions=("elasticache:CreateCacheSubnetGroup", "elasticache:DeleteCacheSubnetGroup",
                 "elasticache:DescribeCacheSubnetGroups", "elasticache:ModifyCacheSubnetGroup",
                 "elasticache:AddTagsToResource", "elasticache:ListTagsForResource")),
    # ---- EFS -----------------------------------------------------------------------------------------------
    **{f"R {t}": Entry("EfsUnscoped", unscoped=acts, reason=EFS_REASON) for t, acts in {
        "aws_efs_file_system": ("elasticfilesystem:CreateFileSystem", "elasticfilesystem:DeleteFileSystem",
                                "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:UpdateFileSystem",
                                "elasticfilesystem:DescribeLifecycleConfiguration",
                                "elasticfilesystem:PutLifecycleConfiguration", "elasticfilesystem:TagResource",
                                "elasticfilesystem:UntagResource", "elasticfilesystem:ListTagsForResource"),
        "aws_efs_backup_policy": ("elasticfilesystem:PutBackupPolicy", "elasticfilesystem:DescribeBackupPolicy"),
    }.items()},
    "R aws_efs_mount_target": Entry(
        "EfsUnscoped", reason=EFS_REASON,
        # Amazon EFS User Guide, "Using service-linked roles for Amazon EFS": the first mount target of an account
        # creates AWSServiceRoleForAmazonElasticFileSystem with the caller's iam:CreateServiceLinkedRole
        # (AmazonElasticFileSystemFullAccess grants it for elasticfilesystem.amazonaws.com)
        service_linked_role="elasticfilesystem.amazonaws.com",
        unscoped=("elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget",
                  "elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups",
                  "elasticfilesystem:ModifyMountTargetSecurityGroups", "ec2:DescribeSubnets",
                  "ec2:DescribeNetworkInterfaces", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface")),
    # ---- EKS -----------------------------------------------------------------------------------------------
    "R aws_eks_cluster": Entry(
        "EksCluster", service_linked_role="eks.amazonaws.com", passes_role_to="eks.amazonaws.com", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",), names=("name",),
        actions=("eks:DeleteCluster", "eks:DescribeCluster", "eks:UpdateClusterConfig",
                 "eks:UpdateClusterVersion", "eks:DescribeUpdate", "eks:TagResource", "eks:UntagResource",
                 "eks:ListTagsForResource", "eks:AssociateEncryptionConfig"),
        # eks:CreateCluster has no resource type (list_amazonelastickubernetesservice.html: its Resource types
        # column is empty), so a statement naming cluster/<ns>* does not allow it: Resource "*". Its tags
        # (eks:TagResource) and the creator's access entry are authorised on the new cluster, in EksCluster.
        unscoped=("eks:CreateCluster", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"),
        reason=("eks:CreateCluster has no resource type (list_amazonelastickubernetesservice.html); " + EC2_REASON)),
    "R aws_eks_node_group": Entry(
        "EksCluster", service_linked_role="eks-nodegroup.amazonaws.com", passes_role_to="eks.amazonaws.com", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",
                            "arn:{partition}:eks:{region}:{account}:nodegroup/{name}/*"),
        names=("node_group_name", "node_group_name_prefix"),
        actions=("eks:CreateNodegroup", "eks:DeleteNodegroup", "eks:DescribeNodegroup", "eks:UpdateNodegroupConfig",
                 "eks:UpdateNodegroupVersion", "eks:DescribeUpdate", "eks:TagResource", "eks:UntagResource"),
        unscoped=("ec2:DescribeLaunchTemplateVersions", "ec2:DescribeSubnets", "autoscaling:DescribeAutoScalingGroups"),
        reason=EC2_REASON, note=("EKS launches the instances with its service-linked role "
                                 "(AWSServiceRoleForAmazonEKSNodegroup); the caller only names the launch template")),
    "D aws_eks_node_group": Entry(
        "EksCluster", arns=("arn:{partition}:eks:{region}:{account}:nodegroup/{name}/*",),
        actions=("eks:DescribeNodegroup",)),
    "D aws_eks_node_groups": Entry(
        "EksCluster", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",), actions=("eks:ListNodegroups",)),
    "D aws_eks_cluster": Entry(
        "EksCluster", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",), names=("name",),
        actions=("eks:DescribeCluster",)),
    "D aws_eks_clusters": Entry("EksUnscoped", unscoped=("eks:ListClusters",), reason=DESCRIBE_REASON),
    "D aws_eks_addon_version": Entry("EksUnscoped", unscoped=("eks:DescribeAddonVersions",), reason=DESCRIBE_REASON),
    "R aws_eks_addon": Entry(
        "EksCluster", passes_role_to="eks.amazonaws.com", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",
                            "arn:{partition}:eks:{region}:{account}:addon/{name}/*"),
        actions=("eks:CreateAddon", "eks:DeleteAddon", "eks:DescribeAddon", "eks:UpdateAddon", "eks:DescribeUpdate",
                 "eks:TagResource", "eks:UntagResource"),
        unscoped=("eks:DescribeAddonVersions",), reason=DESCRIBE_REASON),
    "R aws_eks_access_entry": Entry(
        "EksCluster", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",
                            "arn:{partition}:eks:{region}:{account}:access-entry/{name}/*"),
        actions=("eks:CreateAccessEntry", "eks:DeleteAccessEntry", "eks:DescribeAccessEntry", "eks:UpdateAccessEntry",
                 "eks:TagResource", "eks:UntagResource")),
    "R aws_eks_access_policy_association": Entry(
        "EksCluster", arns=("arn:{partition}:eks:{region}:{account}:cluster/{name}",
                            "arn:{partition}:eks:{region}:{account}:access-entry/{name}/*"),
        actions=("eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy", "eks:ListAssociatedAccessPolicies")),
    # ---- IAM -----------------------------------------------------------------------------------------------
    "R aws_iam_role": Entry(
        "IamRoles", arns=_IAM_ROLE, names=("name", "name_prefix"), global_service=True,
        actions=("iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
                 "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
                 "iam:ListInstanceProfilesForRole", "iam:PutRolePermissionsBoundary",
                 "iam:DeleteRolePermissionsBoundary")),
    "R aws_iam_role_policy": Entry(
        "IamRoles", arns=_IAM_ROLE, names=("role",), global_service=True,
        actions=("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies")),
    "R aws_iam_role_policy_attachment": Entry(
        "IamRoles", arns=_IAM_ROLE, names=("role",), global_service=True,
        actions=("iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies")),
    "R aws_iam_policy": Entry(
        "IamPolicies", arns=_IAM_POLICY, names=("name", "name_prefix"), global_service=True,
        actions=("iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion",
                 "iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy",
                 "iam:UntagPolicy")),
    "R aws_iam_openid_connect_provider": Entry(
        "IamOidcProvider", arns=("arn:{partition}:iam::{account}:oidc-provider/oidc.eks.{region}.amazonaws.com/id/*",),
        global_service=True,
        actions=("iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:GetOpenIDConnectProvider",
                 "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider",
                 "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider",
                 "iam:UntagOpenIDConnectProvider"),
        note="scoped to the EKS issuers of the stack's region (the issuer id is generated by EKS)"),
    "D aws_iam_openid_connect_provider": Entry(
        "IamOidcProvider", arns=("arn:{partition}:iam::{account}:oidc-provider/oidc.eks.{region}.amazonaws.com/id/*",),
        global_service=True, actions=("iam:GetOpenIDConnectProvider",),
        unscoped=("iam:ListOpenIDConnectProviders",), reason=DESCRIBE_REASON),
    # ---- Route 53 and ACM ----------------------------------------------------------------------------------
    "R aws_route53_record": Entry(
        "Route53Records", arns=("arn:{partition}:route53:::hostedzone/{zone}", "arn:{partition}:route53:::change/*"),
        global_service=True,
        actions=("route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone",
                 "route53:GetChange")),
    "D aws_route53_zone": Entry(
        "Route53Records", arns=("arn:{partition}:route53:::hostedzone/{zone}",), global_service=True,
        actions=("route53:GetHostedZone", "route53:ListTagsForResource"),
        unscoped=("route53:ListHostedZones",), reason=DESCRIBE_REASON),
    "R aws_acm_certificate": Entry(
        "AcmCertificates", unscoped=("acm:RequestCertificate", "acm:DescribeCertificate", "acm:DeleteCertificate",
                                     "acm:ListTagsForCertificate", "acm:AddTagsToCertificate",
                                     "acm:RemoveTagsFromCertificate", "acm:GetCertificate"),
        reason=ACM_REASON),
    "R aws_acm_certificate_validation": Entry("AcmCertificates", unscoped=("acm:DescribeCertificate",),
                                              reason=ACM_REASON),
    # ---- Elastic Load Balancing ----------------------------------------------------------------------------
    "R aws_lb": Entry(
        "LoadBalancers", service_linked_role="elasticloadbalancing.amazonaws.com", arns=("arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/*",
                               "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/net/{name}/*"),
        names=("name", "name_prefix"),
        actions=("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer",
                 "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
                 "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
                 "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
        unscoped=("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
                  "elasticloadbalancing:DescribeTags", "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses",
                  "ec2:DescribeInternetGateways", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"),
        reason=ELB_REASON),
    "R aws_lb_target_group": Entry(
        "LoadBalancers", arns=("arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/*",),
        names=("name", "name_prefix"),
        actions=("elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup",
                 "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
                 "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
        unscoped=("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
                  "elasticloadbalancing:DescribeTags"),
        reason=ELB_REASON),
    "R aws_lb_listener": Entry(
        "LoadBalancers", arns=("arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/*",
                               "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/net/{name}/*",
                               "arn:{partition}:elasticloadbalancing:{region}:{account}:listener/app/{name}/*",
                               "arn:{partition}:elasticloadbalancing:{region}:{account}:listener/net/{name}/*"),
        actions=("elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                 "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
                 "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
        unscoped=("elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
                  "elasticloadbalancing:DescribeTags", "acm:DescribeCertificate"),
        reason=ELB_REASON),
    "R aws_lb_target_group_attachment": Entry(
        "LoadBalancers", arns=("arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/*",),
        actions=("elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"),
        unscoped=("elasticloadbalancing:DescribeTargetHealth",), reason=ELB_REASON),
    "D aws_lb": Entry(
        "LoadBalancersUnscoped",
        unscoped=("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
                  "elasticloadbalancing:DescribeTags"),
        reason=ELB_REASON),
    "R aws_autoscaling_attachment": Entry(
        "AutoScalingUnscoped",
        unscoped=("autoscaling:AttachLoadBalancerTargetGroups", "autoscaling:DetachLoadBalancerTargetGroups",
                  "autoscaling:DescribeLoadBalancerTargetGroups", "autoscaling:DescribeAutoScalingGroups"),
        reason=("the Auto Scaling groups are created by EKS for the node groups, with generated names "
                "(eks-<nodegroup>-<uuid>); autoscaling:Describe* support no resource-level permissions "
                "(list_amazonec2autoscaling.html)")),
    # ---- Backup and CloudTrail -----------------------------------------------------------------------------
    "R aws_backup_vault": Entry(
        # AWS Backup Developer Guide, "Using roles to back up and copy": AWS Backup creates AWSServiceRoleForBackup
        # on first use through the API, with the caller's iam:CreateServiceLinkedRole (AWSBackupFullAccess grants it)
        "BackupVaults", service_linked_role="backup.amazonaws.com", arns=("arn:{partition}:backup:*:{account}:backup-vault:{name}",), names=("name",),
        actions=("backup:CreateBackupVault", "backup:DeleteBackupVault", "backup:DescribeBackupVault",
                 "backup:ListTags", "backup:TagResource", "backup:UntagResource"),
        unscoped=("backup-storage:MountCapsule",),
        reason=("backup-storage:MountCapsule, which backup:CreateBackupVault needs, has no resource type "
                "(list_awsbackupstorage.html); the vault's key is in KmsDeploymentKeys"),
        note="the vault of backup.copy_to_region is in a second region: its ARN's region is `*`"),
    "R aws_backup_vault_lock_configuration": Entry(
        "BackupVaults", arns=("arn:{partition}:backup:*:{account}:backup-vault:{name}",),
        actions=("backup:PutBackupVaultLockConfiguration", "backup:DeleteBackupVaultLockConfiguration",
                 "backup:DescribeBackupVault")),
    "R aws_backup_plan": Entry(
        "BackupPlansUnscoped",
        unscoped=("backup:CreateBackupPlan", "backup:DeleteBackupPlan", "backup:GetBackupPlan",
                  "backup:UpdateBackupPlan", "backup:ListTags", "backup:TagResource", "backup:UntagResource"),
        reason=BACKUP_REASON),
    "R aws_backup_selection": Entry(
        "BackupPlansUnscoped", passes_role_to="backup.amazonaws.com",
        unscoped=("backup:CreateBackupSelection", "backup:DeleteBackupSelection", "backup:GetBackupSelection"),
        reason=BACKUP_REASON),
    "R aws_cloudtrail": Entry(
        "CloudTrail", arns=("arn:{partition}:cloudtrail:{region}:{account}:trail/{name}",), names=("name",),
        actions=("cloudtrail:CreateTrail", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                 "cloudtrail:GetTrailStatus", "cloudtrail:StartLogging", "cloudtrail:StopLogging",
                 "cloudtrail:PutEventSelectors", "cloudtrail:GetEventSelectors", "cloudtrail:PutInsightSelectors",
                 "cloudtrail:GetInsightSelectors", "cloudtrail:AddTags", "cloudtrail:RemoveTags",
                 "cloudtrail:ListTags"),
        unscoped=("cloudtrail:DescribeTrails",), reason=DESCRIBE_REASON),
    # ---- ECR (launch) --------------------------------------------------------------------------------------
    "R aws_ecr_repository": Entry(
        "EcrRepositories", arns=("arn:{partition}:ecr:{region}:{account}:repository/{name}",), names=("name",),
        actions=("ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories",
                 "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:ListTagsForResource",
                 "ecr:TagResource", "ecr:UntagResource"),
        unscoped=("kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"),
        reason=("encryption_type KMS without a key: ECR encrypts with the AWS managed key aws/ecr, whose id AWS "
                "assigns, and the caller needs these on it (Amazon ECR User Guide, 'Encryption at rest')")),
    "R aws_ecr_repository_policy": Entry(
        "EcrRepositories", arns=("arn:{partition}:ecr:{region}:{account}:repository/{name}",),
        actions=("ecr:SetRepositoryPolicy", "ecr:GetRepositoryPolicy", "ecr:DeleteRepositoryPolicy")),
    "R aws_ecr_lifecycle_policy": Entry(
        "EcrRepositories", arns=("arn:{partition}:ecr:{region}:{account}:repository/{name}",),
        actions=("ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy")),
}
"""``"R <type>"`` for a resource type, ``"D <type>"`` for a data source type, ``"E <type>"`` for an ephemeral one."""

NON_AWS_PROVIDERS = {"google": "GCP", "azurerm": "Azure"}

CLI_ACTIONS: dict[str, tuple[str, ...]] = {
    # `aws <service> <command>` run by the stacks' local-exec provisioners with the deploying principal's
    # credentials (AWS CLI command reference -> the API operation -> its IAM action)
    "autoscaling enable-metrics-collection": ("autoscaling:EnableMetricsCollection",),
    "ec2 describe-security-groups": ("ec2:DescribeSecurityGroups",),
    "elbv2 describe-listeners": ("elasticloadbalancing:DescribeListeners",),
    "elbv2 describe-load-balancers": ("elasticloadbalancing:DescribeLoadBalancers",),
    "elbv2 wait": ("elasticloadbalancing:DescribeLoadBalancers",),  # polls DescribeLoadBalancers
    "eks get-token": (),  # presigns sts:GetCallerIdentity locally: no call, no permission
}
"""IAM actions of the AWS CLI commands the stacks' provisioners run (a new command fails the coverage test)."""
CLI_REASON = ("the stacks' local-exec provisioners run AWS CLI describe/wait commands (elbv2, ec2), which support no "
              "resource-level permissions, and autoscaling enable-metrics-collection on the Auto Scaling groups EKS "
              "creates for the node groups, whose names EKS generates; limited to the stack's region(s)")
