"""The ``aws_endpoints`` option (emulator profile): explicit, complete, and absent by default. Fast, no Terraform."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import pytest

from _support import REPO, make_config
from wandb_cdktf.cli import check_emulator_endpoint
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.config.emulator import EMULATED_SERVICES

URL = "http://127.0.0.1:5000"
EMULATOR_KEYS = {"endpoints", "s3_use_path_style", "skip_credentials_validation", "skip_metadata_api_check",
                 "skip_region_validation", "skip_requesting_account_id", "access_key", "secret_key", "max_retries"}


def _aws_providers(stacks: dict) -> list[dict]:
    return [p for doc in stacks.values() for p in doc.get("provider", {}).get("aws", [])]


def test_stacks_carry_no_emulator_settings_by_default(synth) -> None:
    stacks = synth(make_config()).stacks
    providers = _aws_providers(stacks)
    assert providers, "expected AWS providers in the platform stacks"
    for provider in providers:
        assert not EMULATOR_KEYS & set(provider), provider
    assert "127.0.0.1" not in json.dumps(stacks)


def test_aws_endpoints_points_every_used_service_at_the_emulator(synth) -> None:
    stacks = synth(make_config(aws_endpoints={"url": URL + "/"})).stacks
    for provider in _aws_providers(stacks):
        (endpoints,) = provider["endpoints"]
        assert endpoints == {name: URL for name in EMULATED_SERVICES}
        assert provider["s3_use_path_style"] is True
        assert provider["max_retries"] == 2
        assert provider["skip_credentials_validation"] is True
        assert provider["skip_region_validation"] is True
        assert provider["skip_metadata_api_check"] == "true"
        # The account id (ARNs, key policies) still comes from the emulator's STS.
        assert "skip_requesting_account_id" not in provider
        assert "access_key" not in provider and "secret_key" not in provider


def test_every_resource_service_has_an_endpoint(synth) -> None:
    """Each AWS resource type the platform stacks use belongs to an emulated service."""
    prefixes = {
        "acm": "acm", "autoscaling": "autoscaling", "cloudwatch_log": "logs", "db": "rds", "default_security_group": "ec2",
        "efs": "efs", "eip": "ec2", "eks": "eks", "elasticache": "elasticache", "iam": "iam", "internet_gateway": "ec2",
        "kms": "kms", "launch_template": "ec2", "lb": "elbv2", "nat_gateway": "ec2", "rds": "rds", "route": "ec2",
        "route53": "route53", "s3": "s3", "secretsmanager": "secretsmanager", "security_group": "ec2", "sqs": "sqs",
        "subnet": "ec2", "vpc": "ec2", "flow_log": "ec2", "caller_identity": "sts", "partition": None, "region": None,
        "availability_zones": "ec2", "iam_session_context": "iam", "alb": "elbv2",
    }
    types: set[str] = set()
    for deployment in ("post-operator", "pre-operator"):
        for doc in synth(make_config(deployment=deployment)).stacks.values():
            types |= {t for t in doc.get("resource", {}) if t.startswith("aws_")}
            types |= {t for t in doc.get("data", {}) if t.startswith("aws_")}
    for rtype in sorted(types):
        name = rtype.removeprefix("aws_")
        match = max((p for p in prefixes if name.startswith(p)), key=len, default=None)
        assert match is not None, f"{rtype}: which AWS service does it call? add it to EMULATED_SERVICES"
        service = prefixes[match]
        assert service is None or service in EMULATED_SERVICES, f"{rtype} calls {service}, which has no endpoint"


def test_emulated_services_are_canonical_provider_endpoint_names() -> None:
    from wandb_cdktf._providers import aws

    accepted = set(inspect.signature(aws.provider.AwsProviderEndpoints).parameters)
    assert set(EMULATED_SERVICES) <= accepted
    # The provider rejects an alias next to its canonical name; we send canonical names only.
    assert not {"cloudwatchlogs", "cloudwatchlog", "elasticloadbalancingv2", "elb"} & set(EMULATED_SERVICES)


@pytest.mark.parametrize("bad", [{"url": "127.0.0.1:5000"}, {"url": "ftp://x"}, {"url": URL, "services": []},
                                 {"url": URL, "services": ["s3", "s3"]}, {"url": URL, "services": ["dynamodb"]},
                                 {"url": URL, "access_key": "AKIA..."}, {"services": ["s3"]}])
def test_aws_endpoints_rejects_bad_values(bad: dict) -> None:
    with pytest.raises(ConfigError, match="aws_endpoints"):
        config_from_mapping(make_config(aws_endpoints=bad))


def test_aws_endpoints_defaults() -> None:
    config = config_from_mapping(make_config(aws_endpoints={"url": URL}))
    assert config.aws_endpoints is not None
    assert config.aws_endpoints.services == EMULATED_SERVICES
    assert config_from_mapping(make_config()).aws_endpoints is None


def test_without_url_the_stacks_carry_the_profile_but_no_endpoint(synth) -> None:
    """``aws_endpoints: {}``: the URL is left to ``AWS_ENDPOINT_URL`` (the emulator scenarios run this way, and
    the scenario with an unreachable ``url`` shows that a provider block's endpoints win over the variable)."""
    stacks = synth(make_config(aws_endpoints={})).stacks
    for provider in _aws_providers(stacks):
        assert "endpoints" not in provider
        assert provider["s3_use_path_style"] is True and provider["max_retries"] == 2
        assert provider["skip_credentials_validation"] is True and provider["skip_region_validation"] is True
    assert "127.0.0.1" not in json.dumps(stacks)


@pytest.mark.parametrize("environ, refused", [
    ({}, True), ({"AWS_ENDPOINT_URL": ""}, True), ({"AWS_ENDPOINT_URL": URL}, False),
    ({"AWS_ENDPOINT_URL_S3": URL}, False),
])
def test_a_profile_without_url_needs_aws_endpoint_url(environ: dict, refused: bool) -> None:
    config = config_from_mapping(make_config(aws_endpoints={}))
    if refused:
        with pytest.raises(ConfigError) as info:
            check_emulator_endpoint(config, environ)
        assert info.value.option == "aws_endpoints.url" and "AWS_ENDPOINT_URL" in info.value.message
    else:
        check_emulator_endpoint(config, environ)
    check_emulator_endpoint(config_from_mapping(make_config(aws_endpoints={"url": URL})), {})
    check_emulator_endpoint(config_from_mapping(make_config()), {})


@pytest.mark.slow  # a fresh interpreter
def test_main_refuses_a_profile_without_url_or_aws_endpoint_url(tmp_path) -> None:
    """Else the stacks would go to real AWS with the profile's checks skipped: one line, exit 2, nothing written."""
    cfg = tmp_path / "emu.json"
    cfg.write_text(json.dumps(make_config(aws_endpoints={})))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update(WANDB_CDKTF_CONFIG=str(cfg), CDKTF_OUTDIR=str(tmp_path / "out"))
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout + proc.stderr
    assert proc.stderr.strip() == ("config error: aws_endpoints.url: not set and AWS_ENDPOINT_URL is not exported: "
                                   "give the emulator's URL in one of them (e.g. http://127.0.0.1:5000)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emu.json"]
