"""WandbApp and WandbOperator, each alone in a bare TerraformStack with the Kubernetes / Helm providers."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml
from cdktf import TerraformVariable

from _construct_support import CERT_ARN, ROLE_ARN, VPC_ID, ZONE_ID, address, at, build_bare_stacks, ref, types, under
from wandb_cdktf.constructs.kubernetes.eks_access import helm_provider, kubernetes_provider
from wandb_cdktf.constructs.kubernetes.operator import IngressSettings, WandbOperator, WandbOperatorProps
from wandb_cdktf.constructs.kubernetes.storage_class import DefaultStorageClass
from wandb_cdktf.constructs.kubernetes.wandb_app import WandbApp, WandbAppProps
from wandb_cdktf.constructs.kubernetes.weave_worker_auth import WeaveWorkerAuth, WeaveWorkerAuthProps

ENDPOINT = "https://0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com"
CA = "Q0EtREFUQQ=="
EKS = dict(endpoint=ENDPOINT, ca_data=CA, cluster_name="kt", region="us-west-2")
BUCKET = {"provider": "s3", "name": "my-bucket", "path": "wandb", "region": "us-west-2", "kmsKey": ""}
MYSQL = {"host": "db.example.internal", "port": 3306, "user": "wandb", "database": "wandb_local"}
LBC_ROLE = "arn:aws:iam::123456789012:role/lbc"
DNS_ROLE = "arn:aws:iam::123456789012:role/external-dns"
AUTOSCALER_ROLE = "arn:aws:iam::123456789012:role/cluster-autoscaler"
ALB_SG = "sg-0123456789abcdef0"
# Literal values Terraform must not read as syntax inside the yamlencode() expression.
TRICKY = {"QUOTED": 'say "hi"', "BACKSLASH": "a\\b", "DIRECTIVE": "100%{x}", "DOLLAR": "${HOME}", "LINES": "a\nb"}


def _secrets(stack):
    license_ = TerraformVariable(stack, "license", type="string", sensitive=True)
    password = TerraformVariable(stack, "mysql_password", type="string", sensitive=True)
    return license_.string_value, password.string_value


def _app(namespace: str = "default", **overrides):
    def build(stack):
        kubernetes_provider(stack, **EKS)
        license_, mysql = _secrets(stack)
        return WandbApp(stack, "wandb", WandbAppProps(
            host="https://wandb.example.com", license=license_, mysql_connection_string=mysql,
            bucket="s3://my-bucket/wandb", namespace=namespace, **overrides))
    return build


def _operator(**overrides):
    def build(stack):
        helm_provider(stack, **EKS)
        kubernetes_provider(stack, **EKS)  # the wandb-cdktf-credentials Secret (issue 27)
        license_, password = _secrets(stack)
        props = dict(
            namespace="kt", cluster_name="kt", region="us-west-2", vpc_id=VPC_ID, fqdn="wandb.example.com",
            license=license_, size="small", bucket=BUCKET, mysql=MYSQL, mysql_password=password,
            ingress=IngressSettings(certificate_arn=CERT_ARN, security_group_id=ALB_SG), lb_controller_role_arn=LBC_ROLE,
        )
        props.update(overrides)
        return WandbOperator(stack, "wandb", WandbOperatorProps(**props))
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("kubernetes"), {
        "app-default": _app(),
        "app-custom": _app("wandb-prod", wandb_version="0.60.0", bucket_queue="sqs://q", aws_region="us-west-2",
                           redis_connection_string="redis://r:6379?tls=true", other_env={"GORILLA_X": "1"},
                           resource_requests={"cpu": "1", "memory": "1G"},
                           secret_env={"GORILLA_SUPPORTED_FILE_STORES": "s3://team-bucket"}),
        "operator": _operator(
            ingress=IngressSettings(certificate_arn=CERT_ARN, security_group_id=ALB_SG, internet_facing=False,
                                    subnets=("subnet-a", "subnet-b"), extra_hosts=("alt.example.com",)),
            cluster_autoscaler_role_arn=AUTOSCALER_ROLE, cluster_autoscaler_image_tag="v1.32.0", bucket_queue="sqs://q",
            external_dns_role_arn=DNS_ROLE, zone_id=ZONE_ID, redis={"host": "r", "port": 6379, "params": {"tls": True}},
            weave_efs_file_system_id="fs-0123456789abcdef0", node_role_arn=ROLE_ARN, extra_env=TRICKY,
        ),
        "operator-minimal": _operator(install_operator=False),
        "operator-cr-only": _operator(install_operator=False, install_wandb=False),
        "cluster-defaults": _cluster_defaults,
    }, with_aws_provider=False)


WEAVE_SECRET_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:kt-weave-worker-auth-abc-AbCdEf"


def _cluster_defaults(stack):
    from wandb_cdktf._providers import aws

    aws.provider.AwsProvider(stack, "aws", region="us-west-2")
    kubernetes_provider(stack, **EKS)
    DefaultStorageClass(stack, "storage-class")
    WeaveWorkerAuth(stack, "weave-worker-auth", WeaveWorkerAuthProps(secret_arn=WEAVE_SECRET_ARN, namespace="wandb"))


def _release(doc, name):
    return at(doc, "helm_release", f"wandb/{name}")


# --- WandbApp ------------------------------------------------------------------------------------

def test_app_providers_use_eks_exec_auth(stacks):
    (provider,) = stacks["app-default"]["provider"]["kubernetes"]
    assert provider["host"] == ENDPOINT and provider["cluster_ca_certificate"] == f'${{base64decode("{CA}")}}'
    (exec_,) = provider["exec"]
    assert exec_["command"] == "aws"
    assert exec_["args"] == ["eks", "get-token", "--cluster-name", "kt", "--region", "us-west-2", "--output", "json"]
    assert set(stacks["app-default"]["terraform"]["required_providers"]) == {"kubernetes"}


def test_app_default_namespace_is_not_created(stacks):
    doc = stacks["app-default"]
    assert "kubernetes_namespace_v1" not in types(doc)
    for rtype in ("kubernetes_config_map_v1", "kubernetes_secret_v1", "kubernetes_deployment_v1", "kubernetes_service_v1"):
        for block in doc["resource"][rtype].values():
            assert block["metadata"]["namespace"] == "default"


def test_app_custom_namespace_is_created_first(stacks):
    doc = stacks["app-custom"]
    assert at(doc, "kubernetes_namespace_v1", "wandb/namespace")["metadata"] == {"name": "wandb-prod"}
    ns_ref = "${" + address(doc, "kubernetes_namespace_v1", "wandb/namespace") + ".metadata[0].name}"
    for rtype in ("kubernetes_config_map_v1", "kubernetes_secret_v1", "kubernetes_deployment_v1", "kubernetes_service_v1"):
        for block in doc["resource"][rtype].values():
            # a reference to the namespace resource: Terraform creates the namespace before the objects in it
            assert block["metadata"]["namespace"] == ns_ref, rtype


def test_app_deployment(stacks):
    doc = stacks["app-default"]
    dep = at(doc, "kubernetes_deployment_v1", "wandb/deployment")
    assert dep["metadata"]["name"] == "wandb"
    spec = dep["spec"]
    assert spec["selector"]["match_labels"] == {"app": "wandb"}
    (c,) = spec["template"]["spec"]["container"]
    assert c["image"] == "wandb/local:latest" and c["image_pull_policy"] == "Always"
    assert {p["name"]: p["container_port"] for p in c["port"]} == {"http": 8080, "prometheus": 8181}
    assert c["liveness_probe"]["http_get"] == {"path": "/healthz", "port": "http"}
    assert c["readiness_probe"]["http_get"] == {"path": "/ready", "port": "http"}
    assert c["startup_probe"]["http_get"]["path"] == "/ready" and c["startup_probe"]["failure_threshold"] == 120
    # terraform-kubernetes-wandb v1.12.0 variables.tf: requests 500m/1G (fits 2-vCPU nodes), limits 4000m/8G
    assert c["resources"] == {"requests": {"cpu": "500m", "memory": "1G"}, "limits": {"cpu": "4000m", "memory": "8G"}}
    # v1.12.0 progress_deadline_seconds 3600: above the startup probe's 120 x 10 s, so a first start that
    # migrates the database does not fail the apply.
    assert spec["progress_deadline_seconds"] == 3600 > 120 * 10
    assert c["security_context"]["allow_privilege_escalation"] is False
    env_from = [next(iter(e.values()))["name"] for e in c["env_from"]]
    assert env_from == ["${" + address(doc, "kubernetes_config_map_v1", "wandb/config-map") + ".metadata[0].name}",
                        "${" + address(doc, "kubernetes_secret_v1", "wandb/secret") + ".metadata[0].name}"]
    assert spec["template"]["spec"]["priority_class_name"].startswith("${kubernetes_priority_class_v1.")


def test_app_restarts_when_any_secret_value_changes(stacks):
    """env_from does not restart pods when the Secret changes (Kubernetes docs, "Secrets": environment variables
    are not updated), so the pod template's checksum covers every Secret value, team stores included."""
    doc = stacks["app-custom"]
    dep = at(doc, "kubernetes_deployment_v1", "wandb/deployment")
    checksum = dep["spec"]["template"]["metadata"]["annotations"]["checksum/secret"]
    assert "s3://team-bucket" in checksum and "var.license" in checksum
    assert at(doc, "kubernetes_secret_v1", "wandb/secret")["data"]["GORILLA_SUPPORTED_FILE_STORES"] == "s3://team-bucket"


def test_app_image_tag_and_overrides(stacks):
    doc = stacks["app-custom"]
    (c,) = at(doc, "kubernetes_deployment_v1", "wandb/deployment")["spec"]["template"]["spec"]["container"]
    assert c["image"] == "wandb/local:0.60.0" and c["image_pull_policy"] == "IfNotPresent"
    assert c["resources"]["requests"] == {"cpu": "1", "memory": "1G"}
    data = at(doc, "kubernetes_config_map_v1", "wandb/config-map")["data"]
    assert data["BUCKET_QUEUE"] == "sqs://q" and data["REDIS"] == "redis://r:6379?tls=true"
    assert data["AWS_REGION"] == "us-west-2" and data["GORILLA_X"] == "1"


def test_app_services(stacks):
    doc = stacks["app-default"]
    svc = at(doc, "kubernetes_service_v1", "wandb/service")["spec"]
    assert svc["type"] == "NodePort" and svc["selector"] == {"app": "wandb"}
    assert svc["port"] == [{"name": "http", "port": 8080, "target_port": "http", "node_port": 32543}]
    prom = at(doc, "kubernetes_service_v1", "wandb/prometheus")["spec"]
    assert prom["type"] == "ClusterIP" and prom["port"][0]["port"] == 8181
    assert stacks.handles["app-default"].service_name == "wandb"


def test_app_settings_and_secrets_split(stacks):
    doc = stacks["app-default"]
    data = at(doc, "kubernetes_config_map_v1", "wandb/config-map")["data"]
    assert data == {"HOST": "https://wandb.example.com", "BUCKET": "s3://my-bucket/wandb", "BUCKET_QUEUE": "internal://",
                    "AWS_REGION": "", "AWS_S3_KMS_ID": "", "REDIS": ""}
    secret = at(doc, "kubernetes_secret_v1", "wandb/secret")
    assert secret["data"] == {"LICENSE": "${var.license}", "MYSQL": "${var.mysql_password}"}
    assert "var.license" not in json.dumps(doc["resource"]["kubernetes_config_map_v1"])


# --- DefaultStorageClass, WeaveWorkerAuth ---------------------------------------------------------

def test_default_storage_class(stacks):
    """EKS clusters created at 1.30+ have no default StorageClass (EKS 1.30 release notes), so PVCs without a
    class stay Pending; v8 app_eks creates a default gp3 class. Ours uses the EBS CSI add-on's provisioner."""
    sc = at(stacks["cluster-defaults"], "kubernetes_storage_class_v1", "storage-class/storage-class")
    assert sc["metadata"] == {"name": "gp3", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}
    assert sc["storage_provisioner"] == "ebs.csi.aws.com"
    assert sc["parameters"] == {"type": "gp3", "fsType": "ext4", "encrypted": "true"}
    assert (sc["reclaim_policy"], sc["volume_binding_mode"], sc["allow_volume_expansion"]) == (
        "Delete", "WaitForFirstConsumer", True)


def test_weave_worker_auth_secret(stacks):
    """operator-wandb's weave-trace workers read secretKeyRef weave-worker-auth/key, not optional
    (helm-charts charts/operator-wandb values.yaml); v8 creates it from its Secrets Manager entry."""
    doc = stacks["cluster-defaults"]
    secret = at(doc, "kubernetes_secret_v1", "weave-worker-auth/secret")
    # a namespace other than "default" is created first (the W&B resource's release creates it only later)
    assert at(doc, "kubernetes_namespace_v1", "weave-worker-auth/namespace")["metadata"] == {"name": "wandb"}
    assert secret["metadata"] == {"name": "weave-worker-auth", "namespace": ref(
        doc, "kubernetes_namespace_v1", "weave-worker-auth/namespace", "metadata[0].name")} and secret["type"] == "Opaque"
    token = at(doc, "aws_secretsmanager_secret_version", "weave-worker-auth/token", kind="data")
    assert token["secret_id"] == WEAVE_SECRET_ARN
    assert secret["data"] == {"key": ref(doc, "aws_secretsmanager_secret_version", "weave-worker-auth/token",
                                         "secret_string", kind="data")}


# --- WandbOperator -------------------------------------------------------------------------------

def test_operator_provider_is_helm_only(stacks):
    """Helm for the releases; Kubernetes for the wandb-cdktf-credentials Secret the W&B resource references (issue 27)."""
    doc = stacks["operator"]
    assert set(doc["terraform"]["required_providers"]) == {"helm", "kubernetes"}
    (provider,) = doc["provider"]["helm"]
    assert provider["kubernetes"]["host"] == ENDPOINT and provider["kubernetes"]["exec"]["command"] == "aws"


def test_operator_releases_and_order(stacks):
    doc = stacks["operator"]
    assert sorted(under(doc, "helm_release", "wandb/")) == [
        "wandb/aws-load-balancer-controller", "wandb/cluster-autoscaler", "wandb/external-dns", "wandb/operator",
        "wandb/wandb"]
    lbc = _release(doc, "aws-load-balancer-controller")
    assert lbc["namespace"] == "kube-system" and lbc["version"] == "1.13.4"
    assert f'"eks.amazonaws.com/role-arn" = "{LBC_ROLE}"' in lbc["values"][0]
    assert f'"vpcId" = "{VPC_ID}"' in lbc["values"][0]
    op = _release(doc, "operator")
    assert op["repository"] == "https://charts.wandb.ai" and op["version"] == "1.4.8" and op["namespace"] == "wandb"
    assert op["set"] == [{"name": "image.tag", "value": "1.21.3"}]
    assert sorted(op["depends_on"]) == sorted([address(doc, "helm_release", "wandb/aws-load-balancer-controller"),
                                               address(doc, "helm_release", "wandb/external-dns")])
    cr = _release(doc, "wandb")
    assert cr["depends_on"] == [address(doc, "terraform_data", "wandb/alb-teardown-wait"),
                                address(doc, "kubernetes_secret_v1", "wandb/credentials/secret")]
    assert cr["namespace"] == "default" and cr["name"] == "wandb-cr"


def test_charts_with_services_wait_for_the_load_balancer_controller(stacks):
    """The controller registers a mutating webhook for Services with failurePolicy Fail
    (aws-load-balancer-controller chart, webhook.yaml ``mservice.elbv2.k8s.aws``), so a chart that creates a
    Service while the controller is not serving fails. terraform-aws-wandb v8 orders external-dns (and the
    autoscaler) after the controller (modules/app_eks main.tf depends_on)."""
    doc = stacks["operator"]
    lbc = address(doc, "helm_release", "wandb/aws-load-balancer-controller")
    for name in ("external-dns", "cluster-autoscaler"):
        assert _release(doc, name)["depends_on"] == [lbc], name


def test_destroy_waits_for_the_controller_to_remove_the_alb(stacks):
    """The controller deletes the ALB, its target groups and its security groups when the Ingress goes
    (aws-load-balancer-controller docs, "Ingress annotations": resources are tagged elbv2.k8s.aws/cluster and
    reconciled away); uninstalled first, it leaves them orphaned and the VPC cannot be destroyed. The guard
    sits between the controllers and the W&B resource, so on destroy it runs after the resource is gone and
    before any controller is uninstalled, and waits until AWS no longer has the ALB or its security groups."""
    doc = stacks["operator"]
    guard = at(doc, "terraform_data", "wandb/alb-teardown-wait")
    assert sorted(guard["depends_on"]) == sorted(address(doc, "helm_release", f"wandb/{n}") for n in (
        "aws-load-balancer-controller", "external-dns", "operator"))
    (provisioner,) = guard["provisioner"]
    cmd = provisioner["local-exec"]
    assert cmd["when"] == "destroy"
    assert "aws elbv2 wait load-balancers-deleted --region us-west-2 --names kt-alb-k8s" in cmd["command"]
    # destroy provisioners may only read self: the cluster name comes through the resource's own input
    assert guard["input"]["cluster"] == "kt" and "Values=${self.input.cluster}" in cmd["command"]
    assert "exit 1" in cmd["command"]  # still there after the wait: the destroy fails instead of orphaning


def test_cluster_autoscaler(stacks):
    """v8 modules/app_eks/cluster_autoscaler: chart cluster-autoscaler from kubernetes.github.io/autoscaler with
    IRSA, auto-discovery by cluster name and balanced node groups; ours also ignores our per-AZ label, else
    the groups never count as similar (autoscaler FAQ, "balance-similar-node-groups")."""
    release = _release(stacks["operator"], "cluster-autoscaler")
    # 9.59.0: the first chart whose ClusterRole grants what autoscaler 1.32-1.35 reads (config.autoscaler;
    # tests/test_render_controllers.py renders it)
    assert release["repository"] == "https://kubernetes.github.io/autoscaler" and release["version"] == "9.59.0"
    assert release["namespace"] == "cluster-autoscaler" and release["create_namespace"] is True
    values = release["values"][0]
    assert '"clusterName" = "kt"' in values and '"awsRegion" = "us-west-2"' in values
    assert '"tag" = "v1.32.0"' in values and f'"eks.amazonaws.com/role-arn" = "{AUTOSCALER_ROLE}"' in values
    assert '"balance-similar-node-groups" = true' in values and '"wandb.ai/node-group"' in values
    assert "wandb/cluster-autoscaler" not in under(stacks["operator-minimal"], "helm_release", "wandb/")


def test_operator_chart_is_shipped_beside_the_stack(stacks):
    chart = _release(stacks["operator"], "wandb")["chart"]
    chart_dir = stacks.stack_dir("operator") / chart
    assert (chart_dir / "Chart.yaml").is_file() and (chart_dir / "templates" / "weightsandbiases.yaml").is_file()


def test_external_dns(stacks):
    values = _release(stacks["operator"], "external-dns")["values"][0]
    assert '"domainFilters" = ["wandb.example.com"]' in values
    assert f'"extraArgs" = ["--zone-id-filter={ZONE_ID}"]' in values
    assert f'"eks.amazonaws.com/role-arn" = "{DNS_ROLE}"' in values
    assert '"policy" = "sync"' in values  # v8: records of a removed Ingress are removed too


def test_no_external_dns_role_no_release(stacks):
    doc = stacks["operator-minimal"]
    assert sorted(under(doc, "helm_release", "wandb/")) == ["wandb/aws-load-balancer-controller", "wandb/wandb"]


def test_install_operator_false(stacks):
    doc = stacks["operator-minimal"]
    cr = _release(doc, "wandb")
    assert cr["depends_on"] == [address(doc, "terraform_data", "wandb/alb-teardown-wait"),
                                address(doc, "kubernetes_secret_v1", "wandb/credentials/secret")]
    guard = at(doc, "terraform_data", "wandb/alb-teardown-wait")
    assert guard["depends_on"] == [address(doc, "helm_release", "wandb/aws-load-balancer-controller")]
    assert stacks.handles["operator-minimal"]._operator is None
    assert list(under(stacks["operator-cr-only"], "helm_release", "wandb/")) == ["wandb/aws-load-balancer-controller"]


def test_ingress_uses_the_terraform_security_group(stacks):
    """Without ``security-groups`` the controller builds its own frontend group from ``inbound-cidrs`` and opens
    0.0.0.0/0 when that is empty (aws-load-balancer-controller v2.13.4 pkg/ingress/model_builder.go), so an empty
    allow-list would be open. With our group named and manage-backend-security-group-rules, the controller
    still adds its backend group and the ALB -> pod rules (model_build_load_balancer.go, "frontendSG manually
    specified"). The ALB stays IPv4: no ip-address-type (default ipv4) and no IPv6 CIDRs in annotations."""
    for name in ("operator", "operator-minimal"):
        ann = stacks.handles[name].ingress_annotations()
        assert ann["alb.ingress.kubernetes.io/security-groups"] == ALB_SG
        assert ann["alb.ingress.kubernetes.io/manage-backend-security-group-rules"] == "true"
        for key in ("inbound-cidrs", "ip-address-type"):
            assert f"alb.ingress.kubernetes.io/{key}" not in ann


def test_load_balancer_name_differs_from_the_pre_operator_alb(stacks):
    """ELB names are unique per account and region (DuplicateLoadBalancerName) and at most 32 characters
    (controller: "load balancer name cannot be longer than 32 characters"). v8 uses <ns>-alb-k8s, so the
    controller's ALB can be created while the pre-operator <ns>-alb still exists during a migration."""
    ann = stacks.handles["operator"].ingress_annotations()
    assert ann["alb.ingress.kubernetes.io/load-balancer-name"] == "kt-alb-k8s"
    assert len("x" * 20 + "-alb-k8s") <= 32  # namespace is at most 20 characters (config validator)


def test_ingress_annotations_internal(stacks):
    ann = stacks.handles["operator"].ingress_annotations()
    assert ann["alb.ingress.kubernetes.io/scheme"] == "internal"
    assert ann["alb.ingress.kubernetes.io/subnets"] == "subnet-a,subnet-b"
    assert ann["alb.ingress.kubernetes.io/certificate-arn"] == CERT_ARN
    assert ann["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    assert ann["external-dns.alpha.kubernetes.io/hostname"] == "wandb.example.com,alt.example.com"


def test_ingress_annotations_defaults(stacks):
    ann = stacks.handles["operator-minimal"].ingress_annotations()
    assert ann["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert "alb.ingress.kubernetes.io/subnets" not in ann
    assert ann["external-dns.alpha.kubernetes.io/hostname"] == "wandb.example.com"


def test_spec_has_no_secrets(stacks):
    spec = stacks.handles["operator"].spec()["values"]
    g = spec["global"]
    assert "license" not in g and "password" not in g["mysql"]
    assert g["host"] == "https://wandb.example.com" and g["bucket"] == BUCKET == g["defaultBucket"]
    assert g["redis"] == {"host": "r", "port": 6379, "params": {"tls": True}}
    assert spec["weave"]["persistence"]["efs"]["fileSystemId"] == "fs-0123456789abcdef0"
    assert spec["console"]["extraEnv"]["BUCKET_ACCESS_IDENTITY"] == ROLE_ARN
    assert "BUCKET_QUEUE" not in g["extraEnv"]
    minimal = stacks.handles["operator-minimal"].spec()["values"]
    assert minimal["global"]["redis"]["external"] is False and "weave" not in minimal and "console" not in minimal


def test_without_a_redis_of_ours_the_chart_installs_its_own(stacks):
    """operator-wandb: an empty global.redis.host means `<release>-redis-master` (templates/_redis.tpl), which only
    its redis subchart creates (Chart.yaml `condition: redis.install`); review 2 #1. Rendered end to end in
    tests/test_render_operator.py::test_redis_that_wandb_is_given_exists."""
    assert stacks.handles["operator"].spec()["values"]["redis"] == {"install": False}  # ours: ElastiCache/external
    minimal = stacks.handles["operator-minimal"].spec()["values"]
    assert minimal["global"]["redis"]["host"] == "" and minimal["redis"] == {"install": True}


def test_queue_is_set_where_the_app_reads_it(stacks):
    """operator-wandb reads BUCKET_QUEUE only as ``app.env.BUCKET_QUEUE`` (default ``internal://``), and
    wandb-base merges container env > app.env > app.extraEnv > global.env > global.extraEnv (helm-charts
    charts/operator-wandb/values.yaml, charts/wandb-base/templates/_containers.tpl), so a queue in
    global.extraEnv never reaches the app. It goes to app.env."""
    assert stacks.handles["operator"].spec()["values"]["app"] == {"env": {"BUCKET_QUEUE": "sqs://q"}}
    assert stacks.handles["operator-minimal"].spec()["values"]["app"] == {"env": {"BUCKET_QUEUE": "internal://"}}


def test_secrets_only_in_the_second_values_document(stacks):
    for stack_id in ("operator", "operator-minimal"):
        first, second = _release(stacks[stack_id], "wandb")["values"]
        assert "var.license" not in first and "var.mysql_password" not in first
        # the values are in the credentials Secret; the second document holds only their checksum (issue 27)
        assert 'sha256(join("\\n", [var.mysql_password, var.license]))' in second, second
        assert "set_sensitive" not in _release(stacks[stack_id], "wandb")
        secret = at(stacks[stack_id], "kubernetes_secret_v1", "wandb/credentials/secret")
        assert secret["data"] == {"license": "${var.license}", "MYSQL_PASSWORD": "${var.mysql_password}"}


def test_literal_quotes_are_escaped_in_values_expressions(stacks):
    first, _ = _release(stacks["operator"], "wandb")["values"]
    assert '"alb.ingress.kubernetes.io/listen-ports" = "[{\\"HTTPS\\": 443}]"' in first
    assert '"QUOTED" = "say \\"hi\\""' in first and '"BACKSLASH" = "a\\\\b"' in first
    assert '"DIRECTIVE" = "100%%{x}"' in first and '"DOLLAR" = "$${HOME}"' in first


@pytest.mark.terraform
def test_helm_values_evaluate_to_the_intended_yaml(stacks, tf_env, tmp_path):
    """Terraform itself parses and evaluates the values expressions (no providers needed)."""
    doc = stacks["operator"]
    releases = {p.split("/", 1)[1]: r for p, r in under(doc, "helm_release", "wandb/").items()}
    outputs = {f"{name}_{i}": {"value": v, "sensitive": True}
               for name, r in releases.items() for i, v in enumerate(r.get("values", []))}
    (tmp_path / "main.tf.json").write_text(json.dumps({"variable": doc["variable"], "output": outputs}))
    args = ["-var", "license=LIC-123", "-var", 'mysql_password=p"w,\\d']
    for cmd in (["init", "-backend=false", "-no-color"], ["apply", "-auto-approve", "-no-color", *args],
                ["output", "-json", "-no-color"]):
        result = tf_env.run(tmp_path, *cmd)
        assert result.returncode == 0, result.stdout + result.stderr
    values = {k: yaml.safe_load(v["value"]) for k, v in json.loads(result.stdout).items()}
    public, secret = values["wandb_0"], values["wandb_1"]
    ann = public["spec"]["values"]["ingress"]["annotations"]
    assert ann == stacks.handles["operator"].ingress_annotations()
    assert ann["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    assert "license" not in public["spec"]["values"]["global"]
    assert public["spec"]["values"]["global"]["extraEnv"] == TRICKY
    checksum = {"annotations": {"wandb-cdktf/credentials-checksum": hashlib.sha256(b'p"w,\\d\nLIC-123').hexdigest()}}
    assert secret == {"spec": {"values": {"global": {"pod": checksum},
                                          "otel": {"daemonset": {"pod": checksum}, "deployment": {"pod": checksum}}}}}
    assert values["external-dns_0"]["domainFilters"] == ["wandb.example.com"]
    assert values["aws-load-balancer-controller_0"]["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": LBC_ROLE}
