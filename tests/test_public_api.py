"""The public API: what the README lists is importable, ``wandb_cdktf.providers`` is typed and lazy, the
Google/Azure bindings are extras, and the library leaves the host's jsii warnings alone."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


def _python(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JSII_", "WANDB_CDKTF_CONFIG"))}
    base["PYTHONPATH"] = str(SRC)
    return subprocess.run([sys.executable, "-c", code, *args], env={**base, **(env or {})}, capture_output=True,
                          text=True, cwd=cwd)


# --- exports -------------------------------------------------------------------------------------

API_PAGE = REPO / "docs" / "library.md"  # "Public API": the docs page that lists the exports (was in README.md)
README_NAMES = {
    "wandb_cdktf.constructs.aws": ["Network", "Key", "FileStorage", "Database", "Redis", "Cluster", "IrsaRole",
                                   "WeaveFileSystem", "Dns", "AppSecrets", "LoadBalancer", "AwsByobBucket",
                                   "AwsLaunchAgent", "RoleRef", "Grant", "Grantee"],
    "wandb_cdktf.constructs.gcp": ["GcpByobBucket", "GcpLaunchAgent"],
    "wandb_cdktf.constructs.azure": ["AzureByobStorage", "AzureLaunchAgent"],
    "wandb_cdktf.constructs.kubernetes": ["WandbApp", "WandbOperator"],
    "wandb_cdktf.stacks": ["InfraStack", "AppStack", "OperatorStack", "ByobAwsStack", "ByobGcpStack",
                           "ByobAzureStack", "LaunchAwsStack", "LaunchGcpStack", "LaunchAzureStack"],
    "wandb_cdktf.providers": ["aws", "google", "azurerm", "kubernetes", "helm", "MissingExtraError"],
}


@pytest.mark.parametrize("module", sorted(README_NAMES))
def test_readme_exports_are_importable(module):
    """Every name the README's public API section lists, and everything in ``__all__``, imports."""
    import importlib

    mod = importlib.import_module(module)
    assert set(README_NAMES[module]) <= set(mod.__all__), set(README_NAMES[module]) - set(mod.__all__)
    for name in mod.__all__:
        assert getattr(mod, name) is not None, name
    readme = API_PAGE.read_text()
    for name in README_NAMES[module]:
        assert f"`{name}`" in readme, f"{name} is exported but not listed in docs/library.md (Public API)"


def test_props_follow_the_construct_names():
    """One naming scheme: each exported construct ``X`` that takes props has ``XProps`` next to it, and the
    per-cloud constructs carry the cloud prefix (Aws/Gcp/Azure)."""
    from wandb_cdktf.constructs import aws, azure, gcp, kubernetes

    for pkg in (aws, gcp, azure, kubernetes):
        for name in pkg.__all__:
            if name.endswith("Props"):
                assert name[: -len("Props")] in pkg.__all__, name
    for pkg, prefix in ((aws, "Aws"), (gcp, "Gcp"), (azure, "Azure")):
        assert {f"{prefix}LaunchAgent", f"{prefix}LaunchAgentProps"} <= set(pkg.__all__)
        assert any(n.startswith(f"{prefix}Byob") for n in pkg.__all__)


def test_each_construct_has_one_public_name():
    """One name per class: no package exports one object under two names (``ByobBucket`` and ``AwsByobBucket``
    were one class), and the former names are gone from the packages and the README."""
    from wandb_cdktf.constructs import aws, azure, gcp, kubernetes

    for pkg in (aws, gcp, azure, kubernetes):
        names: dict[int, list[str]] = {}
        for name in pkg.__all__:
            names.setdefault(id(getattr(pkg, name)), []).append(name)
        assert [n for n in names.values() if len(n) > 1] == [], pkg.__name__
    readme = API_PAGE.read_text()
    for pkg, former in ((aws, ("ByobBucket", "ByobBucketProps")), (gcp, ("GcsByobBucket", "GcsByobBucketProps"))):
        for name in former:
            assert not hasattr(pkg, name), (pkg.__name__, name)
            assert f"`{name}`" not in readme, name


@pytest.mark.slow  # fresh interpreter(s)
def test_stacks_package_loads_stack_modules_on_demand():
    code = ("import sys, wandb_cdktf.stacks as s; before = 'wandb_cdktf.stacks.launch_gcp' in sys.modules; "
            "cls = s.LaunchGcpStack; print(before, cls.__name__, 'wandb_cdktf.stacks.launch_gcp' in sys.modules)")
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "LaunchGcpStack", "True"]


def test_launch_agents_expose_no_raw_resources():
    """Read-only typed attributes, not the L1 resources: a public ``role``/``bucket`` attribute lets a caller
    reassign it, or mutate a resource whose construct id is a Terraform address."""
    from wandb_cdktf.constructs.aws import AwsLaunchAgent
    from wandb_cdktf.constructs.azure import AzureByobStorage, AzureLaunchAgent
    from wandb_cdktf.constructs.gcp import GcpLaunchAgent

    for cls in (AwsLaunchAgent, GcpLaunchAgent, AzureLaunchAgent, AzureByobStorage):
        tree = ast.parse(Path(sys.modules[cls.__module__].__file__).read_text())
        public = {t.attr for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AnnAssign))
                  for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                  if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                  and not t.attr.startswith("_")}
        assert public <= {"props"}, (cls.__name__, public)


# --- providers -----------------------------------------------------------------------------------

@pytest.mark.slow  # fresh interpreter(s)
def test_providers_module_is_lazy():
    """Importing ``wandb_cdktf.providers`` loads no provider package; the first attribute use loads the one
    submodule it names, not the package ``__init__`` (which imports ~2,200 submodules)."""
    code = r"""
import json, sys
from wandb_cdktf import providers
loaded = lambda: sorted(m for m in sys.modules if m.startswith("cdktf_cdktf_provider_"))
before = loaded()
providers.google.storage_bucket.StorageBucket
after = loaded()
print(json.dumps([before, after]))
"""
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    before, after = json.loads(proc.stdout.strip().splitlines()[-1])
    assert before == []
    assert "cdktf_cdktf_provider_google.storage_bucket" in after
    assert not any(m.startswith(("cdktf_cdktf_provider_azurerm", "cdktf_cdktf_provider_aws")) for m in after)
    assert len([m for m in after if m.startswith("cdktf_cdktf_provider_google.")]) < 10


def _type_checking_imports(module: Path) -> dict[str, str]:
    """asname -> imported module of the ``if TYPE_CHECKING:`` branch of ``module``."""
    tree = ast.parse(module.read_text())
    branch = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", None) == "TYPE_CHECKING")
    out: dict[str, str] = {}
    for node in branch.body:
        if isinstance(node, ast.Import):
            out.update({alias.asname or alias.name: alias.name for alias in node.names})
        elif isinstance(node, ast.ImportFrom):
            out.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
    return out


NAMES = ("aws", "google", "azurerm", "kubernetes", "helm")


def test_type_checkers_see_the_real_binding_modules():
    """Users' type checkers and IDEs read ``wandb_cdktf.providers``' ``TYPE_CHECKING`` branch: the real packages.
    ``_providers`` (what src/ uses) re-exports real binding submodules (``_binding_types``), so mypy checks our
    calls without reading the packages' ``__init__``s. At run time both stay the same lazy ``ProviderBindings``."""
    public = _type_checking_imports(SRC / "wandb_cdktf" / "providers.py")
    assert public == {name: f"cdktf_cdktf_provider_{name}" for name in NAMES}
    internal = _type_checking_imports(SRC / "wandb_cdktf" / "_providers.py")
    assert internal == {name: f"_binding_types.{name}" for name in NAMES}  # from ._binding_types import ...
    for name in NAMES:
        tree = ast.parse((SRC / "wandb_cdktf" / "_binding_types" / f"{name}.py").read_text())
        sources = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
        assert sources == {f"cdktf_cdktf_provider_{name}"}, (name, sources)
    from wandb_cdktf import _providers, providers

    for name in NAMES:
        assert isinstance(getattr(providers, name), _providers.ProviderBindings)
        assert getattr(providers, name) is getattr(_providers, name)


@pytest.mark.slow
def test_mypy_checks_calls_into_the_bindings(tmp_path: Path):
    """A wrong call through ``wandb_cdktf._providers.aws`` is a mypy error (the binding's signature is read,
    not ``Any``), with the project's own mypy settings (pyproject.toml)."""
    probe = tmp_path / "probe.py"
    probe.write_text("from wandb_cdktf._providers import aws\n"
                     "aws.s3_bucket.S3Bucket(None, 'bucket', bucket=3)\n")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
                           "--cache-dir", str(tmp_path / "cache"), str(probe)],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'Argument "bucket" to "S3Bucket" has incompatible type "int"' in proc.stdout, proc.stdout


@pytest.mark.slow  # fresh interpreter(s)
def test_library_import_leaves_jsii_warnings_alone():
    """A library does not silence a runtime's warnings for its host application: ``import wandb_cdktf`` (and
    the constructs) sets no JSII_* variable; the CLI does (``cli.silence_node_banner``)."""
    code = ("import os, wandb_cdktf, wandb_cdktf.providers, wandb_cdktf.constructs.aws; "
            "print(sorted(k for k in os.environ if k.startswith('JSII_')))")
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    code = ("import os; from wandb_cdktf.cli import main; main(['--help']); "
            "print(os.environ.get('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '').split(',')[:2])")
    assert _python(code).stdout.strip().splitlines()[-1] == "['14', '15']"


# --- extras --------------------------------------------------------------------------------------

MISSING = r"""
import sys
sys.modules[sys.argv[1]] = None      # as if the extra were not installed: the import fails
from wandb_cdktf.cli import main
sys.exit(main([]))
"""


@pytest.mark.parametrize("example, package, option, extra", [
    ("byob-gcp.yaml", "cdktf_cdktf_provider_google", "byob.gcp", "gcp"),
    ("launch-azure.yaml", "cdktf_cdktf_provider_azurerm", "launch.azure", "azure"),
])
def test_config_needing_a_missing_extra_is_one_line_exit_2_nothing_written(tmp_path, example, package, option, extra):
    out = tmp_path / "out"
    proc = _python(MISSING, package, cwd=tmp_path,
                   env={"WANDB_CDKTF_CONFIG": str(REPO / "examples" / example), "CDKTF_OUTDIR": str(out)})
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"config error: {option}: ") and f"pip install 'wandb-cdktf[{extra}]'" in line, line
    assert list(tmp_path.iterdir()) == []


def test_missing_extra_at_first_use_names_it():
    """Outside the CLI (a construct in a user's app) the first use of the bindings says which extra to install."""
    code = ("import sys; sys.modules['cdktf_cdktf_provider_azurerm'] = None\n"
            "from wandb_cdktf.providers import MissingExtraError, azurerm\n"
            "try:\n    azurerm.resource_group\nexcept MissingExtraError as e:\n    print(e.extra, '|', e)\n")
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("azure | ") and "pip install 'wandb-cdktf[azure]'" in proc.stdout


def test_aws_install_does_not_need_google_or_azure():
    """The main dependencies are AWS (+ Kubernetes/Helm for the app stacks); Google and Azure bindings are the
    ``gcp``/``azure`` extras, and ``dev`` (what scripts/test.sh installs) includes both."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deps = " ".join(project["dependencies"])
    assert "google" not in deps and "azurerm" not in deps and "cdktf-cdktf-provider-aws==" in deps
    extras = project["optional-dependencies"]
    assert extras["gcp"] == ["cdktf-cdktf-provider-google==16.12.1"]
    assert extras["azure"] == ["cdktf-cdktf-provider-azurerm==14.23.1"]
    assert "wandb-cdktf[gcp,azure]" in extras["dev"]
    assert "sync --quiet --locked --extra dev" in (REPO / "scripts" / "test.sh").read_text()


@pytest.mark.slow
# --- no global state -----------------------------------------------------------------------------

def test_account_context_lives_in_the_construct_tree():
    """One set of account data sources per stack, found again in the tree: a second app whose stack has the
    same path (and possibly the same ``id()`` after the first is collected) gets its own data sources."""
    from cdktf import App, TerraformStack

    from wandb_cdktf.constructs.aws.context import account_context

    def data_sources(stack):
        return sorted(c.node.id for c in stack.node.children if c.node.id.startswith("account-"))

    first = TerraformStack(App(), "same")
    account_context(first)
    account_context(first)
    assert data_sources(first) == ["account-identity", "account-partition", "account-region"]
    # The session context only when the caller is named (it costs the caller iam:GetRole), and once.
    for _ in range(2):
        assert account_context(first).caller_arn.startswith("${TfToken[")
    assert data_sources(first) == ["account-identity", "account-partition", "account-region", "account-session"]
    second = TerraformStack(App(), "same")
    assert account_context(second).caller_arn.startswith("${TfToken[")
    assert len(data_sources(second)) == 4


def test_no_cache_is_keyed_by_object_ids():
    """``id()`` values are reused once an object is collected, so a cache keyed by them can hand one stack's
    tokens to another; the package has none (it calls ``id`` nowhere)."""
    calls = []
    for path in (SRC / "wandb_cdktf").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id":
                calls.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert calls == []
