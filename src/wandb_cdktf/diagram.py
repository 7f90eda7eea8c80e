"""An architecture picture of synthesized stacks, as a Mermaid flowchart (``wandb-cdktf diagram``).

Read from what was synthesized (``manifest.json`` and each stack's ``cdk.tf.json``), not from the
configuration, so the picture shows what Terraform will build: one box per stack with its main resources,
the path of a request (users -> ALB -> W&B pods -> database, Redis, bucket, queue, EFS), the IRSA roles with
the Kubernetes service accounts their trust policies admit, and the cross-stack references (which outputs
of one stack another stack reads). Pure Python: no provider bindings, no Node.js.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Resource type -> label. Types with several resources of little individual interest are drawn once ("xN").
_SINGLE: dict[str, str] = {
    "aws_vpc": "VPC",
    "aws_eks_cluster": "EKS cluster",
    "aws_rds_cluster": "Aurora MySQL",
    "aws_elasticache_replication_group": "ElastiCache Redis",
    "aws_sqs_queue": "SQS queue",
    "aws_efs_file_system": "EFS (Weave)",
    "aws_vpc_endpoint_service": "PrivateLink endpoint service",
    "aws_acm_certificate": "ACM certificate",
    "aws_iam_openid_connect_provider": "IAM OIDC provider",
    "aws_cloudtrail": "CloudTrail (bucket data events)",
    "aws_ecr_repository": "ECR repository",
    "aws_kms_key": "KMS key",
    "aws_s3_bucket": "S3 bucket",
    "google_storage_bucket": "GCS bucket",
    "google_artifact_registry_repository": "Artifact Registry repository",
    "google_service_account": "service account",
    "azurerm_storage_account": "Storage account",
    "azurerm_user_assigned_identity": "managed identity",
    "azurerm_container_registry": "Container Registry",
    "kubernetes_deployment_v1": "W&B pods (Deployment)",
}
_GROUPED: dict[str, str] = {
    "aws_eks_node_group": "EKS node groups",
    "aws_secretsmanager_secret": "Secrets Manager secrets",
    "aws_route53_record": "Route53 records",
    "aws_subnet": "subnets",
}
_IRSA_SUBJECT = re.compile(r"system:serviceaccount:([A-Za-z0-9*._-]+):([A-Za-z0-9*._-]+)")
_CROSS_REF = re.compile(r"outputs\.(cross-stack-output-[A-Za-z0-9_.-]+)")
_RESOURCE_REF = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_\[\].]+)\}$")


@dataclass
class _Node:
    id: str
    label: str
    shape: str = "box"  # box | round | stadium | db


@dataclass
class _Stack:
    name: str
    doc: dict[str, Any]
    nodes: list[_Node] = field(default_factory=list)
    by_resource: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, name) -> node id
    by_role: dict[str, str] = field(default_factory=dict)  # what the node is (alb, pods, db, ...) -> node id


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", text)


def _path(body: dict[str, Any]) -> str:
    """The construct path below the stack (``file-storage/bucket``), from cdktf's metadata."""
    path = str(body.get("//", {}).get("metadata", {}).get("path", ""))
    return path.split("/", 1)[1] if "/" in path else path


def _esc(label: str) -> str:
    return label.replace('"', "'")


def _shape(node: _Node) -> str:
    text = _esc(node.label)
    return {"round": f'("{text}")', "stadium": f'(["{text}"])', "db": f'[("{text}")]'}.get(node.shape, f'["{text}"]')


def _add_nodes(stack: _Stack) -> None:
    slug = _slug(stack.name)
    resources: dict[str, dict[str, Any]] = stack.doc.get("resource", {})
    for rtype in sorted(resources):
        items = resources[rtype]
        if rtype in _GROUPED:
            group = _Node(f"{slug}_{rtype}", f"{_GROUPED[rtype]} x{len(items)}")
            stack.nodes.append(group)
            for name in items:
                stack.by_resource[(rtype, name)] = group.id
            continue
        for i, (name, body) in enumerate(sorted(items.items())):
            node = _resource_node(f"{slug}_{rtype}_{i}", rtype, body)
            if node is None:
                continue
            stack.nodes.append(node)
            stack.by_resource[(rtype, name)] = node.id
            role = _role_of(rtype, body)
            if role and role not in stack.by_role:
                stack.by_role[role] = node.id
    _add_virtual_nodes(stack)


def _resource_node(node_id: str, rtype: str, body: dict[str, Any]) -> _Node | None:
    path = _path(body)
    where = path.rsplit("/", 1)[0] if "/" in path else path
    if rtype == "aws_lb":
        kind = "NLB" if body.get("load_balancer_type") == "network" else "ALB"
        return _Node(node_id, f"{kind} {'internal' if body.get('internal') else 'internet-facing'}", "round")
    if rtype == "aws_iam_role":
        policy = str(body.get("assume_role_policy", ""))
        subjects = sorted({f"{ns}/{sa}" for ns, sa in _IRSA_SUBJECT.findall(policy)})
        name = body.get("name_prefix") or body.get("name") or where
        if subjects:
            shown = ", ".join(subjects[:2]) + (f" +{len(subjects) - 2}" if len(subjects) > 2 else "")
            return _Node(node_id, f"IRSA role {str(name).rstrip('-')}<br/>for {shown}", "stadium")
        if "ec2.amazonaws.com" in policy and "node" in path:
            return _Node(node_id, f"node role {str(name).rstrip('-')}", "stadium")
        if "Federated" in policy or "AWS" in policy:
            return _Node(node_id, f"IAM role {str(name).rstrip('-')}", "stadium")
        return None
    if rtype == "helm_release":
        name = str(body.get("name", where))
        if name == "wandb-cr":
            return _Node(node_id, "W&B pods<br/>(WeightsAndBiases, run by the operator)", "round")
        return _Node(node_id, f"Helm: {name}")
    if rtype not in _SINGLE:
        return None
    label = _SINGLE[rtype]
    if rtype in {"aws_s3_bucket", "aws_kms_key", "google_storage_bucket", "azurerm_storage_account",
                 "google_service_account", "azurerm_user_assigned_identity"} and where:
        label = f"{label}<br/>{where}"
    if rtype == "aws_eks_cluster" and body.get("version"):
        label = f"{label} {body['version']}"
    shape = "db" if rtype in {"aws_rds_cluster", "aws_elasticache_replication_group", "aws_s3_bucket", "aws_sqs_queue",
                              "aws_efs_file_system", "google_storage_bucket", "azurerm_storage_account"} else "box"
    return _Node(node_id, label, shape)


def _role_of(rtype: str, body: dict[str, Any]) -> str | None:
    """What a node is in the request path (one of each per stack)."""
    path = _path(body)
    if rtype == "aws_lb":
        return "nlb" if body.get("load_balancer_type") == "network" else "alb"
    if rtype == "helm_release" and body.get("name") == "wandb-cr":
        return "pods"
    if rtype == "helm_release" and body.get("name") == "aws-load-balancer-controller":
        return "lbc"
    if rtype == "kubernetes_deployment_v1":
        return "pods"
    if rtype == "aws_s3_bucket" and path.startswith("file-storage/"):
        return "bucket"
    if rtype == "aws_iam_role" and path.startswith("eks/node-role"):
        return "node-role"
    if rtype == "aws_s3_bucket" and path.startswith("byob-bucket"):
        return f"team:{path}"
    return {"aws_rds_cluster": "db", "aws_elasticache_replication_group": "redis", "aws_sqs_queue": "queue",
            "aws_efs_file_system": "efs", "aws_iam_openid_connect_provider": "oidc",
            "aws_vpc_endpoint_service": "endpoint-service"}.get(rtype)


def _add_virtual_nodes(stack: _Stack) -> None:
    """Post-operator, the ALB is made at run time by the load balancer controller from the W&B Ingress."""
    if "pods" in stack.by_role and "lbc" in stack.by_role and "alb" not in stack.by_role:
        node = _Node(f"{_slug(stack.name)}_alb_k8s", "ALB (made by aws-load-balancer-controller<br/>from the W&B Ingress)",
                     "round")
        stack.nodes.append(node)
        stack.by_role["alb"] = node.id


def _find(stacks: list[_Stack], role: str) -> str | None:
    for stack in stacks:
        if role in stack.by_role:
            return stack.by_role[role]
    return None


def _request_edges(stacks: list[_Stack]) -> list[str]:
    lines: list[str] = []
    alb, pods, nlb = _find(stacks, "alb"), _find(stacks, "pods"), _find(stacks, "nlb")
    if alb:
        lines.append(f"  users --> {alb}")
    if nlb:
        lines.append(f"  consumers --> {nlb}")
        if alb:
            lines.append(f"  {nlb} -->|TCP 443| {alb}")
    if alb and pods:
        lines.append(f"  {alb} -->|HTTPS| {pods}")
    if pods:
        node_role = _find(stacks, "node-role")
        if node_role:
            lines.append(f"  {pods} -.->|runs as| {node_role}")
        for role, what in (("db", "MySQL"), ("redis", "Redis TLS"), ("bucket", "S3"), ("queue", "SQS"), ("efs", "NFS")):
            target = _find(stacks, role)
            if target:
                lines.append(f"  {pods} -->|{what}| {target}")
        for stack in stacks:
            for role, target in sorted(stack.by_role.items()):
                if role.startswith("team:"):
                    lines.append(f"  {pods} -->|team bucket| {target}")
    oidc = _find(stacks, "oidc")
    if oidc:
        for stack in stacks:
            for node in stack.nodes:
                if node.label.startswith("IRSA role"):
                    lines.append(f"  {oidc} -.->|trusted by| {node.id}")
    return lines


def _cross_stack_edges(stacks: list[_Stack]) -> list[str]:
    """Edges for cdktf's cross-stack references: producer resource (or stack) -.-> consumer stack, labelled with
    the attributes read."""
    producers: dict[str, tuple[_Stack, str, str, str]] = {}  # output name -> (stack, type, name, attribute)
    for stack in stacks:
        for out_name, out in stack.doc.get("output", {}).items():
            m = _RESOURCE_REF.match(str(out.get("value", ""))) if out_name.startswith("cross-stack-output-") else None
            if m:
                producers[out_name] = (stack, m.group(1), m.group(2), m.group(3))
    lines: list[str] = []
    for consumer in stacks:
        text = json.dumps(consumer.doc.get("resource", {})) + json.dumps(consumer.doc.get("data", {})) + json.dumps(
            consumer.doc.get("provider", {})) + json.dumps(consumer.doc.get("locals", {}))
        grouped: dict[str, list[str]] = {}
        for ref in sorted(set(_CROSS_REF.findall(text))):
            if ref not in producers:
                continue
            stack, rtype, name, attr = producers[ref]
            if stack is consumer:
                continue
            source = stack.by_resource.get((rtype, name), f"s_{_slug(stack.name)}")
            grouped.setdefault(source, [])
            attr = re.sub(r"\[\d+\]", "", attr).split(".")[0]
            if attr not in grouped[source]:
                grouped[source].append(attr)
        for source, attrs in sorted(grouped.items()):
            shown = ", ".join(attrs[:3]) + (", ..." if len(attrs) > 3 else "")
            lines.append(f"  {source} -.->|{shown}| s_{_slug(consumer.name)}")
    return lines


def diagram_from_outdir(outdir: Path) -> str:
    """The Mermaid diagram (inside a ```mermaid fence) of the stacks synthesized into ``outdir``."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = []
    for name, entry in manifest.get("stacks", {}).items():
        doc = json.loads((outdir / entry.get("synthesizedStackPath", f"stacks/{name}/cdk.tf.json")).read_text())
        stacks.append(_Stack(name, doc))
    stacks.sort(key=lambda s: (len(manifest["stacks"][s.name].get("dependencies", [])), s.name))
    for stack in stacks:
        _add_nodes(stack)
    lines = ["```mermaid", "flowchart LR"]
    if _find(stacks, "alb"):
        lines.append('  users(["users<br/>(allowed_inbound_cidr)"])')
    if _find(stacks, "nlb"):
        lines.append('  consumers(["PrivateLink consumers<br/>(private_link_allowed_account_ids)"])')
    for stack in stacks:
        lines.append(f'  subgraph s_{_slug(stack.name)}["{stack.name}"]')
        lines.extend(f"    {node.id}{_shape(node)}" for node in stack.nodes)
        lines.append("  end")
    lines.extend(_request_edges(stacks))
    lines.extend(_cross_stack_edges(stacks))
    lines.append("```")
    return "\n".join(lines) + "\n"


def example_page(example: str, diagram: str) -> str:
    """The docs page of one example's diagram (docs/architecture/<example stem>.md)."""
    return (f"# What {example} deploys\n\n"
            f"The stacks that [examples/{example}](../../examples/{example}) synthesizes, their main resources, the "
            "path of a request, the IRSA roles and the cross-stack references (dotted arrows into a stack: the "
            "attributes it reads from another stack's outputs). Generated from the synthesized JSON by\n\n"
            f"```bash\nWANDB_CDKTF_CONFIG=examples/{example} wandb-cdktf diagram\n```\n\n"
            "(`python scripts/gen_diagrams.py` rewrites these pages; a test fails while one is stale).\n\n"
            f"{diagram}")


def index_page(examples: list[str]) -> str:
    """docs/architecture/index.md: what the pictures show, and one link per example."""
    lines = ["# Architecture", "",
             "`wandb-cdktf diagram` draws what a configuration deploys, from the synthesized stacks: one box per stack "
             "with its main resources; users -> ALB -> W&B pods -> Aurora, Redis, S3, SQS and EFS; the IRSA roles and "
             "the Kubernetes service accounts their trust policies admit; the cross-stack references that make cdktf "
             "deploy stacks together. It prints Mermaid, which GitHub and this site render.", "",
             "```bash", "wandb-cdktf diagram                     # the configuration in $WANDB_CDKTF_CONFIG",
             "wandb-cdktf diagram --from cdktf.out    # stacks already synthesized", "```", "",
             "One picture per example:", ""]
    lines += [f"- [{name}]({name.rsplit('.', 1)[0]}.md)" for name in examples]
    return "\n".join(lines) + "\n"
