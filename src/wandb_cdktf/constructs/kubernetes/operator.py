"""WandbOperator: the post-operator W&B deployment through Helm (like terraform-helm-wandb + terraform-aws-wandb v8).

Installs the aws-load-balancer-controller and (optionally) external-dns with
IRSA-annotated service accounts, the W&B operator chart from
https://charts.wandb.ai (chart and controller image versions configurable), and
the ``WeightsAndBiases`` custom resource (``apps.wandb.com/v1``) through a tiny
chart shipped with this package. The license and the database/Redis passwords come from
Terraform expressions (never literals in the JSON) into the ``wandb-cdktf-credentials``
Secret, which the resource references; its checksum in the pod templates restarts W&B
when one of them changes. So the stack needs the Kubernetes provider as well as Helm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from cdktf import AssetType, DataResource, Fn, LocalExecProvisioner, TerraformAsset, Token
from constructs import Construct

from ..._providers import helm, kubernetes
from ...config.autoscaler import DEFAULT_CHART as AUTOSCALER_CHART
from ..aws.cluster import NODE_GROUP_LABEL
from ..aws.load_balancer import SSL_POLICY

WANDB_CHARTS = "https://charts.wandb.ai"
EKS_CHARTS = "https://aws.github.io/eks-charts"
EXTERNAL_DNS_CHARTS = "https://kubernetes-sigs.github.io/external-dns/"
AUTOSCALER_CHARTS = "https://kubernetes.github.io/autoscaler"
CLUSTER_AUTOSCALER_NAMESPACE = "cluster-autoscaler"
WANDB_RESOURCE_NAME = "wandb"
"""The WeightsAndBiases resource; the operator names the operator-wandb release (and its Ingress) after it."""
CREDENTIALS_SECRET = "wandb-cdktf-credentials"
"""The Kubernetes Secret (in the W&B namespace) holding what the W&B pods and the operator read as secrets."""
LICENSE_KEY = "license"
MYSQL_PASSWORD_KEY = "MYSQL_PASSWORD"
REDIS_PASSWORD_KEY = "REDIS_PASSWORD"
CREDENTIALS_CHECKSUM_ANNOTATION = "wandb-cdktf/credentials-checksum"


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


def _merge_under(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """``theirs`` deep-merged below ``ours``: maps merge key by key, anything else of ours wins."""
    out = dict(theirs)
    for key, value in ours.items():
        below = out.get(key)
        out[key] = _merge_under(value, below) if isinstance(value, dict) and isinstance(below, dict) else value
    return out


def _yamlencode(doc: dict[str, Any]) -> str:
    return Fn.yamlencode(_hcl_escape(doc))


@dataclass(frozen=True)
class IngressSettings:
    certificate_arn: str
    security_group_id: str
    """Frontend security group of the ALB (``IngressSecurityGroup``): its rules decide who may connect,
    so an empty allow-list is closed. The controller still adds its backend group and the ALB -> pod
    rules (``manage-backend-security-group-rules``)."""
    internet_facing: bool = True
    """ALB scheme. Default: True."""
    subnets: tuple[str, ...] = ()
    """Explicit ALB subnets. Default: () (controller discovers tagged subnets)."""
    load_balancer_name: str | None = None
    """Default: "<namespace>-alb-k8s" (terraform-aws-wandb v8): distinct from the pre-operator ALB
    "<namespace>-alb", so the controller can create its ALB while the old one still exists."""
    extra_hosts: tuple[str, ...] = ()
    """Default: ()."""
    any_host: bool = False
    """Add a host-less Ingress rule so the ALB serves W&B whatever the Host header, as v8 does with
    PrivateLink (NLB health checks and clients using the endpoint's own DNS name carry no W&B host).
    Default: False."""


@dataclass(frozen=True)
class YaceSettings:
    """The operator-wandb chart's ``yace`` subchart (helm-charts charts/operator-wandb/charts/yace)."""

    role_arn: str
    """IRSA role that may read CloudWatch metrics and resource tags."""
    service_account_name: str
    """Set explicitly: the subchart's default is ``<release>-yace``, and the role trusts one name only."""
    regions: tuple[str, ...]
    search_tags: dict[str, str]
    """Tag key -> regular expression the discovered Aurora / ElastiCache resources must match."""


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
    """operator-wandb ``global.bucket``: ``{provider: s3, name, path, region, kmsKey}``, plus ``secret``
    (``{secretName, accessKeyName, secretKeyName}``) for a store reached with static keys; ``defaultBucket``
    gets the same without ``secret``."""
    mysql: dict[str, Any]
    """``{host, port, user, database}`` (password separately)."""
    mysql_password: str
    """Token read from the database secret (``Database.master_user_secret_arn``), URL-encoded by the caller."""
    ingress: IngressSettings
    lb_controller_role_arn: str
    redis: dict[str, Any] | None = None
    """``{host, port, params}``, or None: the operator-wandb chart's own Redis (``redis.install: true``; an empty
    ``global.redis.host`` is ``<release>-redis-master``, templates/_redis.tpl). Default: None."""
    redis_password: str | None = None
    """Token of the Redis AUTH password (``global.redis.password``, set sensitively). Default: None (no AUTH)."""
    weave_efs_file_system_id: str | None = None
    """EFS for Weave persistence. Default: None."""
    external_dns_role_arn: str | None = None
    """Install external-dns with this IRSA role. Default: None (not installed)."""
    external_dns_domain_filter: str | None = None
    """Default: ``fqdn`` itself (external-dns then manages only the W&B record)."""
    zone_id: str | None = None
    """Hosted zone external-dns manages. Default: None."""
    operator_chart_version: str = "1.4.8"
    """Default: 1.4.8 (config.model.OPERATOR_CHART)."""
    controller_image_tag: str = "1.21.3"
    """Default: 1.21.3 (config.model.CONTROLLER_IMAGE_TAG)."""
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
    bucket_queue: str = "internal://"
    """``sqs://<queue>`` for bucket events, or ``internal://``. Set as ``app.env.BUCKET_QUEUE``: the only
    place operator-wandb reads it, and its default ``internal://`` there outranks ``global.extraEnv``
    (charts/wandb-base _containers.tpl merges container env > app.env > app.extraEnv > global.extraEnv).
    Default: internal://."""
    extra_env: dict[str, str] = field(default_factory=dict)
    """``global.extraEnv``. Default: {}."""
    sensitive_extra_env: dict[str, str] = field(default_factory=dict)
    """``global.extraEnv`` entries whose values are Terraform expressions of secrets. Default: {}."""
    node_role_arn: str | None = None
    """Sent to the console as BUCKET_ACCESS_IDENTITY (for BYOB instructions). Default: None."""
    cluster_autoscaler_role_arn: str | None = None
    """Install the cluster autoscaler with this IRSA role. Default: None (not installed)."""
    cluster_autoscaler_chart_version: str = AUTOSCALER_CHART
    """Default: 9.59.0 (config.autoscaler: its ClusterRole grants what autoscaler 1.29-1.35 needs)."""
    cluster_autoscaler_image_tag: str | None = None
    """The autoscaler's minor must match the cluster's. Default: None (the chart's image)."""
    pod_annotations: dict[str, str] = field(default_factory=dict)
    """``global.pod.annotations`` (wandb-base merges them into every W&B pod template, so changing one rolls
    the pods). Default: {}."""
    yace: YaceSettings | None = None
    """Run the chart's YACE CloudWatch exporter. Default: None (``yace.install: false``)."""
    service_account_issuer: str | None = None
    """The cluster's OIDC issuer URL: W&B accepts the Weave trace services' service account tokens from it
    (``app.internalJWTMap``; the chart's default issuer, https://kubernetes.default.svc.cluster.local, is not EKS's;
    v8 main.tf sets the EKS issuer). Default: None (the chart's)."""
    console_bucket: bool = False
    """Leave ``global.bucket`` out, so the instance bucket (``global.defaultBucket``, which the chart uses when
    ``global.bucket.name`` is empty, templates/_bucket.tpl) can be changed in the System Console, as v8 does for the
    bucket it creates (main.tf: ``bucket = var.bucket_name != "" ? {...} : {}``). Default: False."""
    chart: dict[str, str] | None = None
    """The resource's ``spec.chart`` (wandb/operator pkg/wandb/spec/charts/repo.go ``RepoRelease``: url, name,
    version), which the operator takes over the release channel's. Default: None (the channel's chart)."""
    extra_values: dict[str, Any] = field(default_factory=dict)
    """operator-wandb values under ours (ours win on a conflict). Default: {}."""
    credentials_namespace: str | None = None
    """Where the credentials Secret goes: a reference to the namespace resource when it is created elsewhere in the
    stack (``WeaveWorkerAuth.namespace``), so it exists first. Default: None (``wandb_namespace``)."""
    shared_cluster: bool = False
    """The cluster is not this deployment's (``external_eks_cluster_name``): the destroy guard waits only for what
    the load balancer controller made for the W&B Ingress (tag ``ingress.k8s.aws/stack=<wandb_namespace>/wandb``),
    not for every group it made in the cluster. Default: False."""


class _Credentials(Construct):
    """The ``wandb-cdktf-credentials`` Secret: license, URL-encoded database password, Redis password and secret
    extra env, from Terraform expressions (a sensitive variable, Secrets Manager reads). Its values are in this
    stack's state, as they were in the W&B resource's release values: Terraform must know them to hash them into
    the pod templates, so they cannot be write-only (``data_wo`` is sent only when a revision number changes)."""

    def __init__(self, scope: Construct, construct_id: str, props: WandbOperatorProps) -> None:
        super().__init__(scope, construct_id)
        data = {LICENSE_KEY: props.license, MYSQL_PASSWORD_KEY: props.mysql_password,
                **({REDIS_PASSWORD_KEY: props.redis_password} if props.redis_password else {}),
                **props.sensitive_extra_env}
        self.secret = kubernetes.secret_v1.SecretV1(
            self, "secret", type="Opaque", data=data,
            metadata={"name": CREDENTIALS_SECRET, "namespace": props.credentials_namespace or props.wandb_namespace},
        )
        # One Terraform expression over the values, in key order (as WandbApp's checksum/secret).
        self.checksum = Token.as_string(Fn.sha256(Fn.join("\n", [data[k] for k in sorted(data)])))


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
                    # sync (v8): records of a deleted Ingress are removed (ownership by txtOwnerId).
                    "policy": "sync",
                    "sources": ["ingress", "service"],
                    "domainFilters": [domain],
                    "txtOwnerId": props.namespace,
                    "extraArgs": [f"--zone-id-filter={props.zone_id}"] if props.zone_id else [],
                    "serviceAccount": {
                        "create": True, "name": "external-dns",
                        "annotations": {"eks.amazonaws.com/role-arn": props.external_dns_role_arn},
                    },
                })],
                # The controller's mutating webhook (failurePolicy Fail) must serve before this chart's
                # Service is created (v8 modules/app_eks external_dns depends_on lb_controller).
                depends_on=[self._lbc],
            )
            depends.append(self._external_dns)
        self._cluster_autoscaler = None
        if props.cluster_autoscaler_role_arn:
            self._cluster_autoscaler = rel.Release(
                self, "cluster-autoscaler",
                name="cluster-autoscaler", repository=AUTOSCALER_CHARTS, chart="cluster-autoscaler",
                version=props.cluster_autoscaler_chart_version, namespace=CLUSTER_AUTOSCALER_NAMESPACE,
                create_namespace=True, wait=True,
                values=[_yamlencode({
                    "fullnameOverride": "cluster-autoscaler",
                    # Finds the node groups' Auto Scaling groups by the tags EKS puts on them.
                    "autoDiscovery": {"clusterName": props.cluster_name},
                    "awsRegion": props.region,
                    **({"image": {"tag": props.cluster_autoscaler_image_tag}} if props.cluster_autoscaler_image_tag else {}),
                    "rbac": {"serviceAccount": {
                        "create": True, "name": "cluster-autoscaler",
                        "annotations": {"eks.amazonaws.com/role-arn": props.cluster_autoscaler_role_arn},
                    }},
                    # One node group per AZ: balance them, ignoring the labels that differ between them.
                    "extraArgs": {
                        "balance-similar-node-groups": True,
                        "balancing-ignore-label_1": "eks.amazonaws.com/nodegroup",
                        "balancing-ignore-label_2": "eks.amazonaws.com/sourceLaunchTemplateId",
                        "balancing-ignore-label_3": "topology.ebs.csi.aws.com/zone",
                        "balancing-ignore-label_4": NODE_GROUP_LABEL,
                    },
                })],
                depends_on=[self._lbc],  # its Service passes the controller's webhook
            )
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
            guard = DataResource(
                self, "alb-teardown-wait", input={"load_balancer": self.load_balancer_name, "cluster": props.cluster_name},
                provisioners=[LocalExecProvisioner(type="local-exec", when="destroy", command=self.teardown_wait_command())],
                depends_on=[*depends, *([self._operator] if self._operator is not None else [])],
            )
            credentials = _Credentials(self, "credentials", props)
            chart_dir = str(resources.files("wandb_cdktf").joinpath("charts", "wandb-cr"))
            chart = TerraformAsset(self, "wandb-cr-chart", path=chart_dir, type=AssetType.DIRECTORY)
            self._wandb = rel.Release(
                self, "wandb",
                name="wandb-cr", chart=chart.path, namespace=props.wandb_namespace, create_namespace=True,
                # No force_update: with it Helm replaces (PUTs) the resource, which drops the operator's finalizer
                # (helm v3.18.4 pkg/kube/client.go:711-717), and the operator re-adds it only when the spec changed
                # (wandb/operator v1.20.0 controllers/weightsandbiases_controller.go:225 returns before :249), so a
                # later destroy would orphan the W&B release and its ALB. Helm's 3-way merge keeps the finalizer.
                wait=True,
                # The resource holds no secret: they are in the `credentials` Secret, which the spec references
                # (review 2 #7: the operator logs the CR spec, and every extraEnv value is a plain pod-spec value).
                # Pods read those values at start only, so the second values document (sensitive: it hashes
                # secrets) gives every W&B pod template the Secret's checksum: a rotated password or a renewed
                # license changes the pod templates the operator renders, and the pods restart (review 2 #2).
                # wandb-base pods take global.pod.annotations (_deprecated.tpl "wandb-base.podAnnotations"); the otel
                # agent (a DaemonSet that reads MYSQL_PASSWORD too) only its own pod.annotations (charts/otel/charts/
                # agent templates/deamonset.yaml), under the aliases `daemonset` and `deployment` (charts/otel Chart.yaml).
                values=[_yamlencode({"name": WANDB_RESOURCE_NAME, "spec": self.spec()}), _yamlencode({"spec": {"values": {
                    "global": {"pod": {"annotations": {CREDENTIALS_CHECKSUM_ANNOTATION: credentials.checksum}}},
                    "otel": {alias: {"pod": {"annotations": {CREDENTIALS_CHECKSUM_ANNOTATION: credentials.checksum}}}
                             for alias in ("daemonset", "deployment")},
                }}})],
                depends_on=[guard, credentials.secret],
            )

    def teardown_wait_command(self) -> str:
        """Shell run when the W&B resource is destroyed, before the controllers are.

        Terraform destroys the ``WeightsAndBiases`` release first; the operator then deletes the Ingress,
        and the aws-load-balancer-controller deletes the ALB, its target groups and the security groups it
        tagged ``elbv2.k8s.aws/cluster=<cluster>``. If the controller were uninstalled before that, they would
        be orphaned and the VPC could not be destroyed. So this waits (``aws elbv2 wait
        load-balancers-deleted``, then polling the tagged groups, about 10 minutes each at most) and fails
        the destroy if they remain, instead of v8's fixed 5-minute sleep. Needs the AWS CLI, as
        ``aws eks get-token`` does.
        """
        # The cluster name is a cross-stack reference: a destroy provisioner may only read it through self.
        region, name, cluster = self.props.region, self.load_balancer_name, "${self.input.cluster}"
        filters = f"Name=tag:elbv2.k8s.aws/cluster,Values={cluster}"
        if self.props.shared_cluster:
            # aws-load-balancer-controller tags what it makes for an Ingress ingress.k8s.aws/stack=<namespace>/<name>
            # (the W&B Ingress is named after the release, `wandb`); other teams' groups, and the controller's
            # shared backend group, stay with the cluster.
            filters += f" Name=tag:ingress.k8s.aws/stack,Values={self.props.wandb_namespace}/{WANDB_RESOURCE_NAME}"
        return (
            f"aws elbv2 wait load-balancers-deleted --region {region} --names {name} && "
            f"for i in $(seq 60); do "
            f"n=$(aws ec2 describe-security-groups --region {region} "
            f"--filters {filters} --query 'length(SecurityGroups)' --output text) "
            f"|| exit 1; [ \"$n\" = 0 ] && exit 0; sleep 10; done; "
            f"echo 'security groups of the load balancer controller still exist' >&2; exit 1"
        )

    @property
    def wandb_release(self) -> helm.release.Release | None:
        """The ``WeightsAndBiases`` release (None without ``install_wandb``)."""
        return self._wandb

    @property
    def load_balancer_name(self) -> str:
        return self.props.ingress.load_balancer_name or f"{self.props.namespace}-alb-k8s"

    def ingress_annotations(self) -> dict[str, str]:
        i = self.props.ingress
        annotations = {
            "alb.ingress.kubernetes.io/load-balancer-name": self.load_balancer_name,
            "alb.ingress.kubernetes.io/scheme": "internet-facing" if i.internet_facing else "internal",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS": 443}]',
            "alb.ingress.kubernetes.io/certificate-arn": i.certificate_arn,
            "alb.ingress.kubernetes.io/ssl-policy": SSL_POLICY,  # the same TLS policy as the pre-operator ALB
            # IPv4 (the controller's default ip-address-type): the VPC has no IPv6 subnets.
            "alb.ingress.kubernetes.io/security-groups": i.security_group_id,
            "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "true",
            "external-dns.alpha.kubernetes.io/ingress-hostname-source": "annotation-only",
            "external-dns.alpha.kubernetes.io/hostname": ",".join([self.props.fqdn, *i.extra_hosts]),
        }
        if i.subnets:
            annotations["alb.ingress.kubernetes.io/subnets"] = ",".join(i.subnets)
        return annotations

    def spec(self) -> dict[str, Any]:
        """The WeightsAndBiases spec without secrets (license and password are set sensitively)."""
        p = self.props
        # Secrets by reference to the credentials Secret (operator-wandb 0.43.8: global.licenseSecret in _license.tpl
        # and license.yaml, which the operator also reads (wandb/operator pkg/wandb/spec/utils/license.go);
        # global.mysql.passwordSecret in _mysql.tpl / _env.tpl / mysql.yaml; global.redis.secret in _redis.tpl /
        # _env.tpl; a map extraEnv value is rendered as the env entry itself, wandb-base _containers.tpl "wandb-base.env").
        secret_env = {k: {"valueFrom": {"secretKeyRef": {"name": CREDENTIALS_SECRET, "key": k}}} for k in p.sensitive_extra_env}
        global_values: dict[str, Any] = {
            "size": p.size,
            "host": f"https://{p.fqdn}",
            "cloudProvider": "aws",
            "extraEnv": {**p.extra_env, **secret_env},
            **({} if p.console_bucket else {"bucket": dict(p.bucket)}),
            "defaultBucket": {k: v for k, v in p.bucket.items() if k != "secret"},
            "licenseSecret": {"name": CREDENTIALS_SECRET, "key": LICENSE_KEY},
            "mysql": {**p.mysql, "passwordSecret": {"name": CREDENTIALS_SECRET, "passwordKey": MYSQL_PASSWORD_KEY}},
            "redis": dict(p.redis) if p.redis else {"host": "", "port": 6379, "external": False, "params": {"master": ""}},
        }
        if p.redis_password:
            global_values["redis"]["secret"] = {"secretName": CREDENTIALS_SECRET, "secretKey": REDIS_PASSWORD_KEY}
        if p.pod_annotations:
            global_values["pod"] = {"annotations": dict(p.pod_annotations)}
        values: dict[str, Any] = {
            "global": global_values,
            "ingress": {"class": "alb", "additionalHosts": [*p.ingress.extra_hosts, *([""] if p.ingress.any_host else [])],
                        "annotations": self.ingress_annotations()},
            "mysql": {"install": False},
            # Without a Redis of ours, the chart's (redis subchart, Chart.yaml `condition: redis.install`): W&B
            # treats the cache as required, and an empty host means `<release>-redis-master` (_redis.tpl), which
            # only that subchart creates (review 2 #1: with install false the app panicked at start).
            "redis": {"install": p.redis is None},
            "app": {"env": {"BUCKET_QUEUE": p.bucket_queue}},
        }
        if p.service_account_issuer:
            values["app"]["internalJWTMap"] = [
                {"subject": f"system:serviceaccount:{p.wandb_namespace}:{WANDB_RESOURCE_NAME}-{sa}", "issuer": p.service_account_issuer}
                for sa in ("weave-trace", "weave-trace-worker")]
        if p.node_role_arn:
            values["console"] = {"extraEnv": {"BUCKET_ACCESS_IDENTITY": p.node_role_arn}}
        # v8 main.tf sets yace either way: install, regions, the annotated service account, searchTags.
        values["yace"] = {"install": False} if p.yace is None else {
            "install": True,
            "regions": list(p.yace.regions),
            "serviceAccount": {"name": p.yace.service_account_name,
                               "annotations": {"eks.amazonaws.com/role-arn": p.yace.role_arn}},
            "searchTags": dict(p.yace.search_tags),
        }
        if p.weave_efs_file_system_id:
            values["weave"] = {"persistence": {"provider": "efs", "efs": {"fileSystemId": p.weave_efs_file_system_id}}}
        if p.extra_values:
            values = _merge_under(values, p.extra_values)
        return {**({"chart": dict(p.chart)} if p.chart else {}), "values": values}
