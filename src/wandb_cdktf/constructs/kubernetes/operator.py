"""WandbOperator: the post-operator W&B deployment through Helm (like terraform-helm-wandb + terraform-aws-wandb v8).

Installs the aws-load-balancer-controller and (optionally) external-dns with
IRSA-annotated service accounts, the W&B operator chart from
https://charts.wandb.ai (chart and controller image versions configurable), and
the ``WeightsAndBiases`` custom resource (``apps.wandb.com/v1``) through a tiny
chart shipped with this package. The license and MySQL password are passed with
``set_sensitive`` from Terraform expressions, so they never appear in the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from cdktf import AssetType, Fn, TerraformAsset
from constructs import Construct

from ..._providers import helm

WANDB_CHARTS = "https://charts.wandb.ai"
EKS_CHARTS = "https://aws.github.io/eks-charts"
EXTERNAL_DNS_CHARTS = "https://kubernetes-sigs.github.io/external-dns/"


def _hcl_escape(value: Any) -> Any:
    """Escape plain strings for the HCL expression cdktf writes for ``Fn.yamlencode``.

    cdktf 0.21 quotes string arguments of Terraform functions without escaping ``"`` or ``\\``,
    so a value such as the ALB ``listen-ports`` annotation (``[{"HTTPS": 443}]``) made the whole
    stack unparsable. Encoded tokens (Terraform references) contain none of the escaped characters.
    """
    if isinstance(value, dict):
        return {_hcl_escape(k): _hcl_escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hcl_escape(v) for v in value]
    if not isinstance(value, str):
        return value
    # cdktf already writes a literal "${" as "$${"; it does not escape "%{" (a template directive).
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("%{", "%%{")


def _yamlencode(doc: dict[str, Any]) -> str:
    return Fn.yamlencode(_hcl_escape(doc))


@dataclass(frozen=True)
class IngressSettings:
    certificate_arn: str
    inbound_cidrs: tuple[str, ...] = ()
    """Default: () (no restriction)."""
    inbound_ipv6_cidrs: tuple[str, ...] = ()
    """Default: ()."""
    internet_facing: bool = True
    """ALB scheme. Default: True."""
    subnets: tuple[str, ...] = ()
    """Explicit ALB subnets. Default: () (controller discovers tagged subnets)."""
    load_balancer_name: str | None = None
    """Default: "<namespace>-alb"."""
    extra_hosts: tuple[str, ...] = ()
    """Default: ()."""


@dataclass(frozen=True)
class WandbOperatorProps:
    namespace: str
    """Deployment namespace (resource names)."""
    cluster_name: str
    region: str
    vpc_id: str
    fqdn: str
    license: str
    """Token of a sensitive Terraform variable."""
    size: str
    bucket: dict[str, Any]
    """``{provider: s3, name, path, region, kmsKey}``."""
    mysql: dict[str, Any]
    """``{host, port, user, database}`` (password separately)."""
    mysql_password: str
    """Token read from the RDS-managed secret."""
    ingress: IngressSettings
    lb_controller_role_arn: str
    redis: dict[str, Any] | None = None
    """``{host, port, params}`` or None (operator's in-cluster cache). Default: None."""
    weave_efs_file_system_id: str | None = None
    """EFS for Weave persistence. Default: None."""
    external_dns_role_arn: str | None = None
    """Install external-dns with this IRSA role. Default: None (not installed)."""
    external_dns_domain_filter: str | None = None
    """Default: ``fqdn`` itself (external-dns then manages only the W&B record)."""
    zone_id: str | None = None
    """Hosted zone external-dns manages. Default: None."""
    operator_chart_version: str = "1.4.2"
    """Default: 1.4.2."""
    controller_image_tag: str = "1.20.0"
    """Default: 1.20.0."""
    operator_namespace: str = "wandb"
    """Default: wandb."""
    wandb_namespace: str = "default"
    """Where the WeightsAndBiases resource lives. Default: default."""
    lb_controller_chart_version: str = "1.13.4"
    """Default: 1.13.4."""
    external_dns_chart_version: str = "1.18.0"
    """Default: 1.18.0."""
    install_operator: bool = True
    """Default: True."""
    install_wandb: bool = True
    """Default: True."""
    extra_env: dict[str, str] = field(default_factory=dict)
    """``global.extraEnv``. Default: {}."""
    sensitive_extra_env: dict[str, str] = field(default_factory=dict)
    """``global.extraEnv`` entries whose values are Terraform expressions of secrets. Default: {}."""
    node_role_arn: str | None = None
    """Sent to the console as BUCKET_ACCESS_IDENTITY (for BYOB instructions). Default: None."""


class WandbOperator(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: WandbOperatorProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        rel = helm.release
        self._lbc = rel.Release(
            self, "aws-load-balancer-controller",
            name="aws-load-balancer-controller", repository=EKS_CHARTS, chart="aws-load-balancer-controller",
            version=props.lb_controller_chart_version, namespace="kube-system", wait=True,
            values=[_yamlencode({
                "clusterName": props.cluster_name,
                "region": props.region,
                "vpcId": props.vpc_id,
                "serviceAccount": {
                    "create": True, "name": "aws-load-balancer-controller",
                    "annotations": {"eks.amazonaws.com/role-arn": props.lb_controller_role_arn},
                },
            })],
        )
        depends: list[Any] = [self._lbc]
        if props.external_dns_role_arn:
            domain = props.external_dns_domain_filter or props.fqdn
            self._external_dns = rel.Release(
                self, "external-dns",
                name="external-dns", repository=EXTERNAL_DNS_CHARTS, chart="external-dns",
                version=props.external_dns_chart_version, namespace="kube-system", wait=True,
                values=[_yamlencode({
                    "provider": {"name": "aws"},
                    "policy": "upsert-only",
                    "sources": ["ingress", "service"],
                    "domainFilters": [domain],
                    "txtOwnerId": props.namespace,
                    "extraArgs": [f"--zone-id-filter={props.zone_id}"] if props.zone_id else [],
                    "serviceAccount": {
                        "create": True, "name": "external-dns",
                        "annotations": {"eks.amazonaws.com/role-arn": props.external_dns_role_arn},
                    },
                })],
            )
            depends.append(self._external_dns)
        self._operator = None
        if props.install_operator:
            self._operator = rel.Release(
                self, "operator",
                name="operator", repository=WANDB_CHARTS, chart="operator", version=props.operator_chart_version,
                namespace=props.operator_namespace, create_namespace=True, wait=True, disable_webhooks=True,
                set=[rel.ReleaseSet(name="image.tag", value=props.controller_image_tag)],
                depends_on=depends,
            )
        self._wandb = None
        if props.install_wandb:
            chart_dir = str(resources.files("wandb_cdktf").joinpath("charts", "wandb-cr"))
            chart = TerraformAsset(self, "wandb-cr-chart", path=chart_dir, type=AssetType.DIRECTORY)
            self._wandb = rel.Release(
                self, "wandb",
                name="wandb-cr", chart=chart.path, namespace=props.wandb_namespace, create_namespace=True,
                wait=True, force_update=True,
                # Secrets go in a second values document built from Terraform expressions (a sensitive
                # variable, a Secrets Manager read): Helm deep-merges it, Terraform keeps it sensitive, and
                # unlike `set`, values containing commas (passwords, store lists) need no escaping.
                values=[_yamlencode({"name": "wandb", "spec": self.spec()}), _yamlencode({"spec": {"values": {
                    "global": {
                        "license": props.license,
                        "mysql": {"password": props.mysql_password},
                        **({"extraEnv": dict(props.sensitive_extra_env)} if props.sensitive_extra_env else {}),
                    }}}})],
                depends_on=[self._operator] if self._operator is not None else depends,
            )

    def ingress_annotations(self) -> dict[str, str]:
        i = self.props.ingress
        annotations = {
            "alb.ingress.kubernetes.io/load-balancer-name": i.load_balancer_name or f"{self.props.namespace}-alb",
            "alb.ingress.kubernetes.io/scheme": "internet-facing" if i.internet_facing else "internal",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS": 443}]',
            "alb.ingress.kubernetes.io/certificate-arn": i.certificate_arn,
            "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "external-dns.alpha.kubernetes.io/ingress-hostname-source": "annotation-only",
            "external-dns.alpha.kubernetes.io/hostname": ",".join([self.props.fqdn, *i.extra_hosts]),
        }
        cidrs = [*i.inbound_cidrs, *i.inbound_ipv6_cidrs]
        if cidrs:
            annotations["alb.ingress.kubernetes.io/inbound-cidrs"] = ",".join(cidrs)
        if i.inbound_ipv6_cidrs:
            annotations["alb.ingress.kubernetes.io/ip-address-type"] = "dualstack"
        if i.subnets:
            annotations["alb.ingress.kubernetes.io/subnets"] = ",".join(i.subnets)
        return annotations

    def spec(self) -> dict[str, Any]:
        """The WeightsAndBiases spec without secrets (license and password are set sensitively)."""
        p = self.props
        global_values: dict[str, Any] = {
            "size": p.size,
            "host": f"https://{p.fqdn}",
            "cloudProvider": "aws",
            "extraEnv": dict(p.extra_env),
            "bucket": dict(p.bucket),
            "defaultBucket": dict(p.bucket),
            "mysql": dict(p.mysql),
            "redis": dict(p.redis) if p.redis else {"host": "", "port": 6379, "external": False, "params": {"master": ""}},
        }
        values: dict[str, Any] = {
            "global": global_values,
            "ingress": {"class": "alb", "additionalHosts": list(p.ingress.extra_hosts), "annotations": self.ingress_annotations()},
            "mysql": {"install": False},
            "redis": {"install": False},
        }
        if p.node_role_arn:
            values["console"] = {"extraEnv": {"BUCKET_ACCESS_IDENTITY": p.node_role_arn}}
        if p.weave_efs_file_system_id:
            values["weave"] = {"persistence": {"provider": "efs", "efs": {"fileSystemId": p.weave_efs_file_system_id}}}
        return {"values": values}
