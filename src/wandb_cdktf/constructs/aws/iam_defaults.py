"""IamDefaults: a permissions boundary and a path on every IAM role (and a path on every policy) in a scope.

Many enterprises allow ``iam:CreateRole`` only with a given permissions boundary (an SCP or
the deploying role's policy tests ``iam:PermissionsBoundary``) and often only under a given
path (``arn:aws:iam::*:role/<path>*``). A setting on each construct would be forgotten by the
next construct that creates a role, so this is an aspect, like aws-cdk-lib's
``PermissionsBoundary.of(scope).apply(...)``: applied to a stack, it reaches every
``aws_iam_role`` and ``aws_iam_policy`` in it at synthesis, including ones added later.

Every wandb-cdktf stack applies it from ``iam_permissions_boundary_arn`` / ``iam_role_path``
(stacks/base.py); users composing our constructs in their own app call :func:`apply_iam_defaults`.
"""

from __future__ import annotations

from dataclasses import dataclass

import jsii
from cdktf import Aspects, IAspect, TerraformResource
from constructs import Construct, IConstruct


@dataclass(frozen=True)
class IamDefaultsProps:
    permissions_boundary_arn: str | None = None
    """Managed policy set as the permissions boundary of every role. Default: None (no boundary)."""
    path: str | None = None
    """IAM path (``/`` ... ``/``) of every role and customer-managed policy. Changing it replaces them
    (the path is part of the ARN and cannot be updated). Default: None (IAM's ``/``)."""

    @property
    def empty(self) -> bool:
        return self.permissions_boundary_arn is None and self.path is None


@jsii.implements(IAspect)
class IamDefaults:
    """The aspect that sets ``IamDefaultsProps`` on every IAM role and policy under the scope it is added to
    (aws-cdk-lib ``PermissionsBoundary.of(scope).apply``): roles created later are covered too."""

    def __init__(self, props: IamDefaultsProps) -> None:
        self._props = props

    def visit(self, node: IConstruct) -> None:
        # By Terraform type, so that stacks without AWS resources never load the AWS bindings.
        if not isinstance(node, TerraformResource):
            return
        p = self._props
        kind = node.terraform_resource_type
        if kind == "aws_iam_role":
            if p.permissions_boundary_arn is not None:
                node.add_override("permissions_boundary", p.permissions_boundary_arn)
            if p.path is not None:
                node.add_override("path", p.path)
        elif kind == "aws_iam_policy" and p.path is not None:
            node.add_override("path", p.path)


def apply_iam_defaults(scope: Construct, props: IamDefaultsProps) -> IamDefaults:
    """Give every IAM role (and policy) under ``scope`` the boundary and path of ``props``; returns the aspect."""
    aspect = IamDefaults(props)
    if not props.empty:
        Aspects.of(scope).add(aspect)
    return aspect
