"""Issue 27 (field review 2 of `<ns>-operator` / `<ns>-app`, ../shared/reference/field-review-2-app-operator.md):
the fixes that a synthesized-JSON assertion proves. Each test names the source of the behaviour it pins; the
rendered proofs (rotation restarts, secret references, the operator upgrade) are in tests/test_render_day2.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from _support import REPO, make_config
from wandb_cdktf.cli import deploy_notes
from wandb_cdktf.config import config_from_mapping, load_config
from wandb_cdktf.testing import one_resource, resources

REMOTE = "data.terraform_remote_state.cross-stack-reference-input-wbtest-infra.outputs."
REDIS_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:corp/redis-auth-AbCdEf"
REDIS = {"use_external_redis": True, "external_redis_host": "redis.corp.internal", "external_redis_params": {"tls": True},
         "external_redis_password_secret_arn": REDIS_SECRET}
BYO_VPC = {"create_vpc": False, "network_id": "vpc-0a1b2c3d4e5f60718",
           "network_private_subnets": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
           "network_database_subnets": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
           "network_elasticache_subnets": ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]}
SHARED_EKS = {**BYO_VPC, "external_eks_cluster_name": "corp-shared",
              "external_eks_node_role_arn": "arn:aws:iam::123456789012:role/corp-nodes"}


def _cr(stack: dict) -> dict:
    return next(r for r in stack["resource"]["helm_release"].values() if r["name"] == "wandb-cr")


def _credentials(stack: dict) -> dict:
    return next(s for s in resources(stack, "kubernetes_secret_v1").values()
                if s["metadata"]["name"] == "wandb-cdktf-credentials")


def _shared_cluster_config(**overrides):
    data = make_config(**SHARED_EKS, **overrides)
    data.pop("eks_cluster_version")
    return data


# --- item 4: external Redis password URL-encoded post-operator ---------------------------------------------------

def test_operator_external_redis_password_is_url_encoded(synth):
    """operator-wandb writes REDIS=redis://:$(REDIS_PASSWORD)@host:port (charts/operator-wandb templates/_redis.tpl,
    connectionString) with the Secret value verbatim (templates/redis.yaml), and ElastiCache AUTH tokens may hold
    `# ^ < >` (ElastiCache user guide, "Authenticating with the Redis AUTH command"), which Go's net/url refuses in
    userinfo. So the value is percent-encoded, as the pre-operator app's REDIS is (stacks/_app_inputs.py), with a
    space as %20 (a '+' in userinfo is a plus)."""
    operator = synth(make_config(**REDIS)).stack("wbtest-operator")
    redis = _credentials(operator)["data"]["REDIS_PASSWORD"]
    assert redis.startswith("${replace(urlencode(try(lookup(jsondecode(data.aws_secretsmanager_secret_version.redis-password-secret"), redis
    assert redis.endswith(')), "+", "%20")}'), redis


# --- item 10: an existing bucket's region ------------------------------------------------------------------------

def test_existing_bucket_region_is_read_from_the_bucket(synth):
    """terraform-aws-wandb v8 main.tf (bucket settings): region = data.aws_s3_bucket.file_storage.region. A bucket_name
    in another region than the deployment must give W&B that region as AWS_REGION / global.bucket.region."""
    s = synth(make_config(bucket_name="corp-wandb-files"))
    infra = s.stack("wbtest-infra")
    (read,) = infra["data"]["aws_s3_bucket"].values()
    assert read["bucket"] == "corp-wandb-files"
    assert infra["output"]["bucket_region"]["value"].startswith("${data.aws_s3_bucket.") and \
        infra["output"]["bucket_region"]["value"].endswith(".region}")
    public = _cr(s.stack("wbtest-operator"))["values"][0]
    bucket = public.split('"bucket" = {', 1)[1].split("}", 1)[0]
    assert f'"region" = {REMOTE}cross-stack-output-dataaws_s3_bucket' in bucket, bucket
    pre = synth(make_config(bucket_name="corp-wandb-files", deployment="pre-operator")).stack("wbtest-app")
    region = one_resource(pre, "kubernetes_config_map_v1")["data"]["AWS_REGION"]
    assert region.startswith("${" + REMOTE + "cross-stack-output-dataaws_s3_bucket"), region
    # the bucket created here stays in the deployment region, with no extra read
    assert "aws_s3_bucket" not in synth(make_config()).stack("wbtest-infra").get("data", {})


# --- item 3: an RDS-managed master secret for the external database ----------------------------------------------

def test_rds_managed_master_secret_is_warned():
    """Aurora User Guide, "Password management with Amazon Aurora and AWS Secrets Manager": RDS rotates the master
    user secret it manages (named rds!cluster-...), every 7 days by default; W&B keeps the password read at deploy."""
    base = {"external_database_host": "corp.cluster-abc.us-west-2.rds.amazonaws.com"}
    managed = config_from_mapping(make_config(**base, external_database_secret_arn=(
        "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!cluster-0a1b2c3d-AbCdEf")))
    (warning,) = [w for w in managed.warnings() if w.startswith("external_database_secret_arn: ")]
    assert "RDS-managed" in warning and "rotates" in warning and "own database user" in warning
    own = config_from_mapping(make_config(**base, external_database_secret_arn=(
        "arn:aws:secretsmanager:us-west-2:123456789012:secret:corp/wandb-db-AbCdEf")))
    assert not [w for w in own.warnings() if w.startswith("external_database_secret_arn")]
    # the bring-your-own-services example recommends what works
    example = load_config(REPO / "examples" / "bring-your-own-services.yaml")
    assert example.external_database_secret_arn and ":secret:rds!" not in example.external_database_secret_arn
    assert not [w for w in example.warnings() if w.startswith("external_database_secret_arn")]


# --- item 5: who creates the DNS record -------------------------------------------------------------------------

def test_post_operator_without_external_dns_says_who_creates_the_record():
    """Post-operator the ALB is made by aws-load-balancer-controller from the W&B Ingress, and only external-dns
    writes a record for it (v8 modules/app_eks external_dns; v8 default external_dns = false): without it the user
    must create the record, and synthesis says so, naming the host and the ALB."""
    notes = deploy_notes(config_from_mapping(make_config()))
    (dns,) = [n for n in notes if "DNS record" in n]
    assert "wandb.example.com" in dns and "wbtest-alb-k8s" in dns and "external_dns: true" in dns
    assert not [n for n in deploy_notes(config_from_mapping(make_config(external_dns=True))) if "DNS record" in n]
    assert not [n for n in deploy_notes(config_from_mapping(make_config(deployment="pre-operator")))
                if "DNS record" in n]  # the pre-operator infra stack writes the alias records itself


@pytest.mark.parametrize("path", sorted((REPO / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_say_who_creates_the_dns_record(path: Path):
    data = yaml.safe_load(path.read_text())
    if data.get("create_platform") is False or data.get("deployment", "post-operator") != "post-operator":
        return
    if data.get("external_dns"):
        return
    text = path.read_text()
    assert "# DNS: " in text and f"{data['namespace']}-alb-k8s" in text, f"{path.name}: say who creates the record"


# --- item 6: shared (existing) clusters --------------------------------------------------------------------------

def test_shared_cluster_gets_no_default_storage_class_and_a_scoped_destroy_guard(synth):
    """A default StorageClass is the cluster owner's: ours would fail on their gp3 class or become the default for
    every tenant (Kubernetes docs, "Default StorageClass": with several defaults the newest is used). The destroy
    guard counted every security group tagged elbv2.k8s.aws/cluster, which other teams' load balancers keep alive;
    aws-load-balancer-controller tags what it makes for an Ingress ingress.k8s.aws/stack=<namespace>/<name>."""
    shared = synth(_shared_cluster_config()).stack("wbtest-operator")
    assert "kubernetes_storage_class_v1" not in shared.get("resource", {})
    (guard,) = resources(shared, "terraform_data").values()
    command = guard["provisioner"][0]["local-exec"]["command"]
    assert "Name=tag:ingress.k8s.aws/stack,Values=default/wandb" in command
    dedicated = synth(make_config()).stack("wbtest-operator")
    assert len(resources(dedicated, "kubernetes_storage_class_v1")) == 1
    (guard,) = resources(dedicated, "terraform_data").values()
    assert "ingress.k8s.aws/stack" not in guard["provisioner"][0]["local-exec"]["command"]


# --- item 8: force_update, pre-operator ConfigMap changes ------------------------------------------------------

def test_weights_and_biases_release_keeps_the_operator_finalizer(synth):
    """helm v3.18.4 pkg/kube/client.go:711-717: with force an update is a Replace (PUT) of the object, which drops
    finalizer.app.wandb.com; wandb/operator v1.20.0 controllers/weightsandbiases_controller.go:225 returns on an
    unchanged spec before :249 re-adds it, so a destroy would delete the resource without pruning W&B."""
    cr = _cr(synth(make_config()).stack("wbtest-operator"))
    assert not cr.get("force_update")


def test_pre_operator_config_map_changes_roll_the_pod(synth):
    """The pod reads the ConfigMap through env_from at start only (Kubernetes docs, "Configure a Pod to Use a
    ConfigMap": env is not updated); terraform-kubernetes-wandb v1.12.0 main.tf set HOST, REDIS and the extra env
    in the Deployment, so a change rolled the pod. The pod template hashes the ConfigMap's data (Helm docs, "Chart
    Development Tips": checksum/config)."""
    app = synth(make_config(deployment="pre-operator", other_wandb_env={"GORILLA_OIDC_ISSUER": "https://idp"})).stack("wbtest-app")
    (cm_id,) = resources(app, "kubernetes_config_map_v1")
    dep = one_resource(app, "kubernetes_deployment_v1")
    annotation = dep["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    assert annotation == f"${{sha256(jsonencode(kubernetes_config_map_v1.{cm_id}.data))}}"
    assert "GORILLA_OIDC_ISSUER" in one_resource(app, "kubernetes_config_map_v1")["data"]
    (container,) = dep["spec"]["template"]["spec"]["container"]
    assert {"config_map_ref": {"name": f"${{kubernetes_config_map_v1.{cm_id}.metadata[0].name}}"}} in container["env_from"]
    assert json.dumps(dep).count("checksum/secret") == 1


# --- item 9 (and 11, review #13): what can be pinned, and what is refused ----------------------------------------

@pytest.mark.parametrize("data,option,words", [
    # wandb/operator v2.0.0-beta.3 deploy/operator/templates/hooks/crd-installer-job.yaml: CRDs from hook Jobs, which
    # never run with disable_webhooks (Helm's --no-hooks); the 2.x chart is not on charts.wandb.ai.
    (make_config(operator_chart_version="2.0.0"), "operator_chart_version", "1.x chart"),
    (make_config(deployment="pre-operator", operator_wandb_chart_version="0.43.8"), "operator_wandb_chart_version",
     "post-operator"),
    (make_config(operator_wandb_chart_repository="https://mirror.corp/charts"), "operator_wandb_chart_repository",
     "operator_wandb_chart_version"),
    (make_config(operator_wandb_values={"global": {"license": "x"}}), "operator_wandb_values", "license"),
    (make_config(operator_wandb_values={"global": {"mysql": {"password": "x"}}}), "operator_wandb_values", "password"),
])
def test_operator_pins_refused_in_one_line(data, option, words):
    from wandb_cdktf.config import ConfigError

    with pytest.raises(ConfigError) as err:
        config_from_mapping(data)
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"config error: {option}: ") and words in text, text


def test_wandb_version_post_operator_is_warned():
    """Review 2 #11: wandb_version (the pre-operator wandb/local tag) was silently ignored post-operator, where the
    operator installs what W&B's release channel names (wandb/operator deployer.go; W&B operator guide: "manages and
    automatically upgrades")."""
    (warning,) = [w for w in config_from_mapping(make_config(wandb_version="0.74.1")).warnings()
                  if w.startswith("wandb_version: ")]
    assert "operator_wandb_chart_version" in warning and "operator_wandb_values" in warning
    assert not [w for w in config_from_mapping(make_config(deployment="pre-operator", wandb_version="0.74.1")).warnings()
                if w.startswith("wandb_version")]


def test_a_pinned_chart_without_image_tags_is_warned():
    """operator-wandb 0.43.8 values.yaml: every W&B image tag defaults to `latest`, and the channel's values rank above
    the chart's (wandb/operator merge order), so a pinned chart alone does not pin the W&B version."""
    chart_only = config_from_mapping(make_config(operator_wandb_chart_version="0.43.8"))
    assert [w for w in chart_only.warnings() if w.startswith("operator_wandb_chart_version: ") and "image tags" in w]
    pinned = config_from_mapping(make_config(operator_wandb_chart_version="0.43.8",
                                             operator_wandb_values={"app": {"image": {"tag": "0.74.1"}}}))
    assert not [w for w in pinned.warnings() if w.startswith("operator_wandb_chart_version")]


def test_pinned_chart_is_the_resource_spec_chart(synth):
    """wandb/operator v1.20.0 pkg/wandb/spec/charts/repo.go RepoRelease {url, name, version}: the resource's spec.chart,
    which the operator prefers to the channel's (pkg/wandb/spec/spec.go Merge keeps the first chart)."""
    public = _cr(synth(make_config(operator_wandb_chart_version="0.43.8")).stack("wbtest-operator"))["values"][0]
    assert '"chart" = {"url" = "https://charts.wandb.ai", "name" = "operator-wandb", "version" = "0.43.8"}' in public
    assert '"chart" = ' not in _cr(synth(make_config()).stack("wbtest-operator"))["values"][0]


def test_chart_redis_on_a_shared_cluster_names_the_default_storage_class_it_needs():
    """Without ElastiCache or an external Redis, post-operator installs the chart's Redis, whose 8 GiB volume
    claim names no StorageClass (operator-wandb's redis subchart), so Kubernetes binds it through the cluster's
    default StorageClass; on an existing cluster this deployment creates none (item 6), so the warning says the
    cluster must have one, or the claim stays Pending."""
    shared = config_from_mapping(_shared_cluster_config(create_elasticache=False))
    (warning,) = [w for w in shared.warnings() if w.startswith("create_elasticache: ")]
    assert "external_eks_cluster_name" in warning and "default one" in warning
    own = config_from_mapping(make_config(create_elasticache=False))
    (warning,) = [w for w in own.warnings() if w.startswith("create_elasticache: ")]
    assert "external_eks_cluster_name" not in warning
