"""``bucket_s3_compatible``: W&B's instance bucket in an S3-compatible store (MinIO), both deployment shapes.

Sources: W&B BYOB docs (seeds 000 KR / 001 JP): self-managed instances may use "MinIO와 같은 S3 호환 보안
스토리지" at instance or team level; the address is
``s3://<accessKey>:<secretAccessKey>@<url_endpoint>/<bucketName>?region=<region>&tls=true`` and region is
required unless the instance's AWS_REGION matches. helm-charts charts/operator-wandb: templates/_bucket.tpl
(``BUCKET`` = ``s3://$(BUCKET_ACCESS_KEY):$(BUCKET_SECRET_KEY)@$(BUCKET_NAME)[/$(BUCKET_PATH)]`` when
``global.bucket.secret.secretName`` is set), templates/_env.tpl (the two keys come from that Secret),
templates/bucket.yaml (AWS_REGION = ``region``; no chart Secret when secretName is set),
test-configs/operator-wandb/default.yaml (MinIO: ``name: minio:9000/bucket``).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml

from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.storage.connection_strings import S3Address, parse_address
from wandb_cdktf.testing import one_resource, resources

REPO = Path(__file__).resolve().parents[1]
SECRET_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:wandb/minio-AbCdEf"
STORE = {"endpoint": "minio.example.com:9000", "bucket": "wandb-files", "region": "us-east-1",
         "credentials_secret_arn": SECRET_ARN}
# Keys with every character that is a URL delimiter in userinfo, plus a space and a comma.
HOSTILE = {"accessKey": "minio@admin:x", "secretKey": "se/cr+et%25:@ ,?#&=x"}


def _cfg(store: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    return make_config(namespace="wbminio", bucket_s3_compatible={**STORE, **(store or {})}, **overrides)


def _err(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    return info.value


def _operator(synth, data):
    return synth(data).stacks[f"{data['namespace']}-operator"]


def _chart_values(stack: dict[str, Any]) -> str:
    cr = next(r for r in resources(stack, "helm_release").values() if r["name"] == "wandb-cr")
    return cr["values"][0]


def _chart_bucket(stack: dict[str, Any], key: str = "bucket") -> str:
    """The HCL object literal of global.<key> in the WeightsAndBiases values (yamlencode argument)."""
    values = _chart_values(stack)
    start = values.index(f'"{key}" = {{') + len(f'"{key}" = ')
    depth = 0
    for i, ch in enumerate(values[start:], start):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return values[start:i + 1]
    raise AssertionError("unbalanced")


# --- configuration ---------------------------------------------------------------------------------


def test_region_defaults_to_the_deployment_region_and_is_written():
    """Docs: region may be left out only when it equals the instance's AWS_REGION; we always write it."""
    cfg = config_from_mapping(_cfg({"region": None}))
    assert cfg.bucket_s3_compatible.query(cfg.region) == "region=us-west-2&tls=true"
    cfg = config_from_mapping(_cfg())
    assert cfg.bucket_s3_compatible.query(cfg.region) == "region=us-east-1&tls=true"


@pytest.mark.parametrize("store,option,fragment", [
    ({"endpoint": "minio.example.com:65536"}, "bucket_s3_compatible.endpoint", "port must be 1-65535"),
    ({"endpoint": "minio.example.com:0"}, "bucket_s3_compatible.endpoint", "port must be 1-65535"),
    ({"endpoint": "minio.example.com:09000"}, "bucket_s3_compatible.endpoint", "port must be 1-65535"),
    ({"endpoint": "https://minio.example.com"}, "bucket_s3_compatible.endpoint", "without a scheme (use tls for https)"),
    ({"endpoint": "gw.example.com/s3//x"}, "bucket_s3_compatible.endpoint", "endpoint path"),
    ({"endpoint": "gw.example.com/s3/"}, "bucket_s3_compatible.endpoint", "no trailing '/'"),
    ({"endpoint": "gw.example.com/../s3"}, "bucket_s3_compatible.endpoint", "'..'"),
    ({"endpoint": "minio.example.com:9000?tls=true"}, "bucket_s3_compatible.endpoint", "host[:port][/path]"),
    ({"endpoint": "s3.us-west-2.amazonaws.com"}, "bucket_s3_compatible.endpoint", "bucket_name"),
    ({"endpoint": "s3-accesspoint.dualstack.us-east-1.amazonaws.com"}, "bucket_s3_compatible.endpoint", "bucket_name"),
    ({"bucket": "Wandb_Files"}, "bucket_s3_compatible.bucket", "valid S3 bucket name"),
    ({"region": "US-EAST-1"}, "bucket_s3_compatible.region", "must be a region of lowercase letters"),
    ({"credentials_secret_arn": "arn:aws:kms:us-west-2:123456789012:key/abc"}, "bucket_s3_compatible.credentials_secret_arn", "Secrets Manager"),
    ({"credentials_secret_arn": SECRET_ARN.replace("us-west-2", "eu-west-1")}, "bucket_s3_compatible.credentials_secret_arn", "replicate"),
    ({"credentials_version": 0}, "bucket_s3_compatible.credentials_version", "at least 1"),
    ({"access_key": "AKIAEXAMPLE"}, "bucket_s3_compatible", "access_key: credentials are never configured here"),
    ({"secretKey": "x"}, "bucket_s3_compatible", "secretKey: credentials are never configured here"),
    ({"tls_verify": False}, "bucket_s3_compatible.tls_verify", "unknown option"),
    ({"endpoint": None}, "bucket_s3_compatible.endpoint", ""),
])
def test_bad_store_is_one_line_naming_the_option(store, option, fragment):
    data = _cfg()
    data["bucket_s3_compatible"] = {k: v for k, v in {**STORE, **store}.items() if v is not None}
    err = _err(data)
    assert err.option == option, str(err)
    assert fragment in err.message and "\n" not in str(err)


def test_secret_in_another_region_is_refused():
    """Secrets Manager is regional: the stacks' provider (the deployment region) cannot read another
    region's secret by ARN (Secrets Manager User Guide, "Replicate an AWS Secrets Manager secret to other
    Regions")."""
    err = _err(_cfg({"credentials_secret_arn": SECRET_ARN.replace("us-west-2", "us-east-1")}))
    assert "us-east-1" in err.message and "region us-west-2" in err.message


@pytest.mark.parametrize("extra,option", [
    ({"bucket_name": "acme-wandb"}, "bucket_name"),
    ({"bucket_kms_key_arn": "arn:aws:kms:us-west-2:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
      "bucket_name": None}, "bucket_kms_key_arn"),
])
def test_conflicts_with_the_s3_bucket_options(extra, option):
    data = _cfg(**{k: v for k, v in extra.items() if v is not None})
    assert _err(data).option == option


def test_needs_the_platform():
    err = _err({"namespace": "wbminio", "create_platform": False, "bucket_s3_compatible": STORE,
                "launch": {"aws": {"region": "us-west-2", "principal_arn": "arn:aws:iam::123456789012:role/x"}}})
    assert err.option == "bucket_s3_compatible" and "create_platform: true" in err.message


def test_tls_false_is_accepted_with_a_warning():
    cfg = config_from_mapping(_cfg({"tls": False}))
    assert cfg.bucket_s3_compatible.query(cfg.region).endswith("tls=false")
    assert any(w.startswith("bucket_s3_compatible.tls:") and "unencrypted" in w for w in cfg.warnings())
    assert not any("bucket_s3_compatible" in w for w in config_from_mapping(_cfg()).warnings())


def test_cli_exit_2_one_line_for_a_bad_port(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(yaml.safe_dump(_cfg({"endpoint": "minio.example.com:99999"})))
    env = {**os.environ, "WANDB_CDKTF_CONFIG": str(cfg), "CDKTF_OUTDIR": str(tmp_path / "out")}
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("config error: bucket_s3_compatible.endpoint: endpoint port must be 1-65535")
    assert proc.stderr.strip().count("\n") == 0 and not (tmp_path / "out").exists()


# --- <namespace>-infra -------------------------------------------------------------------------------


def test_infra_builds_no_bucket_queue_or_bucket_grant(synth):
    """Static keys reach the store, not IAM: nothing S3/SQS is built or granted (MinIO sends no SQS events)."""
    infra = synth(_cfg()).stacks["wbminio-infra"]
    assert not [t for t in infra["resource"] if t.startswith(("aws_s3_bucket", "aws_sqs"))]
    for policy in resources(infra, "aws_iam_role_policy").values():
        actions = json.dumps([s["Action"] for s in json.loads(policy["policy"])["Statement"]])
        assert '"s3:' not in actions and '"sqs:' not in actions
    outputs = {k: v["value"] for k, v in infra["output"].items()}
    assert outputs["bucket_name"] == "wandb-files" and outputs["bucket_region"] == "us-east-1"
    assert outputs["bucket_queue"] == "internal://" and outputs["bucket_endpoint"] == "minio.example.com:9000"
    # The S3 path is unchanged without the option.
    plain = synth(make_config(namespace="wbminio")).stacks["wbminio-infra"]
    assert "aws_s3_bucket" in plain["resource"] and "bucket_endpoint" not in plain["output"]


# --- the credentials Secret (both shapes) ------------------------------------------------------------


@pytest.mark.parametrize("deployment,stack_suffix", [("post-operator", "operator"), ("pre-operator", "app")])
def test_credentials_secret_is_write_only_from_an_ephemeral_read(synth, deployment, stack_suffix):
    """The keys are in no JSON and no state: ephemeral Secrets Manager read -> kubernetes_secret_v1 data_wo
    (hashicorp/kubernetes 2.38 docs: data_wo is written only when data_wo_revision is set)."""
    stack = synth(_cfg(deployment=deployment)).stacks[f"wbminio-{stack_suffix}"]
    (name, eph), = stack["ephemeral"]["aws_secretsmanager_secret_version"].items()
    assert eph == {"secret_id": SECRET_ARN}
    secret = next(s for s in resources(stack, "kubernetes_secret_v1").values()
                  if s["metadata"]["name"] == "wandb-bucket-credentials")
    assert "data" not in secret and "binary_data" not in secret and secret["data_wo_revision"] == 1
    assert set(secret["data_wo"]) == {"ACCESS_KEY", "SECRET_KEY"}
    for key, field in (("ACCESS_KEY", "accessKey"), ("SECRET_KEY", "secretKey")):
        assert secret["data_wo"][key] == (
            f'${{replace(urlencode(jsondecode(ephemeral.aws_secretsmanager_secret_version.{name}.secret_string)'
            f'.{field}), "+", "%20")}}')
    # No plan-time (state-persisted) read of the store's secret anywhere.
    for ds in stack.get("data", {}).get("aws_secretsmanager_secret_version", {}).values():
        assert ds["secret_id"] != SECRET_ARN
    bumped = synth(_cfg({"credentials_version": 3}, deployment=deployment)).stacks[f"wbminio-{stack_suffix}"]
    assert next(s for s in resources(bumped, "kubernetes_secret_v1").values()
                if s["metadata"]["name"] == "wandb-bucket-credentials")["data_wo_revision"] == 3


# --- post-operator: operator-wandb global.bucket -----------------------------------------------------


def test_operator_chart_bucket_without_path(synth):
    stack = _operator(synth, _cfg())
    bucket = _chart_bucket(stack)
    assert '"name" = "minio.example.com:9000/wandb-files?region=us-east-1&tls=true"' in bucket
    assert '"path" = ""' in bucket and '"region" = "us-east-1"' in bucket and '"kmsKey" = ""' in bucket
    secret_ref = re.search(r'"secretName" = (kubernetes_secret_v1\.[^.]+)\.metadata\[0\]\.name', bucket)
    assert secret_ref, bucket
    assert stack["resource"]["kubernetes_secret_v1"][secret_ref.group(1).split(".")[1]]["metadata"]["name"] == \
        "wandb-bucket-credentials"
    assert '"accessKeyName" = "ACCESS_KEY"' in bucket and '"secretKeyName" = "SECRET_KEY"' in bucket
    assert "secret" not in _chart_bucket(stack, "defaultBucket")
    values = _chart_values(stack)
    assert '"BUCKET_QUEUE" = "internal://"' in values
    assert '"pod" = {"annotations" = {"wandb-cdktf/bucket-credentials-version" = "1"}}' in values


def test_operator_chart_bucket_with_path_puts_the_query_on_path(synth):
    """With a path the chart appends ``/$(BUCKET_PATH)``: the query must follow it (bufstream's helpers
    read it there too, templates/_bufstream.tpl)."""
    bucket = _chart_bucket(_operator(synth, _cfg({"endpoint": "gw.example.com/s3", "tls": False},
                                                 bucket_path="/team/runs/")))
    assert '"name" = "gw.example.com/s3/wandb-files"' in bucket
    assert '"path" = "team/runs?region=us-east-1&tls=false"' in bucket


def _chart_url(name: str, path: str) -> str:
    """What templates/_bucket.tpl renders for BUCKET with a bucket secret (then ``trimSuffix "/"``)."""
    url = "s3://$(BUCKET_ACCESS_KEY):$(BUCKET_SECRET_KEY)@" + name + (f"/{path}" if path else "")
    return url.rstrip("/")


# --- pre-operator: the app's env ------------------------------------------------------------------


def _app_container(synth, data):
    stack = synth(data).stacks[f"{data['namespace']}-app"]
    dep = one_resource(stack, "kubernetes_deployment_v1")
    return stack, dep, dep["spec"]["template"]["spec"]["container"][0]


def test_app_builds_bucket_from_the_secret_with_env_expansion(synth):
    """Kubernetes expands ``$(VAR)`` only from variables defined before it in the container: the two keys
    (secretKeyRef, not optional) come first, then BUCKET; the ConfigMap has no BUCKET (env would win anyway)."""
    data = _cfg(deployment="pre-operator", bucket_path="runs")
    stack, dep, container = _app_container(synth, data)
    env = container["env"]
    assert [e["name"] for e in env] == ["BUCKET_ACCESS_KEY", "BUCKET_SECRET_KEY", "BUCKET"]
    secret_key = next(k for k, s in stack["resource"]["kubernetes_secret_v1"].items()
                      if s["metadata"]["name"] == "wandb-bucket-credentials")
    for entry, key in zip(env[:2], ("ACCESS_KEY", "SECRET_KEY"), strict=True):
        ref = entry["value_from"]["secret_key_ref"]
        assert ref == {"name": f"${{kubernetes_secret_v1.{secret_key}.metadata[0].name}}", "key": key}
    assert env[2]["value"] == ("s3://$(BUCKET_ACCESS_KEY):$(BUCKET_SECRET_KEY)@minio.example.com:9000/wandb-files/runs"
                               "?region=us-east-1&tls=true")
    settings = one_resource(stack, "kubernetes_config_map_v1")["data"]
    assert "BUCKET" not in settings
    assert settings["AWS_REGION"] == "us-east-1" and settings["AWS_S3_KMS_ID"] == "" and settings["BUCKET_QUEUE"] == "internal://"
    assert dep["spec"]["template"]["metadata"]["annotations"]["wandb-cdktf/bucket-credentials-version"] == "1"


def test_app_without_the_option_keeps_bucket_in_the_config_map(synth):
    stack, _, container = _app_container(synth, make_config(namespace="wbminio", deployment="pre-operator"))
    assert "env" not in container
    assert one_resource(stack, "kubernetes_config_map_v1")["data"]["BUCKET"].startswith("s3://${")


# --- the encoding path, evaluated by Terraform -----------------------------------------------------


def _terraform_eval(tf_env, tmp_path: Path, expressions: dict[str, str], secret_json: str) -> dict[str, str]:
    """Evaluate ``expressions`` (HCL templates as synthesized, the ephemeral ref replaced by a variable)."""
    # JSON syntax, as Terraform reads cdk.tf.json: each string is a template.
    doc = {"variable": {"s": {"type": "string", "default": secret_json}}, "locals": expressions}
    (tmp_path / "main.tf.json").write_text(json.dumps(doc))
    out = {}
    for name in expressions:
        proc = subprocess.run([tf_env.terraform, "console"], input=f"jsonencode(local.{name})\n", cwd=tmp_path,
                              env=tf_env.env(), capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        out[name] = json.loads(json.loads(proc.stdout.strip()))
    return out


def _expand(template: str, env: dict[str, str]) -> str:
    """Kubernetes ``$(VAR)`` expansion of a container env value."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env[m.group(1)], template)


@pytest.mark.terraform
@pytest.mark.parametrize("deployment", ["post-operator", "pre-operator"])
def test_hostile_keys_round_trip_through_terraform_and_kubernetes(synth, tf_env, tmp_path, deployment):
    """Docs: the keys sit in URL userinfo, so ``@ / + % :`` (and spaces, commas) must be percent-encoded.
    The synthesized data_wo expressions are evaluated by Terraform itself, Kubernetes' expansion is applied,
    and the resulting BUCKET parses back to exactly the keys, endpoint, bucket, region and tls."""
    data = _cfg({"endpoint": "gw.example.com:8443/s3"}, deployment=deployment)
    stack_id = f"wbminio-{'operator' if deployment == 'post-operator' else 'app'}"
    stack = synth(data).stacks[stack_id]
    secret = next(s for s in resources(stack, "kubernetes_secret_v1").values()
                  if s["metadata"]["name"] == "wandb-bucket-credentials")
    exprs = {k.lower(): re.sub(r"ephemeral\.aws_secretsmanager_secret_version\.[A-Za-z0-9_-]+\.secret_string", "var.s", v)
             for k, v in secret["data_wo"].items()}
    encoded = _terraform_eval(tf_env, tmp_path, exprs, json.dumps(HOSTILE))
    env = {"BUCKET_ACCESS_KEY": encoded["access_key"], "BUCKET_SECRET_KEY": encoded["secret_key"]}
    for value in env.values():
        assert not set(value) & set("@/+:?#&, "), value
    if deployment == "post-operator":
        bucket = _chart_bucket(stack)
        name = re.search(r'"name" = "([^"]+)"', bucket).group(1)
        path = re.search(r'"path" = "([^"]*)"', bucket).group(1)
        template = _chart_url(name, path)
    else:
        template = one_resource(stack, "kubernetes_deployment_v1")["spec"]["template"]["spec"]["container"][0]["env"][2]["value"]
    url = _expand(template, env)
    parsed = parse_address(url)
    assert isinstance(parsed, S3Address)
    assert (parsed.access_key_id, parsed.secret_access_key) == (HOSTILE["accessKey"], HOSTILE["secretKey"])
    assert (parsed.endpoint, parsed.bucket, parsed.region, parsed.tls) == ("gw.example.com:8443/s3", "wandb-files", "us-east-1", True)
    assert unquote(encoded["secret_key"]) == HOSTILE["secretKey"]


@pytest.mark.terraform
def test_ephemeral_read_matches_the_aws_provider_schema(synth, tf_env, tmp_path):
    """``terraform validate`` with hashicorp/aws 5.100.0: the ephemeral resource type, its ``secret_id``
    argument and the ``secret_string`` attribute the data_wo expressions read all exist."""
    stack = _operator(synth, _cfg())
    secret = next(s for s in resources(stack, "kubernetes_secret_v1").values()
                  if s["metadata"]["name"] == "wandb-bucket-credentials")
    doc = {
        "terraform": {"required_providers": {"aws": stack["terraform"]["required_providers"]["aws"]}},
        "provider": {"aws": [{"region": "us-west-2"}]},
        "ephemeral": copy.deepcopy(stack["ephemeral"]),
        "locals": {k.lower(): v for k, v in secret["data_wo"].items()},
    }
    d = tmp_path / "eph"
    d.mkdir()
    (d / "main.tf.json").write_text(json.dumps(doc))
    result = tf_env.validate(d)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.terraform
def test_secret_without_a_key_fails_the_apply_instead_of_writing_an_empty_key(synth, tf_env, tmp_path):
    """A secret lacking ``secretKey`` must stop Terraform (jsondecode attribute access errors), not produce an
    empty key that W&B would only reject at run time."""
    stack = _operator(synth, _cfg())
    secret = next(s for s in resources(stack, "kubernetes_secret_v1").values()
                  if s["metadata"]["name"] == "wandb-bucket-credentials")
    expr = re.sub(r"ephemeral\.[A-Za-z0-9_.-]+\.secret_string", "var.s", secret["data_wo"]["SECRET_KEY"])
    doc = {"variable": {"s": {"type": "string", "default": json.dumps({"accessKey": "a"})}}, "locals": {"k": expr}}
    (tmp_path / "main.tf.json").write_text(json.dumps(doc))
    proc = subprocess.run([tf_env.terraform, "console"], input="local.k\n", cwd=tmp_path, env=tf_env.env(),
                          capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr  # console reports evaluation errors but may still exit 0
    assert 'does not have an attribute named "secretKey"' in out, out


@pytest.mark.parametrize("deployment,stack_suffix", [("post-operator", "operator"), ("pre-operator", "app")])
def test_credentials_secret_follows_k8s_namespace(synth, deployment, stack_suffix):
    """The pods read the Secret from their own namespace; a namespace created here must exist first."""
    stack = synth(_cfg(deployment=deployment, k8s_namespace="wandb-apps")).stacks[f"wbminio-{stack_suffix}"]
    secret = next(s for s in resources(stack, "kubernetes_secret_v1").values()
                  if s["metadata"]["name"] == "wandb-bucket-credentials")
    (ns_key, ns), = resources(stack, "kubernetes_namespace_v1").items()
    assert ns["metadata"]["name"] == "wandb-apps"
    assert secret["metadata"]["namespace"] == f"${{kubernetes_namespace_v1.{ns_key}.metadata[0].name}}"
