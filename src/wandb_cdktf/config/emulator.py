"""``aws_endpoints``: point the AWS provider at a local AWS API emulator (tests only).

For tests against a local AWS API emulator such as moto (``moto_server``) or
LocalStack. When the section is absent (the default) the synthesized stacks carry
no endpoint or skip settings at all; nothing here is meant for a real deployment.

Credentials are never part of the configuration: export ``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY`` (any value the emulator accepts) before running Terraform.

The emulator's URL goes either into each provider's ``endpoints`` block (``url``) or, with ``url`` left
out, into the environment Terraform runs in as the AWS SDK's own ``AWS_ENDPOINT_URL`` (or
``AWS_ENDPOINT_URL_<SERVICE>``), which hashicorp/aws 5.100 reads for every service. The second is the
cheaper one: measured on this machine, a provider with an ``endpoints`` block spends ~5.5 s more CPU each
time Terraform configures it (once per plan, twice per apply or destroy without a plan file), whatever the
number of services in it; and the synthesized JSON then does not change with the emulator's port.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from .base import StrictModel

# Endpoint names of the hashicorp/aws provider (5.x) for every service a wandb-cdktf
# stack calls, the canonical name of each (an alias next to its canonical name is an
# error in the provider). ``sts`` and ``iam`` also serve the account-id lookup.
EmulatedService = Literal[
    "acm", "autoscaling", "cloudtrail", "cloudwatch", "ec2", "efs", "eks", "elasticache", "elbv2", "iam", "kms", "logs", "rds",
    "route53", "s3", "secretsmanager", "sqs", "sts",
]
EMULATED_SERVICES: tuple[EmulatedService, ...] = get_args(EmulatedService)


class AwsEndpointsConfig(StrictModel):
    """wandb-cdktf: one endpoint URL for every AWS service the stacks use (an emulator such as moto)."""

    url: str | None = Field(
        default=None,
        description="Base URL of the emulator, e.g. http://127.0.0.1:5000, written into every AWS provider's "
        "endpoints block. Default: none: no endpoints block; Terraform must then run with AWS_ENDPOINT_URL "
        "(the AWS SDK's variable, read by the provider for every service) set to the emulator, which `main.py` "
        "checks before it synthesizes.",
    )
    services: tuple[EmulatedService, ...] = Field(
        default=EMULATED_SERVICES,
        description="Provider endpoint names sent to ``url`` (only with ``url``). Default: every service the stacks use.",
    )
    s3_use_path_style: bool = Field(
        default=True, description="Path-style S3 requests (emulators have no per-bucket DNS). Default: true."
    )
    max_retries: int = Field(
        default=2, ge=0, le=25,
        description="Provider retries per API call. An emulator answers at once or not at all, so failures "
        "(an unreachable URL) surface in seconds instead of after the provider's 25 retries. Default: 2.",
    )
    skip_checks: bool = Field(
        default=True,
        description="Skip the provider's credential, region and instance-metadata checks (emulators implement none "
        "of them faithfully). The account id is still requested from the emulator's STS. Default: true.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[A-Za-z0-9.\-\[\]:]+(:\d+)?(/[^\s]*)?$", value):
            raise ValueError(f"must be an http(s) URL like http://127.0.0.1:5000, got {value!r}")
        return value.rstrip("/")

    @field_validator("services")
    @classmethod
    def _services(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("must list at least one service")
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a service")
        return value

    @model_validator(mode="after")
    def _services_need_url(self) -> AwsEndpointsConfig:
        if self.url is None and "services" in self.model_fields_set:
            raise ValueError("services: only with url (AWS_ENDPOINT_URL in the environment covers every service)")
        return self

    def provider_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``AwsProvider`` (``endpoints``, with ``url`` only, as a plain dict of service ->
        URL)."""
        args: dict[str, object] = {
            "s3_use_path_style": self.s3_use_path_style,
            "max_retries": self.max_retries,
        }
        if self.url is not None:
            args["endpoints"] = {name: self.url for name in self.services}
        if self.skip_checks:
            args.update(
                skip_credentials_validation=True,
                skip_metadata_api_check="true",
                skip_region_validation=True,
            )
        return args
