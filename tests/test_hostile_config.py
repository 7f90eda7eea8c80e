"""Hostile inputs: any configuration either loads (and then synthesizes) or fails with the clean error.

"Clean" means a :class:`ConfigError` whose text is one printable line starting with
``config error: ``; on the command line exit code 2, exactly one stderr line, no
traceback, and ``cdktf.out`` left exactly as it was. Hypothesis generates random
values and types for every option, random mutations of the shipped examples,
random file contents, overlapping CIDRs, huge lists and names at and past each
length limit. Loading is cheap, so most examples stop there; only a few accepted
configurations are synthesized (jsii synthesis takes seconds).
"""

from __future__ import annotations

import contextlib
import copy
import io
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from _security_support import REPO, example_files
from _support import environ
from wandb_cdktf import cli
from wandb_cdktf.config import ConfigError, WandbConfig, config_from_mapping, load_config

BASE: dict[str, Any] = {
    "namespace": "wbhost",
    "domain_name": "example.com",
    "zone_id": "Z0123456789EXAMPLE00",
    "allowed_inbound_cidr": ["0.0.0.0/0"],
    "allowed_inbound_ipv6_cidr": [],
    "eks_cluster_version": "1.32",
}
FIELDS = sorted(WandbConfig.model_fields)
MAX_ERROR = 1200

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)

_odd_strings = st.sampled_from([
    "", " ", "\t", "\n", "\x00", "\u2028", "\ud800", "\ufeff", "*", "0.0.0.0/0", "::/0", "10.10.0.0/16", "${var.x}",
    "%s%n", "../../etc/passwd", "a" * 64, "a" * 300, "é" * 40, "😀", "arn:aws:iam::123456789012:role/x",
    "arn:aws:kms:us-west-2:123456789012:key/1", "Z0123456789EXAMPLE00", "subnet-0123456789abcdef0", "vpc-0123456789abcdef0",
    "pre-operator", "post-operator", "self-managed", "saas", "dedicated", "team", "instance", "s3", "gcs", "azure",
    "true", "null", "1.32", "us-west-2",
])
_leaf = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats()
         | st.text(max_size=60) | _odd_strings)
json_values = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12) | _odd_strings, inner, max_size=5),
    max_leaves=15,
)


def assert_clean(exc: ConfigError) -> None:
    text = str(exc)
    assert text.startswith("config error: "), text
    assert text.isprintable(), f"not one printable line: {text!r}"
    assert len(text) <= MAX_ERROR, f"error is {len(text)} characters long"


def load_mapping(data: Any) -> WandbConfig | None:
    """Load; a clean ConfigError gives None. Anything else propagates (and fails the test as a crash)."""
    try:
        return config_from_mapping(data)
    except ConfigError as exc:
        assert_clean(exc)
        return None


# --- random mappings ---------------------------------------------------------------------------


@FAST
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=20), json_values, max_size=5))
def test_random_option_values(overrides: dict[str, Any]) -> None:
    data = copy.deepcopy(BASE)
    data.update(overrides)
    load_mapping(data)


@FAST
@given(json_values)
def test_random_documents(document: Any) -> None:
    load_mapping(document)


def _seeds() -> list[dict[str, Any]]:
    seeds = [yaml.safe_load(p.read_text()) for p in example_files()]
    seeds.append({
        **BASE, "deployment": "pre-operator",
        "remote_state": {"bucket": "my-state-bucket", "dynamodb_table": "locks"},
        "kubernetes_map_roles": [{"rolearn": "arn:aws:iam::123456789012:role/admin", "username": "admin", "groups": ["system:masters"]}],
        "byob": {"deployment_type": "self-managed", "file_stores": [{
            "type": "s3", "bucket": "other-bucket", "region": "us-east-1",
            "access_key_id_env": "WBTEST_K", "secret_access_key_env": "WBTEST_S"}]},
    })
    return [s for s in seeds if isinstance(s, dict)]


SEEDS = _seeds()


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, prefix + (i,))
    return out


@FAST
@given(st.sampled_from(range(len(SEEDS))), st.data())
def test_mutated_examples(seed: int, data: st.DataObject) -> None:
    """Replace or delete 1-3 nested values of an example (BYOB, Launch, remote state, ...) with anything."""
    doc = copy.deepcopy(SEEDS[seed])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if isinstance(parent, dict) and data.draw(st.booleans()):
                del parent[path[-1]]
            else:
                parent[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            pass
    load_mapping(doc)


# --- random files ------------------------------------------------------------------------------

_fragments = st.sampled_from([
    "namespace = ", "namespace: ", "{", "}", "[", "]", '"', "'", "${", "\n", "=", ":", "- ", "!!python/object:os.system",
    "&a ", "*a", "<<: *a", "\t", "\x00", "\ufeff", "# ", "wandb_license", "a" * 200, "1e999", "0x10", "true", "null",
    "~", "2001-13-45", "9" * 5000,
])
file_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(_fragments, max_size=30).map(lambda parts: "".join(parts).encode()),
)


@FAST
@given(file_bytes, st.sampled_from([".yaml", ".yml", ".json", ".tfvars", ".hcl", ".txt", ""]))
def test_random_files(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"config{suffix}"
        path.write_bytes(content)
        try:
            load_config(path)
        except ConfigError as exc:
            assert_clean(exc)


_laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
NASTY_DOCUMENTS = {
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "deep-object.json": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "deep.yaml": "[" * 100_000 + "]" * 100_000,
    "deep-map.yaml": "".join("  " * i + f"k{i}:\n" for i in range(3000)) + "  " * 3000 + "v\n",
    "deep.tfvars": "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "big-int.yaml": "namespace: wbhost\nkms_key_deletion_window: " + "9" * 5000 + "\n",
    "big-int.json": '{"kms_key_deletion_window": ' + "9" * 5000 + "}",
    "bad-date.yaml": "namespace: 2001-13-45\n",
    "laughs.yaml": _laughs.replace("a: &a", "tags: &a"),
    "python-tag.yaml": "!!python/object/apply:os.system ['echo pwned']\n",
    "nul.yaml": "namespace: wb\x00host\n",
    "list.yaml": "- a\n- b\n",
    "scalar.json": "42",
    "unhashable.yaml": "? [a, b]\n: 1\n",
    "expression.tfvars": 'namespace = var.x\n',
    "newline-key.yaml": '"a\\nb": 1\n',
    "long-key.json": json.dumps({"x" * 100_000: 1}),
    "not-utf8.yaml": b"namespace: \xff\xfe\n",
}


@pytest.mark.parametrize("name", sorted(NASTY_DOCUMENTS))
def test_nasty_documents(name: str, tmp_path: Path) -> None:
    content = NASTY_DOCUMENTS[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert_clean(err.value)


# --- overlapping CIDRs -------------------------------------------------------------------------

_subnet = st.builds(
    lambda third, prefix: str(ipaddress.ip_network(f"10.10.{third}.0/{prefix}", strict=False)),
    st.integers(0, 255), st.integers(16, 28),
)


@FAST
@given(st.lists(st.lists(_subnet, min_size=1, max_size=4), min_size=4, max_size=4),
       st.sampled_from(["10.10.0.0/16", "10.10.0.0/20", "10.0.0.0/8"]))
def test_overlapping_cidrs(tiers: list[list[str]], vpc: str) -> None:
    names = ["network_public_subnet_cidrs", "network_private_subnet_cidrs", "network_database_subnet_cidrs",
             "network_elasticache_subnet_cidrs"]
    config = load_mapping({**BASE, "network_cidr": vpc, **dict(zip(names, tiers, strict=True))})
    if config is None:
        return
    nets = [ipaddress.ip_network(c) for name in names for c in getattr(config, name)]
    for i, a in enumerate(nets):
        assert a.subnet_of(ipaddress.ip_network(config.network_cidr))
        for b in nets[i + 1:]:
            assert not a.overlaps(b), f"accepted overlapping subnets {a} and {b}"


def test_overlap_is_rejected_with_names() -> None:
    with pytest.raises(ConfigError) as err:
        config_from_mapping({**BASE, "network_private_subnet_cidrs": ["10.10.0.0/24", "10.10.11.0/24"]})
    assert err.value.option == "network_private_subnet_cidrs" and "overlaps" in err.value.message


# --- length limits -----------------------------------------------------------------------------

def _label(n: int) -> str:
    return "a" * n


LIMITS = [
    # (option overrides at the limit, option overrides past it, option named by the error)
    ({"namespace": "a" * 20}, {"namespace": "a" * 21}, "namespace"),
    ({"namespace": "abc"}, {"namespace": "ab"}, "namespace"),
    ({"database_name": "a" * 64}, {"database_name": "a" * 65}, "database_name"),
    ({"database_master_username": "a" * 16}, {"database_master_username": "a" * 17}, "database_master_username"),
    ({"bucket_name": "a" * 63}, {"bucket_name": "a" * 64}, "bucket_name"),
    ({"bucket_name": "abc"}, {"bucket_name": "ab"}, "bucket_name"),
    ({"subdomain": _label(63)}, {"subdomain": _label(64)}, "subdomain"),
    ({"domain_name": ".".join([_label(63)] * 3) + "." + _label(61), "subdomain": None},
     {"domain_name": ".".join([_label(63)] * 3) + "." + _label(62), "subdomain": None}, "domain_name"),
    # domain of 195 characters: subdomain 57 makes the FQDN exactly 253, 58 one past.
    ({"domain_name": ".".join([_label(63)] * 3) + ".com", "subdomain": _label(57)},
     {"domain_name": ".".join([_label(63)] * 3) + ".com", "subdomain": _label(58)}, "subdomain"),
    ({"kms_key_alias": "a" * 250}, {"kms_key_alias": "a" * 251}, "kms_key_alias"),  # AWS: alias/ + 250 = 256
    ({"system_reserved_pid": -1}, {"system_reserved_pid": -2}, "system_reserved_pid"),  # v8: -1 disables
    ({"wandb_version": "a" * 128}, {"wandb_version": "a" * 129}, "wandb_version"),
    ({"k8s_namespace": "a" * 63}, {"k8s_namespace": "a" * 64}, "k8s_namespace"),
    ({"kms_key_deletion_window": 30}, {"kms_key_deletion_window": 31}, "kms_key_deletion_window"),
    ({"kms_key_deletion_window": 7}, {"kms_key_deletion_window": 6}, "kms_key_deletion_window"),
    ({"database_backup_retention_period": 35}, {"database_backup_retention_period": 36}, "database_backup_retention_period"),
    ({"kubernetes_max_nodes_per_az": 100}, {"kubernetes_max_nodes_per_az": 101}, "kubernetes_max_nodes_per_az"),
    ({"remote_state": {"bucket": "state-bucket", "dynamodb_table": "a" * 255}},
     {"remote_state": {"bucket": "state-bucket", "dynamodb_table": "a" * 256}}, "remote_state.dynamodb_table"),
]


@pytest.mark.parametrize("at, past, option", LIMITS, ids=[f"{o}-{i}" for i, (_, _, o) in enumerate(LIMITS)])
def test_length_limits(at: dict[str, Any], past: dict[str, Any], option: str) -> None:
    def build(overrides: dict[str, Any]) -> dict[str, Any]:
        data = {**BASE, **overrides}
        return {k: v for k, v in data.items() if v is not None}

    config_from_mapping(build(at))
    with pytest.raises(ConfigError) as err:
        config_from_mapping(build(past))
    assert_clean(err.value)
    assert err.value.option == option, str(err.value)


# --- huge lists --------------------------------------------------------------------------------

HUGE = {
    "allowed_inbound_cidr": [f"10.{i // 256 % 256}.{i % 256}.0/24" for i in range(50_000)],
    "extra_fqdn": [f"n{i}.example.com" for i in range(20_000)],
    "tags": {f"k{i}": "v" for i in range(20_000)},
    "kubernetes_map_roles": [{"rolearn": f"arn:aws:iam::123456789012:role/r{i}", "username": f"u{i}"} for i in range(5_000)],
    "network_private_subnet_cidrs": [f"10.10.{i}.0/24" for i in range(200)],
    "eks_policy_arns": ["not-an-arn"] * 100_000,
}


@pytest.mark.parametrize("option", sorted(HUGE))
def test_huge_lists_load_or_fail_cleanly(option: str) -> None:
    load_mapping({**BASE, option: HUGE[option]})


# --- the command line: failure leaves cdktf.out untouched ---------------------------------------


def _run_cli(config_path: Path, outdir: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with environ({"WANDB_CDKTF_CONFIG": str(config_path), "CDKTF_OUTDIR": str(outdir)}), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([])
    return rc, out.getvalue(), err.getvalue()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _fresh_outdir(tmp: Path) -> Path:
    out = tmp / "cdktf.out"
    (out / "stacks" / "previous").mkdir(parents=True)
    (out / "stacks" / "previous" / "cdk.tf.json").write_text('{"marker": true}')
    (out / "marker").write_text("left by a previous synth")
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=20), json_values, min_size=1, max_size=4))
def test_cli_rejects_without_touching_output(overrides: dict[str, Any]) -> None:
    data = {**BASE, **overrides}
    try:
        config_from_mapping(copy.deepcopy(data))
    except ConfigError:
        pass
    else:
        assume(False)  # accepted configurations are synthesized in the tests below
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cfg = root / "config.json"
        cfg.write_text(json.dumps(data, allow_nan=True))
        out = _fresh_outdir(root)
        before, siblings = _snapshot(out), sorted(p.name for p in root.iterdir())
        rc, stdout, stderr = _run_cli(cfg, out)
        assert rc == 2, stderr
        assert stdout == ""
        assert len(stderr.splitlines()) == 1 and stderr.startswith("config error: "), stderr
        assert "Traceback" not in stderr
        assert _snapshot(out) == before, "cdktf.out changed although the configuration was rejected"
        assert sorted(p.name for p in root.iterdir()) == siblings, "a staging directory was left behind"


# Accepted configurations at the edges; each is synthesized (seconds each), so only a handful run.
edge_configs = st.fixed_dictionaries({
    "namespace": st.sampled_from(["abc", "a" * 20, "a1-b2-c3-d4-e5-f6-g7"]),
    "deployment": st.sampled_from(["pre-operator", "post-operator"]),
    "subdomain": st.sampled_from(["w", "a" * 63, "ml.team-1"]),
    "tags": st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=30), max_size=3),
    "allowed_inbound_cidr": st.lists(st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", "192.168.1.1/32"]), max_size=3, unique=True),
    "other_wandb_env": st.dictionaries(st.from_regex(r"\A[A-Z_][A-Z0-9_]{0,10}\Z").filter(lambda k: k not in ("LICENSE", "WANDB_LICENSE")),
                                        st.text(max_size=30), max_size=2),
}).map(lambda extra: {**BASE, **extra})


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(edge_configs)
def test_accepted_edge_configs_synthesize(data: dict[str, Any]) -> None:
    config = load_mapping(copy.deepcopy(data))
    assume(config is not None)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cfg = root / "config.json"
        cfg.write_text(json.dumps(data))
        out = _fresh_outdir(root)
        rc, _, stderr = _run_cli(cfg, out)
        assert rc == 0, stderr
        assert not (out / "marker").exists(), "the old output should be replaced as a whole"
        stacks = sorted(p.name for p in (out / "stacks").iterdir())
        assert stacks == sorted(config.stack_ids.values())
        for stack in stacks:
            json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())
        assert sorted(p.name for p in root.iterdir()) == ["cdktf.out", "config.json"]


@pytest.mark.slow
@pytest.mark.parametrize("name, content", [
    ("bad.yaml", "namespace: [unclosed\n"),
    ("deep.json", "[" * 100_000 + "]" * 100_000),
    ("license.yaml", yaml.safe_dump({**BASE, "wandb_license": "secret-license-value"})),
])
def test_main_py_subprocess(name: str, content: str, tmp_path: Path) -> None:
    cfg = tmp_path / name
    cfg.write_text(content)
    out = _fresh_outdir(tmp_path)
    before = _snapshot(out)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_CDKTF_")}
    env.update(WANDB_CDKTF_CONFIG=str(cfg), CDKTF_OUTDIR=str(out))
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("config error: "), proc.stderr
    assert "Traceback" not in proc.stderr and "secret-license-value" not in proc.stderr
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cdktf.out", name])
