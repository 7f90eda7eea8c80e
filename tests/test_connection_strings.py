"""W&B storage addresses: exact formats, percent-encoding, name validation, redaction, round trips."""

from __future__ import annotations

import json
import logging
import re
import string
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wandb_cdktf.config import ConfigError, config_from_mapping, supported_file_stores_from_config
from wandb_cdktf.storage import (
    AzureAddress,
    GcsAddress,
    S3Address,
    StorageAddressError,
    aws_s3_address,
    azure_address,
    gcs_address,
    parse_address,
    parse_supported_file_stores,
    s3_compatible_address,
    supported_file_stores,
)
from wandb_cdktf.storage.connection_strings import (
    validate_azure_container_name,
    validate_azure_storage_account_name,
    validate_gcs_bucket_name,
    validate_s3_bucket_name,
)

SECRET = "wJalr/XUtn+FEMI=K7@MD:ENG%bPx,RfiCY"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEv+Q/AB==\n-----END PRIVATE KEY-----\n"


# --- exact formats ---------------------------------------------------------------------------


def test_aws_s3_address_uses_regional_endpoint_and_region() -> None:
    addr = aws_s3_address("my-bucket", "eu-central-1", "AKIAEXAMPLE", SECRET)
    assert addr.to_url() == (
        "s3://AKIAEXAMPLE:wJalr%2FXUtn%2BFEMI%3DK7%40MD%3AENG%25bPx%2CRfiCY"
        "@s3.eu-central-1.amazonaws.com/my-bucket?region=eu-central-1"
    )


def test_s3_compatible_address_has_endpoint_region_and_tls() -> None:
    addr = s3_compatible_address("minio.internal:9000", "wandb", "minio", "p@ss/word+=", region="us-east-1")
    assert addr.to_url() == "s3://minio:p%40ss%2Fword%2B%3D@minio.internal:9000/wandb?region=us-east-1&tls=true"
    no_tls = s3_compatible_address("10.0.0.5:9000", "wandb", "minio", "k", tls=False)
    assert no_tls.to_url() == "s3://minio:k@10.0.0.5:9000/wandb?tls=false"


def test_gcs_address_keeps_email_and_encodes_private_key() -> None:
    addr = gcs_address("team-bucket", "wandb@proj-1.iam.gserviceaccount.com", PEM)
    url = addr.to_url()
    assert url.startswith("gs://wandb@proj-1.iam.gserviceaccount.com:-----BEGIN%20PRIVATE%20KEY-----%0AMIIEv%2BQ%2FAB%3D%3D")
    assert url.endswith("@team-bucket")
    # A generic URL parser splits the authority at the last "@" and finds the bucket as host.
    parts = urlsplit(url)
    assert parts.hostname == "team-bucket"
    assert parts.username == "wandb@proj-1.iam.gserviceaccount.com"


def test_azure_address_has_empty_user_and_encoded_key() -> None:
    addr = azure_address("wbstore", "wandb", "abc+/def==")
    assert addr.to_url() == "az://:abc%2B%2Fdef%3D%3D@wbstore/wandb"


def test_supported_file_stores_is_comma_separated_and_parses_back() -> None:
    stores = [
        aws_s3_address("a-bucket", "us-west-2", "AK", SECRET),
        gcs_address("g-bucket", "sa@p-123.iam.gserviceaccount.com", PEM),
        azure_address("acct1", "cont-1", "k,e,y"),
    ]
    value = supported_file_stores(stores)
    assert value.count(",") == 2  # secrets with ',' are encoded, so only the separators remain
    assert parse_supported_file_stores(value) == stores
    with pytest.raises(StorageAddressError):
        supported_file_stores([])


def test_parser_accepts_the_older_documented_query_form() -> None:
    addr = parse_address("s3://AK:SK@minio.local:9000/wandb?region=us-east-1?tls=true")
    assert isinstance(addr, S3Address)
    assert (addr.endpoint, addr.bucket, addr.region, addr.tls) == ("minio.local:9000", "wandb", "us-east-1", True)


@pytest.mark.parametrize(
    "url",
    [
        "http://AK:SK@host/bucket",
        "s3://host/bucket",  # no credentials
        "s3://AK:SK@host",  # no bucket
        "s3://AK:SK@host/bucket?foo=bar",
        "s3://AK:SK@host/bucket?tls=yes",
        "gs://sa@p-123.iam.gserviceaccount.com:k@bucket/path",
        "az://user:k@acct1/cont",
        "az://:k@acct1",
        "az://:k@Acct1/cont",
    ],
)
def test_parser_rejects_malformed_addresses(url: str) -> None:
    with pytest.raises(StorageAddressError):
        parse_address(url)


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ab", "Upper", "a_b", "a..b", "192.168.1.1", "-abc", "xn--abc", "abc-s3alias", "a" * 64])
def test_s3_bucket_names_rejected(name: str) -> None:
    with pytest.raises(StorageAddressError, match="S3 bucket name"):
        validate_s3_bucket_name(name)


@pytest.mark.parametrize("name", ["abc", "my.bucket-1", "a" * 63])
def test_s3_bucket_names_accepted(name: str) -> None:
    assert validate_s3_bucket_name(name) == name


@pytest.mark.parametrize("name", ["ab", "goog-bucket", "my-google-bucket", "Upper", "a" * 64, "_abc", "10.0.0.1"])
def test_gcs_bucket_names_rejected(name: str) -> None:
    with pytest.raises(StorageAddressError, match="GCS bucket name"):
        validate_gcs_bucket_name(name)


@pytest.mark.parametrize("name", ["my_bucket-1", "a.b.c", ".".join(["a" * 60] * 3)])
def test_gcs_bucket_names_accepted(name: str) -> None:
    assert validate_gcs_bucket_name(name) == name


@pytest.mark.parametrize("name", ["ab", "has-hyphen", "UPPER", "a" * 25])
def test_azure_account_names_rejected(name: str) -> None:
    with pytest.raises(StorageAddressError, match="storage account"):
        validate_azure_storage_account_name(name)


@pytest.mark.parametrize("name", ["ab", "a--b", "-ab", "ab-", "Abc", "a_b", "a" * 64])
def test_azure_container_names_rejected(name: str) -> None:
    with pytest.raises(StorageAddressError, match="container"):
        validate_azure_container_name(name)


@pytest.mark.parametrize("endpoint", ["https://minio:9000", "host:0", "host:99999", "host/", "host/a//b", "host/../x",
                                      "host/a?b", "a:b:c", ""])
def test_endpoints_rejected(endpoint: str) -> None:
    with pytest.raises(StorageAddressError, match="endpoint"):
        s3_compatible_address(endpoint, "wandb", "ak", "sk")


def test_aws_region_required_format() -> None:
    with pytest.raises(StorageAddressError, match="AWS region"):
        aws_s3_address("bucket", "moon-1", "ak", "sk")


def test_empty_credentials_rejected() -> None:
    with pytest.raises(StorageAddressError, match="secret_access_key"):
        aws_s3_address("bucket", "us-east-1", "ak", "")
    with pytest.raises(StorageAddressError, match="private_key"):
        gcs_address("bucket", "sa@p-123.iam.gserviceaccount.com", "")


# --- secrets never in repr / str / logs ------------------------------------------------------


def test_repr_and_str_redact_secrets(caplog: pytest.LogCaptureFixture) -> None:
    addrs = [
        aws_s3_address("b-1", "us-east-1", "AKIASECRETID", SECRET),
        gcs_address("b-1", "sa@p-123.iam.gserviceaccount.com", PEM),
        azure_address("acct1", "cont", SECRET),
    ]
    with caplog.at_level(logging.INFO):
        for a in addrs:
            logging.getLogger("t").info("store %s %r %s", a, a, f"{a}")
            for text in (repr(a), str(a), f"{a!r}", repr([a])):
                assert SECRET not in text and "SECRETID" not in text and "PRIVATE KEY" not in text
                assert "***" in text
    assert SECRET not in caplog.text and "PRIVATE KEY" not in caplog.text
    assert "b-1" in caplog.text  # the non-secret parts stay visible


def test_storage_errors_do_not_echo_secrets() -> None:
    with pytest.raises(StorageAddressError) as exc:
        s3_compatible_address("bad endpoint", "wandb", "ak", SECRET)
    assert SECRET not in str(exc.value)


# --- property-based round trips ------------------------------------------------------------

# Any printable text (and beyond), including the URL delimiters that must be encoded.
secrets = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80) | st.text(
    alphabet=string.ascii_letters + string.digits + "/+=@:%,?#& \n", min_size=1, max_size=80
)
s3_buckets = st.from_regex(r"[a-z0-9][a-z0-9-]{1,40}[a-z0-9]", fullmatch=True).filter(
    lambda n: not n.startswith(("xn--", "sthree-")) and not n.endswith("-s3alias")
)
gcs_buckets = st.from_regex(r"[a-z0-9][a-z0-9_-]{1,40}[a-z0-9]", fullmatch=True).filter(
    lambda n: not n.startswith("goog") and "google" not in n and "g00gle" not in n
)
aws_regions = st.sampled_from(["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1"])
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9](\.[a-z][a-z0-9]{0,10}){0,3}", fullmatch=True)
ports = st.none() | st.integers(min_value=1, max_value=65535)
emails = st.builds(
    lambda name, project: f"{name}@{project}.iam.gserviceaccount.com",
    st.from_regex(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", fullmatch=True),
)
accounts = st.from_regex(r"[a-z0-9]{3,24}", fullmatch=True)
containers = st.from_regex(r"[a-z0-9]([a-z0-9]|-[a-z0-9]){2,30}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(bucket=s3_buckets, region=aws_regions, key=secrets, secret=secrets)
def test_property_aws_s3_round_trip(bucket: str, region: str, key: str, secret: str) -> None:
    addr = aws_s3_address(bucket, region, key, secret)
    url = addr.to_url()
    assert "," not in url and " " not in url and "\n" not in url
    parsed = parse_address(url)
    assert parsed == addr
    assert (parsed.access_key_id, parsed.secret_access_key, parsed.bucket, parsed.region) == (key, secret, bucket, region)
    assert urlsplit(url).hostname == f"s3.{region}.amazonaws.com"


@settings(max_examples=200, deadline=None)
@given(host=hosts, port=ports, bucket=s3_buckets, key=secrets, secret=secrets, region=st.none() | aws_regions, tls=st.booleans())
def test_property_s3_compatible_round_trip(host: str, port: int | None, bucket: str, key: str, secret: str, region: str | None, tls: bool) -> None:
    endpoint = host if port is None else f"{host}:{port}"
    addr = s3_compatible_address(endpoint, bucket, key, secret, region=region, tls=tls)
    parsed = parse_address(addr.to_url())
    assert parsed == addr
    assert isinstance(parsed, S3Address) and parsed.endpoint == endpoint and parsed.tls is tls


@settings(max_examples=200, deadline=None)
@given(bucket=gcs_buckets, email=emails, key=secrets)
def test_property_gcs_round_trip(bucket: str, email: str, key: str) -> None:
    addr = gcs_address(bucket, email, key)
    url = addr.to_url()
    parsed = parse_address(url)
    assert isinstance(parsed, GcsAddress)
    assert (parsed.bucket, parsed.service_account_email, parsed.private_key) == (bucket, email, key)
    assert urlsplit(url).hostname == bucket


@settings(max_examples=200, deadline=None)
@given(account=accounts, container=containers, key=secrets)
def test_property_azure_round_trip(account: str, container: str, key: str) -> None:
    addr = azure_address(account, container, key)
    parsed = parse_address(addr.to_url())
    assert isinstance(parsed, AzureAddress)
    assert (parsed.account, parsed.container, parsed.access_key) == (account, container, key)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.builds(aws_s3_address, s3_buckets, aws_regions, secrets, secrets),
            st.builds(gcs_address, gcs_buckets, emails, secrets),
            st.builds(azure_address, accounts, containers, secrets),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_property_supported_file_stores_round_trip(addrs: list) -> None:
    value = supported_file_stores(addrs)
    assert parse_supported_file_stores(value) == addrs
    assert len(value.split(",")) == len(addrs)


@settings(max_examples=100, deadline=None)
@given(key=secrets)
def test_property_secrets_never_in_repr(key: str) -> None:
    for make in (lambda k: aws_s3_address("b-1", "us-east-1", "AKID", k), lambda k: azure_address("acct1", "cont", k)):
        # What is printed whatever the key (bucket, region, ...): a key that is a piece of it ("regi") is no leak.
        shown = repr(make("x")) + str(make("x"))
        if len(key) >= 4 and key not in shown:
            assert key not in repr(make(key)) and key not in str(make(key))


# --- from the configuration ------------------------------------------------------------------

# Team-level stores feed the W&B instance deployed here, so the platform is part of the config.
FILE_STORES_CONFIG = {
    "namespace": "wbtest",
    "domain_name": "example.com",
    "zone_id": "Z0123456789EXAMPLE00",
    "allowed_inbound_cidr": ["0.0.0.0/0"],
    "allowed_inbound_ipv6_cidr": [],
    "eks_cluster_version": "1.32",
    "byob": {
        "deployment_type": "self-managed",
        "file_stores": [
            {"type": "s3", "bucket": "team-a", "region": "us-east-1", "access_key_id_env": "A_ID", "secret_access_key_env": "A_SECRET"},
            {"type": "s3-compatible", "endpoint": "minio.corp:9000", "bucket": "team-b", "region": "us-east-1",
             "access_key_id_env": "M_ID", "secret_access_key_env": "M_SECRET"},
            {"type": "gcs", "bucket": "team-c", "service_account_email": "w@p-12345.iam.gserviceaccount.com", "private_key_env": "G_KEY"},
            {"type": "azure", "account": "teamd", "container": "wandb", "access_key_env": "Z_KEY"},
        ],
    },
}
ENV = {"A_ID": "AKIA1", "A_SECRET": "s/e+c=", "M_ID": "minio", "M_SECRET": "m@:", "G_KEY": PEM, "Z_KEY": "z+/="}


def test_supported_file_stores_from_config_reads_secrets_from_env() -> None:
    config = config_from_mapping(FILE_STORES_CONFIG)
    value = supported_file_stores_from_config(config, ENV)
    assert value is not None
    parsed = parse_supported_file_stores(value)
    assert parsed == [
        aws_s3_address("team-a", "us-east-1", "AKIA1", "s/e+c="),
        s3_compatible_address("minio.corp:9000", "team-b", "minio", "m@:", region="us-east-1", tls=True),
        gcs_address("team-c", "w@p-12345.iam.gserviceaccount.com", PEM),
        azure_address("teamd", "wandb", "z+/="),
    ]
    # The configuration itself carries only variable names, never the credentials.
    dumped = config.model_dump_json()
    assert "s/e+c=" not in dumped and "PRIVATE KEY" not in dumped and "A_SECRET" in dumped


def test_supported_file_stores_from_config_names_the_missing_variable() -> None:
    config = config_from_mapping(FILE_STORES_CONFIG)
    env = {k: v for k, v in ENV.items() if k != "G_KEY"}
    with pytest.raises(ConfigError, match=r"byob\.file_stores\[2\]\.private_key_env: environment variable G_KEY is not set"):
        supported_file_stores_from_config(config, env)


def test_supported_file_stores_from_config_none_without_stores() -> None:
    config = config_from_mapping({"namespace": "wbtest", "create_platform": False,
                                  "byob": {"deployment_type": "dedicated", "aws": {}}})
    assert supported_file_stores_from_config(config, ENV) is None


def test_file_store_config_validates_names() -> None:
    bad = {**FILE_STORES_CONFIG, "byob": {"deployment_type": "self-managed", "file_stores": [
        {"type": "gcs", "bucket": "google-x", "service_account_email": "w@p-12345.iam.gserviceaccount.com", "private_key_env": "K"}]}}
    with pytest.raises(ConfigError, match=r"byob\.file_stores\.0\.gcs\.bucket: must be a valid GCS bucket name"):
        config_from_mapping(bad)
    bad_env = {**FILE_STORES_CONFIG, "byob": {"deployment_type": "self-managed", "file_stores": [
        {"type": "azure", "account": "acct1", "container": "wandb", "access_key_env": "not-a-var"}]}}
    with pytest.raises(ConfigError, match=r"access_key_env: must be the name of an environment variable"):
        config_from_mapping(bad_env)


def test_module_is_pure_python() -> None:
    code = (
        "import sys; import wandb_cdktf.storage.connection_strings; "
        "bad=[m for m in sys.modules if m.split('.')[0] in ('cdktf','jsii','constructs') or m.startswith('cdktf_')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# --- issue 15: endpoint paths, China endpoints, the stand-alone CLI ----------------------------

@pytest.mark.parametrize("endpoint", ["minio.example.com:9000/s3", "gw.example.com/storage/s3", "[fd00::5]:9000/s3"])
def test_s3_compatible_endpoint_may_carry_a_port_and_path(endpoint: str) -> None:
    """Seed 000 S3-compatible format ``s3://<accessKey>:<secretAccessKey>@<url_endpoint>/<bucketName>?region=...``:
    the URL endpoint of a MinIO behind a gateway has a port and a path prefix; it round-trips through the parser."""
    addr = s3_compatible_address(endpoint, "wandb", "a@b", "s/e+c%t", region="us-east-1")
    url = addr.to_url()
    assert url.endswith(f"@{endpoint}/wandb?region=us-east-1&tls=true")
    assert parse_address(url) == addr


@pytest.mark.parametrize(("region", "host"), [("cn-north-1", "s3.cn-north-1.amazonaws.com.cn"),
                                               ("cn-northwest-1", "s3.cn-northwest-1.amazonaws.com.cn"),
                                               ("eu-west-1", "s3.eu-west-1.amazonaws.com")])
def test_regional_s3_endpoint_follows_the_partition(region: str, host: str) -> None:
    """AWS General Reference "Amazon S3 endpoints": the China regions are served from ``.amazonaws.com.cn``
    (seed 000: ``<s3_regional_url_endpoint>``)."""
    assert aws_s3_address("team-a", region, "ak", "sk").endpoint == host


def test_s3_compatible_region_is_required_without_the_platform(monkeypatch) -> None:
    """Seed 000: "W&B 인스턴스가 AWS에 있고 ... AWS_REGION이 ... 일치하는 경우를 제외하고 region 파라미터는 필수";
    with the platform built here (AWS, ``region``) the store defaults to that region and writes it explicitly."""
    config = config_from_mapping({**FILE_STORES_CONFIG, "region": "eu-central-1", "byob": {
        "deployment_type": "self-managed", "file_stores": [
            {"type": "s3-compatible", "endpoint": "minio.corp:9000", "bucket": "team-b",
             "access_key_id_env": "M_ID", "secret_access_key_env": "M_SECRET"}]}})
    value = supported_file_stores_from_config(config, ENV)
    assert value is not None and value.endswith("@minio.corp:9000/team-b?region=eu-central-1&tls=true")
    store = config.byob.file_stores[0]
    with pytest.raises(ConfigError, match=r"byob\.file_stores\[0\]\.region: is required"):
        store.address(ENV, "byob.file_stores[0]", None)


CREDS = {"AWS_ACCESS_KEY_ID": "AKIA@/+%", "AWS_SECRET_ACCESS_KEY": "wJ/x+y%z@w:v", "AZURE_STORAGE_KEY": "k/+=%@"}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full = {k: v for k, v in os.environ.items() if k not in CREDS and k != "WANDB_CDKTF_CONFIG"}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "wandb_cdktf.storage", *args], capture_output=True, text=True,
                          timeout=120, env=full)


@pytest.mark.slow  # fresh interpreter(s)
def test_cli_help_and_argument_mode_round_trip_credentials(tmp_path) -> None:
    """Seed 000 address forms with the docs' URL-encoding (``urlEncodedAccessKey`` / ``urlEncodedPrivateKey``): a
    Dedicated Cloud user (no platform, no config) gets the exact address to send W&B; '@', '/', '+', '%' and PEM
    newlines in credentials survive a parse of the printed address."""
    helped = _cli("--help")
    assert helped.returncode == 0 and "s3-compatible" in helped.stdout and "--key-file" not in helped.stderr
    s3 = _cli("s3", "--bucket", "team-a", "--region", "us-east-1", env=CREDS)
    assert s3.returncode == 0, s3.stderr
    assert parse_address(s3.stdout.strip()) == aws_s3_address("team-a", "us-east-1", CREDS["AWS_ACCESS_KEY_ID"],
                                                               CREDS["AWS_SECRET_ACCESS_KEY"])
    minio = _cli("s3-compatible", "--endpoint", "minio.corp:9000/s3", "--bucket", "team-b", "--region", "us-east-1", env=CREDS)
    assert minio.returncode == 0 and parse_address(minio.stdout.strip()).endpoint == "minio.corp:9000/s3"
    key = tmp_path / "sa.json"
    key.write_text(json.dumps({"client_email": "w@p-12345.iam.gserviceaccount.com", "private_key": PEM}))
    gcs = _cli("gcs", "--bucket", "team-c", "--key-file", str(key))
    assert parse_address(gcs.stdout.strip()) == gcs_address("team-c", "w@p-12345.iam.gserviceaccount.com", PEM)
    az = _cli("azure", "--account", "teamd", "--container", "wandb", env=CREDS)
    assert parse_address(az.stdout.strip()) == azure_address("teamd", "wandb", CREDS["AZURE_STORAGE_KEY"])
    for secret in CREDS.values():
        assert secret not in s3.stdout + az.stdout  # only the percent-encoded form is printed


@pytest.mark.parametrize(("args", "needle"), [
    (("s3", "--bucket", "team-a"), "config error: s3: the following arguments are required: --region"),
    (("azure", "--account", "teamd", "--container", "wandb"), "config error: --access-key-env: environment variable AZURE_STORAGE_KEY is not set"),
    (("s3", "--bucket", "Bad_Name", "--region", "us-east-1"), "config error: s3: must be a valid S3 bucket name"),
    (("gcs", "--bucket", "team-c", "--key-file", "/nonexistent.json"), "config error: --key-file: must be a readable"),
])
def test_cli_bad_input_is_one_line_exit_2(args: tuple[str, ...], needle: str) -> None:
    """Project standard: bad input is one line naming the option and what is allowed, exit code 2."""
    env = {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"} if args[0] == "s3" else {}
    result = _cli(*args, env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().startswith(needle) and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("endpoint,char", [("minio:9000?tls=true", "?"), ("minio:9000#x", "#"),
                                           ("ak:sk@minio:9000", "@"), ("minio .example.com", " ")])
def test_endpoint_with_query_fragment_userinfo_or_space_names_the_character(endpoint: str, char: str) -> None:
    """The endpoint is only host[:port][/path] (seed 000 ``<url_endpoint>``): region/tls are the query W&B
    parses, credentials the userinfo; a message about the port would mislead."""
    with pytest.raises(StorageAddressError, match=re.escape(f"without {char!r}")):
        s3_compatible_address(endpoint, "wandb", "ak", "sk")


# --- storage is a leaf ------------------------------------------------------------------------


def test_storage_package_imports_neither_the_config_nor_cdktf() -> None:
    """wandb_cdktf.storage is the address grammar only: importing it (e.g. from a CI job that only builds a
    GORILLA_SUPPORTED_FILE_STORES value) loads neither wandb_cdktf.config (pydantic, the model) nor cdktf.
    The config depends on storage, never the other way round; only the ``python -m wandb_cdktf.storage``
    command (storage/__main__.py) joins the two."""
    code = ("import sys, wandb_cdktf.storage, wandb_cdktf.storage.connection_strings; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'cdktf', 'pydantic', 'constructs'} "
            "or m.startswith(('wandb_cdktf.config', 'wandb_cdktf._providers', 'wandb_cdktf.stacks'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
