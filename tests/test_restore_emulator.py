"""Emulator scenario of issue 29 item 3, "backups that restore": the restore path of docs/backup-and-alarms.md
("Restore"), every step moto can run, with the commands' exact parameters, against our ``Database`` construct (the
one ``<ns>-infra`` builds, same construct ids) applied with the real Terraform CLI and hashicorp/aws 5.100.0.

moto runs no AWS Backup job (StartBackupJob, StartRestoreJob, GetRecoveryPointRestoreMetadata), so the Aurora
recovery point here is a cluster snapshot (the docs' "from a snapshot" branch); everything after the restore call
(writer, renames, plan, apply, removing the old cluster) is the same for both branches. The bucket part restores a
lost object version from the versioned bucket (an AWS Backup S3 restore job is not run either).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from _emulator_support import REGION, Moto, Stack, changed_paths, changes, construct_stack, describe, split_artefacts
from wandb_cdktf.testing import TerraformEnv

pytestmark = [pytest.mark.emulator, pytest.mark.slow, pytest.mark.medium]

NS = "wbemurst"
# What the docs say the plan after the renames changes: in-place updates of the cluster and its writer, no other
# resource (docs/backup-and-alarms.md, "Restore", step 4).
TAKEN_OVER = {"aws_rds_cluster", "aws_rds_cluster_instance"}


def _master_password(moto: Moto, cluster_id: str) -> str:
    """The emulated RDS's master password of a cluster (tests/emulator_server.py's test aid; no AWS API returns it)."""
    with urlopen(f"{moto.url}/moto-api/emulator/rds-master-passwords", timeout=60) as response:
        return str(json.load(response)[cluster_id])


def test_restore_aurora_into_a_new_cluster_and_take_over_its_names(emulator_tf: TerraformEnv, moto: Moto,
                                                                   tmp_path: Path) -> None:
    """docs/backup-and-alarms.md "Restore", as written: (1, 2) restore the backup into a new cluster
    ``<ns>-restored`` with the settings ``describe-db-clusters`` gives (subnet group, security group, cluster
    parameter group, KMS key; a point-in-time restore takes the same ones but the engine) and add its writer with
    the writer's class and instance parameter group; it holds the backup's master password, the one in
    ``<ns>-database-master-*``; (3) rename the old cluster and writer to ``<ns>-old``/``<ns>-old-1`` and the
    restored ones into their names: the cluster endpoint (W&B's host) is unchanged; (4) the plan updates the
    cluster and writer in place only (nothing created, replaced or destroyed; the cluster ARN, which the backup
    selection names, unchanged) and its apply converges; (5) after ``<ns>-old`` is deleted (deletion protection
    lifted first) a re-plan is clean. The bucket: a version overwritten or deleted by mistake comes back with
    ``copy-object`` of the previous version (the file bucket is versioned)."""
    from wandb_cdktf._providers import aws
    from wandb_cdktf.constructs.aws.database import LOG_EXPORTS, Database, DatabaseProps

    start = time.monotonic()
    outdir = tmp_path / "out"
    app, stack, _ = construct_stack(moto, NS, f"{NS}-restore", outdir)
    key = aws.kms_key.KmsKey(stack, "kms", description=f"{NS} deployment key", deletion_window_in_days=7)
    vpc = aws.vpc.Vpc(stack, "vpc", cidr_block="10.20.0.0/16")
    subnets = [aws.subnet.Subnet(stack, f"db-{i}", vpc_id=vpc.id, cidr_block=f"10.20.{20 + i}.0/24",
                                 availability_zone=f"{REGION}{az}") for i, az in enumerate("ab")]
    Database(stack, "database", DatabaseProps(
        namespace=NS, vpc_id=vpc.id, subnet_ids=[s.id for s in subnets], kms_key_arn=key.arn,
        deletion_protection=True, secret_recovery_window_in_days=0))
    bucket = aws.s3_bucket.S3Bucket(stack, "files", bucket=f"{NS}-files", force_destroy=True)
    aws.s3_bucket_versioning.S3BucketVersioningA(stack, "files-versioning", bucket=bucket.id,
                                                  versioning_configuration={"status": "Enabled"})
    app.synth()
    tf = Stack(emulator_tf, outdir / "stacks" / f"{NS}-restore", moto.env())
    tf.apply()
    rds, secrets, s3 = (moto.client(x) for x in ("rds", "secretsmanager", "s3"))

    # -- 2. restore into <ns>-restored with the deployment's settings, read from the running cluster ----------
    (old,) = rds.describe_db_clusters(DBClusterIdentifier=NS)["DBClusters"]
    (old_writer,) = rds.describe_db_instances(DBInstanceIdentifier=f"{NS}-1")["DBInstances"]
    snapshot = f"{NS}-before-restore"
    rds.create_db_cluster_snapshot(DBClusterIdentifier=NS, DBClusterSnapshotIdentifier=snapshot)
    settings = {
        "Engine": "aurora-mysql", "EngineVersion": old["EngineVersion"],
        "DBSubnetGroupName": old["DBSubnetGroup"],
        "VpcSecurityGroupIds": [g["VpcSecurityGroupId"] for g in old["VpcSecurityGroups"]],
        "DBClusterParameterGroupName": old["DBClusterParameterGroup"], "KmsKeyId": old["KmsKeyId"],
        "EnableIAMDatabaseAuthentication": True, "EnableCloudwatchLogsExports": list(LOG_EXPORTS),
        "DeletionProtection": True, "CopyTagsToSnapshot": True,
    }
    rds.restore_db_cluster_from_snapshot(DBClusterIdentifier=f"{NS}-restored", SnapshotIdentifier=snapshot, **settings)
    rds.create_db_instance(DBClusterIdentifier=f"{NS}-restored", DBInstanceIdentifier=f"{NS}-restored-1",
                           Engine="aurora-mysql", DBInstanceClass=old_writer["DBInstanceClass"],
                           DBParameterGroupName=old_writer["DBParameterGroups"][0]["DBParameterGroupName"],
                           DBSubnetGroupName=old["DBSubnetGroup"])
    (restored,) = rds.describe_db_clusters(DBClusterIdentifier=f"{NS}-restored")["DBClusters"]
    for name in ("KmsKeyId", "DBSubnetGroup", "DBClusterParameterGroup", "VpcSecurityGroups", "DatabaseName",
                 "MasterUsername", "EngineVersion"):
        assert restored[name] == old[name], f"restored cluster's {name}: {restored[name]} != {old[name]}"
    assert restored["StorageEncrypted"] and restored["DeletionProtection"]
    # ... or to a point in time of the retention period, with the same settings but the engine, which is the
    # source's (RestoreDBClusterToPointInTime has no Engine or EngineVersion); not used further here
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier=f"{NS}-pitr", SourceDBClusterIdentifier=NS, RestoreToTime=old["LatestRestorableTime"],
        **{k: v for k, v in settings.items() if k not in ("Engine", "EngineVersion")})
    (pitr,) = rds.describe_db_clusters(DBClusterIdentifier=f"{NS}-pitr")["DBClusters"]
    for name in ("KmsKeyId", "DBSubnetGroup", "DBClusterParameterGroup", "VpcSecurityGroups", "DatabaseName"):
        assert pitr[name] == old[name], f"point-in-time restore's {name}: {pitr[name]} != {old[name]}"
    rds.modify_db_cluster(DBClusterIdentifier=f"{NS}-pitr", DeletionProtection=False, ApplyImmediately=True)
    rds.delete_db_cluster(DBClusterIdentifier=f"{NS}-pitr", SkipFinalSnapshot=True)
    (secret,) = [s for s in secrets.list_secrets()["SecretList"] if s["Name"].startswith(f"{NS}-database-master-")]
    held = json.loads(secrets.get_secret_value(SecretId=secret["ARN"])["SecretString"])
    assert _master_password(moto, f"{NS}-restored") == held["password"], "the restored cluster has another password"

    # -- 3. take over the names: the old cluster and writer out of the way, the restored ones into their place --
    rds.modify_db_cluster(DBClusterIdentifier=NS, NewDBClusterIdentifier=f"{NS}-old", ApplyImmediately=True)
    rds.modify_db_instance(DBInstanceIdentifier=f"{NS}-1", NewDBInstanceIdentifier=f"{NS}-old-1", ApplyImmediately=True)
    rds.modify_db_cluster(DBClusterIdentifier=f"{NS}-restored", NewDBClusterIdentifier=NS, ApplyImmediately=True)
    rds.modify_db_instance(DBInstanceIdentifier=f"{NS}-restored-1", NewDBInstanceIdentifier=f"{NS}-1",
                           ApplyImmediately=True)
    (now,) = rds.describe_db_clusters(DBClusterIdentifier=NS)["DBClusters"]
    assert now["ClusterCreateTime"] == restored["ClusterCreateTime"] != old["ClusterCreateTime"]
    assert now["Endpoint"] == old["Endpoint"], "W&B's database host changed with the takeover"
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in now["DBClusterMembers"]] == [(f"{NS}-1", True)]

    # -- 4. the plan updates the cluster and the writer in place, nothing else; apply; delete <ns>-old ------------
    plan = tf.plan_json()
    found = changes(plan)
    assert all(rc["change"]["actions"] == ["update"] for rc in found), "\n".join(map(describe, found))
    _, elsewhere = split_artefacts([rc for rc in found if rc["type"] not in TAKEN_OVER])
    assert not elsewhere, "the takeover changes more than the cluster and its writer:\n" + "\n".join(elsewhere)
    assert {rc["type"] for rc in found} >= TAKEN_OVER, "\n".join(map(describe, found))  # tags, monitoring, ...
    print(f"[{NS}] plan after the takeover:\n  " + "\n  ".join(map(describe, found)))
    cluster_change = next((rc for rc in found if rc["type"] == "aws_rds_cluster"), None)
    assert cluster_change is None or "arn" not in changed_paths(cluster_change)
    tf.apply_plan()
    rds.modify_db_cluster(DBClusterIdentifier=f"{NS}-old", DeletionProtection=False, ApplyImmediately=True)
    rds.delete_db_instance(DBInstanceIdentifier=f"{NS}-old-1")
    rds.delete_db_cluster(DBClusterIdentifier=f"{NS}-old", FinalDBSnapshotIdentifier=f"{NS}-old-final")
    _, unexpected = split_artefacts(changes(tf.plan_json()))
    assert not unexpected, "re-plan after the restore is not clean:\n" + "\n".join(unexpected)
    (final,) = rds.describe_db_clusters(DBClusterIdentifier=NS)["DBClusters"]
    assert final["ClusterCreateTime"] == restored["ClusterCreateTime"] and final["DeletionProtection"]

    # -- the bucket: a lost version comes back from the versioned bucket ----------------------------------------
    name = f"{NS}-files"
    first = s3.put_object(Bucket=name, Key="media/run.json", Body=b"v1")["VersionId"]
    s3.put_object(Bucket=name, Key="media/run.json", Body=b"overwritten")
    gone = s3.put_object(Bucket=name, Key="media/table.json", Body=b"table")["VersionId"]
    s3.delete_object(Bucket=name, Key="media/table.json")
    versions = s3.list_object_versions(Bucket=name, Prefix="media/")
    assert {(v["Key"], v["VersionId"]) for v in versions["Versions"]} >= {("media/run.json", first),
                                                                          ("media/table.json", gone)}
    for k, version in (("media/run.json", first), ("media/table.json", gone)):
        s3.copy_object(Bucket=name, Key=k, CopySource={"Bucket": name, "Key": k, "VersionId": version})
    assert s3.get_object(Bucket=name, Key="media/run.json")["Body"].read() == b"v1"
    assert s3.get_object(Bucket=name, Key="media/table.json")["Body"].read() == b"table"
    print(f"[{NS}] restore path: applied, restored, taken over, re-planned in {time.monotonic() - start:.1f}s")
