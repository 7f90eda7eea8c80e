"""Emulator scenario of issue 29 items 2 and 3: the ``Alarms`` and ``Backup`` constructs, alone in a small stack,
applied with the real Terraform CLI and hashicorp/aws 5.100.0 to moto, read back with boto3, and re-planned clean.

moto implements CloudWatch alarms, SNS, KMS key policies, backup plans and vaults (with Vault Lock); backup
selections come from a shim (tests/emulator_server.py ``_backup_selections``). It runs no backup or restore job
(StartBackupJob, StartRestoreJob); the restore path of docs/backup-and-alarms.md, as far as moto runs it, is
tests/test_restore_emulator.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from _emulator_support import REGION, Moto, Stack, changes, construct_stack, split_artefacts
from wandb_cdktf.testing import TerraformEnv

pytestmark = [pytest.mark.emulator, pytest.mark.slow, pytest.mark.medium]

NS = "wbemuops"
COPY_REGION = "us-east-1"


def test_apply_alarms_and_backup(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """The deployment key admits CloudWatch alarms (SNS Developer Guide: a topic under a customer managed key gets
    CloudWatch's notifications only if the key policy allows cloudwatch.amazonaws.com kms:Decrypt and
    kms:GenerateDataKey*), the topic is encrypted with it, every alarm notifies it; the vault is encrypted with the
    same key and locked, the plan keeps each rule's retention and copies to a vault in a second region (provider
    alias), the selection names the bucket; a re-plan is clean."""
    from wandb_cdktf._providers import aws
    from wandb_cdktf.constructs.aws.alarms import Alarms, AlarmsProps
    from wandb_cdktf.constructs.aws.backup import Backup, BackupProps, BackupRuleProps, VaultLockProps
    from wandb_cdktf.constructs.aws.key import Key, KeyProps
    from wandb_cdktf.stacks.base import aws_provider

    start = time.monotonic()
    outdir = tmp_path / "out"
    app, stack, config = construct_stack(moto, NS, f"{NS}-ops", outdir)
    copy_provider = aws_provider(stack, COPY_REGION, config.tags, alias="backup-copy")
    key = Key(stack, "kms", KeyProps(namespace=NS, alias=f"alias/{NS}-kms", deletion_protection=False,
                                     cloudwatch_alarm_prefix=f"{NS}-"))
    bucket = aws.s3_bucket.S3Bucket(stack, "files", bucket=f"{NS}-files", force_destroy=True)
    aws.s3_bucket_versioning.S3BucketVersioningA(stack, "files-versioning", bucket=bucket.id,
                                                  versioning_configuration={"status": "Enabled"})
    queue = aws.sqs_queue.SqsQueue(stack, "queue", name=f"{NS}-files", sqs_managed_sse_enabled=True)
    alarms = Alarms(stack, "alarms", AlarmsProps(
        namespace=NS, kms_key_arn=key.key_arn, region=REGION, database_instance_id=f"{NS}-1",
        redis_cache_cluster_ids=(f"{NS}-rep-group-001",), alb_arn_suffix=f"app/{NS}-alb/0123456789abcdef",
        target_group_arn_suffix=f"targetgroup/{NS}-tg/0123456789abcdef", queue_name=queue.name,
        autoscaling_groups=((f"{NS}-asg", 4),), enable_group_metrics=False, email_endpoints=("oncall@example.com",)))
    Backup(stack, "backup", BackupProps(
        namespace=NS, kms_key_arn=key.key_arn, bucket_arn=bucket.arn,
        rules=(BackupRuleProps("daily", retention_days=35), BackupRuleProps("weekly", "cron(0 6 ? * SUN *)", 365, 90)),
        vault_lock=VaultLockProps(7, 400), copy_region=COPY_REGION, copy_provider=copy_provider))
    app.synth()
    # Two aws provider configurations (the copy region's alias): Terraform must start a provider process for each.
    # The module's shared, reattached provider process would serve both with one configuration (the last region
    # configured wins), so this stack runs with an environment of its own, which Stack.run never shares.
    tf = Stack(emulator_tf, outdir / "stacks" / f"{NS}-ops", {**moto.env(), "TF_IN_AUTOMATION": "1"})
    tf.apply()

    kms, sns, cw, backup = (moto.client(x) for x in ("kms", "sns", "cloudwatch", "backup"))
    key_arn = kms.describe_key(KeyId=f"alias/{NS}-kms")["KeyMetadata"]["Arn"]
    statements = json.loads(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])["Statement"]
    (admit,) = [s for s in statements if s.get("Sid") == "CloudWatchAlarms"]
    assert admit["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(admit["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    account = moto.client("sts").get_caller_identity()["Account"]
    topic_arn = f"arn:aws:sns:{REGION}:{account}:{NS}-alarms"
    attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn
    assert any(s.get("Sid") == "CloudWatchAlarms" for s in json.loads(attributes["Policy"])["Statement"])
    (sub,) = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert (sub["Protocol"], sub["Endpoint"]) == ("email", "oncall@example.com")
    described = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNamePrefix=f"{NS}-")["MetricAlarms"]}
    assert set(described) == {f"{NS}-{name}" for name in alarms.alarm_names}
    assert len(described) == 10  # 4 Aurora, 2 Redis (one node), 2 ALB, the queue, one node group
    for alarm in described.values():
        assert alarm["AlarmActions"] == [topic_arn] and alarm["OKActions"] == [topic_arn]
    cpu_alarm = described[f"{NS}-database-cpu"]
    assert (cpu_alarm["Namespace"], cpu_alarm["MetricName"], cpu_alarm["Threshold"]) == ("AWS/RDS", "CPUUtilization", 90.0)
    assert cpu_alarm["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": f"{NS}-1"}]
    queue_alarm = described[f"{NS}-queue-oldest-message"]
    assert queue_alarm["Dimensions"] == [{"Name": "QueueName", "Value": f"{NS}-files"}]
    assert {m["Id"] for m in described[f"{NS}-alb-5xx-rate"]["Metrics"]} == {"rate", "elb", "target", "requests"}

    vault = backup.describe_backup_vault(BackupVaultName=f"{NS}-backup")
    assert vault["EncryptionKeyArn"] == key_arn
    assert (vault["MinRetentionDays"], vault["MaxRetentionDays"]) == (7, 400)
    import boto3

    copy_backup = boto3.client("backup", endpoint_url=moto.url, region_name=COPY_REGION,
                               aws_access_key_id="testing", aws_secret_access_key="testing")
    copy_vault = copy_backup.describe_backup_vault(BackupVaultName=f"{NS}-backup")
    assert f":{COPY_REGION}:" in copy_vault["EncryptionKeyArn"]
    (plan_summary,) = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == f"{NS}-backup"]
    plan = backup.get_backup_plan(BackupPlanId=plan_summary["BackupPlanId"])["BackupPlan"]
    rules = {r["RuleName"]: r for r in plan["Rules"]}
    assert rules["weekly"]["Lifecycle"]["DeleteAfterDays"] == 365
    assert rules["weekly"]["CopyActions"][0]["Lifecycle"]["DeleteAfterDays"] == 90
    assert rules["daily"]["CopyActions"][0]["DestinationBackupVaultArn"] == copy_vault["BackupVaultArn"]

    _, unexpected = split_artefacts(changes(tf.plan_json()))
    assert not unexpected, "re-plan of alarms and backup is not clean:\n" + "\n".join(unexpected)
    print(f"[{NS}] alarms + backup: synthesized, applied, checked and re-planned in {time.monotonic() - start:.1f}s")
