"""Every S3 bucket we create gets the same hardening (constructs/aws/bucket_hardening.harden_bucket).

The regulated example with flow logs has all five kinds of bucket: W&B file storage, the VPC flow-log bucket,
the CloudTrail log bucket, the BYOB bucket and the Launch build-context bucket.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def stacks(synth) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((EXAMPLES / "regulated.yaml").read_text())
    data["enable_flow_log"] = True
    return synth(data).stacks


def _by_bucket(stack: dict[str, Any], rtype: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """bucket logical id -> (logical id, body) of the ``rtype`` resource naming it."""
    out = {}
    for lid, body in (stack.get("resource", {}).get(rtype) or {}).items():
        ref = body["bucket"]
        assert ref.startswith("${aws_s3_bucket.") and ref.endswith(".id}"), (rtype, lid, ref)
        out[ref.removeprefix("${aws_s3_bucket.").removesuffix(".id}")] = (lid, body)
    return out


def test_every_bucket_is_private_versioned_encrypted_and_tls_only(stacks):
    """Public access blocked (all four), versioning on, default encryption, a lifecycle, and a bucket policy
    that denies requests without TLS (S3 user guide, "Security best practices": aws:SecureTransport false)."""
    kinds = set()
    for sid, stack in stacks.items():
        buckets = stack.get("resource", {}).get("aws_s3_bucket") or {}
        if not buckets:
            continue
        pab = _by_bucket(stack, "aws_s3_bucket_public_access_block")
        parts = {t: _by_bucket(stack, t) for t in (
            "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy")}
        for name in buckets:
            kinds.add(name.split("_")[0] + "/" + name.split("_")[1])
            _, block = pab[name]
            assert all(block[k] is True for k in (
                "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")), name
            assert parts["aws_s3_bucket_versioning"][name][1]["versioning_configuration"] == {"status": "Enabled"}
            assert parts["aws_s3_bucket_server_side_encryption_configuration"][name][1]["rule"], name
            assert parts["aws_s3_bucket_lifecycle_configuration"][name][1]["rule"], name
            statements = json.loads(parts["aws_s3_bucket_policy"][name][1]["policy"])["Statement"]
            deny = [s for s in statements if s.get("Sid") == "DenyInsecureTransport"]
            assert len(deny) == 1 and deny[0]["Effect"] == "Deny" and deny[0]["Principal"] == "*", (sid, name)
            assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(kinds) >= 5, kinds  # file storage, flow log, CloudTrail, BYOB, Launch build context


def test_bucket_policy_waits_for_the_public_access_block(stacks):
    """Each bucket policy depends on its bucket's public-access block: S3 refuses concurrent changes of one
    bucket's access settings (OperationAborted "A conflicting conditional operation is currently in
    progress"); terraform-aws-modules/s3-bucket orders aws_s3_bucket_policy after the block the same way."""
    seen = 0
    for stack in stacks.values():
        pab = _by_bucket(stack, "aws_s3_bucket_public_access_block")
        for name, (_, policy) in _by_bucket(stack, "aws_s3_bucket_policy").items():
            assert policy["depends_on"] == [f"aws_s3_bucket_public_access_block.{pab[name][0]}"], name
            seen += 1
    assert seen >= 5
