"""The IAM policy the principal that runs ``cdktf deploy`` needs, from the synthesized stacks (issue 29).

:func:`deployer_policies` reads each stack's Terraform JSON (``cdk.tf.json``), looks every resource and data
source type up in :data:`wandb_cdktf.deployer_actions.TABLE` and writes one policy document per AWS stack:
plan (refresh: Describe/Get/List), apply, upgrade (Update/Modify) and destroy (Delete). Resources are scoped to
the stack's namespace, the names it sets, its region(s), its IAM path and, for KMS keys, the ``managed-by`` tag
its provider puts on them; every ``Resource: "*"`` has a reason (:attr:`StackPolicy.reasons`).
:func:`split_policy` cuts a document into managed policies of at most 6,144 characters (IAM quotas,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); :func:`emulator_view` is what an
emulator that authorises actions only (moto) can check.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .deployer_actions import CLI_ACTIONS, CLI_REASON, NON_AWS_PROVIDERS, NONE_NOTE, TABLE, Entry

POLICY_VERSION = "2012-10-17"
MANAGED_POLICY_LIMIT = 6144
"""Characters of a managed policy document, whitespace excluded (IAM quotas page)."""
MANAGED_POLICIES_PER_ROLE = 10
"""Managed policies attached to one role, by default (IAM quotas page)."""

STACK_ROLES = ("byob-aws", "byob-gcp", "byob-azure", "launch-aws", "launch-gcp", "launch-azure", "infra", "app",
               "operator")


SECTIONS = {"R": "resource", "D": "data", "E": "ephemeral"}
"""The sections of a stack's Terraform JSON that call the provider, by the letter of their table keys."""


class UnknownTypeError(ValueError):
    """A stack holds a Terraform type without an entry in ``deployer_actions.TABLE``."""


@dataclass
class StackPolicy:
    """One stack's policy document, the reason of each ``*`` statement (by Sid) and notes for the reader."""

    stack: str
    policy: dict[str, Any]
    reasons: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def namespace_of(stack_id: str) -> str:
    """``wandb`` of ``wandb-infra``, ``wandb-byob-aws``, ...: the stack id without its role."""
    for role in STACK_ROLES:
        if stack_id.endswith(f"-{role}"):
            return stack_id[: -len(role) - 1]
    return stack_id


def stack_types(doc: Mapping[str, Any]) -> list[str]:
    """Every ``R <resource type>``, ``D <data source type>`` and ``E <ephemeral resource type>`` of a stack."""
    return sorted({f"{kind} {t}" for kind, section in SECTIONS.items() for t in doc.get(section, {})})


def cli_commands(doc: Mapping[str, Any]) -> list[str]:
    """``<service> <command>`` of every AWS CLI call in the stack's local-exec provisioners (``wait`` alone)."""
    found: set[str] = set()
    for section in doc.get("resource", {}).values():
        for body in section.values():
            for provisioner in body.get("provisioner", []) if isinstance(body, dict) else []:
                command = str(provisioner.get("local-exec", {}).get("command", ""))
                for service, verb in re.findall(r"\baws ([a-z0-9-]+) ([a-z0-9-]+)", command):
                    found.add(f"{service} {verb}")
    return sorted(found)


def missing_types(doc: Mapping[str, Any]) -> list[str]:
    """The types of ``doc`` that the table has no entry for (a new resource type needs its actions first), and
    the AWS CLI commands of its provisioners that ``CLI_ACTIONS`` does not know (``CLI aws <service> <command>``)."""
    return ([t for t in stack_types(doc) if t not in TABLE]
            + [f"CLI aws {c}" for c in cli_commands(doc) if c not in CLI_ACTIONS])


def cloud_of(doc: Mapping[str, Any]) -> str:
    """``AWS``, ``GCP`` or ``Azure``: the cloud whose provider the stack configures."""
    providers = set(doc.get("provider", {}))
    for name, cloud in NON_AWS_PROVIDERS.items():
        if name in providers and "aws" not in providers:
            return cloud
    return "AWS"


def non_aws_note(stack_id: str, cloud: str) -> str:
    return (f"{stack_id}: a {cloud} stack; IAM policies do not apply (it is deployed with {cloud} credentials, "
            "see docs/byob.md and docs/launch.md for the roles)")


def deployer_policies(stacks: Mapping[str, Mapping[str, Any]], *, account_id: str | None = None,
                      partition: str = "aws") -> dict[str, dict[str, Any]]:
    """{stack id: IAM policy document} for every AWS stack of ``stacks`` ({stack id: its cdk.tf.json}).

    GCP and Azure stacks are left out (:func:`describe` has a note for them). Raises :class:`UnknownTypeError`
    when a stack holds a type the table does not know."""
    return {name: found.policy for name, found in describe(stacks, account_id=account_id, partition=partition).items()
            if cloud_of(stacks[name]) == "AWS"}


def describe(stacks: Mapping[str, Mapping[str, Any]], *, account_id: str | None = None,
             partition: str = "aws") -> dict[str, StackPolicy]:
    """:func:`deployer_policies` with the reasons and notes; a GCP/Azure stack has an empty policy and a note."""
    result: dict[str, StackPolicy] = {}
    for name, doc in stacks.items():
        cloud = cloud_of(doc)
        if cloud != "AWS":
            result[name] = StackPolicy(name, {"Version": POLICY_VERSION, "Statement": []},
                                       notes=[non_aws_note(name, cloud)])
            continue
        result[name] = stack_policy(name, doc, account_id=account_id, partition=partition)
    return result


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and value and "${" not in value else None


def _instances(doc: Mapping[str, Any], key: str) -> Iterable[Mapping[str, Any]]:
    kind, _, rtype = key.partition(" ")
    section = doc.get(SECTIONS[kind], {})
    yield from section.get(rtype, {}).values()


def _regions(doc: Mapping[str, Any]) -> list[str]:
    configs = doc.get("provider", {}).get("aws", [])
    configs = configs if isinstance(configs, list) else [configs]
    return sorted({r for c in configs if (r := _literal(c.get("region")))})


def _default_tag(doc: Mapping[str, Any], tag: str = "managed-by") -> str | None:
    for config in doc.get("provider", {}).get("aws", []):
        for block in config.get("default_tags", []):
            value = block.get("tags", {}).get(tag)
            if _literal(value):
                return str(value)
    return None


def _tag_keys(doc: Mapping[str, Any], key: str) -> list[str]:
    """The tag keys every resource of type ``key`` is created with: its provider's default tags and its own."""
    keys = {k for config in doc.get("provider", {}).get("aws", []) for block in config.get("default_tags", [])
            for k in block.get("tags", {})}
    keys.update(k for body in _instances(doc, key) for k in (body.get("tags") or {}) if isinstance(body.get("tags"), dict))
    return sorted(keys)


KMS_TAG_ON_CREATE_REASON = (
    "kms:CreateKey with tags also authorises kms:TagResource, on a key that has no tag yet: AWS requires it in an IAM "
    "policy not restricted to particular keys (KMS Developer Guide, 'Controlling access to tags'), so key/* of the "
    "stack's region, narrowed by aws:RequestTag/managed-by and aws:TagKeys = the tag keys the stack puts on its keys")


@dataclass
class _Group:
    sid: str
    actions: set[str] = field(default_factory=set)
    arns: set[str] = field(default_factory=set)
    unscoped: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    name_prefix: str = ""
    tagged: bool = False
    global_service: bool = False


def stack_policy(stack_id: str, doc: Mapping[str, Any], *, account_id: str | None = None,
                 partition: str = "aws") -> StackPolicy:
    """The policy of one AWS stack (see :func:`deployer_policies`)."""
    missing = missing_types(doc)
    if missing:
        raise UnknownTypeError(f"{stack_id}: no IAM actions known for {', '.join(missing)}; add them to "
                               "wandb_cdktf/deployer_actions.py")
    ns = namespace_of(stack_id)
    regions = _regions(doc) or ["*"]
    region = regions[0] if len(regions) == 1 else "*"
    account = account_id or "*"
    groups: dict[str, _Group] = {}
    passed_to: set[str] = set()
    linked: set[str] = set()
    decrypts = False
    notes: dict[str, list[str]] = {}
    paths: set[str] = set()
    zones: set[str] = set()
    for key in stack_types(doc):
        entry: Entry = TABLE[key]
        if entry.sid == "None":
            if entry.note != NONE_NOTE:  # Terraform built-ins: nothing to say
                notes.setdefault(entry.note, []).append(key[2:])
            continue
        sid = entry.sid.removesuffix("Unscoped")  # one group per statement name: "X" scoped, "XUnscoped" "*"
        group = groups.setdefault(sid, _Group(sid))
        group.actions.update(entry.actions)
        group.arns.update(entry.arns)
        group.unscoped.update(entry.unscoped)
        group.tagged |= entry.tagged
        group.global_service |= entry.global_service
        group.name_prefix = group.name_prefix or entry.name_prefix
        if entry.reason and entry.reason not in group.reasons:
            group.reasons.append(entry.reason)
        if entry.passes_role_to:
            passed_to.add(entry.passes_role_to)
        decrypts |= entry.decrypts_with_deployment_key
        if entry.service_linked_role:
            linked.add(entry.service_linked_role)
        for body in _instances(doc, key):
            for attr in entry.names:
                value = _literal(body.get(attr))
                if value is not None:
                    group.names.add(value + "*" if attr.endswith("prefix") else value)
            if key in {"R aws_iam_role", "R aws_iam_policy"}:
                paths.add(_literal(body.get("path")) or "/")
            if "zone_id" in body:
                zones.add(_literal(body.get("zone_id")) or "*")
    statements: list[dict[str, Any]] = []
    reasons: dict[str, str] = {}
    region_condition = {"StringEquals": {"aws:RequestedRegion": regions}} if regions != ["*"] else None
    for group in groups.values():
        default = f"{group.name_prefix}{ns}*"
        names = sorted({default} | {n for n in group.names if not _matches(n.rstrip("*") or n, default)})
        if group.actions and group.tagged:
            tag = _default_tag(doc)
            resources = sorted({a.format(partition=partition, region=region, account=account, name="*", path="/")
                                for a in group.arns} or {f"arn:{partition}:kms:{region}:{account}:key/*"})
            statement = _statement(group.sid, group.actions, resources)
            if tag:
                statement["Condition"] = {"StringEquals": {"aws:ResourceTag/managed-by": tag}}
            statements.append(statement)
            if tag and "kms:TagResource" in group.actions:
                # CreateKey with Tags authorises kms:TagResource too, before the key has a tag: the ResourceTag
                # condition above cannot match it (KMS Developer Guide, "Controlling access to tags": an IAM policy
                # "that isn't restricted to particular KMS keys"; manage-tags-api: "must cover all KMS keys in the
                # account and Region"). Narrowed by the tags the request sends (list_awskeymanagementservice.html:
                # TagResource takes aws:RequestTag/${TagKey} and aws:TagKeys).
                sid = f"{group.sid.removesuffix('Keys')}TagOnCreate"
                statements.append({"Sid": sid, "Effect": "Allow", "Action": "kms:TagResource",
                                   "Resource": f"arn:{partition}:kms:{region}:{account}:key/*",
                                   "Condition": {"StringEquals": {"aws:RequestTag/managed-by": tag},
                                                 "ForAllValues:StringEquals": {"aws:TagKeys": _tag_keys(doc, "R aws_kms_key")}}})
                reasons[sid] = KMS_TAG_ON_CREATE_REASON
        elif group.actions:
            resources = sorted({a.format(partition=partition, region=region, account=account, name=n, path=p, zone=z)
                                for a in group.arns for n in names for p in (sorted(paths) or ["/"])
                                for z in (sorted(zones) or ["*"])})
            statements.append(_statement(group.sid, group.actions, resources))
        if group.unscoped:
            sid = f"{group.sid}Unscoped"
            if group.tagged:
                sid = f"{group.sid.removesuffix('Keys')}CreateKey"
            statement = _statement(sid, group.unscoped, ["*"])
            tag = _default_tag(doc)
            if group.tagged and tag:
                statement["Condition"] = {"StringEquals": {"aws:RequestTag/managed-by": tag}}
            elif not group.global_service and region_condition:
                statement["Condition"] = copy.deepcopy(region_condition)
            statements.append(statement)
            reasons[sid] = "; ".join(group.reasons) or "no reason recorded"
    if passed_to:
        roles = next((s["Resource"] for s in statements if s["Sid"] == "IamRoles"),
                     [f"arn:{partition}:iam::{account}:role{p}{ns}*" for p in sorted(paths) or ["/"]])
        statements.append({"Sid": "IamPassRolesToServices", "Effect": "Allow", "Action": "iam:PassRole",
                           "Resource": roles,
                           "Condition": {"StringEquals": {"iam:PassedToService": sorted(passed_to)}}})
    cli = sorted({a for c in cli_commands(doc) for a in CLI_ACTIONS[c]})
    if cli:
        statement = _statement("AwsCliInProvisionersUnscoped", cli, ["*"])
        if region_condition:
            statement["Condition"] = copy.deepcopy(region_condition)
        statements.append(statement)
        reasons["AwsCliInProvisionersUnscoped"] = CLI_REASON
    tag = _default_tag(doc)
    if decrypts and not any(g.tagged for g in groups.values()) and tag:
        statements.append({"Sid": "KmsDecryptDeploymentSecrets", "Effect": "Allow", "Action": "kms:Decrypt",
                           "Resource": f"arn:{partition}:kms:{region}:{account}:key/*",
                           "Condition": {"StringEquals": {"aws:ResourceTag/managed-by": tag}}})
    if linked:
        statements.append({"Sid": "IamServiceLinkedRoles", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
                           "Resource": f"arn:{partition}:iam::{account}:role/aws-service-role/*",
                           "Condition": {"StringEquals": {"iam:AWSServiceName": sorted(linked)}}})
    statements = _within_boundary(doc, statements, notes)
    statements.extend(_backend_statements(doc, partition))
    policy = {"Version": POLICY_VERSION, "Statement": statements}
    return StackPolicy(stack_id, policy, reasons, [f"{', '.join(types)}: {note}" for note, types in notes.items()])


BOUNDARY_ACTIONS = ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary")
"""The IAM actions that take the ``iam:PermissionsBoundary`` condition key (list_awsidentityandaccessmanagementiam.html;
IAM User Guide, "Permissions boundaries for IAM entities": delegating role creation)."""


WITHHELD_WITH_BOUNDARY = ("iam:DeleteRolePermissionsBoundary",)
"""Left out when the stack sets a permissions boundary: removing it from a role would lift the cap (called only
when a configuration drops ``iam_permissions_boundary_arn``: do that as an administrator)."""


def _within_boundary(doc: Mapping[str, Any], statements: list[dict[str, Any]],
                     notes: dict[str, list[str]]) -> list[dict[str, Any]]:
    """With ``iam_permissions_boundary_arn`` (every role of the stack has that boundary and the stack writes no
    policy into a role it did not create), the deployer may create and grant roles only with the boundary on
    them, may not remove it, and may not change the boundary policy: so it cannot make a role more powerful than
    the boundary. Without it, the deployer can give the roles it creates any permission: say so."""
    roles = list(_instances(doc, "R aws_iam_role"))
    if not roles:
        return statements
    boundaries = {_literal(r.get("permissions_boundary")) for r in roles}
    foreign = [b for k in ("R aws_iam_role_policy", "R aws_iam_role_policy_attachment")
               for b in _instances(doc, k) if _literal(b.get("role"))]
    boundary = next(iter(boundaries)) if len(boundaries) == 1 else None
    if boundary is None or foreign:
        notes.setdefault(
            "roles without a permissions boundary: the deployer can give the roles it creates (<namespace>*) any "
            "permission; set iam_permissions_boundary_arn to cap them (docs/deployer-policy.md)", []).append("aws_iam_role")
        return statements
    result: list[dict[str, Any]] = []
    for statement in statements:
        if statement["Sid"] != "IamRoles":
            result.append(statement)
            continue
        actions = [a for a in statement["Action"] if a not in WITHHELD_WITH_BOUNDARY]
        bounded = [a for a in actions if a in BOUNDARY_ACTIONS]
        result.append({**statement, "Action": [a for a in actions if a not in BOUNDARY_ACTIONS]})
        result.append({**statement, "Sid": "IamRolesWithinBoundary", "Action": bounded,
                       "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary}}})
        result.append({"Sid": "DenyChangingTheBoundary", "Effect": "Deny",
                       "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                                  "iam:SetDefaultPolicyVersion"], "Resource": boundary})
    return result


def _statement(sid: str, actions: Iterable[str], resources: list[str]) -> dict[str, Any]:
    acts = sorted(set(actions))
    return {"Sid": sid, "Effect": "Allow", "Action": acts if len(acts) > 1 else acts[0],
            "Resource": resources if len(resources) > 1 else resources[0]}


def _backend_statements(doc: Mapping[str, Any], partition: str) -> list[dict[str, Any]]:
    """The S3 backend (``remote_state``): the state object and its lock (Terraform's S3 backend documentation,
    "Permissions Required": s3:ListBucket on the bucket, s3:GetObject/PutObject/DeleteObject on the key and
    ``<key>.tflock``, dynamodb:GetItem/PutItem/DeleteItem on a lock table), and reading the state of the stacks
    this one depends on (``terraform_remote_state``)."""
    backend = doc.get("terraform", {}).get("backend", {}).get("s3")
    remote = [b.get("config", {}) for b in doc.get("data", {}).get("terraform_remote_state", {}).values()
              if b.get("backend") == "s3"]
    if not backend and not remote:
        return []
    statements: list[dict[str, Any]] = []
    if backend:
        bucket, key = backend.get("bucket", "*"), backend.get("key", "*")
        objects = [f"arn:{partition}:s3:::{bucket}/{key}", f"arn:{partition}:s3:::{bucket}/{key}.tflock"]
        statements.append(_statement("TerraformStateBucket", ["s3:ListBucket"], [f"arn:{partition}:s3:::{bucket}"]))
        statements.append(_statement("TerraformStateObject", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                                     objects))
        if backend.get("dynamodb_table"):
            statements.append(_statement(
                "TerraformStateLockTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                [f"arn:{partition}:dynamodb:{backend.get('region', '*')}:*:table/{backend['dynamodb_table']}"]))
        if backend.get("kms_key_id"):
            statements.append(_statement("TerraformStateKey", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                                         [_key_arn(str(backend["kms_key_id"]), partition)]))
    if remote:
        statements.append(_statement(
            "TerraformStateOfDependencies", ["s3:GetObject"],
            sorted({f"arn:{partition}:s3:::{c.get('bucket', '*')}/{c.get('key', '*')}" for c in remote})))
    return statements


def _key_arn(key: str, partition: str) -> str:
    """An ARN for ``remote_state.kms_key_id`` (an ARN already, or a key id / alias Resource cannot name)."""
    return key if key.startswith("arn:") else f"arn:{partition}:kms:*:*:key/*"


# --- IAM wildcard matching, sizes, splitting, the emulator's view ---------------------------------------------


def _matches(value: str, pattern: str) -> bool:
    """IAM's ARN matching: ``*`` any run of characters, ``?`` one (IAM JSON policy elements: Resource)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def resource_matches(arn: str, resources: str | list[str]) -> bool:
    """Whether ``arn`` is covered by a statement's ``Resource`` (one pattern or a list)."""
    return any(_matches(arn, p) for p in ([resources] if isinstance(resources, str) else resources))


def policy_size(policy: Mapping[str, Any]) -> int:
    """Characters IAM counts against the managed-policy quota: the JSON without whitespace."""
    return len(re.sub(r"\s", "", json.dumps(policy)))


def split_policy(policy: Mapping[str, Any], limit: int = MANAGED_POLICY_LIMIT) -> list[dict[str, Any]]:
    """``policy`` as managed policies of at most ``limit`` characters each: whole statements packed in order; a
    statement too large alone is cut by its actions (each part keeps the Sid with a number)."""
    pieces: list[dict[str, Any]] = []
    empty = policy_size({"Version": POLICY_VERSION, "Statement": []})
    for statement in policy["Statement"]:
        if empty + policy_size(statement) <= limit:
            pieces.append(statement)
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        part: list[str] = []
        n = 1
        for action in actions:
            trial = {**statement, "Sid": f"{statement['Sid']}{n}", "Action": [*part, action]}
            if part and empty + policy_size(trial) > limit:
                pieces.append({**statement, "Sid": f"{statement['Sid']}{n}", "Action": part})
                part, n = [], n + 1
            part.append(action)
        pieces.append({**statement, "Sid": f"{statement['Sid']}{n}", "Action": part})
    documents: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    for statement in pieces:
        if current and policy_size({"Version": POLICY_VERSION, "Statement": [*current, statement]}) > limit:
            documents.append({"Version": POLICY_VERSION, "Statement": current})
            current = []
        current.append(statement)
    documents.append({"Version": POLICY_VERSION, "Statement": current})
    return documents


def emulator_view(policy: Mapping[str, Any]) -> dict[str, Any]:
    """``policy`` with every Resource ``*``, no Condition and no Deny statement (a Deny of ``*`` would refuse what it
    guards everywhere): what moto's IAM enforcement can check (moto authorises
    the action and, for every service but S3, passes Resource ``*`` to its checker; it evaluates no condition).
    An apply that passes with this view proves the actions are enough, not that the scoping is right: the static
    tests (tests/test_deployer_policy.py) prove that."""
    statements = []
    for statement in policy["Statement"]:
        if statement.get("Effect") != "Allow":
            continue
        widened = {k: v for k, v in statement.items() if k != "Condition"}
        widened["Resource"] = "*"
        statements.append(widened)
    return {"Version": policy.get("Version", POLICY_VERSION), "Statement": statements}
