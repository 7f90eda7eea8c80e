"""W&B Launch agent on AWS: ECR repository, Kaniko build-context bucket and the agent's IAM role.

Serves W&B's "Launch agent advanced setup" requirements (W&B publishes no
Terraform for them): the registry policy (the nine ECR actions on the
repository plus ``ecr:GetAuthorizationToken``), the Kaniko build-context policy
(``s3:ListBucket`` on the bucket, ``s3:*Object`` on its objects) and, optionally,
the SageMaker training-job permissions. The role is assumed through EKS IRSA by
the agent's Kubernetes service account, which its Kaniko build jobs share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import aws
from .bucket_hardening import BucketPartIds, Encryption, harden_bucket, lifecycle_rule
from .context import account_context
from .iam import Statement, allow, policy_document, web_identity_statement

# The registry actions from W&B's Launch agent docs, on the repository only.
ECR_REPOSITORY_ACTIONS = (
    "ecr:CreateRepository",
    "ecr:UploadLayerPart",
    "ecr:PutImage",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:DescribeRepositories",
    "ecr:DescribeImages",
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchDeleteImage",
)
# Kaniko runs with --cache=true --cache-repo=<repository>: reading cached layers back needs these two
# read-only actions on the same repository (without them every build is a cache miss).
ECR_KANIKO_CACHE_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
# SageMaker: the agent creates, watches, tags and stops training jobs.
# What SageMaker needs to pull a training image from a private ECR repository with the execution role
# (SageMaker Developer Guide, "Use your own training algorithms" / execution role ECR permissions).
IMAGE_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
SAGEMAKER_ACTIONS = ("sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:AddTags", "sagemaker:StopTrainingJob")


@dataclass(frozen=True)
class AwsLaunchAgentProps:
    """Settings of :class:`AwsLaunchAgent`. Every optional field documents its default."""

    name_prefix: str
    """Prefix of the role and bucket names, e.g. ``<namespace>-launch``. Required."""
    repository_name: str
    """ECR repository name. Required."""
    region: str
    """Region of the repository and bucket (used in the KMS and SageMaker conditions). Required."""
    service_account_subject: str = "system:serviceaccount:wandb:wandb-launch-serviceaccount-wandb-launch"
    """Token subject of the agent's service account. Default: the chart's account for release wandb-launch in namespace wandb."""
    oidc_provider_arn: str | None = None
    """IAM OIDC provider of the EKS cluster (may be a token). Default: none (then principal_arn is required)."""
    oidc_issuer: str | None = None
    """That provider's issuer host and path, without ``https://`` (may be a token). Required with oidc_provider_arn."""
    principal_arn: str | None = None
    """An IAM principal also allowed to assume the role. Default: none."""
    registry: bool = True
    """Create the ECR repository and grant the agent push (kaniko/docker builders). False for the noop builder,
    which only runs prebuilt images (seed 003 "Noop: 미리 빌드된 이미지만"): no repository, no registry grants.
    Default: true."""
    build_context_bucket: bool = True
    """Create the Kaniko build-context bucket and grant access to it. Default: true (kaniko builder)."""
    bucket_name: str | None = None
    """Exact bucket name. Default: a unique name from ``<name_prefix>-ctx-``."""
    build_context_prefix: str = "build-contexts"
    """Key prefix of the build contexts inside the bucket. Default: build-contexts."""
    build_context_expiration_days: int = 7
    """Delete build contexts (and their old versions one day later) after this many days. Default: 7."""
    kms_key_arn: str | None = None
    """Customer KMS key for the repository and bucket. Default: the AWS managed keys aws/ecr and aws/s3."""
    immutable_tags: bool = False
    """IMMUTABLE image tags. Default: false (MUTABLE)."""
    untagged_image_expiration_days: int = 14
    """Expire untagged images after this many days. Default: 14."""
    force_destroy: bool = False
    """Allow destroying a non-empty repository/bucket. Default: false."""
    sagemaker_execution_role_arn: str | None = None
    """Grant SageMaker training-job permissions and iam:PassRole of this role to SageMaker. Default: none."""
    sagemaker_kms_key_arn: str | None = None
    """KMS key for kms:CreateGrant via SageMaker (with sagemaker_execution_role_arn). Default: none."""

    def __post_init__(self) -> None:
        if not (self.oidc_provider_arn or self.principal_arn):
            raise ValueError("AwsLaunchAgentProps needs oidc_provider_arn (+ oidc_issuer) or principal_arn to trust")
        if bool(self.oidc_provider_arn) != bool(self.oidc_issuer):
            raise ValueError("AwsLaunchAgentProps: oidc_provider_arn and oidc_issuer go together")
        if self.oidc_issuer and self.oidc_issuer.startswith("https://"):
            raise ValueError("AwsLaunchAgentProps.oidc_issuer is the issuer without https://")
        if self.sagemaker_kms_key_arn and not self.sagemaker_execution_role_arn:
            raise ValueError("AwsLaunchAgentProps.sagemaker_kms_key_arn requires sagemaker_execution_role_arn")
        if self.build_context_bucket and not self.registry:
            raise ValueError("AwsLaunchAgentProps.build_context_bucket is for Kaniko, which pushes to the registry")


class AwsLaunchAgent(Construct):
    """ECR repository (scan on push, KMS), versioned encrypted TLS-only build-context bucket, IRSA role.

    Secure defaults: repository scanned on push and KMS-encrypted; bucket with all
    public access blocked, bucket-owner-enforced ownership, SSE-KMS, versioning,
    a deny-non-TLS policy and a lifecycle that expires old contexts; the role's
    trust is limited to one service account (``sub``) and audience ``sts.amazonaws.com``.
    """

    def __init__(self, scope: Construct, construct_id: str, props: AwsLaunchAgentProps) -> None:
        super().__init__(scope, construct_id)
        self._props = props

        self._repository: aws.ecr_repository.EcrRepository | None = None
        if props.registry:
            self._registry(props)

        self._bucket: aws.s3_bucket.S3Bucket | None = None
        if props.build_context_bucket:
            self._bucket = self._build_context_bucket(props)

        self._role = aws.iam_role.IamRole(
            self,
            "role",
            name=f"{props.name_prefix}-agent",
            description="W&B Launch agent (and its Kaniko build jobs): push images, upload build contexts",
            assume_role_policy=policy_document(*self._trust_statements(props)),
        )
        statements = self._permission_statements(props)
        if statements:  # IAM refuses a policy without statements (noop builder without SageMaker needs none)
            aws.iam_role_policy.IamRolePolicy(
                self, "policy", name="wandb-launch-agent", role=self._role.id, policy=policy_document(*statements)
            )

    # --- resources ------------------------------------------------------------------------
    def _registry(self, props: AwsLaunchAgentProps) -> None:
        ecr = aws.ecr_repository
        self._repository = ecr.EcrRepository(
            self,
            "repository",
            name=props.repository_name,
            image_tag_mutability="IMMUTABLE" if props.immutable_tags else "MUTABLE",
            image_scanning_configuration=ecr.EcrRepositoryImageScanningConfiguration(scan_on_push=True),
            encryption_configuration=[
                ecr.EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=props.kms_key_arn)
            ],
            force_delete=props.force_destroy,
        )
        if props.sagemaker_execution_role_arn:
            # Seed 003: jobs pull from a registry "작업이 실행되는 노드가 엑세스할 수 있는": SageMaker pulls the built
            # image as the execution role, so the repository grants it read (the role itself keeps
            # ecr:GetAuthorizationToken, which every SageMaker execution role policy includes).
            aws.ecr_repository_policy.EcrRepositoryPolicy(
                self,
                "repository-job-pull",
                repository=self._repository.name,
                policy=policy_document({
                    "Sid": "SageMakerJobsPull",
                    "Effect": "Allow",
                    "Principal": {"AWS": props.sagemaker_execution_role_arn},
                    "Action": list(IMAGE_PULL_ACTIONS),
                }),
            )
        aws.ecr_lifecycle_policy.EcrLifecyclePolicy(
            self,
            "repository-lifecycle",
            repository=self._repository.name,
            policy=json.dumps(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "description": f"Expire untagged images after {props.untagged_image_expiration_days} days",
                            "selection": {
                                "tagStatus": "untagged",
                                "countType": "sinceImagePushed",
                                "countUnit": "days",
                                "countNumber": props.untagged_image_expiration_days,
                            },
                            "action": {"type": "expire"},
                        }
                    ]
                }
            ),
        )

    def _build_context_bucket(self, props: AwsLaunchAgentProps) -> aws.s3_bucket.S3Bucket:
        naming: dict[str, Any] = {"bucket": props.bucket_name} if props.bucket_name else {"bucket_prefix": f"{props.name_prefix}-ctx-"}
        bucket = aws.s3_bucket.S3Bucket(self, "build-context-bucket", force_destroy=props.force_destroy, **naming)
        harden_bucket(
            self, bucket, ids=BucketPartIds.prefixed("build-context-"),
            encryption=Encryption.kms(props.kms_key_arn),
            lifecycle_rules=[
                lifecycle_rule("expire-build-contexts", prefix="", expiration_days=props.build_context_expiration_days,
                               noncurrent_days=1, abort_incomplete_multipart_days=1),
                lifecycle_rule("remove-expired-delete-markers", prefix="", expired_object_delete_marker=True),
            ],
        )
        return bucket

    # --- policies -------------------------------------------------------------------------
    @staticmethod
    def _trust_statements(props: AwsLaunchAgentProps) -> list[Statement]:
        statements: list[Statement] = []
        if props.oidc_provider_arn and props.oidc_issuer:
            statements.append(web_identity_statement(props.oidc_provider_arn, props.oidc_issuer,
                                                     [props.service_account_subject], sid="LaunchAgentServiceAccount"))
        if props.principal_arn:
            statements.append({"Sid": "LaunchAgentPrincipal", "Effect": "Allow", "Principal": {"AWS": props.principal_arn},
                               "Action": "sts:AssumeRole"})
        return statements

    def _permission_statements(self, props: AwsLaunchAgentProps) -> list[Statement]:
        statements: list[Statement] = []
        ctx = account_context(self)
        repo_arn = self._repository.arn if self._repository is not None else None
        if repo_arn is not None:
            statements += [
                allow(list(ECR_REPOSITORY_ACTIONS), [repo_arn], sid="LaunchRegistry"),
                allow(["ecr:GetAuthorizationToken"], ["*"], sid="LaunchRegistryLogin"),
            ]
        if self._bucket is not None and repo_arn is not None:  # Kaniko needs the registry (AwsLaunchAgentProps)
            statements += [
                allow(list(ECR_KANIKO_CACHE_ACTIONS), [repo_arn], sid="KanikoCacheRead"),
                allow(["s3:ListBucket"], [self._bucket.arn], sid="ListObjectsInBucket"),
                allow(["s3:*Object"], [f"{self._bucket.arn}/*"], sid="AllObjectActions"),
            ]
            if props.kms_key_arn:
                statements.append(allow(
                    ["kms:GenerateDataKey", "kms:Decrypt"], [props.kms_key_arn], sid="BuildContextEncryption",
                    Condition={"StringEquals": {"kms:ViaService": f"s3.{props.region}.{ctx.dns_suffix}"}}))
        if props.sagemaker_execution_role_arn:
            statements += [
                allow(list(SAGEMAKER_ACTIONS), [f"arn:{ctx.partition}:sagemaker:{props.region}:*:training-job/*"],
                      sid="SageMakerTrainingJobs"),
                allow(["logs:DescribeLogStreams", "logs:GetLogEvents"],
                      [f"arn:{ctx.partition}:logs:{props.region}:*:log-group:/aws/sagemaker/TrainingJobs:*"], sid="SageMakerLogs"),
                allow(["iam:PassRole"], [props.sagemaker_execution_role_arn], sid="SageMakerPassRole",
                      Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
            ]
            if props.sagemaker_kms_key_arn:
                statements.append(allow(
                    ["kms:CreateGrant"], [props.sagemaker_kms_key_arn], sid="SageMakerKmsGrant",
                    Condition={"StringEquals": {"kms:ViaService": f"sagemaker.{props.region}.{ctx.dns_suffix}"},
                               "Bool": {"kms:GrantIsForAWSResource": "true"}}))
        return statements

    # --- typed properties -----------------------------------------------------------------
    @property
    def props(self) -> AwsLaunchAgentProps:
        return self._props

    @property
    def role_arn(self) -> str:
        """ARN of the agent role (annotate the service account with ``eks.amazonaws.com/role-arn``)."""
        return self._role.arn

    @property
    def role_name(self) -> str:
        return self._role.name

    @property
    def repository_url(self) -> str | None:
        """``<account>.dkr.ecr.<region>.amazonaws.com/<name>``: the launch-config ``builder.destination``; None
        without a registry (noop builder).

        Built from the registry id (the only part unknown before apply) so the
        rest of the URL can be checked against the agent's ECR pattern at synth time. The suffix stays the
        literal ``amazonaws.com`` (not the partition's DNS suffix): the W&B agent accepts only that form
        as a destination (launch_config._ECR_RE).
        """
        if self._repository is None:
            return None
        return f"{self._repository.registry_id}.dkr.ecr.{self._props.region}.amazonaws.com/{self._props.repository_name}"

    @property
    def repository_arn(self) -> str | None:
        return self._repository.arn if self._repository is not None else None

    @property
    def bucket_name(self) -> str | None:
        """The build-context bucket, or None when there is none (docker/noop builder)."""
        return self._bucket.bucket if self._bucket is not None else None

    @property
    def bucket_arn(self) -> str | None:
        return self._bucket.arn if self._bucket is not None else None

    @property
    def build_context_store(self) -> str | None:
        """``s3://<bucket>/<prefix>``: the launch-config ``builder.build-context-store``."""
        if self._bucket is None:
            return None
        return f"s3://{self._bucket.bucket}/{self._props.build_context_prefix.strip('/')}"

