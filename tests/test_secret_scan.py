"""Secret scan: no license, password, access key or private key ever reaches ``cdktf.out``.

Every configuration the security gate covers (platform shapes + ``examples/*.yaml``)
is synthesized through the real command line (``wandb_cdktf.cli.main``) in a
subprocess whose environment is full of sentinel credentials: the license in
``TF_VAR_wandb_license``, AWS keys (env and a shared-credentials file), database and
Redis passwords, a GCP service-account private key, an Azure client secret and a
kubeconfig client key. Every file written is then searched for each sentinel (raw,
URL-encoded and base64) and for secret-looking literals (AWS key ids, PEM private
keys, ``"password": "<literal>"``). The loader must also refuse a license in the
configuration without echoing it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from _security_support import FILE_STORES_CONFIG, REPO, scan_configs
from wandb_cdktf.config import ConfigError, config_from_mapping, load_config

pytestmark = [pytest.mark.slow, pytest.mark.long]  # one fixture synthesizes and scans every configuration

SENTINELS = {
    "license": "wbsentinel-LICENSE-5f0c2e9a1b7d",
    "aws_access_key_id": "AKIAZZSENTINEL7Q2X9W",
    "aws_secret_access_key": "wbsentinelAWSSECRET+/0q9w8e7r6t5y4u3i2o1pZZ",
    "aws_session_token": "wbsentinel-SESSION-TOKEN-8d7c6b5a",
    "database_password": "wbsentinel-DBPASS-3e4r5t",
    "redis_password": "wbsentinel-REDISPASS-6y7u8i",
    "azure_client_secret": "wbsentinel-AZSECRET-1q2w3e",
    "store_access_key": "AKIAZZSENTINELSTORE1",
    "store_secret_key": "wbsentinel-STORESECRET-9o8i7u",
}
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\nMIIwbsentinelPRIVATEKEYbody0123456789abcdefABCDEF\n-----END PRIVATE KEY-----\n"
)
SENTINELS["private_key_body"] = "MIIwbsentinelPRIVATEKEYbody0123456789abcdefABCDEF"

# Secret-looking literals, whatever their origin.
SECRET_PATTERNS = {
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "PEM private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "literal password/secret value": re.compile(
        r'"[A-Za-z0-9_.-]*(?:password|passwd|secret_key|secret_access_key|client_secret|private_key|auth_token|license)"'
        r'\s*:\s*"(?!\$\{)([^"]+)"',
        re.IGNORECASE,
    ),
}

# FILE_STORES_CONFIG (tests/_security_support.py): team-level file stores whose credentials come from the environment.
_DRIVER = r"""
import json, os, sys
from wandb_cdktf.cli import main
results = {}
for label, cfg, out in json.loads(sys.argv[1]):
    os.environ["WANDB_CDKTF_CONFIG"] = cfg
    os.environ["CDKTF_OUTDIR"] = out
    results[label] = main([])
print("RESULTS " + json.dumps(results))
"""


def _variants(value: str) -> set[str]:
    return {value, quote(value, safe=""), base64.b64encode(value.encode()).decode().rstrip("=")}


def _sentinel_env(tmp: Path) -> dict[str, str]:
    creds = tmp / "aws-credentials"
    creds.write_text(
        f"[default]\naws_access_key_id = {SENTINELS['aws_access_key_id']}\n"
        f"aws_secret_access_key = {SENTINELS['aws_secret_access_key']}\n"
    )
    kubeconfig = tmp / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"client-key-data": base64.b64encode(PRIVATE_KEY.encode()).decode(),
                                          "password": SENTINELS["database_password"]}}],
    }))
    google = json.dumps({"type": "service_account", "private_key": PRIVATE_KEY,
                         "client_email": "x@p.iam.gserviceaccount.com"})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_CDKTF_", "CDKTF_OUTDIR"))}
    env.update(
        TF_VAR_wandb_license=SENTINELS["license"], WANDB_LICENSE=SENTINELS["license"], LICENSE=SENTINELS["license"],
        AWS_ACCESS_KEY_ID=SENTINELS["aws_access_key_id"], AWS_SECRET_ACCESS_KEY=SENTINELS["aws_secret_access_key"],
        AWS_SESSION_TOKEN=SENTINELS["aws_session_token"], AWS_SHARED_CREDENTIALS_FILE=str(creds),
        TF_VAR_database_password=SENTINELS["database_password"], MYSQL_PASSWORD=SENTINELS["database_password"],
        DB_PASSWORD=SENTINELS["database_password"], REDIS_PASSWORD=SENTINELS["redis_password"],
        GOOGLE_CREDENTIALS=google, ARM_CLIENT_SECRET=SENTINELS["azure_client_secret"],
        ARM_CLIENT_CERTIFICATE_PASSWORD=SENTINELS["azure_client_secret"], KUBECONFIG=str(kubeconfig),
        WBTEST_STORE_KEY=SENTINELS["store_access_key"], WBTEST_STORE_SECRET=SENTINELS["store_secret_key"],
    )
    return env


@pytest.fixture(scope="module")
def synthesized_with_sentinels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """label -> output dir, all synthesized by the CLI in one subprocess with sentinel credentials around it."""
    tmp = tmp_path_factory.mktemp("secret-scan")
    configs = dict(scan_configs())
    configs["file-stores"] = FILE_STORES_CONFIG
    jobs = []
    for i, (label, data) in enumerate(configs.items()):
        cfg = tmp / f"config-{i}.yaml"
        cfg.write_text(yaml.safe_dump(data))
        jobs.append((label, str(cfg), str(tmp / f"out-{i}")))
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps(jobs)], cwd=tmp, env=_sentinel_env(tmp),
        capture_output=True, text=True, timeout=1200,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    assert proc.returncode == 0 and line, f"synthesis driver failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    codes = json.loads(line[len("RESULTS "):])
    failed = {label: rc for label, rc in codes.items() if rc != 0}
    assert not failed, f"synthesis failed for {failed}:\n{proc.stderr[-3000:]}"
    return {label: Path(out) for label, _, out in jobs}


def _leaks(outdir: Path) -> list[str]:
    files = [p for p in outdir.rglob("*") if p.is_file()]
    assert any(p.name == "cdk.tf.json" for p in files), f"no stack JSON under {outdir}"
    found = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = path.read_bytes().decode("latin-1")
        rel = path.relative_to(outdir)
        for name, value in SENTINELS.items():
            for variant in _variants(value):
                if variant in text:
                    found.append(f"{rel}: sentinel {name} ({'raw' if variant == value else 'encoded'})")
        for what, pattern in SECRET_PATTERNS.items():
            for m in pattern.finditer(text):
                found.append(f"{rel}: {what}: {m.group(0)[:80]}")
    return sorted(set(found))


@pytest.mark.parametrize("label", list(scan_configs()) + ["file-stores"])
def test_no_secret_in_output(label: str, synthesized_with_sentinels: dict[str, Path]) -> None:
    leaks = _leaks(synthesized_with_sentinels[label])
    assert not leaks, f"{label}: secrets in cdktf.out:\n  " + "\n  ".join(leaks)


def test_scanner_detects_planted_secrets(tmp_path: Path) -> None:
    """The scan is not vacuous: a sentinel, an encoded sentinel and a literal password are all reported."""
    stack = tmp_path / "stacks" / "s"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({
        "a": SENTINELS["license"], "b": quote(SENTINELS["aws_secret_access_key"], safe=""),
        "c": {"master_password": "hunter2"}, "d": {"password": "${var.x}"},
    }))
    leaks = _leaks(tmp_path)
    assert any("sentinel license" in x for x in leaks)
    assert any("sentinel aws_secret_access_key (encoded)" in x for x in leaks)
    assert any("literal password" in x and "hunter2" in x for x in leaks)
    assert not any("${var.x}" in x for x in leaks)


# --- the loader refuses a license in the configuration ---------------------------------------

_PLATFORM = {
    "namespace": "wbsec", "domain_name": "example.com", "zone_id": "Z0123456789EXAMPLE00",
    "allowed_inbound_cidr": [], "allowed_inbound_ipv6_cidr": [], "eks_cluster_version": "1.32",
}


@pytest.mark.parametrize("key", ["license", "wandb_license"])
def test_loader_rejects_license_in_mapping(key: str) -> None:
    with pytest.raises(ConfigError) as err:
        config_from_mapping({**_PLATFORM, key: SENTINELS["license"]})
    assert err.value.option == key
    assert "TF_VAR_wandb_license" in str(err.value)
    assert SENTINELS["license"] not in str(err.value), "the error message must not echo the license"


@pytest.mark.parametrize("env_key", ["LICENSE", "WANDB_LICENSE", "license"])
def test_loader_rejects_license_in_wandb_env(env_key: str) -> None:
    with pytest.raises(ConfigError) as err:
        config_from_mapping({**_PLATFORM, "other_wandb_env": {env_key: SENTINELS["license"]}})
    assert err.value.option.startswith("other_wandb_env")
    assert SENTINELS["license"] not in str(err.value)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_loader_rejects_license_in_files(tmp_path: Path, suffix: str) -> None:
    data = {**_PLATFORM, "wandb_license": SENTINELS["license"]}
    path = tmp_path / f"config{suffix}"
    if suffix == ".yaml":
        path.write_text(yaml.safe_dump(data))
    else:
        path.write_text(json.dumps(data))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.option == "wandb_license"
    assert SENTINELS["license"] not in str(err.value)


def test_wandb_license_in_a_tfvars_is_dropped_like_license(tmp_path: Path) -> None:
    """A terraform-aws-wandb tfvars names it `wandb_license` in W&B's example roots (issue 24): accepted, and the
    value never reaches the configuration (so never the synthesized JSON)."""
    data = {**_PLATFORM, "wandb_license": SENTINELS["license"]}
    path = tmp_path / "terraform.tfvars"
    path.write_text("\n".join(f"{k} = {json.dumps(v)}" for k, v in data.items()) + "\n")
    assert SENTINELS["license"] not in load_config(path).model_dump_json()


def test_cli_rejects_license_without_echo(tmp_path: Path) -> None:
    """Through main.py: exit 2, one stderr line, license not echoed, output directory untouched."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({**_PLATFORM, "license": SENTINELS["license"]}))
    out = tmp_path / "cdktf.out"
    out.mkdir()
    (out / "marker").write_text("keep")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_CDKTF_")}
    env.update(WANDB_CDKTF_CONFIG=str(cfg), CDKTF_OUTDIR=str(out))
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "license" in proc.stderr
    assert SENTINELS["license"] not in proc.stdout + proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["marker"]


def test_loader_rejects_bucket_keys_without_echoing_them() -> None:
    """bucket_s3_compatible takes a Secrets Manager ARN; keys in the configuration are refused by name."""
    store = {"endpoint": "minio.example.com:9000", "bucket": "wandb-files",
             "credentials_secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:m-AbCdEf",
             "secret_key": SENTINELS["store_secret_key"]}
    with pytest.raises(ConfigError) as err:
        config_from_mapping({**_PLATFORM, "bucket_s3_compatible": store})
    assert err.value.option == "bucket_s3_compatible" and "credentials_secret_arn" in str(err.value)
    assert SENTINELS["store_secret_key"] not in str(err.value)
