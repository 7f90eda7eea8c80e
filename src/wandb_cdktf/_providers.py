"""Lazy access to the prebuilt CDKTF provider bindings (public face: ``wandb_cdktf.providers``).

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

For type checkers and IDEs (``TYPE_CHECKING``) the five names re-export the real binding submodules this
package uses (``_binding_types``), so ``aws.s3_bucket.S3Bucket(...)`` is checked against the binding's
signature; at run time they are ``ProviderBindings``. The Google and Azure bindings come with the ``gcp`` and ``azure`` extras; using
them without the extra raises ``MissingExtraError``, which names the extra.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = [
    "MissingExtraError",
    "ProviderBindings",
    "aws",
    "azurerm",
    "google",
    "helm",
    "kubernetes",
    "provider_module",
]

_lock = threading.RLock()

EXTRAS = {"cdktf_cdktf_provider_google": ("gcp", "Google Cloud"), "cdktf_cdktf_provider_azurerm": ("azure", "Azure")}
"""Provider packages that are optional extras of wandb-cdktf: package -> (extra, cloud)."""


class MissingExtraError(ModuleNotFoundError):
    """A stack needs provider bindings of an extra that is not installed."""

    def __init__(self, package: str) -> None:
        extra, cloud = EXTRAS.get(package, ("", package))
        self.extra = extra
        hint = f"pip install 'wandb-cdktf[{extra}]'" if extra else "reinstall wandb-cdktf with its dependencies"
        super().__init__(f"this configuration builds {cloud} stacks, whose provider bindings ({package}) are not "
                         f"installed: {hint}", name=package)


def installed(package: str) -> bool:
    """Whether ``package`` can be imported (without importing it)."""
    if sys.modules.get(package) is not None:
        return True
    return importlib.util.find_spec(package) is not None


def _register_package(package: str) -> None:
    """Put ``package`` into ``sys.modules`` without executing its ``__init__``."""
    if sys.modules.get(package) is not None:
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise MissingExtraError(package)
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

    def __repr__(self) -> str:
        return f"ProviderBindings({self._package!r})"


if TYPE_CHECKING:  # the submodules this package uses, typed by the real bindings (see _binding_types)
    from ._binding_types import aws, azurerm, google, helm, kubernetes
else:
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
