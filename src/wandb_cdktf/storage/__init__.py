"""W&B storage addresses: pure-Python builders/parsers for ``BUCKET`` and ``GORILLA_SUPPORTED_FILE_STORES``."""

from .connection_strings import (
    AzureAddress,
    GcsAddress,
    S3Address,
    StorageAddress,
    StorageAddressError,
    aws_s3_address,
    azure_address,
    gcs_address,
    parse_address,
    parse_supported_file_stores,
    s3_compatible_address,
    supported_file_stores,
)

__all__ = [
    "AzureAddress",
    "GcsAddress",
    "S3Address",
    "StorageAddress",
    "StorageAddressError",
    "aws_s3_address",
    "azure_address",
    "gcs_address",
    "parse_address",
    "parse_supported_file_stores",
    "s3_compatible_address",
    "supported_file_stores",
]
