"""PrivateLinkRegistration: registers the controller-made post-operator ALB with the PrivateLink NLB's target group.

The post-operator ALB does not exist when Terraform plans a first install: the W&B operator creates
the Ingress some time after its ``WeightsAndBiases`` resource is applied, and the
aws-load-balancer-controller then creates the ALB named ``<namespace>-alb-k8s``. terraform-aws-wandb v8
reads that ALB with a ``data "aws_lb"`` at plan time, so a fresh v8 install with PrivateLink fails until
the ALB exists (a second apply). Here the lookup waits instead: a ``terraform_data`` runs
``aws elbv2 wait load-balancer-available`` (which retries while the name is not found, 40 x 15 s) after
the W&B release, and the ``aws_lb`` data source depends on it, so Terraform reads it during that apply.
On later plans nothing is pending and the data source is read at plan time. Needs the AWS CLI, as
``aws eks get-token`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import DataResource, ITerraformDependable, LocalExecProvisioner
from constructs import Construct

from ..._providers import aws
from .private_link import HTTPS_PORT


@dataclass(frozen=True)
class PrivateLinkRegistrationProps:
    target_group_arn: str
    """The NLB's ALB-type target group (``PrivateLink.target_group_arn``, from the infra stack)."""
    load_balancer_name: str
    """The controller-made ALB (``<namespace>-alb-k8s``)."""
    region: str
    after: Sequence[ITerraformDependable]
    """What makes the ALB appear (the W&B release)."""


class PrivateLinkRegistration(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: PrivateLinkRegistrationProps) -> None:
        super().__init__(scope, construct_id)
        self._wait = DataResource(
            self, "alb-available", input={"load_balancer": props.load_balancer_name},
            provisioners=[LocalExecProvisioner(type="local-exec", command=self.wait_command(props))],
            depends_on=list(props.after),
        )
        self._alb = aws.data_aws_lb.DataAwsLb(self, "alb", name=props.load_balancer_name, depends_on=[self._wait])
        aws.lb_target_group_attachment.LbTargetGroupAttachment(
            self, "alb-attachment", target_group_arn=props.target_group_arn, target_id=self._alb.arn, port=HTTPS_PORT,
        )

    @staticmethod
    def wait_command(props: PrivateLinkRegistrationProps) -> str:
        """Wait for the ALB, then for its 443 listener (a target group port must be a listener port of the ALB)."""
        region, name = props.region, props.load_balancer_name
        return (
            f"aws elbv2 wait load-balancer-available --region {region} --names {name} && "
            f"arn=$(aws elbv2 describe-load-balancers --region {region} --names {name} "
            f"--query 'LoadBalancers[0].LoadBalancerArn' --output text) && "
            f"for i in $(seq 60); do "
            f"n=$(aws elbv2 describe-listeners --region {region} --load-balancer-arn \"$arn\" "
            f"--query 'length(Listeners[?Port==`{HTTPS_PORT}`])' --output text) || exit 1; "
            f"[ \"$n\" = 1 ] && exit 0; sleep 10; done; "
            f"echo 'ALB {name} has no listener on {HTTPS_PORT}' >&2; exit 1"
        )

    @property
    def alb_arn(self) -> str:
        return self._alb.arn
