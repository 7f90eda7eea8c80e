"""<namespace>-app (pre-operator) and <namespace>-operator (post-operator): settings, references, snapshots."""

from __future__ import annotations

import json

import pytest
import yaml

from _support import make_config
from wandb_cdktf.testing import normalize, one_resource, resources

PRE = make_config(deployment="pre-operator", wandb_version="0.51.2")
POST = make_config(external_dns=True, public_access=True)
REMOTE = "data.terraform_remote_state.cross-stack-reference-input-wbtest-infra.outputs."


@pytest.fixture(scope="module")
def app_stack(synth):
    return synth(PRE).stack("wbtest-app")


@pytest.fixture(scope="module")
def operator_stack(synth):
    return synth(POST).stack("wbtest-operator")


def _yaml_doc(expr: str) -> str:
    assert expr.startswith("${yamlencode(") and expr.endswith(")}")
    return expr


# --- pre-operator app ---------------------------------------------------------------------------

def test_app_providers_come_from_the_cluster(app_stack):
    k8s = app_stack["provider"]["kubernetes"][0]
    assert k8s["host"] == "${" + REMOTE + k8s["host"].split("outputs.")[1]
    assert "eks_cluster" in k8s["host"] and "endpoint" in k8s["host"]
    assert k8s["cluster_ca_certificate"].startswith("${base64decode(")
    ex = k8s["exec"][0]
    assert ex["command"] == "aws" and ex["args"][:3] == ["eks", "get-token", "--cluster-name"]
    assert "token" not in k8s


def test_app_deployment(app_stack):
    dep = one_resource(app_stack, "kubernetes_deployment_v1")
    assert dep["metadata"]["name"] == "wandb"
    (container,) = dep["spec"]["template"]["spec"]["container"]
    assert container["image"] == "wandb/local:0.51.2"
    assert {p["name"]: p["container_port"] for p in container["port"]} == {"http": 8080, "prometheus": 8181}
    assert container["readiness_probe"]["http_get"]["path"] == "/ready"
    assert container["liveness_probe"]["http_get"]["path"] == "/healthz"
    assert container["startup_probe"]["failure_threshold"] == 120
    assert container["resources"]["requests"] == {"cpu": "500m", "memory": "1G"}  # v1.12.0
    assert "kubernetes_priority_class_v1" in dep["spec"]["template"]["spec"]["priority_class_name"]


def test_app_services(app_stack):
    services = {s["metadata"]["name"]: s for s in resources(app_stack, "kubernetes_service_v1").values()}
    assert services["wandb"]["spec"]["type"] == "NodePort"
    assert services["wandb"]["spec"]["port"][0]["node_port"] == 32543
    assert services["prometheus"]["spec"]["port"][0]["port"] == 8181


def test_app_settings_reference_infra(app_stack):
    data = one_resource(app_stack, "kubernetes_config_map_v1")["data"]
    assert data["HOST"] == "https://wandb.example.com"
    assert data["BUCKET"].startswith("s3://${" + REMOTE) and "s3_bucket" in data["BUCKET"]
    assert data["BUCKET_QUEUE"].startswith("sqs://${" + REMOTE)
    assert data["AWS_REGION"] == "us-west-2"
    assert "aws_kms_key" in data["AWS_S3_KMS_ID"]
    assert data["REDIS"].endswith(":6379?tls=true&ttlInSeconds=604800")


def test_app_secret_uses_variable_and_secrets_manager(app_stack):
    secret = one_resource(app_stack, "kubernetes_secret_v1")["data"]
    assert secret["LICENSE"] == "${var.wandb_license}"
    assert "data.aws_secretsmanager_secret_version.database-master-secret.secret_string" in secret["MYSQL"]
    assert secret["MYSQL"].startswith("${format(\"mysql://%s:%s@%s:3306/%s\"")
    var = app_stack["variable"]["wandb_license"]
    assert var["sensitive"] is True and var["nullable"] is False


def test_password_comes_from_the_infra_secret_and_rolls_the_pods(app_stack, synth):
    """The app reads the infra stack's database secret (written with the password RDS has; changed only by
    database_password_version), never the RDS-managed one that RDS rotates every 7 days (Aurora User Guide,
    "Password management with Amazon Aurora and AWS Secrets Manager"). Pods read env_from only at start
    (Kubernetes docs, "Secrets": environment variables are not updated), so the pod template carries a
    checksum of the secret's values: a new password rolls the Deployment on the same apply."""
    read = app_stack["data"]["aws_secretsmanager_secret_version"]["database-master-secret"]
    assert read["secret_id"].startswith("${" + REMOTE)
    assert "aws_secretsmanager_secret_version" in read["secret_id"]  # the version's secret_id, not RDS's
    infra = synth(PRE).stack("wbtest-infra")
    assert not any("master_user_secret" in json.dumps(o) for o in infra["output"].values())
    secret = one_resource(app_stack, "kubernetes_secret_v1")["data"]
    annotations = one_resource(app_stack, "kubernetes_deployment_v1")["spec"]["template"]["metadata"]["annotations"]
    checksum = annotations["checksum/secret"]
    assert checksum.startswith("${sha256(join(")
    assert "var.wandb_license" in checksum and "data.aws_secretsmanager_secret_version.database-master-secret" in checksum
    assert secret["MYSQL"].removeprefix("${").removesuffix("}") in checksum


def test_priority_class(app_stack):
    pc = one_resource(app_stack, "kubernetes_priority_class_v1")
    assert pc["metadata"]["name"] == "wandb-priority" and pc["value"] == 1000000000


def test_custom_namespace_is_created(synth):
    stack = synth(make_config(deployment="pre-operator", k8s_namespace="wandb-app")).stack("wbtest-app")
    assert one_resource(stack, "kubernetes_namespace_v1")["metadata"]["name"] == "wandb-app"
    # the deployment refers to the namespace resource, so Terraform creates the namespace first
    (ns_id,) = resources(stack, "kubernetes_namespace_v1")
    assert one_resource(stack, "kubernetes_deployment_v1")["metadata"]["namespace"] == (
        f"${{kubernetes_namespace_v1.{ns_id}.metadata[0].name}}")


# --- post-operator -------------------------------------------------------------------------------

def _releases(stack):
    return {r["name"]: r for r in resources(stack, "helm_release").values()}


def test_operator_releases(operator_stack):
    rel = _releases(operator_stack)
    assert set(rel) == {"aws-load-balancer-controller", "external-dns", "cluster-autoscaler", "operator", "wandb-cr"}
    op = rel["operator"]
    # v8 pins 1.4.2 / 1.20.0; ours: the fixed controller (tests/test_render_day2.py, the upgrade rendered and diffed)
    assert op["repository"] == "https://charts.wandb.ai" and op["chart"] == "operator" and op["version"] == "1.4.8"
    assert op["set"] == [{"name": "image.tag", "value": "1.21.3"}]
    assert rel["wandb-cr"]["chart"].startswith("assets/")
    (guard,) = resources(operator_stack, "terraform_data").values()
    assert rel["wandb-cr"]["depends_on"][0] == "terraform_data." + next(iter(resources(operator_stack, "terraform_data")))
    assert rel["wandb-cr"]["depends_on"][1].startswith("kubernetes_secret_v1.wandb_credentials_secret")  # its Secret first
    assert any("helm_release.wandb_operator" in d for d in guard["depends_on"])


def test_controllers_use_irsa(operator_stack):
    rel = _releases(operator_stack)
    for name, role in (("aws-load-balancer-controller", "lbc-irsa"), ("external-dns", "external-dns-irsa")):
        values = rel[name]["values"][0]
        assert f'"eks.amazonaws.com/role-arn" = {REMOTE}cross-stack-output-aws_iam_role{role}_role_' in values, values


def test_weights_and_biases_spec(operator_stack):
    cr = _releases(operator_stack)["wandb-cr"]
    public, secret = cr["values"]
    for needle in ('"host" = "https://wandb.example.com"', '"size" = "small"', '"provider" = "s3"',
                   '"class" = "alb"', '"alb.ingress.kubernetes.io/scheme" = "internet-facing"',
                   '"alb.ingress.kubernetes.io/security-groups" = ' + REMOTE, "certificate-arn",
                   '"fileSystemId"', "defaultBucket", '"install" = false'):
        assert needle in public, needle
    # no secret in the resource: it references the wandb-cdktf-credentials Secret (tests/test_field_review_2.py)
    assert "var.wandb_license" not in public and "secretsmanager_secret_version" not in public
    assert '"licenseSecret" = {"name" = "wandb-cdktf-credentials"' in public
    assert "var.wandb_license" in secret and "secretsmanager_secret_version" in secret  # hashed into the pod templates
    assert "inbound-cidrs" not in public and "dualstack" not in public  # closed when empty; IPv4 ALB
    assert '"BUCKET_QUEUE" = "sqs://${' + REMOTE in public


def test_operator_password_is_url_encoded(operator_stack):
    """operator-wandb puts global.mysql.password into mysql://user:PASSWORD@host URLs and its init containers
    unquote_plus it (helm-charts charts/operator-wandb _mysql.tpl and values.yaml; PR #442 tests an encoded
    password), while RDS-generated passwords contain URL metacharacters. So the value is urlencode()d."""
    (secret,) = [s for s in resources(operator_stack, "kubernetes_secret_v1").values()
                 if s["metadata"]["name"] == "wandb-cdktf-credentials"]
    assert secret["data"]["MYSQL_PASSWORD"].startswith("${urlencode(") and "secretsmanager_secret_version" in secret["data"]["MYSQL_PASSWORD"]


def test_alb_scheme_follows_kubernetes_alb_internet_facing(synth):
    """v8 main.tf: scheme = kubernetes_alb_internet_facing ? internet-facing : internal; public_access does not
    change it (it decides certificate issuance in v8)."""
    internal = _releases(synth(make_config(kubernetes_alb_internet_facing=False)).stack("wbtest-operator"))["wandb-cr"]
    assert '"alb.ingress.kubernetes.io/scheme" = "internal"' in internal["values"][0]
    default = _releases(synth(make_config(public_access=False)).stack("wbtest-operator"))["wandb-cr"]
    assert '"alb.ingress.kubernetes.io/scheme" = "internet-facing"' in default["values"][0]


def test_operator_stack_cluster_defaults(operator_stack):
    """The default gp3 StorageClass (EKS >= 1.30 clusters have none; v8 app_eks creates it) and the
    weave-worker-auth secret the chart's Weave workers read (v8 app_eks kubernetes_secret.weave_worker_auth),
    its value from the Secrets Manager entry the infra stack created."""
    (sc,) = resources(operator_stack, "kubernetes_storage_class_v1").values()
    assert sc["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert sc["storage_provisioner"] == "ebs.csi.aws.com" and sc["parameters"]["type"] == "gp3"
    assert sc["volume_binding_mode"] == "WaitForFirstConsumer" and sc["parameters"]["encrypted"] == "true"
    (secret,) = [s for s in resources(operator_stack, "kubernetes_secret_v1").values()
                 if s["metadata"]["name"] == "weave-worker-auth"]
    assert secret["metadata"] == {"name": "weave-worker-auth", "namespace": "default"}
    assert set(secret["data"]) == {"key"} and "aws_secretsmanager_secret_version" in secret["data"]["key"]
    reads = operator_stack["data"]["aws_secretsmanager_secret_version"]
    assert any("secretsmanager_secretsecrets_weave-worker-auth" in r["secret_id"] for r in reads.values())


def test_autoscaler_follows_the_cluster_minor(synth, operator_stack):
    """Cluster autoscaler README: run the release whose minor matches the cluster's Kubernetes minor."""
    values = _releases(operator_stack)["cluster-autoscaler"]["values"][0]
    assert '"tag" = "v1.32.0"' in values
    pinned = _releases(synth(make_config(cluster_autoscaler_image_tag="v1.32.3")).stack("wbtest-operator"))
    assert '"tag" = "v1.32.3"' in pinned["cluster-autoscaler"]["values"][0]


def test_app_stack_has_the_default_storage_class(app_stack):
    (sc,) = resources(app_stack, "kubernetes_storage_class_v1").values()
    assert sc["metadata"]["name"] == "gp3" and sc["storage_provisioner"] == "ebs.csi.aws.com"


def test_operator_toggles(synth):
    rel = _releases(synth(make_config(enable_helm_operator=False, enable_helm_wandb=False)).stack("wbtest-operator"))
    assert set(rel) == {"aws-load-balancer-controller", "cluster-autoscaler"}


def test_stack_dependencies_in_manifest(synth):
    manifest = json.loads((synth(POST).outdir / "manifest.json").read_text())
    assert manifest["stacks"]["wbtest-operator"]["dependencies"] == ["wbtest-infra"]


# --- snapshots of every platform stack -----------------------------------------------------------

@pytest.mark.parametrize("shape", ["pre-operator", "post-operator"])
def test_platform_snapshots(synth, snapshot, shape):
    s = synth(PRE if shape == "pre-operator" else POST)
    assert {sid: normalize(doc) for sid, doc in s.stacks.items()} == snapshot


def test_chart_asset_is_our_weightsandbiases_chart(synth):
    s = synth(POST)
    chart_path = _releases(s.stack("wbtest-operator"))["wandb-cr"]["chart"]
    chart_dir = s.stack_dir("wbtest-operator") / chart_path
    assert yaml.safe_load((chart_dir / "Chart.yaml").read_text())["name"] == "wandb-cr"
    template = (chart_dir / "templates" / "weightsandbiases.yaml").read_text()
    assert "kind: WeightsAndBiases" in template and "apps.wandb.com/v1" in template
