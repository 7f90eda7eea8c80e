"""IngressSecurityGroup: the frontend security group of the post-operator ALB, managed by Terraform.

The aws-load-balancer-controller creates the post-operator ALB from the W&B Ingress. Left to itself it
opens the listener to ``0.0.0.0/0`` whenever the ``inbound-cidrs`` annotation is absent, so an empty
``allowed_inbound_cidr`` would mean "open to the world" there while it means "closed" for the
pre-operator ALB. Instead the Ingress names this group (``alb.ingress.kubernetes.io/security-groups``)
with ``manage-backend-security-group-rules: "true"``: the controller attaches it as the ALB's frontend
group and still adds its shared backend group plus the ALB -> pod rules on the one cluster-tagged
security group of the node ENIs (the EKS cluster security group). Who may connect is then exactly the
rules below, in both shapes, and an empty list admits no one.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .security_groups import add_cidr_ingress, service_security_group, tcp_egress_to_group

HTTPS_PORT = 443


@dataclass(frozen=True)
class IngressSecurityGroupProps:
    namespace: str
    vpc_id: str
    target_security_group_id: str
    """Security group of the pod ENIs the ALB forwards to (the EKS cluster security group)."""
    allowed_inbound_cidr: tuple[str, ...] = ()
    """IPv4 CIDRs admitted on 443. Default: () (no one)."""
    allowed_inbound_ipv6_cidr: tuple[str, ...] = ()
    """IPv6 CIDRs admitted on 443 (effective once the ALB is dual-stack). Default: ()."""


class IngressSecurityGroup(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: IngressSecurityGroupProps) -> None:
        super().__init__(scope, construct_id)
        ns = props.namespace
        self._sg = service_security_group(
            self, namespace=ns, service="alb-k8s", vpc_id=props.vpc_id,
            description=f"W&B {ns} controller-managed ALB: HTTPS from allowed_inbound_cidr")
        add_cidr_ingress(self, self._sg.id, (HTTPS_PORT,), props.allowed_inbound_cidr, props.allowed_inbound_ipv6_cidr)
        # Terraform removes the default allow-all egress; the ALB only needs to reach the pods.
        tcp_egress_to_group(self, "egress-targets", security_group_id=self._sg.id,
                            target_group_id=props.target_security_group_id, from_port=0, to_port=65535,
                            description="To W&B pods (targets and health checks)")

    @property
    def security_group_id(self) -> str:
        return self._sg.id
