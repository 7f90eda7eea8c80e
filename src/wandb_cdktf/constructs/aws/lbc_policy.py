"""IAM permissions of the AWS Load Balancer Controller and external-dns (post-operator ingress and DNS).

The controller policy follows the upstream ``iam_policy.json`` of
kubernetes-sigs/aws-load-balancer-controller v2.x: read-only discovery on ``*``
(EC2/ELB Describe calls do not support resource scoping), and mutations limited
to resources tagged ``elbv2.k8s.aws/cluster`` by the controller itself.
"""

from __future__ import annotations

from .iam import policy_document

_CLUSTER_TAG_REQ = {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}
_CLUSTER_TAG_RES = {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}


def load_balancer_controller_policy(partition: str = "aws") -> str:
    elb = f"arn:{partition}:elasticloadbalancing:*:*"
    return policy_document(
        {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
         "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}},
        {"Sid": "Discovery", "Effect": "Allow", "Resource": "*", "Action": [
            "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags",
            "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools",
            "ec2:DescribeRouteTables",
            "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
            "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
            "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
            "elasticloadbalancing:DescribeCapacityReservation",
        ]},
        {"Sid": "Integrations", "Effect": "Allow", "Resource": "*", "Action": [
            "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
            "iam:ListServerCertificates", "iam:GetServerCertificate", "waf-regional:GetWebACL",
            "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
            "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
            "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
        ]},
        {"Effect": "Allow", "Action": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:CreateSecurityGroup", "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": f"arn:{partition}:ec2:*:*:security-group/*",
         "Condition": {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, **_CLUSTER_TAG_REQ}},
        {"Effect": "Allow", "Action": ["ec2:CreateTags", "ec2:DeleteTags"], "Resource": f"arn:{partition}:ec2:*:*:security-group/*",
         "Condition": {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}},
        {"Effect": "Allow", "Action": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
         "Resource": "*", "Condition": _CLUSTER_TAG_RES},
        {"Effect": "Allow", "Action": ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
         "Resource": "*", "Condition": _CLUSTER_TAG_REQ},
        {"Effect": "Allow", "Resource": "*", "Action": [
            "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
            "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"]},
        {"Effect": "Allow", "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
         "Resource": [f"{elb}:targetgroup/*/*", f"{elb}:loadbalancer/net/*/*", f"{elb}:loadbalancer/app/*/*"],
         "Condition": {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}},
        {"Effect": "Allow", "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
         "Resource": [f"{elb}:listener/net/*/*/*", f"{elb}:listener/app/*/*/*", f"{elb}:listener-rule/net/*/*/*",
                      f"{elb}:listener-rule/app/*/*/*"]},
        {"Effect": "Allow", "Resource": "*", "Condition": _CLUSTER_TAG_RES, "Action": [
            "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
            "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
            "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation",
            "elasticloadbalancing:ModifyIpPools"]},
        {"Effect": "Allow", "Action": "elasticloadbalancing:AddTags",
         "Resource": [f"{elb}:targetgroup/*/*", f"{elb}:loadbalancer/net/*/*", f"{elb}:loadbalancer/app/*/*"],
         "Condition": {"StringEquals": {"elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"]},
                       **_CLUSTER_TAG_REQ}},
        {"Effect": "Allow", "Action": ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
         "Resource": f"{elb}:targetgroup/*/*"},
        {"Effect": "Allow", "Resource": "*", "Action": [
            "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener",
            "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
            "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"]},
    )


def external_dns_policy(zone_id: str, partition: str = "aws") -> str:
    """external-dns may change records only in the W&B hosted zone."""
    return policy_document(
        {"Sid": "ChangeWandbZone", "Effect": "Allow", "Action": "route53:ChangeResourceRecordSets",
         "Resource": f"arn:{partition}:route53:::hostedzone/{zone_id}"},
        {"Sid": "ListZones", "Effect": "Allow", "Resource": "*",
         "Action": ["route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]},
    )


def cluster_autoscaler_policy(cluster_name: str) -> str:
    """What the cluster autoscaler needs (autoscaler cloudprovider/aws README "IAM Policy"; v8
    modules/app_eks/cluster_autoscaler): read node groups and instance types anywhere, but change capacity
    only of Auto Scaling groups that EKS tagged as this cluster's managed node groups."""
    return policy_document(
        {"Sid": "DescribeCapacity", "Effect": "Allow", "Resource": "*", "Action": [
            "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
            "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
            "eks:DescribeNodegroup"]},
        {"Sid": "ScaleOwnNodeGroups", "Effect": "Allow", "Resource": "*",
         "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
         "Condition": {"StringEquals": {
             "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
             f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned"}}},
    )
