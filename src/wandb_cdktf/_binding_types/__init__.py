"""What type checkers see for ``wandb_cdktf._providers.aws`` (and ``google``, ``azurerm``, ``kubernetes``, ``helm``).

Typing only: ``_providers`` imports these modules under ``TYPE_CHECKING`` and never at run time. Each module
re-exports just the binding submodules this package uses, so ``aws.s3_bucket.S3Bucket(...)`` is checked
against the real binding while mypy reads ~100 of the bindings' ~11,000 modules. Through the packages'
own ``__init__`` (which imports every submodule) one ``mypy --strict`` run took ~6 minutes of CPU and
7 GB of memory on the development machines; pyproject.toml tells mypy not to follow those ``__init__``s.

A submodule used in ``src/`` but missing here is a mypy error (``Module has no attribute``): add it to the
list of its provider. The public ``wandb_cdktf.providers`` gives users' type checkers the whole packages.
"""
