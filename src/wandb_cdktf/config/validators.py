"""Reusable value checks for the configuration model.

Each function raises ``ValueError`` with a message that says what is allowed;
the loader turns that into the one-line ``config error: <option>: <message>``.
"""

from __future__ import annotations

import ipaddress
import re

from ..storage import connection_strings as _cs

# Namespace: used verbatim in the EKS cluster name, RDS identifiers, the
# ElastiCache replication group id, and as prefix of S3 bucket / IAM role names.
# The tightest limit is the S3 ``bucket_prefix`` (37 characters, because AWS adds
# a 26-character unique suffix) for "<namespace>-file-storage-", which leaves 23;
# IAM role name prefixes (38) such as "<namespace>-rds-monitor-" leave 22.
# RDS and S3 also forbid upper case, "--", and a trailing hyphen.
NAMESPACE_MAX_LENGTH = 20
NAMESPACE_MIN_LENGTH = 3
_NAMESPACE_RE = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$")

_ARN_RE = re.compile(r"^arn:aws[a-zA-Z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$")
_DNS_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_ZONE_ID_RE = re.compile(r"^Z[A-Z0-9]{1,32}$")
_EKS_VERSION_RE = re.compile(r"^1\.(\d{2})$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")


# EC2 instance type naming (EC2 "Instance types" guide, "Amazon EC2 instance type naming conventions"):
# <family letters><generation digits><processor letter><additional capabilities>.<size>, where the processor
# letter, when there is one, comes first after the generation: a = AMD, g = AWS Graviton (Arm), i = Intel; the
# capability letters (b, d, e, n, q, z, flex) never include g. So c7gn, m6gd, x2gd, im4gn, is4gen, r8g, t4g,
# g5g, hpc7g are Graviton, while g5, g4dn, g4ad, gr6 are x86 (the leading g there is the family). a1 (Graviton 1)
# has no processor letter.
_INSTANCE_TYPE_RE = re.compile(r"^([a-z]+)(\d+)([a-z]*)(?:-[a-z0-9]+)?\.[a-z0-9]+$")


def is_arm_instance_type(value: str) -> bool:
    """True for an AWS Graviton (arm64) instance type, by the EC2 naming convention (see ``_INSTANCE_TYPE_RE``)."""
    match = _INSTANCE_TYPE_RE.match(value)
    if match is None:
        return False
    family, generation, suffix = match.groups()
    return (family, generation) == ("a", "1") or suffix.startswith("g")


def x86_instance_types(values: list[str]) -> list[str]:
    """Node instance types for the x86_64 AMI the node groups use (AL2023_x86_64_STANDARD; W&B's self-managed
    requirements name x86 nodes): EKS CreateNodegroup refuses an instance type of another architecture."""
    arm = [t for t in values if is_arm_instance_type(t)]
    if arm:
        raise ValueError(f"{', '.join(arm)} {'is' if len(arm) == 1 else 'are'} AWS Graviton (Arm); W&B nodes run "
                         "the x86_64 AMI (AL2023_x86_64_STANDARD): use x86 types (Intel i or AMD a, or none, after "
                         "the generation, e.g. r6i.2xlarge, m7a.2xlarge, m5.2xlarge)")
    return values


def namespace(value: str) -> str:
    if not (NAMESPACE_MIN_LENGTH <= len(value) <= NAMESPACE_MAX_LENGTH):
        raise ValueError(
            f"must be {NAMESPACE_MIN_LENGTH}-{NAMESPACE_MAX_LENGTH} characters (AWS name limits for the "
            f"bucket and IAM role prefixes derived from it), got {len(value)}"
        )
    if not _NAMESPACE_RE.match(value):
        raise ValueError(
            "must start with a lowercase letter and contain only lowercase letters, digits and single hyphens, "
            "not ending in a hyphen (used in EKS, RDS, S3 and IAM names)"
        )
    return value


def arn(value: str, service: str | None = None, resource_prefix: str | None = None) -> str:
    m = _ARN_RE.match(value)
    what = f"an ARN of {service}" if service else "an ARN"
    if resource_prefix:
        what += f" {resource_prefix}"
    if not m:
        raise ValueError(f"must be {what} (arn:aws:{service or '<service>'}:...), got {value!r}")
    if service and m.group(1) != service:
        raise ValueError(f"must be {what}, got an ARN of service {m.group(1)!r}")
    if resource_prefix and not m.group(4).startswith(resource_prefix):
        raise ValueError(f"must be {what}..., got {value!r}")
    return value


def ipv4_cidr(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"must be an IPv4 CIDR block like 10.10.0.0/16 with no host bits set, got {value!r} ({exc})") from None
    if net.version != 4:
        raise ValueError(f"must be an IPv4 CIDR block, got IPv6 {value!r}")
    return str(net)


def ipv6_cidr(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"must be an IPv6 CIDR block like ::/0 with no host bits set, got {value!r} ({exc})") from None
    if net.version != 6:
        raise ValueError(f"must be an IPv6 CIDR block, got IPv4 {value!r}")
    return str(net)


def dns_name(value: str) -> str:
    name = value.rstrip(".").lower()
    if not name or len(name) > 253 or not all(_DNS_LABEL_RE.match(p) for p in name.split(".")):
        raise ValueError(f"must be a DNS name of labels a-z, 0-9 and '-' separated by dots (max 253), got {value!r}")
    return name


def route53_zone_id(value: str) -> str:
    if not _ZONE_ID_RE.match(value):
        raise ValueError(f"must be a Route53 hosted zone id like Z0123456789ABCDEFGHIJ, got {value!r}")
    return value


# Amazon EKS, "Understand the Kubernetes version lifecycle on EKS": 14 months of standard support, then 12 of
# (paid, on by default) extended support, after which EKS auto-upgrades the cluster and no longer creates or
# upgrades to the minor. As of 2026-12: 1.31's extended support ended 2026-11-26, 1.32's ends 2027-03-23; 1.35 is
# in standard support until 2027-03-27 (1.34's standard support ended 2026-12-02). W&B's self-managed requirements
# ask for Kubernetes >= 1.34. Revisit these with each EKS release.
EKS_OLDEST_MINOR = 32
EKS_STANDARD_SUPPORT_OLDEST_MINOR = 35
WANDB_KUBERNETES_FLOOR_MINOR = 34
EKS_DEFAULT_VERSION = "1.35"


def eks_version(value: str) -> str:
    m = _EKS_VERSION_RE.match(value)
    if not m or not (23 <= int(m.group(1)) <= 45):
        raise ValueError(f"must be an EKS Kubernetes version like '{EKS_DEFAULT_VERSION}', got {value!r}")
    if int(m.group(1)) < EKS_OLDEST_MINOR:
        raise ValueError(f"must be 1.{EKS_OLDEST_MINOR} or newer: EKS no longer creates or upgrades to {value} (past "
                         f"its extended support; EKS auto-upgrades such clusters), got {value!r}")
    return value


# Rules that the storage addresses (the leaf package wandb_cdktf.storage) enforce too: defined there, once.
aws_region = _cs.validate_aws_region
s3_bucket_name = _cs.validate_s3_bucket_name
gcs_bucket_name = _cs.validate_gcs_bucket_name
azure_storage_account_name = _cs.validate_azure_storage_account_name
azure_container_name = _cs.validate_azure_container_name
gcp_service_account_email = _cs.validate_gcp_service_account_email
s3_compatible_endpoint = _cs.validate_endpoint
store_region = _cs.validate_store_region

# --- identifiers of other services (each rule once; the source is in the test that proves it) --------------

# GCP Resource Manager, "Creating and managing projects": a project ID is 6-30 characters of lowercase letters,
# digits and hyphens, starts with a letter and does not end with a hyphen.
_GCP_PROJECT_ID_RE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
# GCP IAM, "Create service accounts": the account ID is 6-30 characters of lowercase letters, digits and
# hyphens, starting with a letter (and, as a DNS label, not ending with a hyphen).
_GCP_SA_ID_RE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Kubernetes "Object Names and IDs": RFC 1123 label names (namespaces, ...) and DNS subdomain names (service
# accounts, secrets, ...).
_K8S_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_K8S_SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$")
# OpenID Connect Discovery 1.0 section 3 ("issuer": an https URL with no query or fragment). The path is kept to
# RFC 3986 unreserved characters, '%' and '/', the characters of every EKS, GKE, AKS and Entra ID issuer: IAM
# builds trust-policy condition keys from <host>/<path>, where '$', '{', '*' or '?' would be a policy variable
# or a wildcard.
_OIDC_ISSUER_RE = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/-]*)?$")
# Azure "Naming rules and restrictions for Azure resources": a resource group is 1-90 letters, digits,
# underscores, hyphens, periods and parentheses, not ending with a period; regions are names like eastus.
_AZ_RESOURCE_GROUP_RE = re.compile(r"^[-\w.()]{0,89}[-\w()]$")
_AZ_LOCATION_RE = re.compile(r"^[a-z0-9]+$")


def gcp_project_id(value: str) -> str:
    if not _GCP_PROJECT_ID_RE.match(value):
        raise ValueError("must be a GCP project ID: 6-30 lowercase letters, digits and hyphens, starting with a letter "
                         f"and not ending with a hyphen, got {value!r}")
    return value


def gcp_service_account_id(value: str) -> str:
    if not _GCP_SA_ID_RE.match(value):
        raise ValueError("must be a GCP service account ID: 6-30 lowercase letters, digits and hyphens, starting with "
                         f"a letter and not ending with a hyphen, got {value!r}")
    return value


def gke_workload_pool(value: str) -> str:
    """GKE Workload Identity: the pool of a cluster in project P is ``P.svc.id.goog``."""
    project, _, suffix = value.partition(".")
    if suffix != "svc.id.goog" or not _GCP_PROJECT_ID_RE.match(project):
        raise ValueError(f"must be a Workload Identity pool <project id>.svc.id.goog, got {value!r}")
    return value


def uuid(value: str) -> str:
    if not _UUID_RE.match(value):
        raise ValueError(f"must be a UUID like 00000000-0000-0000-0000-000000000000, got {value!r}")
    return value


def kubernetes_name(value: str) -> str:
    if not _K8S_LABEL_RE.match(value):
        raise ValueError("must be a Kubernetes name (RFC 1123 label): 1-63 lowercase letters, digits and '-', "
                         f"starting and ending with a letter or digit, got {value!r}")
    return value


def kubernetes_subdomain_name(value: str) -> str:
    if not _K8S_SUBDOMAIN_RE.match(value):
        raise ValueError("must be a Kubernetes name (DNS subdomain): 1-253 lowercase letters, digits, '-' and '.', "
                         f"starting and ending with a letter or digit, got {value!r}")
    return value


def oidc_issuer_url(value: str) -> str:
    """Kept verbatim: Entra ID compares a federated credential's issuer with the token's ``iss`` exactly, so
    neither adding nor stripping a trailing '/' is safe (AKS issuers end with '/', EKS and GKE issuers do not)."""
    if not _OIDC_ISSUER_RE.match(value):
        raise ValueError("must be an OIDC issuer URL: https://<host>[:port][/path] with no query or fragment and a path "
                         "of letters, digits and ._~%/- (e.g. https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE), "
                         f"got {value!r}")
    return value


def azure_resource_group_name(value: str) -> str:
    if not _AZ_RESOURCE_GROUP_RE.match(value):
        raise ValueError("must be an Azure resource group name: 1-90 letters, digits, '_', '-', '.', '(' and ')', "
                         f"not ending with '.', got {value!r}")
    return value


def azure_location(value: str) -> str:
    if not _AZ_LOCATION_RE.match(value):
        raise ValueError(f"must be an Azure region name like eastus (lowercase letters and digits), got {value!r}")
    return value


_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def env_name(value: str) -> str:
    """The name of an environment variable (POSIX: letters, digits and '_', not starting with a digit)."""
    if not _ENV_NAME_RE.match(value):
        raise ValueError(f"must be the name of an environment variable ([A-Za-z_][A-Za-z0-9_]*), got {value!r}")
    return value


def aws_account_id(value: str) -> str:
    if not _ACCOUNT_RE.match(value):
        raise ValueError(f"must be a 12-digit AWS account id, got {value!r}")
    return value


_KMS_ALIAS_SUFFIX_RE = re.compile(r"^[A-Za-z0-9/_-]{1,250}$")


def kms_alias_suffix(value: str) -> str:
    """v8 ``kms_key_alias``: the alias name after ``alias/``, which v8 (and we) prepend.

    AWS KMS CreateAlias: AliasName is 1-256 characters of ``alias/`` plus ``[a-zA-Z0-9/_-]`` and must
    not begin with ``alias/aws/`` (reserved for AWS managed keys), so the suffix is at most 250.
    """
    if not _KMS_ALIAS_SUFFIX_RE.match(value):
        raise ValueError(f"must be 1-250 characters of A-Z, a-z, 0-9, '/', '_' and '-' (v8 prepends 'alias/'), got {value!r}")
    if value.startswith("aws/"):
        raise ValueError("must not start with 'aws/': alias/aws/ is reserved for AWS managed keys")
    if value.startswith("alias/"):
        # v8 would create alias/alias/...; earlier wandb-cdktf configs wrote the full name. Refuse the ambiguity.
        raise ValueError(f"give the name without 'alias/' (it is prepended, as in v8), e.g. {value[len('alias/'):]!r}")
    return value


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY_WINDOW_RE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$")
_DAILY_WINDOW_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_WEEK = 7 * 24 * 60


def rds_maintenance_window(value: str, backup_window: str | None = None) -> str:
    """RDS ``PreferredMaintenanceWindow`` (ModifyDBCluster API reference): ``ddd:hh24:mi-ddd:hh24:mi`` in UTC,
    at least 30 minutes, and it must not overlap the preferred backup window."""
    m = _WEEKLY_WINDOW_RE.match(value.lower())
    if not m:
        raise ValueError(f"must be a weekly UTC window like 'sun:05:00-sun:06:00' (ddd:hh24:mi-ddd:hh24:mi), got {value!r}")
    start = _DAYS.index(m.group(1)) * 1440 + int(m.group(2)) * 60 + int(m.group(3))
    end = _DAYS.index(m.group(4)) * 1440 + int(m.group(5)) * 60 + int(m.group(6))
    length = (end - start) % _WEEK
    if length < 30:
        raise ValueError(f"must be at least 30 minutes long (RDS), got {value!r}")
    if backup_window:
        b = _DAILY_WINDOW_RE.match(backup_window)
        assert b, backup_window
        b_start = int(b.group(1)) * 60 + int(b.group(2))
        b_len = ((int(b.group(3)) * 60 + int(b.group(4))) - b_start) % 1440
        for day in range(7):
            bs = day * 1440 + b_start
            # Two intervals on a circle of one week overlap if either start falls inside the other.
            if (bs - start) % _WEEK < length or (start - bs) % _WEEK < b_len:
                raise ValueError(f"{value!r} overlaps the daily {backup_window} UTC backup window (RDS refuses that)")
    return value.lower()


# IAM API reference, CreateRole / CreatePolicy "Path": 1-512 characters, pattern
# (\u002F)|(\u002F[\u0021-\u007E]+\u002F): "/" alone, or printable ASCII without spaces between two "/".
_IAM_PATH_RE = re.compile(r"^/(?:[\x21-\x7e]+/)?$")
IAM_PATH_MAX_LENGTH = 512


def iam_path(value: str) -> str:
    if len(value) > IAM_PATH_MAX_LENGTH:
        raise ValueError(f"must be at most {IAM_PATH_MAX_LENGTH} characters (IAM path limit), got {len(value)}")
    if not _IAM_PATH_RE.match(value):
        raise ValueError("must start and end with '/' and contain only printable ASCII without spaces between "
                         f"(IAM path, e.g. /wandb/), got {value!r}")
    return value


# AWS tag limits (AWS General Reference, "Tagging your AWS resources" > "Tag naming limits and requirements";
# the same in the Tagging AWS Resources user guide): at most 50 user tags per resource; a key is 1-128 and a
# value 0-256 Unicode characters; letters, digits, spaces and _ . : / = + - @ only (the rule of the services
# with the strictest check, e.g. IAM; default tags reach every service); the aws: prefix is reserved for AWS.
AWS_MAX_TAGS_PER_RESOURCE = 50
AWS_TAG_KEY_MAX = 128
AWS_TAG_VALUE_MAX = 256
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


def _tag_text_ok(text: str) -> bool:
    import unicodedata

    return all(ch in _TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LNZ" for ch in text)


def aws_tags(value: dict[str, str]) -> dict[str, str]:
    """One AWS tag set: each key and value within AWS's length and character rules, no ``aws:`` key."""
    for key, item in value.items():
        if not 1 <= len(key) <= AWS_TAG_KEY_MAX:
            raise ValueError(f"tag keys must be 1-{AWS_TAG_KEY_MAX} characters (AWS limit), got {len(key)}: "
                             f"{key[:40]!r}")
        if key.lower().startswith("aws:"):
            raise ValueError(f"tag key {key!r}: the aws: prefix is reserved for AWS; choose another key")
        if len(item) > AWS_TAG_VALUE_MAX:
            raise ValueError(f"the value of tag {key!r} is {len(item)} characters; AWS allows at most "
                             f"{AWS_TAG_VALUE_MAX}")
        for what, text in (("key", key), ("value", item)):
            if not _tag_text_ok(text):
                raise ValueError(f"tag {what} {text[:40]!r} has characters AWS refuses; use letters, digits, spaces "
                                 "and _ . : / = + - @")
    return value
