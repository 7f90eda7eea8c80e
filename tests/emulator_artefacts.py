"""Everything the emulator tests accept that a real AWS account would not need, with the reason.

Three lists, one place:

- ``PLAN_ARTEFACTS``: resource address pattern (``fnmatch``), optionally ``:<attribute
  pattern>`` to accept only those top-level attributes -> reason. A re-plan right after
  apply may show these changes only; anything else is a real perpetual diff and fails
  tests/test_emulator.py::test_infra_apply_replan_destroy.
- ``PROFILE_OVERRIDES``: configuration options the emulator profile sets, with the reason.
- ``SHIMS``: AWS APIs moto 5 lacks, added by tests/emulator_server.py, with the reason.

Remove an entry when moto grows the behaviour; the tests do not require an artefact
to show up, only that nothing outside this file does.
"""

from __future__ import annotations

import fnmatch
from typing import Any

PLAN_ARTEFACTS: dict[str, str] = {
    "aws_eks_node_group.*:launch_template": (
        "the node groups follow the launch template's latest_version, which the tag_specifications artefact "
        "below makes unknown (an in-place update, never a replacement)."
    ),
    "aws_launch_template.*:tag_specifications": (
        "moto stores the launch template's own tags (resource type 'launch-template', our default tags) in "
        "the version data and returns them as a third tag specification; AWS does not."
    ),
    "aws_launch_template.*:*_version": (
        "default_version/latest_version become unknown because of the tag_specifications artefact above "
        "(an update writes a new template version)."
    ),
    "aws_db_parameter_group.*:parameter": (
        "moto's DescribeDBParameters returns the parameters without their Source ('user'), so the provider "
        "reads back no user-set parameters and plans to set them again."
    ),
    "aws_rds_cluster.*:scaling_configuration": (
        "moto returns a ScalingConfigurationInfo (Serverless v1 settings) for provisioned clusters too; "
        "AWS returns none, and we set none."
    ),
    "aws_rds_cluster_instance.*:performance_insights_*": (
        "moto ignores Performance Insights settings of cluster instances and reads them back as disabled."
    ),
    "aws_vpc_security_group_ingress_rule.*:description": (
        "moto does not return the Description of security group rules (DescribeSecurityGroupRules)."
    ),
}

PROFILE_OVERRIDES: dict[str, tuple[Any, str]] = {
    "create_elasticache": (
        False,
        "moto cannot read an ElastiCache replication group back the way the provider expects, so Redis "
        "is off in the emulator profile.",
    ),
}

SHIMS: dict[str, str] = {
    "IAM enforcement (POST /moto-api/reset-auth) as AWS names and answers it": (
        "only tests/test_deployer_policy_emulator.py turns enforcement on. moto 5.2.6 checks `monitoring:` for "
        "CloudWatch (IAM: `cloudwatch:`) and S3's API operation names (`s3:PutBucketLifecycleConfiguration`; IAM: "
        "`s3:PutLifecycleConfiguration`), fails the signature of every bodiless GET of a REST service (EKS, EFS, "
        "Route 53) whatever the credentials, and answers a refusal in EC2's XML to every service (aws-sdk-go-v2 "
        "reads UnknownError, or cannot decode it); the shim checks IAM's names, signs the body the client signed, "
        "answers AccessDeniedException in JSON / AccessDenied in the query format, and logs every decision."
    ),
    "backup:CreateBackupSelection/GetBackupSelection/DeleteBackupSelection": (
        "moto 5 implements backup plans and vaults but not selections; the shim refuses an unknown plan and a "
        "role that is not an IAM role ARN, as AWS Backup does."
    ),
    "acm:DeleteCertificate in use": (
        "moto deletes a certificate a listener still uses; ACM refuses (ResourceInUseException)."
    ),
    "eks:CreateNodegroup instance architecture": (
        "moto stores any instance type; EKS refuses types of another architecture than the AMI type's, e.g. "
        "Graviton (m7g) for AL2023_x86_64_STANDARD (InvalidParameterException)."
    ),
    "eks:UpdateNodegroupConfig scaling limits": (
        "moto stores any scaling config; EKS refuses a minimum above the desired size or a desired size above the "
        "maximum (InvalidParameterException)."
    ),
    "GET /moto-api/emulator/rds-master-passwords": (
        "test introspection only, no AWS behaviour (no AWS API returns a password): the day-2 scenario compares "
        "what RDS holds with our secret."
    ),
    "s3:PutBucketLifecycleConfiguration transition minimum object size": (
        "moto 5 drops x-amz-transition-default-minimum-object-size and always reads back all_storage_classes_128K; "
        "S3 keeps the value sent (the audit trail's log bucket sends varies_by_storage_class)."
    ),
    "JSON-protocol X-Amz-Target by shape name": (
        "moto 5.2.6 routes a JSON request only when X-Amz-Target is botocore's full targetPrefix; aws-sdk-go-v2 "
        "sends CloudTrail_20131101.<Op> for CloudTrail (botocore: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101), "
        "which AWS accepts and moto answered with 404."
    ),
    "cloudtrail:CreateTrail bucket-policy check": (
        "moto creates a trail on any existing bucket; CloudTrail refuses one whose policy does not let "
        "cloudtrail.amazonaws.com GetBucketAcl and PutObject for this trail (InsufficientS3BucketPolicyException)."
    ),
    "eks:CreateAddon/DescribeAddon/DeleteAddon/ListAddons/UpdateAddon/DescribeUpdate": (
        "moto 5 implements no EKS addon API; the cluster installs six managed addons."
    ),
    "ec2:DescribeSecurityGroupRules Description": (
        "moto returns the Description of CIDR rules only; rules referencing a security group lose theirs, so "
        "a re-apply would try ModifySecurityGroupRules, which moto refuses for protocol -1."
    ),
    "eks:DescribeAddonVersions (+ version checks in CreateAddon/UpdateAddon)": (
        "moto 5 has no DescribeAddonVersions, which data.aws_eks_addon_version reads; the shim lists made-up "
        "versions per Kubernetes minor, newest first as AWS does, and refuses an addon version not offered "
        "for the cluster's minor, as EKS does."
    ),
    "eks:UpdateClusterVersion/UpdateNodegroupVersion": (
        "moto 5 has neither; the shim applies them and refuses what EKS refuses: a control-plane bump of more "
        "than one minor, a bump while a node group lags, a node group newer than the cluster."
    ),
    "eks:CreateNodegroup remoteAccess, updateConfig": (
        "moto invents remoteAccess {ec2SshKey: eksKeypair} for every node group and drops updateConfig; EKS "
        "reports no remote access for a node group launched from a template and keeps updateConfig (the "
        "provider would otherwise plan to replace every node group)."
    ),
    "kms:CreateKey/PutKeyPolicy principal check": (
        "moto accepts any principal; KMS refuses a policy naming a role that does not exist "
        "(MalformedPolicyDocumentException). The shim checks role ARNs of the account."
    ),
    "eks:CreateCluster clusterSecurityGroupId": (
        "real EKS creates a cluster security group and returns its id in vpc_config; moto returns none, so the "
        "node security group rules that reference it could not be created."
    ),
    "eks:CreateCluster OIDC issuer": (
        "moto draws one OIDC issuer per process, so a second cluster's aws_iam_openid_connect_provider "
        "collides with the first (EntityAlreadyExists); each cluster gets its own, as on AWS."
    ),
    "eks:CreateCluster accessConfig": (
        "moto drops accessConfig; the provider then reads no access_config and plans to replace the cluster "
        "(bootstrap_cluster_creator_admin_permissions forces replacement), cascading into OIDC and IRSA."
    ),
    "eks:CreateNodegroup Auto Scaling group": (
        "moto names an Auto Scaling group in the node group's resources but never creates it; the pre-operator "
        "ALB attaches its target group to those groups (aws_autoscaling_attachment)."
    ),
    "logs:AssociateKmsKey/DisassociateKmsKey": (
        "moto 5 takes a log group's key only at CreateLogGroup; the takeover of a terraform-aws-wandb workspace "
        "adds our key to its EKS control-plane log group in place (tests/test_adopt_emulator.py)."
    ),
    "elasticfilesystem:PutBackupPolicy": "moto 5 only describes the backup policy chosen at creation.",
    "eks:CreateAccessEntry/DescribeAccessEntry/UpdateAccessEntry/DeleteAccessEntry/ListAccessEntries/"
    "AssociateAccessPolicy/ListAssociatedAccessPolicies/DisassociateAccessPolicy": (
        "moto 5 implements no access-entry API; the cluster gives the deploying principal an access entry. "
        "The shim refuses what EKS refuses: a second entry for one principal, system: groups and user names."
    ),
    "elasticloadbalancing:CreateLoadBalancer refusals": (
        "moto accepts a dual-stack load balancer in subnets without IPv6 and duplicate names; ELB refuses both "
        "(\"You must specify subnets with an associated IPv6 CIDR block\", DuplicateLoadBalancerName)."
    ),
    "elasticloadbalancing:CreateLoadBalancer name length": (
        "moto accepts load balancer names longer than 32 characters; ELB refuses them."
    ),
    "elasticloadbalancing:CreateTargetGroup/RegisterTargets for target type alb": (
        "moto rewrites any protocol of an alb target group to TCP and registers any id; ELB allows TCP only and "
        "one Application Load Balancer in the target group's VPC with a listener on its port."
    ),
    "ec2:CreateVpcEndpointServiceConfiguration/ModifyVpcEndpointServicePermissions": (
        "moto takes any load balancer and any principal string; an endpoint service fronts Network or Gateway "
        "Load Balancers only and its permissions name ARNs (or *)."
    ),
    "elasticloadbalancing:SetSecurityGroups EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": (
        "moto drops the setting, so DescribeLoadBalancers never returns it and every re-plan would update the "
        "PrivateLink NLB."
    ),
    "eks:TagResource/UntagResource/ListTagsForResource of addons and access entries": (
        "moto tags clusters only; adopting (importing) addons and access entries updates their tags in place."
    ),
    "rds:ModifyDBCluster NewDBClusterIdentifier": (
        "moto renames the cluster but leaves its instances naming the old identifier, and draws each cluster's "
        "endpoint id at random; in RDS the instances follow the rename and the endpoint id is one per account "
        "and Region, so a restored cluster renamed into place keeps the host (tests/test_restore_emulator.py)."
    ),
    "rds:ModifyDBCluster EnableIAMDatabaseAuthentication": (
        "moto stores the modified flag where DescribeDBClusters does not read it; adopting a v8 cluster enables it."
    ),
    "eks:UpdateClusterConfig": (
        "moto answers with the cluster instead of an update (the provider waits on the update id and crashes) "
        "and replaces the whole resourcesVpcConfig, dropping the cluster security group."
    ),
    "route53:ChangeResourceRecordSets DELETE name matching": (
        "moto deletes a record only when the name matches literally (with or without the final dot); DNS "
        "names match either way, so the pre-operator alias record outlived its destroy in the migration test."
    ),
    "route53:ChangeResourceRecordSets ACM validation in a private zone": (
        "AWS accepts the record but ACM never validates through a private zone, so the apply would hang until "
        "aws_acm_certificate_validation times out; the emulator refuses the record at once."
    ),
    "route53 hosted zone ids": (
        "moto draws 22 random characters; AWS ids (and our zone_id validation) start with 'Z'."
    ),
    "MOTO_ACM_VALIDATION_WAIT=0": (
        "moto keeps DNS-validated certificates PENDING_VALIDATION for 60 s by default, which stalls "
        "aws_acm_certificate_validation."
    ),
    "MOTO_IAM_LOAD_MANAGED_POLICIES=true": (
        "AWS managed policies (AmazonEKSClusterPolicy, ...) exist in moto only with this setting."
    ),
}


def artefact_reasons(address: str, attributes: list[str]) -> tuple[list[str], list[str]]:
    """(reasons that explain this change, attributes no artefact explains).

    An entry without ``:<attribute>`` explains every change of the addresses it matches.
    """
    reasons: list[str] = []
    left = list(attributes)
    for key, reason in PLAN_ARTEFACTS.items():
        pattern, _, attr = key.partition(":")
        if not fnmatch.fnmatchcase(address, pattern):
            continue
        covered = left if not attr else [a for a in left if fnmatch.fnmatchcase(a, attr)]
        if covered or not attributes:
            reasons.append(f"{key}: {reason}")
            left = [a for a in left if a not in covered]
    return reasons, left


def profile_overrides() -> dict[str, Any]:
    """Configuration values the emulator profile applies on top of a deployment configuration."""
    return {name: value for name, (value, _reason) in PROFILE_OVERRIDES.items()}
