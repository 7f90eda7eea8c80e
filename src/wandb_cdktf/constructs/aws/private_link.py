"""PrivateLink: W&B offered to other AWS accounts as a VPC endpoint service (terraform-aws-wandb v8 ``private_link``).

AWS PrivateLink fronts only Network (or Gateway) Load Balancers, and W&B's HTTPS lives on the ALB, so an
internal NLB in the private subnets forwards TCP 443 to an ALB-type target group that holds the W&B ALB
(ELB user guide, "Use an Application Load Balancer as a target of a Network Load Balancer": TCP only,
one ALB per target group, both load balancers in the same VPC and account, the target group port must
be a listener port of the ALB). TLS still ends at the ALB with the W&B certificate.

The NLB always has a security group, because one cannot be added to an NLB created without
("If you create a Network Load Balancer without associating any security groups, you can't associate
them with the load balancer later on", ELB user guide, load-balancer-security-groups). The group has no
inbound rules unless ``private_only_cidrs`` are given, and inbound rules are enforced on PrivateLink
traffic only then:

- default: PrivateLink traffic from the allowed accounts passes (not evaluated), anything else that
  reaches the NLB inside the VPC is refused;
- ``private_only``: PrivateLink traffic is evaluated too, and its source is then the client's private IP
  address, not the endpoint (same page), so ``private_only_cidrs`` are the clients' networks.

The ALB's own security group admits the NLB's group on 443 (targets may reference the NLB's group, same
page), and the NLB may send to the ALB's group on 443 only (health checks obey outbound rules).

The ALB is registered here when its ARN is known (the pre-operator ALB is a Terraform resource); the
post-operator ALB is made by the aws-load-balancer-controller and registered by
:class:`~wandb_cdktf.constructs.aws.private_link_registration.PrivateLinkRegistration` in the operator stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from constructs import Construct

from ..._providers import aws
from .security_groups import add_cidr_ingress, service_security_group, tcp_egress_to_group, tcp_ingress_from_group

HTTPS_PORT = 443
# The ELB name limit (CreateLoadBalancer / CreateTargetGroup API reference: at most 32 characters).
ELB_NAME_MAX = 32
HEALTH_CHECK_PATH = "/healthz"


def nlb_name(namespace: str) -> str:
    return f"{namespace}-nlb"


def target_group_name(namespace: str) -> str:
    return f"{namespace}-nlb-tg"


def principal_arn(partition: str, account_id: str) -> str:
    """The whole account as an endpoint-service principal (``arn:<partition>:iam::<account>:root``, the form
    ModifyVpcEndpointServicePermissions takes for an account, as v8)."""
    return f"arn:{partition}:iam::{account_id}:root"


@dataclass(frozen=True)
class PrivateLinkProps:
    namespace: str
    vpc_id: str
    """The VPC of the ALB (an ALB target must be in the NLB's VPC)."""
    subnet_ids: list[str]
    """Private subnets, one per AZ of the ALB."""
    alb_security_group_id: str
    """The ALB's Terraform-managed security group; it gets the rule admitting the NLB."""
    allowed_account_ids: tuple[str, ...]
    """Accounts whose VPC endpoints may connect (``arn:<partition>:iam::<id>:root``)."""
    partition: str = "aws"
    """Default: "aws" (pass the account context's partition token)."""
    private_only: bool = False
    """Enforce the NLB's inbound rules on PrivateLink traffic too. Default: False."""
    private_only_cidrs: tuple[str, ...] = ()
    """With ``private_only``: the client CIDRs admitted on 443. Default: ()."""
    alb_arn: str | None = None
    """Register this ALB now (pre-operator). Default: None (registered later, post-operator)."""
    alb_listener: Sequence[ITerraformDependable] = field(default_factory=tuple)
    """The ALB's 443 listener, which must exist before the ALB is registered. Default: ()."""
    deletion_protection: bool = True
    """NLB deletion protection (v8 follows deletion_protection): replacing the NLB replaces the endpoint
    service, whose name every consumer endpoint was created with. Default: True."""


class PrivateLink(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: PrivateLinkProps) -> None:
        super().__init__(scope, construct_id)
        ns = props.namespace
        if len(nlb_name(ns)) > ELB_NAME_MAX or len(target_group_name(ns)) > ELB_NAME_MAX:
            raise ValueError(f"namespace {ns!r} makes load balancer names longer than {ELB_NAME_MAX} characters")
        if props.private_only and not props.private_only_cidrs:
            raise ValueError("private_only needs private_only_cidrs: no client could connect")
        self._sg = service_security_group(self, namespace=ns, service="nlb", vpc_id=props.vpc_id,
                                          description=f"W&B {ns} PrivateLink NLB: HTTPS to the W&B ALB")
        if props.private_only:
            add_cidr_ingress(self, self._sg.id, (HTTPS_PORT,), props.private_only_cidrs, ())
        tcp_egress_to_group(self, "egress-alb", security_group_id=self._sg.id, target_group_id=props.alb_security_group_id,
                            from_port=HTTPS_PORT, to_port=HTTPS_PORT, description="To the W&B ALB (traffic, health checks)")
        tcp_ingress_from_group(self, "alb-ingress", security_group_id=props.alb_security_group_id,
                               source_group_id=self._sg.id, from_port=HTTPS_PORT, to_port=HTTPS_PORT,
                               description="HTTPS from the PrivateLink NLB")
        self._nlb = aws.lb.Lb(
            self, "nlb", name=nlb_name(ns), internal=True, load_balancer_type="network", subnets=props.subnet_ids,
            security_groups=[self._sg.id], ip_address_type="ipv4",
            enforce_security_group_inbound_rules_on_private_link_traffic="on" if props.private_only else "off",
            enable_deletion_protection=props.deletion_protection,
            # Each AZ's NLB node may send to ALB nodes in every AZ, so one unhealthy ALB node does not cut off
            # the clients of its zone (NLB default: off; inter-AZ traffic is charged).
            enable_cross_zone_load_balancing=True,
        )
        self._tg = aws.lb_target_group.LbTargetGroup(
            self, "target-group", name=target_group_name(ns), target_type="alb", protocol="TCP", port=HTTPS_PORT,
            vpc_id=props.vpc_id,
            # An ALB target is health-checked over HTTP(S) through its listener (v8: HTTPS /healthz).
            health_check={"protocol": "HTTPS", "path": HEALTH_CHECK_PATH, "port": "traffic-port", "matcher": "200-399",
                          "healthy_threshold": 3, "unhealthy_threshold": 3, "interval": 30, "timeout": 10},
        )
        aws.lb_listener.LbListener(
            self, "listener", load_balancer_arn=self._nlb.arn, port=HTTPS_PORT, protocol="TCP",
            default_action=[aws.lb_listener.LbListenerDefaultAction(type="forward", target_group_arn=self._tg.arn)],
        )
        if props.alb_arn is not None:
            aws.lb_target_group_attachment.LbTargetGroupAttachment(
                self, "alb-attachment", target_group_arn=self._tg.arn, target_id=props.alb_arn, port=HTTPS_PORT,
                depends_on=list(props.alb_listener) or None,
            )
        self._service = aws.vpc_endpoint_service.VpcEndpointService(
            self, "endpoint-service", network_load_balancer_arns=[self._nlb.arn], acceptance_required=False,
            allowed_principals=[principal_arn(props.partition, a) for a in props.allowed_account_ids],
            tags={"Name": f"{ns}-wandb"},
        )

    @property
    def security_group_id(self) -> str:
        return self._sg.id

    @property
    def load_balancer_arn(self) -> str:
        return self._nlb.arn

    @property
    def target_group_arn(self) -> str:
        return self._tg.arn

    @property
    def service_name(self) -> str:
        """What consumers give CreateVpcEndpoint (``com.amazonaws.vpce.<region>.vpce-svc-...``)."""
        return self._service.service_name

    @property
    def service_id(self) -> str:
        return self._service.id
