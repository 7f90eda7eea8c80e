"""W&B storage addresses (``BUCKET`` / ``GORILLA_SUPPORTED_FILE_STORES`` values), pure Python.

W&B requirement served: team-level BYOB on Dedicated Cloud and self-managed instances
lets a team use a bucket in another cloud or an S3-compatible store (MinIO) when the
instance lists it, with credentials, in ``GORILLA_SUPPORTED_FILE_STORES`` (comma
separated). The documented address forms are::

    s3://<accessKey>:<secretAccessKey>@<s3_regional_endpoint>/<bucket>?region=<region>
    s3://<accessKey>:<secretAccessKey>@<endpoint>/<bucket>?region=<region>&tls=true   (S3-compatible)
    gs://<serviceAccountEmail>:<urlEncodedPrivateKey>@<bucket>
    az://:<urlEncodedAccessKey>@<storageAccountName>/<containerName>

Credentials are percent-encoded with :func:`urllib.parse.quote` and an empty safe set,
so ``/ + = @ : %``, spaces and newlines (PEM keys) can never be confused with URL
delimiters, and ``,`` can never split the comma-separated list. The service-account
email is kept literal, as W&B documents it (an ``@`` is valid in URL userinfo and
parsers split the authority at the *last* ``@``).

Secrets never leave an address object by accident: ``repr()`` and ``str()`` are
redacted; only :meth:`to_url` returns the secret-bearing string.

This package is a leaf: it imports nothing from cdktf, the provider bindings or
:mod:`wandb_cdktf.config` (whose ``byob.file_stores`` build these addresses, in
``wandb_cdktf.config.file_stores``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

__all__ = [
    "AzureAddress",
    "GcsAddress",
    "S3Address",
    "StorageAddress",
    "StorageAddressError",
    "aws_s3_address",
    "aws_s3_endpoint",
    "azure_address",
    "dotted_bucket_warning",
    "gcs_address",
    "parse_address",
    "parse_supported_file_stores",
    "s3_compatible_address",
    "supported_file_stores",
    "validate_aws_region",
    "validate_azure_container_name",
    "validate_azure_storage_account_name",
    "validate_endpoint",
    "validate_gcp_service_account_email",
    "validate_gcs_bucket_name",
    "validate_s3_bucket_name",
    "validate_store_region",
]

REDACTED = "***"


class StorageAddressError(ValueError):
    """An invalid part of a storage address; the message says what is allowed (never the secret)."""


# --- name validation, per cloud ------------------------------------------------------------

_S3_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IPV4_LIKE_RE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_GCS_COMPONENT_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")
_AZ_ACCOUNT_RE = re.compile(r"^[a-z0-9]{3,24}$")
_AZ_CONTAINER_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")
_REGION_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
_AWS_REGION_RE = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$")
_HOST_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_SA_EMAIL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.gserviceaccount\.com$")


def validate_s3_bucket_name(name: str) -> str:
    """AWS S3 (and S3-compatible, e.g. MinIO) bucket naming rules."""
    if (
        not _S3_BUCKET_RE.match(name)
        or ".." in name
        or ".-" in name
        or "-." in name
        or _IPV4_LIKE_RE.match(name)
        or name.startswith(("xn--", "sthree-"))
        or name.endswith(("-s3alias", "--ol-s3", "--x-s3"))
    ):
        raise StorageAddressError(
            "must be a valid S3 bucket name: 3-63 characters of lowercase letters, digits, '.' and '-', "
            f"starting and ending with a letter or digit, not an IP address, got {name!r}"
        )
    return name


def validate_gcs_bucket_name(name: str) -> str:
    """Google Cloud Storage bucket naming rules (without the domain-verified >63 form's DNS check)."""
    parts = name.split(".")
    ok = (
        3 <= len(name) <= 222
        and all(1 <= len(p) <= 63 and _GCS_COMPONENT_RE.match(p) for p in parts)
        and (len(name) <= 63 or len(parts) > 1)
        and not _IPV4_LIKE_RE.match(name)
        and not name.startswith("goog")
        and "google" not in name
        and "g00gle" not in name
    )
    if not ok:
        raise StorageAddressError(
            "must be a valid GCS bucket name: 3-63 characters (222 with dots) of lowercase letters, digits, '-', "
            f"'_' and '.', starting and ending with a letter or digit, not starting with 'goog' nor containing "
            f"'google', got {name!r}"
        )
    return name


def validate_azure_storage_account_name(name: str) -> str:
    if not _AZ_ACCOUNT_RE.match(name):
        raise StorageAddressError(f"must be an Azure storage account name: 3-24 lowercase letters and digits, got {name!r}")
    return name


def validate_azure_container_name(name: str) -> str:
    if not _AZ_CONTAINER_RE.match(name):
        raise StorageAddressError(
            "must be an Azure blob container name: 3-63 lowercase letters, digits and single hyphens, "
            f"starting and ending with a letter or digit, got {name!r}"
        )
    return name


def validate_gcp_service_account_email(email: str) -> str:
    """A Google service account's email: ``<id>@<project>.iam.gserviceaccount.com`` (user-managed),
    ``<number>-compute@developer.gserviceaccount.com`` (Compute Engine default) or a service agent's
    ``...@gcp-sa-<service>.iam.gserviceaccount.com``: every form ends in ``gserviceaccount.com``."""
    if not _SA_EMAIL_RE.match(email):
        raise StorageAddressError(f"must be a service account email like name@project.iam.gserviceaccount.com, got {email!r}")
    return email


def validate_aws_region(region: str) -> str:
    """An AWS region name (``us-west-2``, ``us-gov-west-1``, ``cn-north-1``)."""
    if not _AWS_REGION_RE.match(region):
        raise StorageAddressError(f"must be an AWS region like us-west-2, got {region!r}")
    return region


def validate_store_region(region: str) -> str:
    """The ``region=`` of an S3-compatible store: whatever the server calls its region (MinIO: us-east-1)."""
    if not _REGION_RE.match(region):
        raise StorageAddressError(f"must be a region of lowercase letters, digits and '-' (max 32), got {region!r}")
    return region


def _validate_region(region: str, *, aws: bool) -> str:
    try:
        return validate_aws_region(region) if aws else validate_store_region(region)
    except StorageAddressError as exc:
        raise StorageAddressError(f"region {exc}") from None


_PATH_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._~-]+$")


def validate_endpoint(endpoint: str) -> str:
    """host[:port][/path], no scheme (TLS is the ``tls`` flag).

    The W&B docs write S3-compatible stores as ``<url_endpoint>/<bucketName>``: the
    endpoint is a host with an optional port and an optional path prefix (a MinIO
    or gateway behind a reverse proxy at ``https://gw.example.com:9000/s3``).
    """
    if "://" in endpoint:
        raise StorageAddressError(f"endpoint must be host[:port][/path] without a scheme (use tls for https), got {endpoint!r}")
    bad = sorted(set(endpoint) & set("?#@ "))
    if bad:
        raise StorageAddressError(f"endpoint must be host[:port][/path] without {bad[0]!r} (region and tls are "
                                  f"separate options; credentials never go here), got {endpoint!r}")
    hostport, slash, path = endpoint.partition("/")
    if slash:
        segments = path.split("/")
        if not all(_PATH_SEGMENT_RE.match(seg) and seg not in {".", ".."} for seg in segments):
            raise StorageAddressError(
                "endpoint path must be segments of letters, digits and ._~- separated by single '/' "
                f"(no trailing '/', no '.' or '..'), got {endpoint!r}"
            )
    host, port = hostport, None
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            raise StorageAddressError(f"endpoint has an unclosed IPv6 bracket: {endpoint!r}")
        host, rest = hostport[1:close], hostport[close + 1 :]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise StorageAddressError(f"endpoint must be host[:port][/path], got {endpoint!r}") from None
        if rest:
            if not rest.startswith(":"):
                raise StorageAddressError(f"endpoint must be host[:port][/path], got {endpoint!r}")
            port = rest[1:]
    else:
        if hostport.count(":") > 1:
            raise StorageAddressError(f"endpoint must be host[:port][/path] (bracket IPv6 addresses), got {endpoint!r}")
        if ":" in hostport:
            host, port = hostport.split(":", 1)
        labels = host.split(".")
        if not host or len(host) > 253 or not all(_HOST_LABEL_RE.match(lbl) for lbl in labels):
            raise StorageAddressError(f"endpoint must be host[:port][/path] with a DNS name or IPv4 address, got {endpoint!r}")
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535 and str(int(port)) == port):
        raise StorageAddressError(f"endpoint port must be 1-65535, got {endpoint!r}")
    return endpoint


def aws_s3_endpoint(region: str) -> str:
    """The regional S3 endpoint: ``s3.<region>.amazonaws.com``, ``.amazonaws.com.cn`` in the China partition.

    Source: AWS General Reference, "Amazon S3 endpoints" (China (Beijing) cn-north-1 and
    China (Ningxia) cn-northwest-1 are served from ``s3.<region>.amazonaws.com.cn``).
    """
    _validate_region(region, aws=True)
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"s3.{region}.{suffix}"


def dotted_bucket_warning(cloud: str, name: str) -> str | None:
    """Why a bucket name with dots is a risk for W&B, or None.

    S3: virtual-hosted-style HTTPS (what presigned URLs handed to browsers and SDKs
    use) fails certificate validation for names with dots (AWS S3 User Guide,
    "Bucket naming rules": "we recommend that you don't use periods ... except for
    buckets used only for static website hosting"). GCS: a name with dots must be a
    domain you have verified ownership of, or creating it fails (Cloud Storage,
    "Bucket names": "Bucket names containing dots require verification").
    """
    if "." not in name:
        return None
    if cloud == "gcs":
        return (f"GCS bucket name {name!r} contains dots: Google Cloud requires domain-ownership verification "
                "of such names, or creating the bucket fails")
    return (f"S3 bucket name {name!r} contains dots: virtual-hosted HTTPS (presigned URLs W&B hands to browsers and "
            "SDKs) fails TLS certificate validation for it; prefer '-'")


def _require_secret(value: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise StorageAddressError(f"{what} must be a non-empty string")
    return value


def _enc(secret: str) -> str:
    return quote(secret, safe="")


# --- address types -------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class S3Address:
    """An S3 or S3-compatible (MinIO) store with static credentials.

    ``endpoint`` is the host[:port] the bucket is reached at: the regional AWS endpoint
    (``s3.<region>.amazonaws.com``) or the S3-compatible server. ``tls`` is only written
    when not None (``&tls=true`` for S3-compatible stores).
    """

    bucket: str
    endpoint: str
    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    region: str | None = None
    tls: bool | None = None

    scheme = "s3"

    def __post_init__(self) -> None:
        validate_s3_bucket_name(self.bucket)
        validate_endpoint(self.endpoint)
        _require_secret(self.access_key_id, "access_key_id")
        _require_secret(self.secret_access_key, "secret_access_key")
        if self.region is not None:
            _validate_region(self.region, aws=False)

    def to_url(self) -> str:
        """The secret-bearing address. Do not log it."""
        query = []
        if self.region is not None:
            query.append(f"region={self.region}")
        if self.tls is not None:
            query.append(f"tls={'true' if self.tls else 'false'}")
        q = ("?" + "&".join(query)) if query else ""
        return f"s3://{_enc(self.access_key_id)}:{_enc(self.secret_access_key)}@{self.endpoint}/{self.bucket}{q}"

    def redacted(self) -> str:
        q = []
        if self.region is not None:
            q.append(f"region={self.region}")
        if self.tls is not None:
            q.append(f"tls={'true' if self.tls else 'false'}")
        return f"s3://{REDACTED}:{REDACTED}@{self.endpoint}/{self.bucket}" + (("?" + "&".join(q)) if q else "")

    def __repr__(self) -> str:
        return f"S3Address({self.redacted()!r})"

    __str__ = redacted


@dataclass(frozen=True, repr=False)
class GcsAddress:
    """A GCS bucket reached with a service-account key (W&B instance outside GCP)."""

    bucket: str
    service_account_email: str
    private_key: str = field(repr=False)

    scheme = "gs"

    def __post_init__(self) -> None:
        validate_gcs_bucket_name(self.bucket)
        try:
            validate_gcp_service_account_email(self.service_account_email)
        except StorageAddressError as exc:
            raise StorageAddressError(f"service_account_email {exc}") from None
        _require_secret(self.private_key, "private_key")

    def to_url(self) -> str:
        """The secret-bearing address. Do not log it."""
        return f"gs://{self.service_account_email}:{_enc(self.private_key)}@{self.bucket}"

    def redacted(self) -> str:
        return f"gs://{self.service_account_email}:{REDACTED}@{self.bucket}"

    def __repr__(self) -> str:
        return f"GcsAddress({self.redacted()!r})"

    __str__ = redacted


@dataclass(frozen=True, repr=False)
class AzureAddress:
    """An Azure blob container reached with a storage-account access key."""

    account: str
    container: str
    access_key: str = field(repr=False)

    scheme = "az"

    def __post_init__(self) -> None:
        validate_azure_storage_account_name(self.account)
        validate_azure_container_name(self.container)
        _require_secret(self.access_key, "access_key")

    def to_url(self) -> str:
        """The secret-bearing address. Do not log it."""
        return f"az://:{_enc(self.access_key)}@{self.account}/{self.container}"

    def redacted(self) -> str:
        return f"az://:{REDACTED}@{self.account}/{self.container}"

    def __repr__(self) -> str:
        return f"AzureAddress({self.redacted()!r})"

    __str__ = redacted


StorageAddress = S3Address | GcsAddress | AzureAddress


# --- builders ------------------------------------------------------------------------------


def aws_s3_address(bucket: str, region: str, access_key_id: str, secret_access_key: str) -> S3Address:
    """An AWS S3 bucket via its regional endpoint, with ``?region=`` (required off AWS)."""
    return S3Address(bucket, aws_s3_endpoint(region), access_key_id, secret_access_key, region=region)


def s3_compatible_address(
    endpoint: str,
    bucket: str,
    access_key_id: str,
    secret_access_key: str,
    *,
    region: str | None = None,
    tls: bool = True,
) -> S3Address:
    """An S3-compatible store (MinIO ...). ``region`` is required unless W&B runs on AWS in that region."""
    return S3Address(bucket, endpoint, access_key_id, secret_access_key, region=region, tls=tls)


def gcs_address(bucket: str, service_account_email: str, private_key: str) -> GcsAddress:
    return GcsAddress(bucket, service_account_email, private_key)


def azure_address(account: str, container: str, access_key: str) -> AzureAddress:
    return AzureAddress(account, container, access_key)


def supported_file_stores(addresses: Iterable[StorageAddress]) -> str:
    """The ``GORILLA_SUPPORTED_FILE_STORES`` value: addresses joined by commas (secret-bearing)."""
    urls = [a.to_url() for a in addresses]
    if not urls:
        raise StorageAddressError("supported file stores need at least one address")
    return ",".join(urls)


# --- parsing -------------------------------------------------------------------------------


def _split_authority(rest: str) -> tuple[str | None, str, str]:
    """``userinfo@host/path?query`` -> (userinfo or None, host, path-and-query)."""
    cut = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if i >= 0:
            cut = min(cut, i)
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        userinfo, _, host = authority.rpartition("@")
        return userinfo, host, tail
    return None, authority, tail


def _parse_query(query: str) -> dict[str, str]:
    # Accept the older documented form "?region=r?tls=true" as well as "&".
    params: dict[str, str] = {}
    for part in re.split(r"[&?]", query):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or key not in {"region", "tls"}:
            raise StorageAddressError(f"unsupported query parameter {key!r}; allowed: region, tls")
        if key in params:
            raise StorageAddressError(f"query parameter {key!r} is repeated")
        params[key] = value
    return params


def parse_address(url: str) -> StorageAddress:
    """Parse one ``s3://``, ``gs://`` or ``az://`` address back into its parts."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in {"s3", "gs", "az"}:
        raise StorageAddressError("address must start with s3://, gs:// or az://")
    userinfo, host, tail = _split_authority(rest)
    if userinfo is None or ":" not in userinfo:
        raise StorageAddressError(f"{scheme}:// address must carry credentials as <user>:<secret>@")
    user, _, secret = userinfo.partition(":")
    path, _, query = tail.partition("?")
    if "#" in tail:
        raise StorageAddressError("address must not contain a fragment")
    if scheme == "s3":
        params = _parse_query(query)
        prefix, _, bucket = path.rpartition("/")
        if not path.startswith("/") or not bucket:
            raise StorageAddressError("s3:// address must end in /<bucket> after the endpoint")
        host += prefix  # an endpoint path prefix (``<url_endpoint>`` may carry one)
        tls: bool | None = None
        if "tls" in params:
            if params["tls"] not in {"true", "false"}:
                raise StorageAddressError("tls must be true or false")
            tls = params["tls"] == "true"
        return S3Address(bucket, host, unquote(user), unquote(secret), region=params.get("region"), tls=tls)
    if query:
        raise StorageAddressError(f"{scheme}:// address takes no query parameters")
    if scheme == "gs":
        if path:
            raise StorageAddressError("gs:// address is gs://<email>:<key>@<bucket> with no path")
        return GcsAddress(host, user, unquote(secret))
    if user:
        raise StorageAddressError("az:// address is az://:<key>@<account>/<container> (empty user name)")
    container = path[1:] if path.startswith("/") else ""
    if not container or "/" in container:
        raise StorageAddressError("az:// address must end in /<container> after the account")
    return AzureAddress(host, container, unquote(secret))


def parse_supported_file_stores(value: str) -> list[StorageAddress]:
    """Split a ``GORILLA_SUPPORTED_FILE_STORES`` value and parse each address."""
    return [parse_address(part) for part in value.split(",") if part]
