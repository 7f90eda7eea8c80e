"""Ingress rules admitting W&B's allowed client CIDRs to a load balancer's security group.

Shared by the pre-operator ``LoadBalancer`` and the post-operator ``IngressSecurityGroup`` so that
``allowed_inbound_cidr`` / ``allowed_inbound_ipv6_cidr`` mean the same in both shapes: the listed
CIDRs and nothing else; empty lists admit no one. Rules are created in the caller's scope with ids
``ingress-<n>`` (a public contract: they are Terraform addresses).

IPv6 CIDRs become security-group rules only; the load balancers stay IPv4 (as in terraform-aws-wandb
v1.16.10 and v8), because ELB refuses a dual-stack load balancer in subnets without an IPv6 CIDR
("You must specify subnets with an associated IPv6 CIDR block", ELB user guide,
load-balancer-ip-address-type) and the VPC we build has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from constructs import Construct

from ..._providers import aws

PORT_LABELS = {443: "HTTPS", 80: "HTTP redirect"}


def add_cidr_ingress(
    scope: Construct, security_group_id: str, ports: Sequence[int],
    ipv4_cidrs: Sequence[str], ipv6_cidrs: Sequence[str],
) -> int:
    """Create one rule per (port, CIDR) in ``scope``; return how many were created."""
    n = 0
    for port in ports:
        label = PORT_LABELS.get(port, f"TCP {port}")
        for family, cidrs in (("cidr_ipv4", ipv4_cidrs), ("cidr_ipv6", ipv6_cidrs)):
            for cidr in cidrs:
                source: dict[str, Any] = {family: cidr}
                aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
                    scope, f"ingress-{n}", security_group_id=security_group_id, ip_protocol="tcp",
                    from_port=port, to_port=port, description=f"{label} from {cidr}", **source,
                )
                n += 1
    return n
