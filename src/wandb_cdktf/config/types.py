"""Validated string types shared by every configuration section (one definition each)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from . import validators as v

Ipv4Cidr = Annotated[str, AfterValidator(v.ipv4_cidr)]
Ipv6Cidr = Annotated[str, AfterValidator(v.ipv6_cidr)]
KmsKeyArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "kms", "key/"))]
IamRoleArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "iam", "role/"))]
IamPolicyArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "iam", "policy/"))]
IamUserArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "iam", "user/"))]
IamPrincipalArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "iam"))]
SecretsManagerSecretArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "secretsmanager", "secret:"))]
AcmCertificateArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "acm", "certificate/"))]
AwsRegion = Annotated[str, AfterValidator(v.aws_region)]
S3BucketName = Annotated[str, AfterValidator(v.s3_bucket_name)]
EnvName = Annotated[str, AfterValidator(v.env_name)]
GcsBucketName = Annotated[str, AfterValidator(v.gcs_bucket_name)]
AzureStorageAccountName = Annotated[str, AfterValidator(v.azure_storage_account_name)]
AzureContainerName = Annotated[str, AfterValidator(v.azure_container_name)]
GcpServiceAccountEmail = Annotated[str, AfterValidator(v.gcp_service_account_email)]
S3CompatibleEndpoint = Annotated[str, AfterValidator(v.s3_compatible_endpoint)]
StoreRegion = Annotated[str, AfterValidator(v.store_region)]
AwsAccountId = Annotated[str, AfterValidator(v.aws_account_id)]
# EC2 API reference: resource ids are <prefix>-<8 or 17 hex digits>.
VpcId = Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")]
SubnetId = Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]
SecurityGroupId = Annotated[str, Field(pattern=r"^sg-[0-9a-f]{8,17}$")]
GcpProjectId = Annotated[str, AfterValidator(v.gcp_project_id)]
GcpServiceAccountId = Annotated[str, AfterValidator(v.gcp_service_account_id)]
GkeWorkloadPool = Annotated[str, AfterValidator(v.gke_workload_pool)]
Uuid = Annotated[str, AfterValidator(v.uuid)]
KubernetesName = Annotated[str, AfterValidator(v.kubernetes_name)]
KubernetesSubdomainName = Annotated[str, AfterValidator(v.kubernetes_subdomain_name)]
OidcIssuerUrl = Annotated[str, AfterValidator(v.oidc_issuer_url)]
AzureResourceGroupName = Annotated[str, AfterValidator(v.azure_resource_group_name)]
AzureLocation = Annotated[str, AfterValidator(v.azure_location)]
