"""Typed, validated deployment configuration (see ``WandbConfig``)."""

from .base import ConfigError, StrictModel
from .file_stores import supported_file_stores_from_config
from .loader import CONFIG_ENV, LICENSE_ENV, config_from_mapping, load_config
from .model import MapRole, MapUser, RemoteStateConfig, WandbConfig
from .s3_compatible import S3CompatibleBucketConfig
from .sizes import SIZE_PRESETS, SIZES, SizePreset

__all__ = [
    "CONFIG_ENV",
    "LICENSE_ENV",
    "SIZES",
    "SIZE_PRESETS",
    "ConfigError",
    "MapRole",
    "MapUser",
    "RemoteStateConfig",
    "S3CompatibleBucketConfig",
    "SizePreset",
    "StrictModel",
    "WandbConfig",
    "config_from_mapping",
    "load_config",
    "supported_file_stores_from_config",
]
