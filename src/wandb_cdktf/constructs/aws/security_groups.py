"""Security groups written once: a service's group and its rules, one ``aws_vpc_security_group_*_rule`` per source.

Used by Database, Redis, WeaveFileSystem, LoadBalancer, IngressSecurityGroup and PrivateLink. These are
functions, never a nested construct: the group and every rule are created in the caller's scope under the
ids the caller names (a public contract: they are Terraform addresses).

One rule resource per source (not inline ``ingress`` blocks of ``aws_security_group``): the provider
documents that inline rules and rule resources must not be mixed, and a rule resource changes alone,
without rewriting the group's other rules.

Client CIDRs (:func:`add_cidr_ingress`): ``allowed_inbound_cidr`` / ``allowed_inbound_ipv6_cidr`` mean the
same for the pre-operator ``LoadBalancer``, the post-operator ``IngressSecurityGroup`` and ``PrivateLink``:
the listed CIDRs and nothing else; empty lists admit no one. IPv6 CIDRs become security-group rules only;
the load balancers stay IPv4 (as in terraform-aws-wandb v1.16.10 and v8), because ELB refuses a dual-stack
load balancer in subnets without an IPv6 CIDR ("You must specify subnets with an associated IPv6 CIDR
block", ELB user guide, load-balancer-ip-address-type) and the VPC we build has none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from cdktf import TerraformStack
from constructs import Construct

from ..._providers import aws

PORT_LABELS = {443: "HTTPS", 80: "HTTP redirect"}


def service_security_group(scope: Construct, *, namespace: str, service: str, vpc_id: str, description: str,
                           construct_id: str = "security-group") -> aws.security_group.SecurityGroup:
    """The group of one W&B service: name prefix ``<namespace>-<service>-``, tag Name ``<namespace>-<service>``.

    ``create_before_destroy``: a change that replaces the group (its description, say) creates the new one
    first, because EC2 refuses to delete a group still attached to an ENI (DependencyViolation)."""
    return aws.security_group.SecurityGroup(
        scope, construct_id, name_prefix=f"{namespace}-{service}-", vpc_id=vpc_id, description=description,
        tags={"Name": f"{namespace}-{service}"}, lifecycle={"create_before_destroy": True},
    )


def tcp_ingress_from_group(scope: Construct, construct_id: str, *, security_group_id: str, source_group_id: str,
                           from_port: int, to_port: int,
                           description: str) -> aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule:
    """One rule: TCP ``from_port..to_port`` into ``security_group_id`` from members of ``source_group_id``."""
    return aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
        scope, construct_id, security_group_id=security_group_id, referenced_security_group_id=source_group_id,
        ip_protocol="tcp", from_port=from_port, to_port=to_port, description=description,
    )


def tcp_egress_to_group(scope: Construct, construct_id: str, *, security_group_id: str, target_group_id: str,
                        from_port: int, to_port: int,
                        description: str) -> aws.vpc_security_group_egress_rule.VpcSecurityGroupEgressRule:
    """One rule: TCP ``from_port..to_port`` out of ``security_group_id`` to members of ``target_group_id``."""
    return aws.vpc_security_group_egress_rule.VpcSecurityGroupEgressRule(
        scope, construct_id, security_group_id=security_group_id, referenced_security_group_id=target_group_id,
        ip_protocol="tcp", from_port=from_port, to_port=to_port, description=description,
    )


def allow_port_from_groups(scope: Construct, security_group_id: str, port: int, source_group_ids: Sequence[str],
                           description: str, id_prefix: str = "ingress-sg") -> None:
    """One rule per source group: ids ``<id_prefix>-<i>``."""
    for i, source in enumerate(source_group_ids):
        tcp_ingress_from_group(scope, f"{id_prefix}-{i}", security_group_id=security_group_id, source_group_id=source,
                               from_port=port, to_port=port, description=description)


def allow_port_from_cidrs(scope: Construct, security_group_id: str, port: int, cidrs: Sequence[str],
                          description: str, id_prefix: str = "ingress-cidr") -> None:
    """One rule per IPv4 CIDR: ids ``<id_prefix>-<i>``, by position (kept for the addresses they already have; only
    ``DatabaseProps.allowed_cidr_blocks`` uses it, see there). Lists that users edit use ``add_cidr_ingress``, keyed
    by content (``cidr_rule_id``)."""
    for i, cidr in enumerate(cidrs):
        aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
            scope, f"{id_prefix}-{i}", security_group_id=security_group_id, cidr_ipv4=cidr,
            ip_protocol="tcp", from_port=port, to_port=port, description=description,
        )


def cidr_rule_id(port: int, cidr: str) -> str:
    """Construct id of the client-CIDR rule for ``port`` and ``cidr``: ``ingress-<port>-ipv4-203-0-113-0-24``
    (IPv6: ``ingress-<port>-ipv6-2001-db8---32``). Keyed by content, so adding or removing one CIDR creates or
    destroys that CIDR's rules only (Terraform ids may hold letters, digits, ``_`` and ``-``)."""
    family = "ipv6" if ":" in cidr else "ipv4"
    return f"ingress-{port}-{family}-" + re.sub(r"[.:/]", "-", cidr)


def logical_id(components: Sequence[str]) -> str:
    """cdktf 0.21's logical id of a construct path below its stack (``lib/private/unique.js`` makeUniqueId)."""
    components = [c for c in components if c != "Default"]
    clean = [re.sub(r"[^A-Za-z0-9_-]", "", c) for c in components]
    if len(components) == 1 and len(clean[0]) <= 255:
        return clean[0]
    human: list[str] = []
    for c in components:
        if not human or not human[-1].endswith(c):
            human.append(c)
    readable = "_".join(re.sub(r"[^A-Za-z0-9_-]", "", c) for c in human if c != "Resource")[:240]
    return readable + "_" + hashlib.md5("/".join(components).encode()).hexdigest()[:8].upper()


def add_cidr_ingress(
    scope: Construct, security_group_id: str, ports: Sequence[int],
    ipv4_cidrs: Sequence[str], ipv6_cidrs: Sequence[str],
) -> int:
    """Client CIDRs: one rule per (port, CIDR) in ``scope``, ids :func:`cidr_rule_id`; return how many were created.

    Before 0.2.0 these rules were keyed by position (``ingress-<n>``, n counting over port, then IPv4, then IPv6
    CIDRs): inserting or removing a CIDR shifted every later rule, Terraform modified rule n onto its neighbour's
    value while creating rule n+1, and EC2 refused the transient duplicate (``InvalidPermission.Duplicate``). Each
    rule carries a ``moved`` block from the position it had for this same list, so a deployment made before
    keeps its rules (no destroy/create, which would race the same way). ``cidrs`` hold no duplicates (the
    configuration refuses them; EC2 refuses a duplicate rule)."""
    stack = TerraformStack.of(scope)
    n = 0
    for port in ports:
        label = PORT_LABELS.get(port, f"TCP {port}")
        for family, cidrs in (("cidr_ipv4", ipv4_cidrs), ("cidr_ipv6", ipv6_cidrs)):
            for cidr in cidrs:
                source: dict[str, Any] = {family: cidr}
                rule = aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
                    scope, cidr_rule_id(port, cidr), security_group_id=security_group_id, ip_protocol="tcp",
                    from_port=port, to_port=port, description=f"{label} from {cidr}", **source,
                )
                path = [c.node.id for c in rule.node.scopes[rule.node.scopes.index(stack) + 1:]]
                if stack.get_logical_id(rule) == logical_id(path):  # cdktf's default addressing (not overridden)
                    rule.move_from_id(f"{rule.terraform_resource_type}.{logical_id([*path[:-1], f'ingress-{n}'])}")
                n += 1
    return n
