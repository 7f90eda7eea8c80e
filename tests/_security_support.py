"""Shared helpers for the security gate (tests/test_checkov.py, test_iam_wildcards.py, test_secret_scan.py).

- :data:`SCAN_CONFIGS`: every configuration the gate synthesizes (platform shapes + examples/*.yaml).
- :func:`synthesized`: synthesize them once per process (cached), keyed by label.
- :func:`find_checkov` / :func:`run_checkov`: the pinned checkov CLI, run from its own venv.
- :func:`load_skips`: ``security/checkov-skips.yaml``, the one file of deliberate exceptions.
- :func:`iter_policies`: every IAM / resource policy document in a synthesized stack.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from _support import make_config, synth_file, synth_mapping, wait_for_install
from wandb_cdktf.testing import load_stacks

REPO = Path(__file__).resolve().parents[1]
SKIP_FILE = REPO / "security" / "checkov-skips.yaml"
EXAMPLES = REPO / "examples"
EMBEDDED_EXAMPLE = REPO / "src" / "wandb_cdktf" / "config" / "example.yaml"
CHECKOV_ENV = "WANDB_CDKTF_CHECKOV"
# The version scripts/install-checkov.sh installs: the one in its lock (findings differ between versions).
CHECKOV_VERSION = re.search(r"^checkov==(\S+)", (REPO / "tools" / "checkov.txt").read_text(), re.MULTILINE)[1]

def _cfg(**overrides: Any) -> dict[str, Any]:
    """The shared test base configuration (tests/conftest.py) under this module's namespace."""
    return make_config(**{"namespace": "wbsec", **overrides})


def _platform_configs() -> dict[str, dict[str, Any]]:
    return {
        # What `python main.py` builds with no configuration: post-operator, new VPC, external-dns, public ALB.
        "default": yaml.safe_load(EMBEDDED_EXAMPLE.read_text()),
        # Pre-operator (Terraform ALB + Kubernetes app) with VPC flow logs on.
        "pre-operator": _cfg(deployment="pre-operator", enable_flow_log=True, public_access=True),
        # Pre-operator with W&B's files in an S3-compatible store (keys from Secrets Manager, BUCKET from env).
        "pre-operator-minio": _cfg(deployment="pre-operator", bucket_s3_compatible={
            "endpoint": "minio.example.com:9000", "bucket": "wandb-files", "region": "us-east-1",
            "credentials_secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:wandb/minio-AbCdEf"}),
        # Pre-operator, private-only, offered through PrivateLink (the post-operator shape is examples/private-link.yaml).
        "pre-operator-private-link": _cfg(
            deployment="pre-operator", allowed_inbound_cidr=["10.0.0.0/8"], allowed_inbound_ipv6_cidr=[],
            private_link_allowed_account_ids=["111111111111"], private_only_traffic=True,
            allowed_private_endpoint_cidr=["10.100.0.0/16"], certificate_validation_zone_id="Z0PUBLICZONE00000003",
        ),
        # Post-operator in a VPC and bucket the user brings, internal queue, no Redis.
        "byo-vpc": _cfg(
            create_vpc=False,
            network_id="vpc-0123456789abcdef0",
            network_private_subnets=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            network_database_subnets=["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
            network_elasticache_subnets=["subnet-0123456789abcdef4", "subnet-0123456789abcdef5"],
            bucket_name="my-existing-wandb-bucket",
            use_internal_queue=True,
        ),
    }


# Synthesized by the secret scan (tests/test_secret_scan.py) beside scan_configs(), and rendered by
# tests/test_render_operator.py: a self-managed instance with team-level file stores: their credentials come from
# environment variables at synth time and must reach Terraform only as a sensitive variable (this config once
# leaked them into Helm values).
FILE_STORES_CONFIG = {
    "namespace": "wbfiles",
    "domain_name": "example.com",
    "zone_id": "Z0123456789EXAMPLE00",
    "allowed_inbound_cidr": ["0.0.0.0/0"],
    "allowed_inbound_ipv6_cidr": [],
    "eks_cluster_version": "1.32",
    "byob": {
        "deployment_type": "self-managed",
        "file_stores": [{
            "type": "s3", "bucket": "other-team-bucket", "region": "us-east-1",
            "access_key_id_env": "WBTEST_STORE_KEY", "secret_access_key_env": "WBTEST_STORE_SECRET",
        }],
    },
}


EXAMPLE_LABEL = "example:"


def example_files() -> list[Path]:
    """Every examples/*.yaml (BYOB, Launch, ... whatever exists when the tests run)."""
    return sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.yml"))


def scan_configs() -> dict[str, dict[str, Any]]:
    """label -> configuration mapping, for every configuration the security gate covers."""
    configs = _platform_configs()
    for path in example_files():
        configs[f"{EXAMPLE_LABEL}{path.name}"] = yaml.safe_load(path.read_text())
    return configs


SCAN_LABELS = list(scan_configs())

def synthesized(label: str) -> Path:
    """Synthesize the configuration ``label`` (once per test run, shared with the other test modules: an
    example file through ``synth_file``, as tests/test_examples.py does, so it is synthesized once);
    returns its cdktf.out directory."""
    if label.startswith(EXAMPLE_LABEL):
        return synth_file(EXAMPLES / label.removeprefix(EXAMPLE_LABEL)).outdir
    return synth_mapping(scan_configs()[label], source=label).outdir


# --- skip file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckovSkip:
    check_id: str
    pattern: str
    """Glob over ``<type>.<logical id>`` (``data.<type>.<logical id>`` for data sources)."""
    reason: str

    def matches(self, check_id: str, address: str) -> bool:
        return check_id == self.check_id and fnmatch.fnmatchcase(address, self.pattern)


@dataclass(frozen=True)
class WildcardAllow:
    pattern: str
    """Glob over ``<type>.<logical id>`` of the resource holding the policy."""
    sid: str | None
    actions: tuple[str, ...]
    reason: str

    def matches(self, address: str, sid: str | None, action: str) -> bool:
        return fnmatch.fnmatchcase(address, self.pattern) and (self.sid is None or self.sid == sid) and action in self.actions


@dataclass(frozen=True)
class Skips:
    checkov: tuple[CheckovSkip, ...]
    iam_wildcards: tuple[WildcardAllow, ...]


def load_skips(path: Path = SKIP_FILE) -> Skips:
    doc = yaml.safe_load(path.read_text())
    problems: list[str] = []
    checkov: list[CheckovSkip] = []
    for i, entry in enumerate(doc.get("checkov") or []):
        cid, resources, reason = entry.get("id"), entry.get("resources"), (entry.get("reason") or "").strip()
        if not isinstance(cid, str) or not re.match(r"^CKV2?_[A-Z0-9]+_\d+$", cid):
            problems.append(f"checkov[{i}]: id must be a checkov check id, got {cid!r}")
        if not isinstance(resources, list) or not resources or not all(isinstance(r, str) and r for r in resources):
            problems.append(f"checkov[{i}] ({cid}): resources must be a non-empty list of resource address globs")
            resources = []
        if len(reason) < 20:
            problems.append(f"checkov[{i}] ({cid}): a reason (at least a sentence) is required")
        checkov += [CheckovSkip(cid, r, reason) for r in resources]
    wild: list[WildcardAllow] = []
    for i, entry in enumerate(doc.get("iam_wildcards") or []):
        pattern, actions, reason = entry.get("resource"), entry.get("actions"), (entry.get("reason") or "").strip()
        if not isinstance(pattern, str) or not pattern:
            problems.append(f"iam_wildcards[{i}]: resource (address glob) is required")
        if not isinstance(actions, list) or not actions:
            problems.append(f"iam_wildcards[{i}]: actions must list the wildcard actions allowed")
            actions = []
        if len(reason) < 20:
            problems.append(f"iam_wildcards[{i}]: a reason (at least a sentence) is required")
        wild.append(WildcardAllow(pattern, entry.get("sid"), tuple(actions), reason))
    if problems:
        raise AssertionError(f"{path.relative_to(REPO)} is malformed:\n  " + "\n  ".join(problems))
    return Skips(tuple(checkov), tuple(wild))


# --- checkov -----------------------------------------------------------------------------------


def find_checkov() -> str | None:
    """$WANDB_CDKTF_CHECKOV, else .venv-checkov/bin/checkov in the repo, else checkov on PATH."""
    wait_for_install("checkov")
    env = os.environ.get(CHECKOV_ENV)
    if env:
        return env if (Path(env).is_file() or shutil.which(env)) else None
    local = REPO / ".venv-checkov" / "bin" / "checkov"
    if local.is_file():
        return str(local)
    return shutil.which("checkov")


def _checkov_env() -> dict[str, str]:
    env = dict(os.environ)
    # Offline and quiet: no Prisma Cloud guideline download, no version check.
    env.update(BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false", CKV_NO_VERSION_CHECK="1",
               LOG_LEVEL="ERROR")
    return env


@dataclass(frozen=True)
class Finding:
    stack: str
    check_id: str
    check_name: str
    address: str
    """``<type>.<logical id>`` or ``data.<type>.<logical id>``."""


@dataclass
class CheckovResult:
    passed: dict[str, int]
    """stack id -> passed checks"""
    failed: list[Finding]


def scan_with_checkov(binary: str, outdirs: Mapping[str, Path], timeout: int = 900) -> dict[str, CheckovResult]:
    """label -> checkov result for every stack of each synthesized app, from ONE checkov process.

    checkov takes ``-d`` more than once and prints one JSON report per directory; loading its ~2,000 checks
    costs most of a run (one app: ~5.6 s CPU; two: ~6.8 s), so one process for all configurations replaces
    sixteen. Findings are told apart by the absolute path of their file, not the stack name, which repeats
    across configurations."""
    with tempfile.TemporaryDirectory(prefix="checkov-view-") as view:
        return _scan(binary, outdirs, _checkov_view(outdirs, Path(view)), timeout)


def _checkov_view(outdirs: Mapping[str, Path], view: Path) -> dict[str, Path]:
    """label -> a copy of the app's ``stacks/`` for checkov: each ``terraform {}`` block without its attributes, and
    without ``moved``/``import`` blocks.

    checkov 3.3.30's terraform_json parser (checkov/terraform_json/parser.py: handle_block_type -> hclify, "this
    method receives only dicts") fails on the whole file when the ``terraform`` block holds an attribute, and every
    stack declares ``required_version`` (stacks/base.py TERRAFORM_REQUIRED_VERSION): checkov would report one
    parsing error and evaluate nothing. The copies keep every resource, data source and provider as synthesized;
    only the version constraint and the address-only ``moved``/``import`` blocks (a JSON array of objects whose
    values are strings: the same exception), which no check reads, are left out (security/README.md says how users
    do the same)."""
    roots: dict[str, Path] = {}
    for label, outdir in outdirs.items():
        root = view / re.sub(r"[^A-Za-z0-9_.-]", "_", label) / "stacks"
        for stack_file in (outdir / "stacks").glob("*/cdk.tf.json"):
            doc = json.loads(stack_file.read_text())
            for address_only in ("moved", "import", "removed"):  # lists of {from|id, to}: checkov's parser fails on them too
                doc.pop(address_only, None)
            block = doc.get("terraform")
            if isinstance(block, dict):
                doc["terraform"] = {k: v for k, v in block.items() if isinstance(v, dict)}
            target = root / stack_file.parent.name / stack_file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(doc, indent=2))
        root.mkdir(parents=True, exist_ok=True)
        roots[label] = root.resolve()
    return roots


def _scan(binary: str, outdirs: Mapping[str, Path], roots: dict[str, Path], timeout: int) -> dict[str, CheckovResult]:
    cmd = [binary]
    for root in roots.values():
        cmd += ["-d", str(root)]
    cmd += ["--framework", "terraform_json", "--output", "json", "--skip-download", "--compact"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_checkov_env(), timeout=timeout)
    # Exit code 1 just means "some check failed"; anything else, or no JSON, is a broken run.
    if proc.returncode not in (0, 1):
        raise AssertionError(f"checkov exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    reports = _json_documents(proc.stdout, proc.stderr)
    # The pin is checked on the reports themselves (each summary names the version that wrote it): a separate
    # `checkov --version` costs ~8 s of CPU, as long as loading checkov does.
    versions = {(rep.get("summary") or rep).get("checkov_version") for rep in reports} - {None}
    if versions != {CHECKOV_VERSION}:
        raise AssertionError(f"checkov {CHECKOV_VERSION} is pinned (findings differ between versions); {binary} "
                             f"reported {sorted(versions)}")
    types = {label: _logical_id_types(outdir) for label, outdir in outdirs.items()}
    passed: dict[str, dict[str, int]] = {label: dict.fromkeys(t, 0) for label, t in types.items()}
    failed: dict[str, list[Finding]] = {label: [] for label in outdirs}

    def label_of(item: dict[str, Any]) -> str:
        path = Path(item["file_abs_path"]).resolve()
        label = next((lb for lb, root in roots.items() if path.is_relative_to(root)), None)
        if label is None:
            raise AssertionError(f"checkov reported a file outside the scanned apps: {path}")
        return label

    for rep in reports:
        if rep.get("check_type") not in (None, "terraform_json"):
            continue
        results = rep.get("results") or {}
        for item in results.get("passed_checks") or []:
            label, stack = label_of(item), _stack_of(item["file_path"])
            passed[label][stack] = passed[label].get(stack, 0) + 1
        for item in results.get("failed_checks") or []:
            label, stack = label_of(item), _stack_of(item["file_path"])
            failed[label].append(Finding(stack, item["check_id"], item.get("check_name", ""),
                                         _address(item["resource"], types[label].get(stack, {}))))
    out = {label: CheckovResult(passed[label], failed[label]) for label in outdirs}
    empty = [label for label, r in out.items() if not any(r.passed.values()) and not r.failed]
    if empty:
        raise AssertionError(f"checkov evaluated nothing in {empty}: {proc.stdout[:500]}")
    return out


def _json_documents(stdout: str, stderr: str) -> list[dict[str, Any]]:
    """The reports checkov printed: one JSON document per ``-d`` (each an object or a list of objects)."""
    decoder, docs, pos = json.JSONDecoder(), [], 0
    text = stdout.strip()
    while pos < len(text):
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise AssertionError(f"checkov printed no JSON report:\n{stdout[-2000:]}\n{stderr[-2000:]}") from None
        docs.extend(doc if isinstance(doc, list) else [doc])
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if not docs:
        raise AssertionError(f"checkov printed no JSON report:\n{stderr[-2000:]}")
    return docs


def _stack_of(file_path: str) -> str:
    parts = [p for p in Path(file_path).parts if p not in ("/", "")]
    return parts[-2] if len(parts) >= 2 else "?"


def _logical_id_types(outdir: Path) -> dict[str, dict[str, str]]:
    """stack -> {logical id: "type" or "data.type"} from the synthesized JSON."""
    out: dict[str, dict[str, str]] = {}
    for stack, doc in load_stacks(outdir).items():
        ids: dict[str, str] = {}
        for rtype, items in (doc.get("resource") or {}).items():
            for lid in items:
                ids[lid] = rtype
        for rtype, items in (doc.get("data") or {}).items():
            for lid in items:
                ids.setdefault(lid, f"data.{rtype}")
        out[stack] = ids
    return out


def _address(resource: str, ids: dict[str, str]) -> str:
    """checkov names resources "<type>.<id>", "resource.<id>" or "data.<id>"; normalize to "<type>.<id>"."""
    head, _, lid = resource.rpartition(".")
    if head in ("resource", "data", "") and lid in ids:
        return f"{ids[lid]}.{lid}"
    return resource


# --- policies ----------------------------------------------------------------------------------

# Attributes holding a JSON policy document, per resource type.
POLICY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy", "inline_policy"),
    "aws_s3_bucket_policy": ("policy",),
    "aws_s3_bucket": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_sqs_queue": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_kms_key_policy": ("policy",),
    "aws_ecr_repository_policy": ("policy",),
    "aws_ecr_lifecycle_policy": (),
    "aws_secretsmanager_secret_policy": ("policy",),
    "aws_secretsmanager_secret": ("policy",),
    "aws_efs_file_system_policy": ("policy",),
    "aws_cloudwatch_log_resource_policy": ("policy_document",),
}
KEY_POLICY_TYPES = {"aws_kms_key", "aws_kms_key_policy"}


@dataclass(frozen=True)
class PolicyDoc:
    stack: str
    address: str
    attribute: str
    document: dict[str, Any]

    @property
    def is_key_policy(self) -> bool:
        return self.address.split(".")[0] in KEY_POLICY_TYPES


def neutralize_interpolations(text: str) -> str:
    """Replace each balanced ``${...}`` Terraform interpolation by ``TFEXPR`` so the template parses as JSON."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("${", i):
            depth, j, quote = 0, i + 1, None
            while j < len(text):
                ch = text[j]
                if quote:
                    if ch == "\\":
                        j += 1
                    elif ch == quote:
                        quote = None
                elif ch == '"':
                    quote = ch
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append("TFEXPR")
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def iter_policies(stack: str, doc: dict[str, Any]) -> Iterator[PolicyDoc]:
    """Every policy document in a stack: the JSON strings on policy attributes (the only form we write)."""
    for rtype, items in (doc.get("resource") or {}).items():
        attrs = POLICY_ATTRIBUTES.get(rtype)
        if attrs is None and "policy" not in rtype:
            continue
        for lid, body in items.items():
            for attr in attrs if attrs is not None else ("policy",):
                values = body.get(attr)
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, dict) and "policy" in value:  # inline_policy blocks
                        value = value["policy"]
                    if not isinstance(value, str) or not value.strip():
                        continue
                    text = value.strip()
                    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
                        continue  # a reference to another document (checked where it is defined)
                    try:
                        parsed = json.loads(neutralize_interpolations(text))
                    except json.JSONDecodeError as exc:
                        raise AssertionError(f"{stack}: {rtype}.{lid}.{attr} is not a JSON policy: {exc}") from None
                    yield PolicyDoc(stack, f"{rtype}.{lid}", attr, parsed)
    # One idiom (constructs/aws/iam.py: policy_document/allow): a policy is JSON text on its resource, so
    # every one is parsed above. A data source would be a second idiom that this gate would not read.
    documents = sorted((doc.get("data") or {}).get("aws_iam_policy_document") or {})
    assert not documents, f"{stack}: aws_iam_policy_document data {documents}: write the policy with iam.policy_document"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
