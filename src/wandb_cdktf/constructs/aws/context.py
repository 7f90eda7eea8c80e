"""Account-level facts (account id, partition, region) shared by every AWS construct in a stack.

The data sources are created once per stack (found again in the construct tree), so many constructs
can ask for them without duplicating ``data.aws_caller_identity`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from cdktf import DataResource, Fn, TerraformStack, Token
from constructs import Construct

from ..._providers import aws


@dataclass(frozen=True)
class AccountContext:
    account_id: str
    partition: str
    region: str
    dns_suffix: str
    _stack: TerraformStack = field(repr=False, compare=False)
    _identity: aws.data_aws_caller_identity.DataAwsCallerIdentity = field(repr=False, compare=False)

    @property
    def caller_arn(self) -> str:
        """The caller's IAM role/user ARN (an assumed-role session resolved to its role).

        Its data source (``data.aws_iam_session_context.account-session``) is created on first use only:
        for an assumed role the provider calls ``iam:GetRole`` to find the role's path, so a stack that never
        names the caller (BYOB, Launch) does not need that permission."""
        session = self._stack.node.try_find_child("account-session")
        if session is None:
            session = aws.data_aws_iam_session_context.DataAwsIamSessionContext(
                self._stack, "account-session", arn=self._identity.arn)
        return cast(aws.data_aws_iam_session_context.DataAwsIamSessionContext, session).issuer_arn

    @property
    def admin_arn(self) -> str:
        """The deployment's administrator: :attr:`caller_arn` of the first apply, recorded and kept.

        ``terraform_data.deployment-admin`` (Terraform's built-in ``terraform_data``, no provider) takes the
        caller's ARN as its ``input`` when it is created and ignores later changes of it, so the KMS key policies
        and the EKS creator access entry name the same principal whoever plans next: a CI role or a colleague
        sees no change (``aws_eks_access_entry.principal_arn`` is ForceNew, and only the key's administrator may
        ``PutKeyPolicy``). To hand administration over on purpose: ``terraform apply
        -replace=terraform_data.deployment-admin`` as the new administrator."""
        admin = self._stack.node.try_find_child("deployment-admin")
        if admin is None:
            admin = DataResource(self._stack, "deployment-admin", input={"arn": self.caller_arn},
                                 lifecycle={"ignore_changes": ["input"]})
        return Token.as_string(Fn.lookup_nested(cast(DataResource, admin).input, ["arn"]))

    def key_administrator_statements(self, explicit_arn: str | None) -> list[dict[str, Any]]:
        """The ``kms:*`` statements of a key policy: the recorded :attr:`admin_arn` (``Internal``), and, when a
        configuration names an administrator (``kms_key_policy_administrator_arn``), that principal as
        ``Internal`` with the recorded one kept beside it (``RecordedAdministrator``).

        KMS refuses a CreateKey/PutKeyPolicy whose policy would not let the caller call PutKeyPolicy again (the
        lockout safety check, KMS API reference), and only the recorded administrator runs a later apply that
        changes the policy (the account root has no PutKeyPolicy here). With both named, a deployer may name
        someone else on the first apply, and administration is handed over in three applies: the old
        administrator names the new one, the new one runs ``-replace=terraform_data.deployment-admin``, then
        the setting is dropped (docs/deploy.md)."""
        def statement(sid: str, principal: str) -> dict[str, Any]:
            return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:*", "Resource": "*"}

        if explicit_arn is None:
            return [statement("Internal", self.admin_arn)]
        return [statement("Internal", explicit_arn), statement("RecordedAdministrator", self.admin_arn)]


def account_context(scope: Construct) -> AccountContext:
    """The account facts of ``scope``'s stack. The data sources are children of the stack with fixed ids
    (their Terraform addresses), created by the first caller and found in the construct tree by later ones:
    no module-level cache, so nothing outlives the app or mistakes a new stack for a collected one."""
    stack = TerraformStack.of(scope)
    identity = stack.node.try_find_child("account-identity")
    if identity is None:
        identity = aws.data_aws_caller_identity.DataAwsCallerIdentity(stack, "account-identity")
        aws.data_aws_partition.DataAwsPartition(stack, "account-partition")
        aws.data_aws_region.DataAwsRegion(stack, "account-region")
    identity = cast(aws.data_aws_caller_identity.DataAwsCallerIdentity, identity)
    partition = cast(aws.data_aws_partition.DataAwsPartition, stack.node.find_child("account-partition"))
    region = cast(aws.data_aws_region.DataAwsRegion, stack.node.find_child("account-region"))
    return AccountContext(identity.account_id, partition.partition, region.name, partition.dns_suffix, stack, identity)
