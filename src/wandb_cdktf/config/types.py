"""Validated string types shared by every configuration section (one definition each)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from . import validators as v

Ipv4Cidr = Annotated[str, AfterValidator(v.ipv4_cidr)]
Ipv6Cidr = Annotated[str, AfterValidator(v.ipv6_cidr)]
KmsKeyArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "kms", "key/"))]
IamRoleArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "iam", "role/"))]
IamPolicyArn = Annotated[str, AfterValidator(lambda s: v.arn(s, "iam", "policy/"))]
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
