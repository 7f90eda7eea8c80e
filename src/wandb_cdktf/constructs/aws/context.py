"""Account-level facts (account id, partition, region) shared by every AWS construct in a stack.

The data sources are created once per stack, so many constructs can ask for them
without duplicating ``data.aws_caller_identity`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformStack
from constructs import Construct

from ..._providers import aws


@dataclass(frozen=True)
class AccountContext:
    account_id: str
    partition: str
    region: str
    dns_suffix: str
    caller_arn: str
    """The caller's IAM role/user ARN (an assumed-role session resolved to its role)."""


_CACHE: dict[str, AccountContext] = {}


def account_context(scope: Construct) -> AccountContext:
    stack = TerraformStack.of(scope)
    key = f"{id(stack)}:{stack.node.path}"
    cached = _CACHE.get(key)
    if cached is not None and stack.node.try_find_child("account-identity") is not None:
        return cached
    identity = aws.data_aws_caller_identity.DataAwsCallerIdentity(stack, "account-identity")
    partition = aws.data_aws_partition.DataAwsPartition(stack, "account-partition")
    region = aws.data_aws_region.DataAwsRegion(stack, "account-region")
    session = aws.data_aws_iam_session_context.DataAwsIamSessionContext(stack, "account-session", arn=identity.arn)
    ctx = AccountContext(identity.account_id, partition.partition, region.name, partition.dns_suffix, session.issuer_arn)
    _CACHE[key] = ctx
    return ctx
