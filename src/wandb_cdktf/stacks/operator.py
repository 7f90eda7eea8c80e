"""``<namespace>-operator``: the post-operator W&B deployment (Helm and Kubernetes providers).

Installs the aws-load-balancer-controller, external-dns (when ``external_dns``), the
cluster autoscaler, the W&B operator and the WeightsAndBiases resource, plus the
default gp3 StorageClass and the ``weave-worker-auth`` secret, all configured from
``<namespace>-infra`` through cdktf cross-stack references. Upgrades =
changing ``operator_chart_version`` / ``controller_image_tag``, which changes
only this stack.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Fn, Token
from constructs import Construct

from ..config import WandbConfig
from ..constructs.aws.private_link_registration import PrivateLinkRegistration, PrivateLinkRegistrationProps
from ..constructs.kubernetes.eks_access import helm_provider, kubernetes_provider
from ..constructs.kubernetes.storage_class import DefaultStorageClass
from ..constructs.kubernetes.weave_worker_auth import WeaveWorkerAuth, WeaveWorkerAuthProps
from ..constructs.kubernetes.operator import IngressSettings, WandbOperator, WandbOperatorProps
from ._app_inputs import STORES_VARIABLE, database_password, license_variable, supported_file_stores
from .base import WandbStack, aws_provider
from .infra import InfraStack

__all__ = ["STORES_VARIABLE", "OperatorStack"]


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
        self.storage_class = DefaultStorageClass(self, "storage-class")
        assert infra.app_secrets is not None, "post-operator infra builds the application secrets"
        self.weave_worker_auth = WeaveWorkerAuth(self, "weave-worker-auth", WeaveWorkerAuthProps(
            secret_arn=infra.app_secrets.weave_worker_auth_secret_arn, namespace=c.k8s_namespace))
        db = infra.database
        assert infra.ingress_security_group is not None, "post-operator infra builds the ALB security group"
        bucket = {
            "provider": "s3",
            "name": infra.bucket_name,
            "path": c.bucket_path,
            "region": c.region,
            "kmsKey": (c.bucket_kms_key_arn or "") if c.bucket_name else infra.kms_key_arn,
        }
        redis = None
        if infra.redis is not None:
            redis = {"host": infra.redis.host, "port": infra.redis.port, "external": False,
                     "params": {"master": "", "tls": True, "ttlInSeconds": 604800}}
        extra_env = dict(c.other_wandb_env)
        sensitive_env: dict[str, str] = {}
        stores = supported_file_stores(self, c, team_buckets)
        if stores is not None:
            sensitive_env["GORILLA_SUPPORTED_FILE_STORES"] = stores
        self.operator = WandbOperator(self, "wandb", WandbOperatorProps(
            namespace=c.namespace, cluster_name=infra.cluster_name, region=c.region, vpc_id=infra.vpc_id,
            fqdn=infra.dns.fqdn, license=license_variable(self), size=c.size, bucket=bucket,
            mysql={"host": db.endpoint, "port": 3306, "user": db.master_username, "database": db.database_name},
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
            redis=redis,
            weave_efs_file_system_id=infra.weave_file_system.file_system_id if infra.weave_file_system else None,
            external_dns_role_arn=infra.external_dns_role.role_arn if infra.external_dns_role else None,
            external_dns_domain_filter=c.custom_domain_filter or c.domain_name,
            zone_id=c.zone_id,
            operator_chart_version=c.operator_chart_version, controller_image_tag=c.controller_image_tag,
            operator_namespace=c.operator_namespace, wandb_namespace=c.k8s_namespace,
            lb_controller_chart_version=c.aws_loadbalancer_controller_chart_version,
            external_dns_chart_version=c.external_dns_chart_version,
            install_operator=c.enable_helm_operator, install_wandb=c.enable_helm_wandb,
            bucket_queue=infra.file_storage.queue_address,
            cluster_autoscaler_role_arn=infra.cluster_autoscaler_role.role_arn if infra.cluster_autoscaler_role else None,
            cluster_autoscaler_chart_version=c.cluster_autoscaler_chart_version,
            cluster_autoscaler_image_tag=c.cluster_autoscaler_tag,
            extra_env=extra_env, sensitive_extra_env=sensitive_env, node_role_arn=infra.cluster.node_role_arn,
        ))
        self.private_link_registration: PrivateLinkRegistration | None = None
        if infra.private_link is not None:
            assert self.operator.wandb_release is not None, "config validation requires enable_helm_wandb"
            self.private_link_registration = PrivateLinkRegistration(self, "private-link", PrivateLinkRegistrationProps(
                target_group_arn=infra.private_link.target_group_arn, load_balancer_name=self.operator.load_balancer_name,
                region=c.region, after=(self.operator.wandb_release,),
            ))

