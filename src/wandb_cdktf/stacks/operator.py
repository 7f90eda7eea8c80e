"""``<namespace>-operator``: the post-operator W&B deployment (Helm and Kubernetes providers).

Installs the aws-load-balancer-controller, external-dns (when ``external_dns``), the
cluster autoscaler, the W&B operator and the WeightsAndBiases resource (with the chart's YACE
CloudWatch exporter when ``enable_yace``), plus the
default gp3 StorageClass (not on an existing cluster: that is the owner's), the
``weave-worker-auth`` secret and the ``wandb-cdktf-credentials`` secret the W&B
resource references, all configured from ``<namespace>-infra`` through cdktf
cross-stack references. Upgrades = changing ``operator_chart_version`` /
``controller_image_tag`` (the operator) or ``operator_wandb_chart_version`` /
``operator_wandb_values`` (W&B, when pinned), which changes only this stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdktf import Fn, Token
from constructs import Construct

from ..config import WandbConfig
from ..config.s3_compatible import ACCESS_KEY_FIELD, SECRET_KEY_FIELD
from ..constructs.aws.private_link_registration import PrivateLinkRegistration, PrivateLinkRegistrationProps
from ..constructs.aws.yace import yace_search_tags
from ..constructs.kubernetes.bucket_credentials import VERSION_ANNOTATION, BucketCredentials, BucketCredentialsProps
from ..constructs.kubernetes.eks_access import helm_provider, kubernetes_provider
from ..constructs.kubernetes.operator import IngressSettings, WandbOperator, WandbOperatorProps, YaceSettings
from ..constructs.kubernetes.storage_class import DefaultStorageClass
from ..constructs.kubernetes.weave_worker_auth import WeaveWorkerAuth, WeaveWorkerAuthProps
from ._app_inputs import (
    STORES_VARIABLE,
    database_password,
    external_redis_params,
    license_variable,
    redis_password,
    supported_file_stores,
    url_userinfo,
)
from .base import WandbStack, aws_provider
from .infra import InfraStack

__all__ = ["STORES_VARIABLE", "OperatorStack", "s3_compatible_chart_bucket"]


def s3_compatible_chart_bucket(config: WandbConfig, secret: dict[str, str]) -> dict[str, Any]:
    """operator-wandb ``global.bucket`` for ``bucket_s3_compatible``.

    The chart writes ``BUCKET`` as ``s3://$(BUCKET_ACCESS_KEY):$(BUCKET_SECRET_KEY)@$(BUCKET_NAME)`` plus
    ``/$(BUCKET_PATH)`` when ``path`` is set (templates/_bucket.tpl), and ``AWS_REGION`` from ``region``
    (templates/bucket.yaml). So ``name`` is ``<endpoint>/<bucket>`` (the chart's own MinIO test values:
    ``name: minio:9000/bucket``), and the documented ``?region=..&tls=..`` goes after the last part: on
    ``path`` when there is one (as the chart's bufstream helpers read it, templates/_bufstream.tpl), else
    on ``name``. Either way the address is the docs' ``s3://<key>:<secret>@<endpoint>/<bucket>[/<path>]?...``.
    No ``kmsKey``: SSE-KMS is an AWS service the store does not have.
    """
    ext = config.bucket_s3_compatible
    assert ext is not None
    path, query = config.bucket_path.strip("/"), ext.query(config.region)
    name = f"{ext.endpoint}/{ext.bucket}"
    return {
        "provider": "s3",
        "name": name if path else f"{name}?{query}",
        "path": f"{path}?{query}" if path else "",
        "region": ext.region_for(config.region),
        "kmsKey": "",
        "secret": dict(secret),
    }


class OperatorStack(WandbStack):
    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig, infra: InfraStack,
                 team_buckets: Sequence[str] = ()) -> None:
        super().__init__(scope, stack_id, config=config)
        c = config
        self.add_dependency(infra)
        aws_provider(self, c.region, c.tags)
        helm_provider(self, endpoint=infra.cluster_endpoint, ca_data=infra.cluster_ca_data,
                      cluster_name=infra.cluster_name, region=c.region)
        kubernetes_provider(self, endpoint=infra.cluster_endpoint, ca_data=infra.cluster_ca_data,
                            cluster_name=infra.cluster_name, region=c.region)
        # A default StorageClass is the cluster owner's decision: on an existing (shared) cluster we add none, which
        # would fail on an existing gp3 class or take the default from the owner's (Kubernetes picks the newest).
        self.storage_class = None if c.external_eks_cluster_name else DefaultStorageClass(self, "storage-class")
        assert infra.app_secrets is not None, "post-operator infra builds the application secrets"
        self.weave_worker_auth = WeaveWorkerAuth(self, "weave-worker-auth", WeaveWorkerAuthProps(
            secret_arn=infra.app_secrets.weave_worker_auth_secret_arn, namespace=c.k8s_namespace))
        db = infra.database
        assert infra.ingress_security_group is not None, "post-operator infra builds the ALB security group"
        self.bucket_credentials: BucketCredentials | None = None
        pod_annotations: dict[str, str] = {}
        ext = c.bucket_s3_compatible
        if ext is None:
            bucket = {
                "provider": "s3",
                "name": infra.bucket_name,
                "path": c.bucket_path,
                "region": infra.bucket_region,
                "kmsKey": (c.bucket_kms_key_arn or "") if c.bucket_name else infra.kms_key_arn,
            }
        else:
            self.bucket_credentials = BucketCredentials(self, "bucket-credentials", BucketCredentialsProps(
                secret_arn=ext.credentials_secret_arn, access_key_field=ACCESS_KEY_FIELD,
                secret_key_field=SECRET_KEY_FIELD, namespace=self.weave_worker_auth.namespace,
                version=ext.credentials_version))
            bucket = s3_compatible_chart_bucket(c, self.bucket_credentials.chart_secret_values())
            # A new credentials_version rewrites the Secret; the annotation rolls the pods that read it at start.
            pod_annotations[VERSION_ANNOTATION] = str(ext.credentials_version)
        redis = None
        if infra.redis is not None:
            redis = {"host": infra.redis.host, "port": infra.redis.port, "external": False,
                     "params": {"master": "", "tls": True, "ttlInSeconds": 604800}}
        redis_secret: str | None = None
        if c.use_external_redis:
            # global.redis of operator-wandb: `external` stays false (values.yaml: "for W&B internal use only";
            # no template reads it); the password goes in the sensitive values document, from which the chart
            # writes its <release>-redis-secret (templates/redis.yaml).
            redis = {"host": c.external_redis_host, "port": c.external_redis_port, "external": False,
                     "params": external_redis_params(c)}
            if c.external_redis_password_secret_arn:
                # The chart puts REDIS_PASSWORD verbatim into redis://:$(REDIS_PASSWORD)@host (templates/_redis.tpl);
                # AUTH tokens may hold # ^ < > (ElastiCache AUTH docs), which break that URL: percent-encode it as
                # the pre-operator app does (external_redis_url), a space as %20 (userinfo has no '+' for space).
                redis_secret = url_userinfo(redis_password(self, c.external_redis_password_secret_arn))
        extra_env = dict(c.other_wandb_env)
        sensitive_env: dict[str, str] = {}
        stores = supported_file_stores(self, c, team_buckets)
        if stores is not None:
            sensitive_env["GORILLA_SUPPORTED_FILE_STORES"] = stores
        self.operator = WandbOperator(self, "wandb", WandbOperatorProps(
            namespace=c.namespace, cluster_name=infra.cluster_name, region=c.region, vpc_id=infra.vpc_id,
            fqdn=infra.dns.fqdn, license=license_variable(self), size=c.size, bucket=bucket,
            mysql={"host": db.endpoint, "port": c.external_database_port if c.external_database_host else 3306,
                   "user": db.master_username, "database": db.database_name},
            # operator-wandb builds mysql://user:$(MYSQL_PASSWORD)@... and its init containers unquote_plus the
            # value (helm-charts charts/operator-wandb _mysql.tpl, values.yaml; PR #442): it must be URL-encoded.
            mysql_password=Token.as_string(Fn.urlencode(database_password(self, infra.database_secret_arn))),
            ingress=IngressSettings(
                certificate_arn=infra.dns.certificate_arn,
                security_group_id=infra.ingress_security_group.security_group_id,
                # v8 main.tf: the scheme follows kubernetes_alb_internet_facing alone; allowed_inbound_cidr filters.
                internet_facing=c.kubernetes_alb_internet_facing,
                subnets=tuple(c.kubernetes_alb_subnets), extra_hosts=tuple(c.extra_fqdn),
                # PrivateLink (v8 main.tf): NLB health checks and endpoint clients carry no W&B host name.
                any_host=infra.private_link is not None,
            ),
            lb_controller_role_arn=infra.load_balancer_controller_role.role_arn if infra.load_balancer_controller_role else "",
            redis=redis, redis_password=redis_secret,
            weave_efs_file_system_id=infra.weave_file_system.file_system_id if infra.weave_file_system else None,
            external_dns_role_arn=infra.external_dns_role.role_arn if infra.external_dns_role else None,
            external_dns_domain_filter=c.custom_domain_filter or c.domain_name,
            zone_id=c.zone_id,
            operator_chart_version=c.operator_chart_version, controller_image_tag=c.controller_image_tag,
            operator_namespace=c.operator_namespace, wandb_namespace=c.k8s_namespace,
            lb_controller_chart_version=c.aws_loadbalancer_controller_chart_version,
            external_dns_chart_version=c.external_dns_chart_version,
            install_operator=c.enable_helm_operator, install_wandb=c.enable_helm_wandb,
            bucket_queue=infra.bucket_queue, pod_annotations=pod_annotations,
            cluster_autoscaler_role_arn=infra.cluster_autoscaler_role.role_arn if infra.cluster_autoscaler_role else None,
            cluster_autoscaler_chart_version=c.cluster_autoscaler_chart_version,
            cluster_autoscaler_image_tag=c.cluster_autoscaler_tag,
            extra_env=extra_env, sensitive_extra_env=sensitive_env, node_role_arn=infra.cluster.node_role_arn,
            yace=YaceSettings(role_arn=infra.yace_role.role_arn, service_account_name=c.yace_sa_name,
                              regions=(c.region,), search_tags=yace_search_tags(c.namespace))
            if infra.yace_role is not None else None,
            shared_cluster=c.external_eks_cluster_name is not None,
            credentials_namespace=self.weave_worker_auth.namespace,
            service_account_issuer=infra.cluster.oidc_issuer_url,
            console_bucket=not (c.bucket_name or c.bucket_s3_compatible),
            chart={"url": c.operator_wandb_chart_repository, "name": "operator-wandb",
                   "version": c.operator_wandb_chart_version} if c.operator_wandb_chart_version else None,
            extra_values=dict(c.operator_wandb_values),
        ))
        self.private_link_registration: PrivateLinkRegistration | None = None
        if infra.private_link is not None:
            assert self.operator.wandb_release is not None, "config validation requires enable_helm_wandb"
            self.private_link_registration = PrivateLinkRegistration(self, "private-link", PrivateLinkRegistrationProps(
                target_group_arn=infra.private_link.target_group_arn, load_balancer_name=self.operator.load_balancer_name,
                region=c.region, after=(self.operator.wandb_release,),
            ))

