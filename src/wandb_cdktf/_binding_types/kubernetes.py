"""The ``cdktf_cdktf_provider_kubernetes`` submodules wandb-cdktf uses (typing only; see the package docstring)."""

from cdktf_cdktf_provider_kubernetes import config_map_v1 as config_map_v1
from cdktf_cdktf_provider_kubernetes import deployment_v1 as deployment_v1
from cdktf_cdktf_provider_kubernetes import namespace_v1 as namespace_v1
from cdktf_cdktf_provider_kubernetes import priority_class_v1 as priority_class_v1
from cdktf_cdktf_provider_kubernetes import provider as provider
from cdktf_cdktf_provider_kubernetes import secret_v1 as secret_v1
from cdktf_cdktf_provider_kubernetes import service_v1 as service_v1
from cdktf_cdktf_provider_kubernetes import storage_class as storage_class
from cdktf_cdktf_provider_kubernetes import storage_class_v1 as storage_class_v1
