"""Write docs/options.md: every configuration option with its description and documented default.

    python scripts/gen_options_doc.py          # rewrite docs/options.md
    python scripts/gen_options_doc.py --check  # exit 1 if docs/options.md is stale (used by the tests)
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pydantic import BaseModel  # noqa: E402

from wandb_cdktf.config import WandbConfig  # noqa: E402
from wandb_cdktf.config.legacy import LEGACY_VARIABLES  # noqa: E402
from wandb_cdktf.config.model import CloudTrailConfig, LogLifecycle  # noqa: E402
from wandb_cdktf.config.operations import AlarmsConfig, AlarmThresholds, BackupConfig, BackupRule, VaultLock  # noqa: E402
from wandb_cdktf.config.s3_compatible import S3CompatibleBucketConfig  # noqa: E402
from wandb_cdktf.config.v8 import V8_VARIABLES, V8_VERSION, _hcl  # noqa: E402

OUT = REPO / "docs" / "options.md"


# Small sections documented here, field by field, right below their own row.
NESTED: dict[str, type[BaseModel]] = {"bucket_s3_compatible": S3CompatibleBucketConfig}


def _rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        desc = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{prefix}{name}` | {desc} |")
        if name in NESTED:
            rows.extend(_rows(NESTED[name], f"{prefix}{name}."))
    return rows


_FATE = {
    "supported": "supported",
    "different": "supported, different meaning",
    "unsupported": "not supported",
    "license": "accepted in .tfvars only",
}


def _v8_rows() -> list[str]:
    rows = []
    for var in V8_VARIABLES:
        if var.fate == "supported":
            note = "same meaning; see the option above"
        elif var.fate == "license":
            note = ("never stored or synthesized; also accepted as `wandb_license` (W&B's example roots); export "
                    "TF_VAR_wandb_license=\"$(wandb-cdktf license terraform.tfvars)\" before cdktf deploy. Refused in YAML/JSON")
        else:
            note = var.note
            if var.inert:
                note = "accepted only as " + " or ".join(f"`{_hcl(x)}`" for x in var.inert) + " (what wandb-cdktf does anyway); otherwise rejected: " + note
            elif var.fate == "unsupported":
                note = "rejected: " + note
        rows.append(f"| `{var.name}` | {_FATE[var.fate]} | {note.replace('|', chr(92) + '|')} |")
    return rows


def render() -> str:
    lines = [
        "# Configuration options",
        "",
        "Generated from `wandb_cdktf.config.WandbConfig` by `scripts/gen_options_doc.py`; do not edit by hand.",
        "Names follow the terraform-aws-wandb v8 variables where the concept is the same; options marked",
        "*wandb-cdktf* exist only here. Sections `byob`, `launch`, `remote_state` and `aws_endpoints` are",
        "described in docs/byob.md, docs/launch.md, the README and docs/emulator-tests.md.",
        "",
        "| option | description and default |",
        "|---|---|",
        *_rows(WandbConfig),
        "",
        "## `cloudtrail`: the S3 audit trail",
        "",
        "The variables of terraform-aws-wandb v8's standalone `modules/cloudtrail`, with its defaults (README",
        "\"S3 audit trail\"). `cloudtrail: {}` turns the trail on with all of them.",
        "",
        "| option | description and default |",
        "|---|---|",
        *_rows(CloudTrailConfig, "cloudtrail."),
        *_rows(LogLifecycle, "cloudtrail.log_lifecycle."),
        "",
        "## `alarms` and `backup`: run it like production",
        "",
        "CloudWatch alarms into an encrypted SNS topic, and AWS Backup of the database and the file bucket; both off",
        "by default, `{}` takes every default (docs/backup-and-alarms.md, with the restore path).",
        "",
        "| option | description and default |",
        "|---|---|",
        *_rows(AlarmsConfig, "alarms."),
        *_rows(AlarmThresholds, "alarms.thresholds."),
        *_rows(BackupConfig, "backup."),
        *_rows(BackupRule, "backup.rules[]."),
        *_rows(VaultLock, "backup.vault_lock."),
        "",
        f"## terraform-aws-wandb v{V8_VERSION} variables",
        "",
        f"The fate of every root variable of terraform-aws-wandb v{V8_VERSION} (from `wandb_cdktf.config.v8`, the",
        "table the loader's error messages use). A v8 `terraform.tfvars` loads as is when it sets only supported",
        "variables and the accepted values of unsupported ones; every other unsupported variable is named in the",
        "error with what to do instead. A `null` value always means v8's default.",
        "",
        "| v8 variable | fate | notes |",
        "|---|---|---|",
        *_v8_rows(),
        "",
        "## Variables of older terraform-aws-wandb versions",
        "",
        "Variables of v1.16.10, v4.7.2 and v7.x (the versions `wandb-cdktf adopt` maps) and of W&B's operator",
        "migration walk-through that v8 no longer has (from `wandb_cdktf.config.legacy`). A `.tfvars` with them",
        "loads: each is applied with its meaning or dropped, and synthesis prints one `config note:` line for it.",
        "",
        "| variable | versions | what wandb-cdktf does |",
        "|---|---|---|",
        *(f"| `{v.name}` | {v.versions} | {v.note.replace('|', chr(92) + '|')} |" for v in LEGACY_VARIABLES),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print("docs/options.md is stale: run python scripts/gen_options_doc.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
