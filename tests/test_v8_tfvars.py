"""A terraform-aws-wandb v8 ``terraform.tfvars`` loads as is, with v8's meaning (issue 13 §1).

Fixtures in tests/fixtures/v8_tfvars/ are written the way v8.0.0's examples (standard,
public-dns-external, public-dns-with-route53, private-access-only, byo-vpc, byo-vpc-eks) and the
W&B docs' minimal tfvars set the root module's variables. v8's byo-vpc-sql / byo-vpc-eks-sql-redis /
byob / byob-sse-s3 examples compose submodules (or the secure_storage_connector) instead of the root
module, so they have no root-module tfvars to load.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from _support import BASE_CONFIG, make_config
from wandb_cdktf.config import ConfigError, WandbConfig, config_from_mapping, load_config
from wandb_cdktf.config.v8 import V8_VARIABLES

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "v8_tfvars"
LICENSE = "v8-fixture-license-4a7c1e"


def _load(name: str) -> WandbConfig:
    return load_config(FIXTURES / name)


def _err(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "\n" not in str(info.value)
    return info.value


def test_every_fixture_loads():
    names = sorted(p.name for p in FIXTURES.glob("*.tfvars"))
    assert len(names) == 8
    for name in names:
        assert isinstance(_load(name), WandbConfig), name


def test_standard_example_keeps_v8_meaning():
    """v8 examples/standard: "" bucket inputs mean "create the bucket" (v8 main.tf `var.bucket_name != ""`)."""
    c = _load("standard.tfvars")
    assert c.bucket_name is None and c.bucket_kms_key_arn is None
    assert (c.size, c.deletion_protection, c.kubernetes_public_access) == ("medium", False, True)
    assert c.database_engine_version == "8.0.mysql_aurora.3.05.2"
    assert c.kms_alias_name == "alias/wandb-std-kms-alias"


def test_public_dns_external_disables_every_system_reservation(synth):
    """v8 examples/public-dns-external sets system_reserved_* = -1; v8 modules/app_eks/main.tf then passes no
    NodeConfig at all (`system_reserved_nodeconfig = []`), so our launch template carries no user data."""
    c = _load("public-dns-external.tfvars")
    assert c.system_reserved_pid == -1 and c.use_internal_queue and c.external_dns
    data = json.loads(c.model_dump_json(exclude_defaults=True))
    lt = next(iter(synth(data).stack("wandb-ext-infra")["resource"]["aws_launch_template"].values()))
    assert "user_data" not in lt


def test_one_disabled_reservation_is_left_out(synth):
    """v8 modules/app_eks/main.tf: each entry is included only when `>= 0`."""
    lt = next(iter(synth(make_config(system_reserved_cpu_millicores=-1)).stack("wbtest-infra")["resource"]["aws_launch_template"].values()))
    doc = base64.b64decode(lt["user_data"]).decode()
    assert "cpu:" not in doc and "memory: 100Mi" in doc and 'pid: "500"' in doc


def test_kms_key_alias_gets_v8_alias_prefix(synth):
    """v8 modules/kms/main.tf: `name = "alias/${var.key_alias}"`; AWS reserves alias/aws/."""
    alias = synth(make_config(kms_key_alias="my-key")).stack("wbtest-infra")["resource"]["aws_kms_alias"]
    assert [a["name"] for a in alias.values()] == ["alias/my-key"]
    with pytest.raises(ConfigError, match="kms_key_alias: must not start with 'aws/'"):
        config_from_mapping(make_config(kms_key_alias="aws/x"))


def test_all_v8_defaults_spelled_out_mean_the_defaults():
    """Every v8 variable at its v8 default is the same deployment as leaving them all out ("" = unset,
    inert values of unsupported variables dropped); only enable_s3_https_only's default differs (v8 false), and the
    operator chart/controller pins (v8 1.4.2/1.20.0; ours 1.4.8/1.21.3, issue 27: a spelled-out v8 pin is kept)."""
    spelled = _load("all-v8-defaults.tfvars")
    required = {k: v for k, v in spelled.model_dump().items() if k in
                ("namespace", "zone_id", "domain_name", "allowed_inbound_cidr", "allowed_inbound_ipv6_cidr", "eks_cluster_version")}
    assert spelled == config_from_mapping({**required, "enable_s3_https_only": False,
                                           "operator_chart_version": "1.4.2", "controller_image_tag": "1.20.0"})


def test_v8_defaults_that_ask_for_more_are_refused_with_the_way_out(tmp_path):
    """v8's keep_flow_log_bucket defaults to true (keeps a bucket we never create without enable_flow_log);
    silently dropping it would hide that. enable_yace = true, v8's default, is honoured (YACE is deployed)."""
    body = (FIXTURES / "all-v8-defaults.tfvars").read_text() + "enable_yace = true\nkeep_flow_log_bucket = true\n"
    (tmp_path / "terraform.tfvars").write_text(body)
    err = _err(tmp_path / "terraform.tfvars")
    assert err.option == "keep_flow_log_bucket"
    assert "enable_flow_log" in str(err) and "also unsupported" not in str(err)


def test_v8_yace_variables_keep_their_meaning(tmp_path):
    """v8 variables.tf: enable_yace (default true) deploys YACE; yace_sa_name (default wandb-yace) names its
    service account, which the YACE IRSA role trusts (v8 modules/iam_role)."""
    assert _load("all-v8-defaults.tfvars").enable_yace is True
    body = (FIXTURES / "all-v8-defaults.tfvars").read_text().replace('"wandb-yace"', '"metrics"')
    (tmp_path / "terraform.tfvars").write_text(body + "enable_yace = false\n")
    cfg = load_config(tmp_path / "terraform.tfvars")
    assert (cfg.enable_yace, cfg.yace_sa_name) == (False, "metrics")


@pytest.mark.parametrize("var", [v for v in V8_VARIABLES if v.fate == "unsupported"], ids=lambda v: v.name)
def test_each_unsupported_v8_variable_says_what_to_do(tmp_path, var):
    body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in BASE_CONFIG.items() if k != "region")
    (tmp_path / "terraform.tfvars").write_text(body + f'\n{var.name} = "not-a-default"\n')
    err = _err(tmp_path / "terraform.tfvars")
    assert err.option == var.name
    assert var.note in str(err) and "docs/options.md" in str(err)


def test_table_matches_the_model():
    """One source of truth: supported/different names are model fields; the others are not."""
    names = [v.name for v in V8_VARIABLES]
    assert len(names) == len(set(names)) == 104  # terraform-aws-wandb v8.0.0 variables.tf
    fields = set(WandbConfig.model_fields)
    for var in V8_VARIABLES:
        assert (var.name in fields) == (var.fate in {"supported", "different"}), var.name
        assert (var.fate in {"different", "unsupported"}) == bool(var.note), var.name


def test_options_doc_states_every_v8_variable():
    text = (REPO / "docs" / "options.md").read_text()
    for var in V8_VARIABLES:
        assert f"| `{var.name}` | " in text.split("## terraform-aws-wandb")[1], var.name


def test_private_access_only_without_database_subnets_is_named(tmp_path):
    """v8 examples/private-access-only passes no database subnets with create_vpc = false; RDS needs a subnet
    group in at least two AZs (CreateDBSubnetGroup), so that shape fails here with the option named."""
    body = "\n".join(line for line in (FIXTURES / "private-access-only.tfvars").read_text().splitlines()
                     if not line.startswith(("network_database_subnets", "network_elasticache_subnets")))
    (tmp_path / "terraform.tfvars").write_text(body + "\n")
    assert _err(tmp_path / "terraform.tfvars").option == "network_database_subnets"


@pytest.mark.parametrize("body,option", [
    ('license = ""\n', "license"),
    ("license = 42\n", "license"),
    # W&B's example roots name it wandb_license (issue 24): the same variable, the same checks.
    ('wandb_license = ""\n', "wandb_license"),
    ('wandb_license = "x"\nlicense = "y"\n', "wandb_license"),
])
def test_bad_license_entries(tmp_path, body, option):
    base = "\n".join(f"{k} = {json.dumps(v)}" for k, v in BASE_CONFIG.items())
    (tmp_path / "terraform.tfvars").write_text(base + "\n" + body)
    err = _err(tmp_path / "terraform.tfvars")
    assert err.option == option and "42" not in str(err)


def test_license_in_yaml_stays_refused(tmp_path):
    """YAML/JSON configs are this project's own files, usually committed: one way to pass the license."""
    import yaml

    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**BASE_CONFIG, "license": LICENSE}))
    err = _err(tmp_path / "c.yaml")
    assert err.option == "license" and "TF_VAR_wandb_license" in str(err) and LICENSE not in str(err)


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TF_VAR_wandb_license", "WANDB_CDKTF_CONFIG", "CDKTF_OUTDIR"}}
    env["PYTHONPATH"] = str(REPO / "src")
    env.update(extra)
    return env


@pytest.mark.slow
def test_tfvars_license_is_never_synthesized_and_the_user_is_told_how_to_pass_it(tmp_path):
    out = tmp_path / "out"
    fixture = FIXTURES / "standard.tfvars"
    proc = _run([], _env(WANDB_CDKTF_CONFIG=str(fixture), CDKTF_OUTDIR=str(out)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f'export TF_VAR_wandb_license="$(wandb-cdktf license {fixture})"' in proc.stderr
    variants = {LICENSE, quote(LICENSE, safe=""), base64.b64encode(LICENSE.encode()).decode().rstrip("=")}
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name == "cdk.tf.json" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not any(v in text for v in variants), path
    assert LICENSE not in proc.stdout + proc.stderr
    # The operator stack still declares the sensitive variable the exported value feeds.
    doc = json.loads((out / "stacks" / "wandb-std-operator" / "cdk.tf.json").read_text())
    assert doc["variable"]["wandb_license"]["sensitive"] is True


@pytest.mark.slow  # fresh interpreter(s)
def test_license_command_prints_only_the_value(tmp_path):
    ok = _run(["license", str(FIXTURES / "standard.tfvars")], _env(), tmp_path)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, LICENSE + "\n", "")
    (tmp_path / "none.tfvars").write_text('namespace = "abc"\n')
    (tmp_path / "c.yaml").write_text("namespace: abc\n")
    for args in (["license", str(tmp_path / "none.tfvars")], ["license", str(tmp_path / "c.yaml")], ["license"],
                 ["license", str(tmp_path / "missing.tfvars")]):
        bad = _run(args, _env(), tmp_path)
        assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1, (args, bad.stderr)
