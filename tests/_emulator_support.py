"""The emulator harness: a moto server (tests/emulator_server.py) and the Terraform CLI against it.

Used by the emulator scenarios (tests/test_emulator.py, tests/test_adopt_emulator.py, ...); the
``emulator_tf`` and ``moto`` fixtures built from it are in tests/conftest.py.
"""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from _support import make_config, skip_or_fail
from emulator_artefacts import artefact_reasons, profile_overrides
from wandb_cdktf.cli import check_emulator_endpoint
from wandb_cdktf.config import config_from_mapping
from wandb_cdktf.testing import TerraformEnv, synth_to_dir

REPO = Path(__file__).resolve().parents[1]
SERVER = Path(__file__).resolve().parent / "emulator_server.py"
REGION = "us-west-2"
DOMAIN = "example.com"
# Terraform's view of a resource that must survive a migration untouched.
STATEFUL_TYPES = {
    "aws_vpc": "VPC",
    "aws_subnet": "subnets",
    "aws_kms_key": "KMS key",
    "aws_s3_bucket": "bucket",
    "aws_sqs_queue": "queue",
    "aws_rds_cluster": "Aurora cluster",
    "aws_rds_cluster_instance": "Aurora instance",
    "aws_eks_cluster": "EKS cluster",
    "aws_efs_file_system": "EFS",
}
PARALLELISM = "-parallelism=20"
# Append every Terraform command and its output to this file (docs/emulator-tests.md).
TRACE_ENV = "WANDB_CDKTF_EMULATOR_TRACE"
# terraform-plugin-log's level variables (provider, SDKv2, framework, protocol, mux).
PROVIDER_LOG_LEVELS = ("TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_HELPER_SCHEMA", "TF_LOG_SDK_FRAMEWORK",
                       "TF_LOG_SDK_PROTO", "TF_LOG_SDK_MUX")
# --- harness ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def skip_missing(reason: str) -> None:
    """A tool the emulator tests need is missing: skip (``CI=true``: fail) with the reason."""
    skip_or_fail(f"emulator tests: {reason}")


@dataclass
class Moto:
    """A running moto server (tests/emulator_server.py) on 127.0.0.1."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, service: str, **kwargs: Any) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id="testing",
                            aws_secret_access_key="testing", **kwargs)

    def env(self) -> dict[str, str]:
        """``aws_env()`` plus ``AWS_ENDPOINT_URL``: what Terraform runs with against this server. The emulator
        profile of ``emulator_config()`` leaves the URL out of the stacks (``aws_endpoints`` without ``url``)."""
        return aws_env(endpoint_url=self.url)

    def hosted_zone(self, name: str = DOMAIN) -> str:
        zone = self.client("route53").create_hosted_zone(Name=name, CallerReference=f"{name}-{time.time_ns()}")
        return zone["HostedZone"]["Id"].rsplit("/", 1)[-1]


def start_moto(log: Path, extra_env: dict[str, str] | None = None) -> Moto:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(extra_env or {})
    out = log.open("wb")
    proc = subprocess.Popen([sys.executable, str(SERVER), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded 2-core machine needs far more than the usual ~3 s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return Moto(url, proc, log)
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"moto server did not answer on {url} within 120 s:\n{log.read_text()[-3000:]}")


def stop_moto(moto: Moto) -> None:
    _stop("moto server", moto.process)


def aws_env(access_key: str = "testing", secret_key: str = "testing", endpoint_url: str | None = None) -> dict[str, str]:
    """Credentials for the emulator only: no profile, file or instance metadata can leak in. ``endpoint_url``:
    the AWS SDK's ``AWS_ENDPOINT_URL``, which the provider reads for every service."""
    endpoint = {"AWS_ENDPOINT_URL": endpoint_url} if endpoint_url else {}
    return endpoint | {
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


# --- one AWS provider per worker ------------------------------------------------------------------


@dataclass
class SharedProvider:
    """The hashicorp/aws plugin from the mirror, started once in Terraform's reattach (debug) mode.

    A Terraform command otherwise starts its own provider and has it build its schema: measured on this
    machine, ``terraform validate`` of an infra stack took 5.9 s of CPU that way and 3.6 s against a running
    provider (Terraform 2.5 s + provider 1.1 s), and the emulator scenarios run about 150 commands. The
    process reads AWS credentials and ``AWS_ENDPOINT_URL`` from its *own* environment, so ``Stack.run`` uses it
    only for a stack whose environment is exactly the one it was started with (``Moto.env()`` of the module's
    server); any other (bad credentials, another server) starts its own provider as usual."""

    process: subprocess.Popen[bytes]
    reattach: str
    aws: dict[str, str]
    log: Path


_shared: list[SharedProvider] = []  # at most one per worker, started and stopped by the moto fixture


def start_shared_provider(tf: TerraformEnv, log: Path, moto: Moto) -> SharedProvider | None:
    binaries = sorted(tf.mirror.glob("registry.terraform.io/hashicorp/aws/5.100.0/*/terraform-provider-aws*"))
    if not binaries:
        return None
    creds = moto.env()
    env = {k: v for k, v in tf.env().items() if not k.startswith("AWS_")}
    env.update(creds)
    if not os.environ.get(TRACE_ENV):
        # In debug mode the plugin logs every RPC and HTTP exchange at TRACE to its own output (~45 MB per
        # worker per run); nobody reads it unless tracing.
        env.update(dict.fromkeys(PROVIDER_LOG_LEVELS, "off"))
    out = log.open("wb")
    proc = subprocess.Popen([str(binaries[0]), "-debug"], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.search(r"TF_REATTACH_PROVIDERS='([^']+)'", log.read_text(errors="replace"))
        if found and "registry.terraform.io/hashicorp/aws" in json.loads(found.group(1)):
            provider = SharedProvider(proc, found.group(1), creds, log)
            _shared[:] = [provider]
            return provider
        time.sleep(0.2)
    proc.kill()
    proc.wait(timeout=10)
    return None  # every command then starts its own provider, as without this


def stop_shared_provider(provider: SharedProvider) -> None:
    if provider in _shared:
        _shared.remove(provider)
    _stop("shared AWS provider", provider.process)


def _stop(what: str, process: subprocess.Popen[bytes]) -> None:
    """Print the server's CPU time, then stop it (terminate, and kill if it does not exit in 10 s)."""
    print(f"{what} CPU {process_cpu(process.pid):.1f}s")
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class Result:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Stack:
    """One synthesized stack directory driven with the Terraform CLI against the emulator."""

    tf: TerraformEnv
    dir: Path
    env: dict[str, str] = field(default_factory=aws_env)
    initialized: bool = False

    @property
    def name(self) -> str:
        return self.dir.name

    def _process_env(self) -> tuple[dict[str, str], SharedProvider | None]:
        env = {k: v for k, v in self.tf.env().items() if not k.startswith("AWS_")}
        env.update(self.env)
        shared = next((p for p in _shared if p.aws == self.env and p.process.poll() is None), None)
        if shared is not None:
            env["TF_REATTACH_PROVIDERS"] = shared.reattach
        return env, shared

    def start(self, *args: str) -> subprocess.Popen[str]:
        """``terraform <args>`` started, not waited for (stdout and stderr merged, line-buffered text): for a
        scenario that watches an apply's progress and interrupts it (SIGINT, as Ctrl-C does)."""
        self.init()
        env, _ = self._process_env()
        print(f"[{self.name}] terraform {' '.join(args)} (started)")
        return subprocess.Popen([self.tf.terraform, *args], cwd=self.dir, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, bufsize=1)

    def run(self, *args: str, timeout: int = 600) -> Result:
        env, shared = self._process_env()
        start, cpu = time.monotonic(), _children_cpu()
        provider_cpu = process_cpu(shared.process.pid) if shared else 0.0
        proc = subprocess.run([self.tf.terraform, *args], cwd=self.dir, env=env, capture_output=True, text=True,
                              timeout=timeout)
        result = Result(args, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)
        used = (f"Terraform, + shared provider {process_cpu(shared.process.pid) - provider_cpu:.1f}s" if shared
                else "Terraform and the provider")
        print(f"[{self.name}] terraform {' '.join(args)} -> {result.returncode} in {result.seconds:.1f}s "
              f"(CPU {_children_cpu() - cpu:.1f}s {used})")
        trace = os.environ.get(TRACE_ENV)
        if trace:  # every Terraform command's output, e.g. to see which resources' waiters take the time
            with open(trace, "a", encoding="utf-8") as out:
                out.write(f"### [{self.name}] terraform {' '.join(args)} -> {result.returncode} in {result.seconds:.1f}s\n")
                out.write(result.output + "\n")
        return result

    def must(self, *args: str, timeout: int = 600) -> Result:
        result = self.run(*args, timeout=timeout)
        if result.returncode != 0:
            pytest.fail(f"terraform {' '.join(args)} failed in {self.name}:\n{tail_text(result.output)}")
        return result

    def init(self) -> None:
        if not self.initialized:
            self.must("init", "-input=false", "-no-color")
            self.initialized = True

    def apply(self) -> Result:
        self.init()
        return self.must("apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM)

    def apply_plan(self) -> Result:
        """``terraform apply`` of the plan file the last ``plan_json()`` wrote: what the test reviewed is what
        is applied (Terraform refuses a plan whose state has moved since), and no second refresh and plan
        (~40 s and ~17 s CPU for an infra stack against moto)."""
        if not (self.dir / "emulator.tfplan").is_file():
            raise AssertionError(f"apply_plan() without a plan_json() first in {self.name}")
        return self.must("apply", "-input=false", "-no-color", PARALLELISM, "emulator.tfplan")

    def plan_json(self, *extra: str) -> dict[str, Any]:
        """``terraform plan -out`` then ``terraform show -json`` of that plan."""
        self.init()
        self.must("plan", "-input=false", "-no-color", "-out=emulator.tfplan", PARALLELISM, *extra)
        shown = self.must("show", "-json", "emulator.tfplan")
        return json.loads(shown.stdout)

    def state_json(self) -> dict[str, Any]:
        """The applied state as ``terraform show -json`` gives it (``values.outputs``, ``values.root_module.
        resources`` with ``address``, ``mode``, ``type``, ``name``, ``values``), read from the local state file.
        ``show -json`` costs a provider schema (~5 s of CPU) per call and adds nothing the scenarios read: the
        state file already holds each attribute as JSON (write-only ones as null)."""
        raw = json.loads(self.state_file.read_text()) if self.state_file.is_file() else {}
        return {"values": {"outputs": raw.get("outputs", {}), "root_module": {"resources": _state_resources(raw)}}}

    @property
    def state_file(self) -> Path:
        """The local backend's state file. cdktf resolves ``terraform.<stack>.tfstate`` against the
        project directory, i.e. the parent of the output directory (state survives re-synthesis)."""
        backend = json.loads((self.dir / "cdk.tf.json").read_text())["terraform"]["backend"]["local"]
        return (self.dir / backend["path"]).resolve()


def _state_resources(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Root-module resource instances of a state file (format version 4), addressed as Terraform does."""
    if raw and raw.get("version") != 4:
        raise AssertionError(f"state format version {raw.get('version')}, expected 4")
    found = []
    for resource in raw.get("resources", []):
        if resource.get("module"):
            continue
        base = f"{'data.' if resource['mode'] == 'data' else ''}{resource['type']}.{resource['name']}"
        for instance in resource["instances"]:
            key = instance.get("index_key")
            index = "" if key is None else f"[{json.dumps(key)}]"
            found.append({"address": base + index, "mode": resource["mode"], "type": resource["type"],
                          "name": resource["name"], "values": instance["attributes"]})
    return found


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far; 0.0 once it is gone."""
    try:  # utime + stime, in clock ticks (fields 14, 15 of /proc/<pid>/stat)
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (Terraform and its provider plugin)."""
    t = os.times()
    return t.children_user + t.children_system


def tail_text(text: str, limit: int = 6000) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


def emulator_config(moto: Moto, **overrides: Any) -> dict[str, Any]:
    """A platform configuration with the emulator profile (+ PROFILE_OVERRIDES). The profile names no URL: the
    stacks are run with ``moto.env()`` (``AWS_ENDPOINT_URL``), which costs the provider ~5.5 s less CPU per
    configuration than an ``endpoints`` block (``wandb_cdktf.config.emulator``)."""
    data = make_config(zone_id=moto.hosted_zone(), aws_endpoints={})
    data.update(profile_overrides())
    data.update(overrides)
    return data


def construct_stack(moto: Moto, namespace: str, stack_id: str, outdir: Path) -> tuple[Any, Any, Any]:
    """(app, stack, config) for a scenario that builds its stack from constructs instead of a configuration: a
    ``WandbStack`` named ``stack_id`` with the emulator configuration's AWS provider (its region and tags),
    synthesized into ``outdir`` by ``app.synth()``."""
    from cdktf import App

    from wandb_cdktf.stacks.base import WandbStack, aws_provider

    config = config_from_mapping(emulator_config(moto, namespace=namespace))
    app = App(outdir=str(outdir))
    stack = WandbStack(app, stack_id, config=config)
    aws_provider(stack, config.region, config.tags)
    return app, stack, config


def synth(tf: TerraformEnv, data: dict[str, Any], outdir: Path, stack_id: str, env: dict[str, str] | None = None) -> Stack:
    """Synthesize ``data`` and return the stack, run with ``env`` (default ``aws_env()``): ``moto.env()`` when
    the emulator profile leaves the URL to ``AWS_ENDPOINT_URL``."""
    env = aws_env() if env is None else env
    start, cpu = time.monotonic(), time.process_time()
    config = config_from_mapping(copy.deepcopy(data))
    check_emulator_endpoint(config, env)  # as main.py does: a profile without url needs AWS_ENDPOINT_URL in env
    synth_to_dir(config, outdir)
    print(f"[{stack_id}] synthesized in {time.monotonic() - start:.1f}s (CPU {time.process_time() - cpu:.1f}s here, "
          "plus the jsii runtime's)")
    return Stack(tf, outdir / "stacks" / stack_id, env)


def changes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Resource changes other than no-op (data-source reads deferred to apply count as changes)."""
    return [rc for rc in plan.get("resource_changes", []) if rc["change"]["actions"] not in (["no-op"],)]


def changed_paths(rc: dict[str, Any]) -> list[str]:
    """Top-level attributes whose planned value differs from the current one (or becomes unknown)."""
    before, after = rc["change"].get("before") or {}, rc["change"].get("after") or {}
    unknown = rc["change"].get("after_unknown") or {}
    keys = sorted(set(before) | set(after) | set(unknown))
    return [k for k in keys if before.get(k) != after.get(k) or _has_unknown(unknown.get(k))]


def _has_unknown(marks: Any) -> bool:
    if isinstance(marks, dict):
        return any(_has_unknown(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_has_unknown(v) for v in marks)
    return marks is True


def describe(rc: dict[str, Any]) -> str:
    change = rc["change"]
    replace = f" replace because {change['replace_paths']}" if change.get("replace_paths") else ""
    return f"{rc['address']}: {'/'.join(change['actions'])}{replace} ({', '.join(changed_paths(rc)) or '-'})"


def split_artefacts(found: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(accepted emulator artefacts with reasons, unexplained changes)."""
    accepted, unexplained = [], []
    for rc in found:
        reasons, left = artefact_reasons(rc["address"], changed_paths(rc))
        if left or not reasons:
            unexplained.append(describe(rc) + (f" -- unexplained: {', '.join(left)}" if reasons else ""))
        else:
            accepted.append(describe(rc) + "".join(f"\n    accepted: {r}" for r in reasons))
    return accepted, unexplained
