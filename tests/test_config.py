"""Configuration loading and validation: good files load, bad ones fail with one clean line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _support import BASE_CONFIG, make_config
from wandb_cdktf.config import ConfigError, config_from_mapping, load_config

REPO = Path(__file__).resolve().parents[1]


def test_embedded_example_loads(monkeypatch):
    monkeypatch.delenv("WANDB_CDKTF_CONFIG", raising=False)
    cfg = load_config(None)
    assert cfg.namespace == "wandb"
    assert cfg.deployment == "post-operator"
    assert cfg.url == "https://wandb.example.com"


def test_defaults_match_terraform_aws_wandb_v8():
    cfg = config_from_mapping(make_config())
    assert cfg.size == "small"
    assert cfg.deletion_protection is True
    assert cfg.network_cidr == "10.10.0.0/16"
    assert cfg.network_private_subnet_cidrs == ["10.10.10.0/24", "10.10.11.0/24"]
    assert cfg.kms_key_deletion_window == 7
    assert cfg.database_name == "wandb_local"
    assert cfg.database_master_username == "wandb"
    assert cfg.create_elasticache is True
    assert cfg.system_reserved_pid == 500
    assert cfg.size_preset.database_instance_class == "db.r6g.large"


@pytest.mark.parametrize("size,db,node,cache,disk", [
    ("small", "db.r6g.large", "r6i.2xlarge", "cache.m6g.large", 100),
    ("medium", "db.r6g.xlarge", "r6i.4xlarge", "cache.m6g.large", 100),
    ("large", "db.r6g.2xlarge", "r6i.4xlarge", "cache.m6g.xlarge", 256),
    ("xlarge", "db.r6g.4xlarge", "r6i.4xlarge", "cache.m6g.xlarge", 256),
    ("xxlarge", "db.r6g.8xlarge", "r6i.4xlarge", "cache.m6g.2xlarge", 256),
])
def test_size_presets(size, db, node, cache, disk):
    p = config_from_mapping(make_config(size=size)).size_preset
    assert (p.database_instance_class, p.node_instance_type, p.elasticache_node_type, p.node_disk_size_gb) == (db, node, cache, disk)
    assert (p.min_nodes_per_az, p.max_nodes_per_az) == (1, 4)


def test_yaml_json_and_tfvars_give_the_same_config(tmp_path):
    data = make_config(size="large", kubernetes_map_roles=[
        {"rolearn": "arn:aws:iam::123456789012:role/admin", "username": "admin", "groups": ["system:masters"]}])
    (tmp_path / "c.json").write_text(json.dumps(data))
    import yaml

    (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
    tfvars = "\n".join(f"{k} = {json.dumps(v)}" for k, v in data.items() if not isinstance(v, list) or k != "kubernetes_map_roles")
    tfvars += '\nkubernetes_map_roles = [{ rolearn = "arn:aws:iam::123456789012:role/admin", username = "admin", groups = ["system:masters"] }]\n'
    (tmp_path / "terraform.tfvars").write_text(tfvars)
    configs = [load_config(tmp_path / n) for n in ("c.json", "c.yaml", "terraform.tfvars")]
    assert configs[0] == configs[1] == configs[2]
    assert configs[2].kubernetes_map_roles[0].groups == ["system:masters"]


def test_tfvars_null_means_default(tmp_path):
    body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in BASE_CONFIG.items()) + "\ndatabase_instance_class = null\n"
    (tmp_path / "terraform.tfvars").write_text(body)
    assert load_config(tmp_path / "terraform.tfvars").database_instance_class is None


def _err(data: dict) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    return info.value


BAD_INPUTS = [
    # (overrides, option named in the error, fragment of the message)
    ({"namespace": "Wandb"}, "namespace", "lowercase"),
    ({"namespace": "ab"}, "namespace", "3-20"),
    ({"namespace": "a" * 21}, "namespace", "3-20"),
    ({"namespace": "wandb-"}, "namespace", "hyphen"),
    ({"namespace": "wa--ndb"}, "namespace", "single hyphens"),
    ({"namespace": "1wandb"}, "namespace", "start with"),
    ({"size": "huge"}, "size", "small"),
    ({"eks_cluster_version": "1.3"}, "eks_cluster_version", "1.35"),
    ({"eks_cluster_version": "v1.29"}, "eks_cluster_version", "1.35"),
    ({"allowed_inbound_cidr": ["10.0.0.1/24"]}, "allowed_inbound_cidr.0", "host bits"),
    ({"allowed_inbound_cidr": ["not-a-cidr"]}, "allowed_inbound_cidr.0", "CIDR"),
    ({"allowed_inbound_ipv6_cidr": ["10.0.0.0/8"]}, "allowed_inbound_ipv6_cidr.0", "IPv6"),
    ({"network_private_subnet_cidrs": ["10.20.0.0/24", "10.20.1.0/24"]}, "network_private_subnet_cidrs", "not inside"),
    ({"network_database_subnet_cidrs": ["10.10.10.0/25", "10.10.21.0/24"]}, "network_database_subnet_cidrs", "overlaps"),
    ({"network_elasticache_subnet_cidrs": ["10.10.30.0/24"]}, "network_elasticache_subnet_cidrs", "2 to 6"),
    ({"zone_id": "example.com"}, "zone_id", "hosted zone"),
    ({"subdomain": "wandb.example.com"}, "subdomain", "before domain_name"),
    ({"domain_name": "exa mple.com"}, "domain_name", "DNS name"),
    ({"kms_key_arn": "arn:aws:s3:::bucket"}, "kms_key_arn", "kms"),
    ({"acm_certificate_arn": "certificate/123"}, "acm_certificate_arn", "ARN"),
    ({"kms_key_arn": "arn:aws:kms:us-west-2:123456789012:key/abc", "kms_key_alias": "x"}, "kms_key_alias", "kms_key_arn"),
    # v8 prepends alias/ (modules/kms "alias/${key_alias}"): "alias/x" would silently become alias/alias/x
    ({"kms_key_alias": "alias/x"}, "kms_key_alias", "without 'alias/'"),
    ({"kms_key_deletion_window": 3}, "kms_key_deletion_window", "7 and 30"),
    ({"create_vpc": False}, "network_id", "required"),
    ({"network_id": "vpc-0123456789abcdef0"}, "network_id", "create_vpc: false"),
    ({"kubernetes_public_access_cidrs": ["0.0.0.0/0"]}, "kubernetes_public_access_cidrs", "kubernetes_public_access"),
    ({"kubernetes_public_access": True}, "kubernetes_public_access_cidrs", "CIDRs"),
    ({"kubernetes_min_nodes_per_az": 5}, "kubernetes_min_nodes_per_az", "must not exceed"),
    ({"bucket_kms_key_arn": "arn:aws:kms:us-west-2:123456789012:key/abc"}, "bucket_kms_key_arn", "bucket_name"),
    ({"deployment": "operator"}, "deployment", "pre-operator"),
    ({"deployment": "pre-operator", "external_dns": True}, "external_dns", "post-operator"),
    ({"region": "mars-1"}, "region", "AWS region"),
    ({"deletion_protection": "maybe"}, "deletion_protection", "true or false"),
    ({"unknown_optoin": 1}, "unknown_optoin", "unknown option"),
    ({"namespaec": "x"}, "namespaec", "did you mean 'namespace'"),
    ({"license": "secret-license"}, "license", "TF_VAR_wandb_license"),
    ({"other_wandb_env": {"LICENSE": "x"}}, "other_wandb_env", "TF_VAR_wandb_license"),
    ({"remote_state": {"bucket": "my-state", "use_lockfile": False}}, "remote_state", "lock"),
    ({"kms_key_policy": "{not json"}, "kms_key_policy", "JSON"),
    ({"allowed_inbound_cidr": [f"10.0.{i}.0/24" for i in range(31)]}, "allowed_inbound_cidr", "at most 30"),
    ({"extra_fqdn": [f"n{i}.example.com" for i in range(10)]}, "extra_fqdn", "at most 9"),
    # Route53 ChangeResourceRecordSets: "RRSet with DNS name ... is not permitted in zone ..."
    ({"extra_fqdn": ["wandb.example.org"]}, "extra_fqdn", "not in domain_name example.com"),
]


@pytest.mark.parametrize("overrides,option,fragment", BAD_INPUTS, ids=[b[1] + ":" + b[2] for b in BAD_INPUTS])
def test_bad_values_name_the_option(overrides, option, fragment):
    err = _err(make_config(**overrides))
    assert err.option == option, str(err)
    assert fragment.lower() in str(err).lower(), str(err)
    assert "\n" not in str(err)
    assert str(err).startswith(f"config error: {option}: ")


def test_missing_required_option():
    data = make_config()
    del data["eks_cluster_version"]
    err = _err(data)
    assert err.option == "eks_cluster_version" and "required" in err.message


def test_platform_fields_not_required_without_platform():
    # BYOB/Launch-only users (SaaS, Dedicated Cloud) have no domain or cluster; they must still say what to build.
    err = _err({"namespace": "wandb", "create_platform": False})
    assert err.option == "create_platform"


def test_tfvars_unsupported_variables_are_named(tmp_path):
    body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in BASE_CONFIG.items())
    body += '\nenable_clickhouse = true\nkubernetes_map_accounts = ["123456789012"]\n'
    (tmp_path / "terraform.tfvars").write_text(body)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "terraform.tfvars")
    assert "enable_clickhouse" in str(info.value) and "kubernetes_map_accounts" in str(info.value)


@pytest.mark.parametrize("name,content,fragment", [
    ("c.yaml", "namespace: [unclosed", "not valid YAML"),
    ("c.json", "{\"namespace\": ", "not valid JSON"),
    ("terraform.tfvars", "namespace = = 1", "not valid HCL"),
    ("c.yaml", "", "empty"),
    ("c.yaml", "- a\n- b\n", "mapping"),
    ("c.toml", "namespace = 'x'", "unsupported file type"),
    ("terraform.tfvars", 'namespace = var.ns\n', "literal"),
])
def test_bad_files(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert info.value.option == "WANDB_CDKTF_CONFIG" and "not found" in str(info.value)


def test_cli_bad_config_exits_2_with_one_line_and_writes_nothing(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("namespace: BAD\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "marker").write_text("previous synth")
    env = {**os.environ, "WANDB_CDKTF_CONFIG": str(cfg), "CDKTF_OUTDIR": str(out)}
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert proc.stderr.startswith("config error: namespace:")
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["marker"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "out"]


def test_every_option_documents_its_default():
    from wandb_cdktf.config import WandbConfig

    for name, field in WandbConfig.model_fields.items():
        text = field.description or ""
        assert "Default" in text or "Required" in text, f"{name}: description must state its default"


def test_options_doc_is_current():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_options_doc.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_launch_aws_without_platform_needs_a_trust():
    err = _err({"namespace": "wandb", "create_platform": False, "launch": {"aws": {"region": "us-west-2"}}})
    assert err.option == "launch.aws" and "principal_arn" in err.message


def test_team_file_stores_need_the_platform():
    err = _err({"namespace": "wandb", "create_platform": False, "byob": {
        "deployment_type": "self-managed",
        "file_stores": [{"type": "s3", "bucket": "team-bucket", "region": "us-west-2",
                         "access_key_id_env": "K", "secret_access_key_env": "S"}]}})
    # The specific rule (file_stores are GORILLA_SUPPORTED_FILE_STORES of the platform built here) wins over the
    # generic "nothing to build" check, which would also apply (no byob cloud, no launch).
    assert err.option == "byob.file_stores"
    assert "need create_platform: true" in err.message and "python -m wandb_cdktf.storage" in err.message


@pytest.mark.parametrize(("extra", "option"), [
    ({"bucket_s3_compatible": {"endpoint": "minio.example.com:9000", "bucket": "wandb", "region": "us-east-1",
                               "credentials_secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:minio-AbCdEf"}},
     "bucket_s3_compatible"),
    ({"cloudtrail": {}}, "cloudtrail"),
    ({}, "create_platform"),
])
def test_without_the_platform_a_misplaced_option_is_named_before_nothing_to_build(extra, option):
    """With create_platform: false and nothing else to build, the option that needs the platform is reported,
    not the generic "nothing to build"."""
    assert _err({"namespace": "wandb", "create_platform": False, **extra}).option == option
