"""Build the CDKTF app for a configuration: the stacks it asks for, and nothing else.

Stack modules (and therefore provider bindings) are imported only when the
configuration needs them, so an AWS-only user never loads Google or Azure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf import App, TerraformStack

from .config import WandbConfig


@dataclass
class BuiltApp:
    """The app plus its stacks keyed by role ("infra", "operator", "byob-aws", ...)."""

    app: App
    stacks: dict[str, TerraformStack] = field(default_factory=dict)


def build_app(config: WandbConfig, outdir: str = "cdktf.out") -> BuiltApp:
    app = App(outdir=outdir)
    built = BuiltApp(app)
    infra = None
    if config.create_platform:
        from .stacks.infra import InfraStack

        infra = InfraStack(app, config.stack_ids["infra"], config=config)
        built.stacks["infra"] = infra
    if config.byob is not None:
        from .stacks.byob import add_byob_stacks

        built.stacks.update(add_byob_stacks(app, config, infra))
    if infra is not None:
        # Team buckets built here for this (self-managed) platform are listed in its
        # GORILLA_SUPPORTED_FILE_STORES, so the BYOB stacks are built first.
        byob_aws = built.stacks.get("byob-aws")
        team_buckets = list(getattr(byob_aws, "supported_file_stores", []))
        if config.deployment == "pre-operator":
            from .stacks.app import AppStack

            built.stacks["app"] = AppStack(app, config.stack_ids["app"], config=config, infra=infra, team_buckets=team_buckets)
        else:
            from .stacks.operator import OperatorStack

            built.stacks["operator"] = OperatorStack(app, config.stack_ids["operator"], config=config, infra=infra,
                                                     team_buckets=team_buckets)
    if config.launch is not None:
        from .stacks.launch import add_launch_stacks

        built.stacks.update(add_launch_stacks(app, config, built.stacks.get("infra")))
    return built
