"""Lazy access to the prebuilt CDKTF provider bindings.

Why: each prebuilt provider package (``cdktf_cdktf_provider_aws`` and friends)
imports every one of its ~2,200 submodules from its ``__init__``. Importing the
AWS package that way takes ~8.5 s; all five providers take ~43 s and 1.7 GB.
A stack needs a few dozen resource types, so we register the package *without*
running its ``__init__`` and import only the jsii assembly (``_jsii``) plus the
submodules that are actually touched. The synthesized JSON is identical.

Usage (every construct module does this)::

    from wandb_cdktf._providers import aws
    aws.s3_bucket.S3Bucket(self, "bucket", ...)

``aws.s3_bucket`` is resolved on first attribute access. Google, Azure,
Kubernetes and Helm bindings are therefore only loaded when a stack that needs
them is built. If the real package has already been imported the normal way
(for example by user code), that module is reused unchanged.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["ProviderBindings", "aws", "google", "azurerm", "kubernetes", "helm", "provider_module"]

_lock = threading.RLock()

# jsii's Node runtime prints a large end-of-life banner on Node 20. The banner is
# not actionable for our users (the Node version comes from their machine), so we
# silence it by listing the Node major versions, which is what jsii reads.
_SILENCED_NODE_MAJORS = ",".join(str(v) for v in range(14, 41))
for _kind in ("END_OF_LIFE", "DEPRECATED", "UNTESTED"):
    os.environ.setdefault(f"JSII_SILENCE_WARNING_{_kind}_NODE_VERSION", _SILENCED_NODE_MAJORS)


def _register_package(package: str) -> None:
    """Put ``package`` into ``sys.modules`` without executing its ``__init__``."""
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(
            f"provider bindings {package!r} are not installed; install wandb-cdktf with its dependencies",
            name=package,
        )
    module = importlib.util.module_from_spec(spec)  # creates the module; does not run __init__
    sys.modules[package] = module


def provider_module(package: str, submodule: str) -> ModuleType:
    """Import ``package.submodule`` while skipping the package's eager ``__init__``."""
    name = f"{package}.{submodule}"
    cached = sys.modules.get(name)
    if cached is not None:
        return cached
    with _lock:
        _register_package(package)
        module = importlib.import_module(name)
        parent = sys.modules[package]
        if not hasattr(parent, submodule):
            setattr(parent, submodule, module)
        return module


class ProviderBindings:
    """Attribute-style, on-demand access to one provider package's submodules."""

    def __init__(self, package: str) -> None:
        self._package = package

    @property
    def package(self) -> str:
        return self._package

    def __getattr__(self, submodule: str) -> Any:
        if submodule.startswith("__"):
            raise AttributeError(submodule)
        module = provider_module(self._package, submodule)
        # Cache on the instance so later lookups are plain attribute reads.
        object.__setattr__(self, submodule, module)
        return module

    def loaded_submodules(self) -> list[str]:
        """Names of this package's submodules imported so far (for tests and benchmarks)."""
        prefix = self._package + "."
        return sorted(
            n[len(prefix):] for n in sys.modules if n.startswith(prefix) and "." not in n[len(prefix):]
        )

    def __repr__(self) -> str:
        return f"ProviderBindings({self._package!r})"


aws = ProviderBindings("cdktf_cdktf_provider_aws")
google = ProviderBindings("cdktf_cdktf_provider_google")
azurerm = ProviderBindings("cdktf_cdktf_provider_azurerm")
kubernetes = ProviderBindings("cdktf_cdktf_provider_kubernetes")
helm = ProviderBindings("cdktf_cdktf_provider_helm")


def _camel(key: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def struct(module: ModuleType, class_name: str, data: Any) -> Any:
    """Build a jsii struct (and nested structs) from plain dicts.

    jsii converts a dict passed directly for a struct parameter, but not dicts
    inside lists, which deeply nested resources (Kubernetes deployments, Helm
    ``set`` lists) need. Generated binding classes follow the naming rule
    ``<Parent><CamelCaseKey>``, so nested dicts and lists of dicts are converted
    recursively when such a class exists; plain maps (labels, limits) stay dicts.
    """
    if isinstance(data, list):
        return [struct(module, class_name, item) for item in data]
    if not isinstance(data, dict):
        return data
    cls = getattr(module, class_name)
    kwargs = {}
    for key, value in data.items():
        child = class_name + _camel(key)
        if isinstance(value, (dict, list)) and hasattr(module, child) and _holds_dicts(value):
            kwargs[key] = struct(module, child, value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def _holds_dicts(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return bool(value) and all(isinstance(v, dict) for v in value)
