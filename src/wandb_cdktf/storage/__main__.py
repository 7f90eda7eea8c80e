"""Print GORILLA_SUPPORTED_FILE_STORES for the configured team-level BYOB stores.

    export TF_VAR_wandb_supported_file_stores="$(python -m wandb_cdktf.storage)"

Reads the configuration from WANDB_CDKTF_CONFIG and each store's credentials
from the environment variables it names. Exit code 2 on a configuration error.
"""

from __future__ import annotations

import sys

from ..config import ConfigError, load_config
from . import supported_file_stores_from_config


def main() -> int:
    try:
        value = supported_file_stores_from_config(load_config())
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not value:
        print("config error: byob.file_stores: no team-level stores are configured", file=sys.stderr)
        return 2
    print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
