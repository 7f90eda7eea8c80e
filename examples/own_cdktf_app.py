"""Using wandb-cdktf constructs inside your own CDKTF app.

Your platform team already has a CDKTF app and wants W&B's bucket, key and queue
next to its other resources, with its own naming and a role of its own:

    pip install wandb-cdktf
    python examples/own_cdktf_app.py [outdir]      # synthesizes to ./cdktf.out by default
"""

from __future__ import annotations

import sys

from cdktf import App, TerraformOutput, TerraformStack
from constructs import Construct

from wandb_cdktf.constructs.aws import FileStorage, FileStorageProps, Key, KeyProps, RoleRef
from wandb_cdktf.providers import aws  # lazy provider bindings: only the submodules you touch load


class MlPlatformStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        aws.provider.AwsProvider(self, "aws", region="eu-west-1")

        key = Key(self, "wandb-key", KeyProps(namespace="mlp-wandb", deletion_window_in_days=30))
        storage = FileStorage(self, "wandb-files", FileStorageProps(namespace="mlp-wandb", kms_key_arn=key.key_arn))

        # An existing role of yours (e.g. the nodes of a cluster you already run) gets W&B's bucket access,
        # including the bucket key; the grant returns the statements and the inline policy it created.
        role = aws.iam_role.IamRole(
            self, "wandb-server-role", name="mlp-wandb-server",
            assume_role_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        )
        storage.grant_read_write(RoleRef(role.name))

        TerraformOutput(self, "bucket", value=storage.bucket_address)
        TerraformOutput(self, "queue", value=storage.queue_address)
        TerraformOutput(self, "kms_key_arn", value=key.key_arn)


def build(outdir: str = "cdktf.out") -> App:
    app = App(outdir=outdir)
    MlPlatformStack(app, "ml-platform")
    return app


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "cdktf.out").synth()
