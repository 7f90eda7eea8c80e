"""Print a W&B storage address for GORILLA_SUPPORTED_FILE_STORES (team-level BYOB).

Config mode (no arguments): the addresses of ``byob.file_stores`` in $WANDB_CDKTF_CONFIG,
comma-separated, for the platform built from that configuration (``byob.aws`` team buckets need
no credentials and are listed by the stacks themselves: with only those, this prints nothing):

    export TF_VAR_wandb_supported_file_stores="$(wandb-cdktf storage)"

Argument mode (no configuration needed; e.g. Dedicated Cloud, where you send the
address to W&B support, or any self-managed instance):

    python -m wandb_cdktf.storage s3 --bucket B --region R
    python -m wandb_cdktf.storage s3-compatible --endpoint minio.example.com:9000 --bucket B --region R
    python -m wandb_cdktf.storage gcs --bucket B --key-file service-account.json
    python -m wandb_cdktf.storage azure --account A --container C

Credentials never go on the command line (other users can read it): S3 keys come from
the environment variables named by --access-key-id-env / --secret-access-key-env
(default AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), the Azure key from --access-key-env
(default AZURE_STORAGE_KEY), the GCS key from a service-account JSON key file. Every
credential is percent-encoded (the docs' urlEncoded... placeholders; '@', '/', '+', '%'
and newlines round-trip). Exit code 2 with one line on stderr for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

# This command is the one place where storage meets the configuration (config mode reads byob.file_stores);
# the wandb_cdktf.storage package itself imports nothing from wandb_cdktf.config.
from ..config import ConfigError, load_config
from ..config.file_stores import secret_from_env, supported_file_stores_from_config
from . import connection_strings as cs


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors in the project's format (exit code 2, no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"config error: {self.prog.split()[-1]}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser(prog: str = "python -m wandb_cdktf.storage") -> _Parser:
    parser = _Parser(
        prog=prog,
        description=__doc__.split("\n\n", 1)[0],
        epilog="Without a sub-command the addresses come from byob.file_stores in $WANDB_CDKTF_CONFIG.\n\n"
               "examples:\n"
               '  export TF_VAR_wandb_supported_file_stores="$(wandb-cdktf storage)"\n'
               "  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... wandb-cdktf storage s3 --bucket team-a --region us-east-1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="type", metavar="{s3,s3-compatible,gcs,azure}", parser_class=_Parser)
    s3 = sub.add_parser("s3", help="an AWS S3 bucket: s3://<key>:<secret>@s3.<region>.amazonaws.com/<bucket>?region=<region>")
    s3.add_argument("--bucket", required=True)
    s3.add_argument("--region", required=True, help="the bucket's AWS region (cn-* regions use amazonaws.com.cn)")
    _s3_keys(s3)
    compat = sub.add_parser("s3-compatible", help="MinIO or another S3 API: s3://<key>:<secret>@<endpoint>/<bucket>?region=<r>&tls=true")
    compat.add_argument("--endpoint", required=True, help="host[:port][/path], no scheme")
    compat.add_argument("--bucket", required=True)
    compat.add_argument("--region", required=True, help="the store's region (the docs make it mandatory)")
    compat.add_argument("--no-tls", action="store_true", help="write tls=false (plain HTTP endpoint)")
    _s3_keys(compat)
    gcs = sub.add_parser("gcs", help="a GCS bucket: gs://<service account email>:<url-encoded private key>@<bucket>")
    gcs.add_argument("--bucket", required=True)
    gcs.add_argument("--key-file", required=True, help="service-account JSON key file (client_email and private_key)")
    az = sub.add_parser("azure", help="an Azure container: az://:<url-encoded access key>@<account>/<container>")
    az.add_argument("--account", required=True)
    az.add_argument("--container", required=True)
    az.add_argument("--access-key-env", default="AZURE_STORAGE_KEY", help="variable holding the account key (default AZURE_STORAGE_KEY)")
    return parser


def _s3_keys(p: argparse.ArgumentParser) -> None:
    p.add_argument("--access-key-id-env", default="AWS_ACCESS_KEY_ID", help="variable holding the access key id (default AWS_ACCESS_KEY_ID)")
    p.add_argument("--secret-access-key-env", default="AWS_SECRET_ACCESS_KEY",
                   help="variable holding the secret access key (default AWS_SECRET_ACCESS_KEY)")


def _gcs_key(path: str) -> tuple[str, str]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError("--key-file", f"must be a readable service-account JSON key file ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("client_email"), str) or not isinstance(doc.get("private_key"), str):
        raise ConfigError("--key-file", "must be a service-account JSON key with client_email and private_key")
    return doc["client_email"], doc["private_key"]


def address_from_args(args: argparse.Namespace, env: Mapping[str, str]) -> cs.StorageAddress:
    """One address from argument-mode options; credentials from ``env`` or the key file."""
    try:
        if args.type == "s3":
            return cs.aws_s3_address(
                args.bucket, args.region,
                secret_from_env(env, args.access_key_id_env, "--access-key-id-env"),
                secret_from_env(env, args.secret_access_key_env, "--secret-access-key-env"),
            )
        if args.type == "s3-compatible":
            return cs.s3_compatible_address(
                args.endpoint, args.bucket,
                secret_from_env(env, args.access_key_id_env, "--access-key-id-env"),
                secret_from_env(env, args.secret_access_key_env, "--secret-access-key-env"),
                region=args.region, tls=not args.no_tls,
            )
        if args.type == "gcs":
            email, key = _gcs_key(args.key_file)
            return cs.gcs_address(args.bucket, email, key)
        return cs.azure_address(args.account, args.container, secret_from_env(env, args.access_key_env, "--access-key-env"))
    except cs.StorageAddressError as exc:
        raise ConfigError(args.type, str(exc)) from None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None,
         prog: str = "python -m wandb_cdktf.storage") -> int:
    try:
        args = _parser(prog).parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:  # --help (0) or a one-line usage error (2)
        return int(exc.code or 0)
    env = os.environ if environ is None else environ
    try:
        if args.type is None:
            config = load_config()
            value = supported_file_stores_from_config(config)
            if not value:
                aws_team = bool(config.byob is not None and config.create_platform and config.byob.sections("aws"))
                if aws_team:  # credential-less s3://<bucket> addresses, written by the stacks themselves
                    print("note: no byob.file_stores: nothing to export (the byob.aws team buckets are listed in "
                          "GORILLA_SUPPORTED_FILE_STORES by the stacks themselves)", file=sys.stderr)
                    return 0
                raise ConfigError("byob.file_stores", "no team-level stores are configured; give a store type "
                                  f"({prog} --help) to print one address without a configuration")
        else:
            value = address_from_args(args, env).to_url()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
