"""Kubernetes and Helm constructs: the W&B application (pre-operator) and the operator (post-operator).

    from wandb_cdktf.constructs.kubernetes import WandbOperator, WandbOperatorProps
"""

from .operator import IngressSettings, WandbOperator, WandbOperatorProps
from .storage_class import DefaultStorageClass, DefaultStorageClassProps
from .wandb_app import WandbApp, WandbAppProps
from .weave_worker_auth import WeaveWorkerAuth, WeaveWorkerAuthProps

__all__ = ["DefaultStorageClass", "DefaultStorageClassProps", "IngressSettings", "WandbApp", "WandbAppProps",
           "WandbOperator", "WandbOperatorProps", "WeaveWorkerAuth", "WeaveWorkerAuthProps"]
