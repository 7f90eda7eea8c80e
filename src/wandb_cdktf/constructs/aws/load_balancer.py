"""LoadBalancer: the pre-operator Application Load Balancer in front of W&B (terraform-aws-wandb v1.16.10 ``app_lb``).

HTTPS (TLS 1.3/1.2 policy) with the ACM certificate, HTTP redirected to HTTPS,
ingress only from ``allowed_inbound_cidr`` (+ IPv6 rules; the ALB itself is IPv4), forwarding to the W&B
NodePort **32543** on every node group's Auto Scaling group, and Route53 alias
records for the FQDN and each extra name. The post-operator shape replaces this with an ALB owned by
the aws-load-balancer-controller.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..._providers import aws
from .security_groups import add_cidr_ingress, service_security_group, tcp_egress_to_group, tcp_ingress_from_group

# The NodePort of the pre-operator W&B service (kubernetes/wandb_app.py), which this ALB's target group forwards to.
NODE_PORT = 32543
# TLS 1.3 and 1.2 only (ELB "Security policies for your Application Load Balancer"); also the post-operator
# ALB's ``alb.ingress.kubernetes.io/ssl-policy`` (kubernetes/operator.py).
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class LoadBalancerProps:
    namespace: str
    vpc_id: str
    subnet_ids: list[str]
    """Public subnets for an internet-facing ALB, private ones for an internal ALB."""
    certificate_arn: str
    fqdn: str
    zone_id: str
    node_security_group_id: str
    """Gets an ingress rule for the NodePort from the ALB."""
    autoscaling_group_names: list[str]
    """Node group ASGs registered with the target group."""
    allowed_inbound_cidr: tuple[str, ...] = ()
    """IPv4 clients admitted on 443 and 80. Default: () (no one)."""
    allowed_inbound_ipv6_cidr: tuple[str, ...] = ()
    """IPv6 clients admitted (security-group rules; the ALB is IPv4). Default: ()."""
    internal: bool = False
    """Internal scheme (reachable from the VPC and its peers only). Default: False (internet-facing)."""
    extra_fqdns: tuple[str, ...] = ()
    """More names (on the certificate too) given A alias records to the ALB. Default: ()."""
    deletion_protection: bool = False
    """Default: False, as in terraform-aws-wandb v1.16.10: an ALB holds no data, and the documented
    pre- to post-operator migration deletes it."""
    node_port: int = NODE_PORT
    """Default: 32543."""
    health_check_path: str = "/ready"
    """W&B readiness endpoint. Default: /ready."""


class LoadBalancer(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: LoadBalancerProps) -> None:
        super().__init__(scope, construct_id)
        ns = props.namespace
        self._sg = sg = service_security_group(self, namespace=ns, service="alb", vpc_id=props.vpc_id,
                                               description=f"W&B {ns} ALB: HTTPS/HTTP from allowed_inbound_cidr")
        add_cidr_ingress(self, sg.id, (443, 80), props.allowed_inbound_cidr, props.allowed_inbound_ipv6_cidr)
        tcp_egress_to_group(self, "egress-nodes", security_group_id=sg.id, target_group_id=props.node_security_group_id,
                            from_port=props.node_port, to_port=props.node_port, description="To the W&B NodePort")
        tcp_ingress_from_group(self, "node-ingress", security_group_id=props.node_security_group_id,
                               source_group_id=sg.id, from_port=props.node_port, to_port=props.node_port,
                               description="W&B NodePort from the ALB")
        self._lb = aws.lb.Lb(
            self, "alb", name=f"{ns}-alb", internal=props.internal, load_balancer_type="application",
            security_groups=[sg.id], subnets=props.subnet_ids, drop_invalid_header_fields=True,
            enable_deletion_protection=props.deletion_protection, ip_address_type="ipv4",
        )
        self._tg = aws.lb_target_group.LbTargetGroup(
            self, "target-group", name=f"{ns}-tg", port=props.node_port, protocol="HTTP", target_type="instance",
            vpc_id=props.vpc_id,
            health_check={"path": props.health_check_path, "port": "traffic-port", "matcher": "200",
                          "healthy_threshold": 2, "unhealthy_threshold": 5, "interval": 30},
        )
        self._https = aws.lb_listener.LbListener(
            self, "https", load_balancer_arn=self._lb.arn, port=443, protocol="HTTPS", ssl_policy=SSL_POLICY,
            certificate_arn=props.certificate_arn,
            default_action=[aws.lb_listener.LbListenerDefaultAction(type="forward", target_group_arn=self._tg.arn)],
        )
        aws.lb_listener.LbListener(
            self, "http-redirect", load_balancer_arn=self._lb.arn, port=80, protocol="HTTP",
            default_action=[aws.lb_listener.LbListenerDefaultAction(
                type="redirect", redirect={"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"})],
        )
        for i, asg in enumerate(props.autoscaling_group_names):
            aws.autoscaling_attachment.AutoscalingAttachment(
                self, f"asg-attachment-{i}", autoscaling_group_name=asg, lb_target_group_arn=self._tg.arn
            )
        alias = {"name": self._lb.dns_name, "zone_id": self._lb.zone_id, "evaluate_target_health": True}
        aws.route53_record.Route53Record(self, "record-a", zone_id=props.zone_id, name=props.fqdn, type="A", alias=alias)
        # The certificate covers extra_fqdns; each also resolves to the ALB (v1.16.10 aws_route53_record.extra).
        for i, name in enumerate(props.extra_fqdns):
            aws.route53_record.Route53Record(
                self, f"record-extra-{i}", zone_id=props.zone_id, name=name, type="A", alias=alias)

    @property
    def dns_name(self) -> str:
        return self._lb.dns_name

    @property
    def load_balancer_arn(self) -> str:
        return self._lb.arn

    @property
    def target_group_arn(self) -> str:
        return self._tg.arn

    @property
    def arn_suffix(self) -> str:
        """``app/<name>/<id>``: the ``LoadBalancer`` dimension of AWS/ApplicationELB metrics."""
        return self._lb.arn_suffix

    @property
    def target_group_arn_suffix(self) -> str:
        """``targetgroup/<name>/<id>``: the ``TargetGroup`` dimension of AWS/ApplicationELB metrics."""
        return self._tg.arn_suffix

    @property
    def security_group_id(self) -> str:
        return self._sg.id

    @property
    def https_listener(self) -> aws.lb_listener.LbListener:
        return self._https
