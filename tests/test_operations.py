"""Issue 29 items 2 and 3: the ``alarms`` and ``backup`` sections (config validation and synthesized JSON).

Each test names the AWS rule it encodes. The emulator scenario is in tests/test_operations_emulator.py.
"""

from __future__ import annotations

import json

import pytest

from _support import make_config, synth_mapping
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.testing import resources

STACK = "wbtest-infra"


def _infra(**overrides):
    return synth_mapping(make_config(**overrides)).stack(STACK)


def _alarms(doc):
    return {a["alarm_name"]: a for a in resources(doc, "aws_cloudwatch_metric_alarm").values()}


def _err(data: dict) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    return info.value


# --- defaults: nothing changes -----------------------------------------------------------------

def test_off_by_default_and_the_key_policy_is_unchanged():
    """Both sections are off by default: no alarm, topic, vault or plan, and the deployment key's policy has no
    CloudWatch statement (every existing deployment synthesizes as before)."""
    doc = _infra()
    for rtype in ("aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_backup_vault", "aws_backup_plan"):
        assert not resources(doc, rtype), rtype
    (key,) = [k for k in resources(doc, "aws_kms_key").values() if "bucket, database" in k["description"]]
    assert "cloudwatch.amazonaws.com" not in key["policy"]


# --- alarms ------------------------------------------------------------------------------------

def test_alarms_metrics_and_dimensions_post_operator():
    """Post-operator with every default: the metrics and dimensions the AWS user guides publish (Aurora per
    DBInstanceIdentifier, ElastiCache per CacheClusterId <group>-00N, SQS per QueueName, Auto Scaling per
    AutoScalingGroupName); names follow the namespace; every alarm notifies the topic on ALARM and OK. No ALB
    alarms post-operator: that ALB belongs to the load balancer controller."""
    doc = _infra(alarms={})
    alarms = _alarms(doc)
    assert set(alarms) == {
        "wbtest-database-cpu", "wbtest-database-free-local-storage", "wbtest-database-freeable-memory",
        "wbtest-database-connections", "wbtest-redis-memory-1", "wbtest-redis-memory-2", "wbtest-redis-evictions-1",
        "wbtest-redis-evictions-2", "wbtest-queue-oldest-message", "wbtest-node-group-0-at-max",
        "wbtest-node-group-1-at-max"}
    expect = {
        "wbtest-database-cpu": ("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier"),
        "wbtest-database-free-local-storage": ("AWS/RDS", "FreeLocalStorage", "DBInstanceIdentifier"),
        "wbtest-database-freeable-memory": ("AWS/RDS", "FreeableMemory", "DBInstanceIdentifier"),
        "wbtest-database-connections": ("AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier"),
        "wbtest-redis-memory-1": ("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId"),
        "wbtest-redis-evictions-2": ("AWS/ElastiCache", "Evictions", "CacheClusterId"),
        "wbtest-queue-oldest-message": ("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName"),
        "wbtest-node-group-0-at-max": ("AWS/AutoScaling", "GroupDesiredCapacity", "AutoScalingGroupName"),
    }
    for name, (namespace, metric, dimension) in expect.items():
        a = alarms[name]
        assert (a["namespace"], a["metric_name"], list(a["dimensions"])) == (namespace, metric, [dimension]), name
    assert alarms["wbtest-redis-memory-1"]["dimensions"]["CacheClusterId"] == "wbtest-rep-group-001"
    assert alarms["wbtest-redis-evictions-2"]["dimensions"]["CacheClusterId"] == "wbtest-rep-group-002"
    assert "aws_rds_cluster_instance.database_writer" in alarms["wbtest-database-cpu"]["dimensions"]["DBInstanceIdentifier"]
    assert "aws_sqs_queue.file-storage_queue" in alarms["wbtest-queue-oldest-message"]["dimensions"]["QueueName"]
    (topic_id,) = resources(doc, "aws_sns_topic")
    for a in alarms.values():
        assert a["alarm_actions"] == a["ok_actions"] == [f"${{aws_sns_topic.{topic_id}.arn}}"]
        assert a["period"] == 300


# Aurora User Guide, "Maximum connections to an Aurora MySQL DB instance" (AuroraMySQL.Managing.Performance.html), the
# table's rows for the families our table covers: db.r5.* and db.r6g.* (r6g up to 12xlarge in the page as read).
AURORA_GUIDE_MAX_CONNECTIONS = {
    "db.r5.large": 1000, "db.r5.xlarge": 2000, "db.r5.2xlarge": 3000, "db.r5.4xlarge": 4000, "db.r5.8xlarge": 5000,
    "db.r5.12xlarge": 6000, "db.r5.16xlarge": 6000, "db.r5.24xlarge": 7000,
    "db.r6g.large": 1000, "db.r6g.xlarge": 2000, "db.r6g.2xlarge": 3000, "db.r6g.4xlarge": 4000,
    "db.r6g.8xlarge": 5000, "db.r6g.12xlarge": 6000,
}


@pytest.mark.parametrize(("instance_class", "expected"), sorted(AURORA_GUIDE_MAX_CONNECTIONS.items()))
def test_default_max_connections_are_the_aurora_user_guides(instance_class, expected):
    """Aurora User Guide, "Maximum connections to an Aurora MySQL DB instance": the default max_connections of each
    class, as its table lists it (db.r5.24xlarge 7000, not 6000)."""
    from wandb_cdktf.config.operations import database_class_limits

    assert database_class_limits(instance_class)[1] == expected


def test_default_max_connections_follow_the_parameters_formula():
    """The same guide: the default is GREATEST({log(DBInstanceClassMemory/805306368)*45},
    {log(DBInstanceClassMemory/8187281408)*1000}); with log base 2 rounded to an integer it gives the table's
    values, so the sizes the table does not list for a family (db.r6i/r7i/r8g.24xlarge, 768 GiB) get 7000."""
    import math

    from wandb_cdktf.config.operations import _R_CLASS_MEMORY_GIB, database_class_limits

    for size, gib in _R_CLASS_MEMORY_GIB.items():
        memory = gib * 1024 ** 3
        formula = max(round(math.log2(memory / 805306368)) * 45, round(math.log2(memory / 8187281408)) * 1000)
        for family in ("r5", "r6g", "r6i", "r7g", "r7i", "r8g"):
            assert database_class_limits(f"db.{family}.{size}") == (gib, formula), (family, size)


def test_database_cpu_alarm_is_the_reference_architectures():
    """W&B's reference architecture: alarm when Aurora CPU stays above 90 % for 5 minutes."""
    a = _alarms(_infra(alarms={}))["wbtest-database-cpu"]
    assert (a["statistic"], a["comparison_operator"], a["threshold"]) == ("Average", "GreaterThanThreshold", 90)
    assert a["period"] * a["evaluation_periods"] == 300 and a["datapoints_to_alarm"] == 1


@pytest.mark.parametrize(("size", "memory_gib", "max_connections"), [
    ("small", 16, 1000), ("medium", 32, 2000), ("xxlarge", 256, 5000)])
def test_database_thresholds_follow_the_size_preset(size, memory_gib, max_connections):
    """Aurora User Guide, "Maximum connections to an Aurora MySQL DB instance": db.r*.large 1000, xlarge 2000,
    8xlarge 5000; the presets pick db.r6g.large/xlarge/8xlarge (v8 deployment-size.tf). The connections alarm
    fires at 80 % of that, freeable memory below 5 % and local storage below an eighth of the class's memory."""
    alarms = _alarms(_infra(alarms={}, size=size))
    assert alarms["wbtest-database-connections"]["threshold"] == max_connections * 0.8
    assert alarms["wbtest-database-freeable-memory"]["threshold"] == memory_gib * 1024 ** 3 // 20
    assert alarms["wbtest-database-free-local-storage"]["threshold"] == memory_gib * 1024 ** 3 // 8
    for name in ("wbtest-database-freeable-memory", "wbtest-database-free-local-storage"):
        assert alarms[name]["comparison_operator"] == "LessThanThreshold"


def test_thresholds_can_be_overridden():
    alarms = _alarms(_infra(alarms={"thresholds": {"database_cpu_percent": 75, "redis_memory_percent": 60,
                                                   "queue_oldest_message_seconds": 120, "node_group_full_minutes": 30,
                                                   "database_connections_percent": 50}}))
    assert alarms["wbtest-database-cpu"]["threshold"] == 75
    assert alarms["wbtest-redis-memory-2"]["threshold"] == 60
    assert alarms["wbtest-queue-oldest-message"]["threshold"] == 120
    assert alarms["wbtest-database-connections"]["threshold"] == 500
    group = alarms["wbtest-node-group-1-at-max"]
    assert group["evaluation_periods"] == group["datapoints_to_alarm"] == 6


def test_node_group_alarm_watches_the_maximum_and_turns_group_metrics_on():
    """EC2 Auto Scaling publishes AWS/AutoScaling group metrics only after EnableMetricsCollection (granularity
    1Minute, the only valid value), which EKS managed node groups do not call: each group gets a terraform_data
    that runs it, re-run when the group's ASG changes. The alarm fires at the group's maximum size."""
    doc = _infra(alarms={}, kubernetes_max_nodes_per_az=7)
    alarm = _alarms(doc)["wbtest-node-group-0-at-max"]
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanOrEqualToThreshold", 7)
    runs = [r for r in resources(doc, "terraform_data").values() if "triggers_replace" in r and "group" in r["triggers_replace"]]
    assert len(runs) == 2
    for run in runs:
        cmd = run["provisioner"][0]["local-exec"]["command"]
        assert cmd.startswith("aws autoscaling enable-metrics-collection --region us-west-2 ")
        assert "--granularity 1Minute" in cmd and "GroupDesiredCapacity" in cmd
        assert run["triggers_replace"]["group"] in cmd


def test_topic_is_encrypted_and_the_key_admits_cloudwatch():
    """SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics":
    CloudWatch publishes to a topic under a customer managed key only if the key policy allows
    cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*; scoped to this account's <namespace>- alarms
    (aws:SourceAccount, aws:SourceArn: confused-deputy protection). The topic policy admits sns:Publish the same way."""
    doc = _infra(alarms={"email_endpoints": ["oncall@example.com"], "https_endpoints": ["https://hooks.example.com/x"]})
    (topic,) = resources(doc, "aws_sns_topic").values()
    assert topic["name"] == "wbtest-alarms"
    assert topic["kms_master_key_id"].startswith("${aws_kms_key.kms_key_")
    (key,) = [k for k in resources(doc, "aws_kms_key").values() if "bucket, database" in k["description"]]
    (stmt,) = [s for s in json.loads(key["policy"])["Statement"] if s.get("Sid") == "CloudWatchAlarms"]
    assert stmt["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(stmt["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert stmt["Condition"]["ArnLike"]["aws:SourceArn"].endswith(":alarm:wbtest-*")
    (policy,) = resources(doc, "aws_sns_topic_policy").values()
    (publish,) = [s for s in json.loads(policy["policy"])["Statement"] if s["Sid"] == "CloudWatchAlarms"]
    assert publish["Action"] == "sns:Publish" and publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    subs = sorted((s["protocol"], s["endpoint"]) for s in resources(doc, "aws_sns_topic_subscription").values())
    assert subs == [("email", "oncall@example.com"), ("https", "https://hooks.example.com/x")]


def test_pre_operator_alb_alarms():
    """AWS/ApplicationELB: LoadBalancer is the ARN suffix app/<name>/<id>; the 5xx rate is metric math over
    HTTPCode_ELB_5XX_Count, HTTPCode_Target_5XX_Count and RequestCount (Sum); UnHealthyHostCount needs
    LoadBalancer and TargetGroup."""
    alarms = _alarms(_infra(alarms={}, deployment="pre-operator", public_access=True))
    rate = alarms["wbtest-alb-5xx-rate"]
    queries = {q["id"]: q for q in rate["metric_query"]}
    assert queries["rate"]["return_data"] is True and "/ requests" in queries["rate"]["expression"]
    assert {q["metric"]["metric_name"] for q in queries.values() if "metric" in q} == {
        "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "RequestCount"}
    assert all(q["metric"]["dimensions"]["LoadBalancer"].endswith(".arn_suffix}") for q in queries.values() if "metric" in q)
    assert (rate["threshold"], rate["treat_missing_data"]) == (5, "notBreaching")
    unhealthy = alarms["wbtest-alb-unhealthy-targets"]
    assert set(unhealthy["dimensions"]) == {"LoadBalancer", "TargetGroup"}
    assert unhealthy["dimensions"]["TargetGroup"].endswith(".arn_suffix}")


def test_alarms_follow_what_is_built_here():
    """No alarm for what this deployment does not build: an external database, an external Redis, W&B's
    internal queue."""
    names = set(_alarms(_infra(
        alarms={}, external_database_host="db.example.com",
        external_database_secret_arn="arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf",
        use_external_redis=True, external_redis_host="redis.example.com", use_internal_queue=True)))
    assert names == {"wbtest-node-group-0-at-max", "wbtest-node-group-1-at-max"}


# --- backup ------------------------------------------------------------------------------------

def test_backup_vault_plan_and_selection():
    """AWS Backup: the vault is encrypted with the deployment key; each rule's retention is its lifecycle
    delete_after; StartWindowMinutes at least 60 (BackupRuleInput); the selection names the Aurora cluster and the
    file bucket, with a role trusting backup.amazonaws.com that carries the managed policies AWS Backup documents
    (service-role/AWSBackupServiceRolePolicyForBackup and ...ForRestores; AWSBackupServiceRolePolicyForS3Backup
    and ...ForS3Restore, without a path)."""
    doc = _infra(backup={"rules": [{"name": "daily"}, {"name": "weekly", "schedule": "cron(0 6 ? * SUN *)",
                                                         "retention_days": 365}]})
    (vault,) = resources(doc, "aws_backup_vault").values()
    assert vault["name"] == "wbtest-backup" and vault["kms_key_arn"].startswith("${aws_kms_key.kms_key_")
    assert vault["force_destroy"] is False
    (plan,) = resources(doc, "aws_backup_plan").values()
    rules = {r["rule_name"]: r for r in plan["rule"]}
    assert rules["daily"]["schedule"] == "cron(0 5 ? * * *)" and rules["daily"]["lifecycle"] == {"delete_after": 35}
    assert rules["weekly"]["lifecycle"] == {"delete_after": 365}
    assert all(r["start_window"] >= 60 and "copy_action" not in r for r in rules.values())
    (selection,) = resources(doc, "aws_backup_selection").values()
    assert len(selection["resources"]) == 2
    assert any("aws_rds_cluster.database_cluster" in r and r.endswith(".arn}") for r in selection["resources"])
    assert any("aws_s3_bucket.file-storage_bucket" in r for r in selection["resources"])
    role = next(r for r in resources(doc, "aws_iam_role").values() if r.get("name_prefix") == "wbtest-backup-")
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "backup.amazonaws.com"}
    arns = sorted(a["policy_arn"].split(":policy/")[1] for a in resources(doc, "aws_iam_role_policy_attachment").values()
                  if "backup_role" in a["role"])
    assert arns == ["AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore",
                    "service-role/AWSBackupServiceRolePolicyForBackup", "service-role/AWSBackupServiceRolePolicyForRestores"]
    assert len(selection["depends_on"]) == 4


def test_backed_up_bucket_is_versioned():
    """AWS Backup Developer Guide, "Amazon S3 backups": the bucket must have versioning enabled. FileStorage
    versions the bucket it creates."""
    doc = _infra(backup={})
    (versioning,) = [v for k, v in resources(doc, "aws_s3_bucket_versioning").items() if k.startswith("file-storage_")]
    assert versioning["versioning_configuration"] == {"status": "Enabled"}


def test_backup_existing_bucket_warns_about_versioning():
    cfg = config_from_mapping(make_config(backup={}, bucket_name="existing-wandb-files"))
    assert any(w.startswith("backup: ") and "versioning" in w for w in cfg.warnings())


def test_vault_lock_and_copy_to_a_second_region():
    """Vault Lock (PutBackupVaultLockConfiguration: min/max retention, changeable_for_days); a cross-region copy goes
    to a vault in that region through a provider alias, encrypted with a key created there (a KMS key is regional)."""
    doc = _infra(backup={"vault_lock": {"min_retention_days": 7, "max_retention_days": 400, "changeable_for_days": 3},
                         "copy_to_region": "us-east-1",
                         "rules": [{"name": "daily", "retention_days": 30, "copy_retention_days": 14}]})
    (lock,) = resources(doc, "aws_backup_vault_lock_configuration").values()
    assert (lock["min_retention_days"], lock["max_retention_days"], lock["changeable_for_days"]) == (7, 400, 3)
    providers = {p.get("alias"): p["region"] for p in doc["provider"]["aws"]}
    assert providers == {None: "us-west-2", "backup-copy": "us-east-1"}
    copy_vault = next(v for v in resources(doc, "aws_backup_vault").values() if v.get("provider"))
    assert copy_vault["provider"] == "aws.backup-copy"
    copy_key = next(k for k in resources(doc, "aws_kms_key").values() if k.get("provider") == "aws.backup-copy")
    assert copy_vault["kms_key_arn"].startswith("${aws_kms_key.backup_copy-key_") and copy_key["enable_key_rotation"]
    (plan,) = resources(doc, "aws_backup_plan").values()
    (action,) = plan["rule"][0]["copy_action"]
    assert action["lifecycle"] == {"delete_after": 14} and "backup_copy-vault" in action["destination_vault_arn"]


def test_existing_key_with_alarms_warns():
    cfg = config_from_mapping(make_config(alarms={}, kms_key_arn="arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
    assert any(w.startswith("alarms: ") and "cloudwatch.amazonaws.com" in w for w in cfg.warnings())


# --- validation: one line naming the option ------------------------------------------------------

BAD = [
    ({"alarms": {"email_endpoints": ["not-an-address"]}}, "alarms.email_endpoints.0", "email address"),
    ({"alarms": {"https_endpoints": ["http://hooks.example.com"]}}, "alarms.https_endpoints.0", "https://"),
    ({"alarms": {"thresholds": {"database_cpu_percent": 120}}}, "alarms.thresholds.database_cpu_percent", "100"),
    ({"alarms": {"thresholds": {"node_group_full_minutes": 12}}}, "alarms.thresholds.node_group_full_minutes", "multiple of 5"),
    ({"alarms": {}, "database_instance_class": "db.t4g.medium"}, "alarms.thresholds", "database_freeable_memory_mib"),
    ({"backup": {"rules": [{"name": "daily", "schedule": "rate(1 day)"}]}}, "backup.rules.0.schedule", "cron expression"),
    ({"backup": {"rules": [{"name": "a"}, {"name": "a"}]}}, "backup.rules.1.name", "twice"),
    # AWS Backup Vault Lock: 72-hour cooling-off, so changeable_for_days >= 3; min_retention_days >= 1.
    ({"backup": {"vault_lock": {"min_retention_days": 7, "changeable_for_days": 2}}}, "backup.vault_lock.changeable_for_days", "3"),
    ({"backup": {"vault_lock": {"min_retention_days": 0}}}, "backup.vault_lock.min_retention_days", "1"),
    ({"backup": {"vault_lock": {"min_retention_days": 30, "max_retention_days": 10}}}, "backup.vault_lock.max_retention_days", "min_retention_days"),
    # A locked vault fails a backup job whose retention is outside [min, max].
    ({"backup": {"vault_lock": {"min_retention_days": 60}}}, "backup.rules.0.retention_days", "min_retention_days"),
    ({"backup": {"vault_lock": {"min_retention_days": 7, "max_retention_days": 30}}}, "backup.rules.0.retention_days", "max_retention_days"),
    # BackupRuleInput.StartWindowMinutes: at least 60.
    ({"backup": {"start_window_minutes": 30}}, "backup.start_window_minutes", "60"),
    ({"backup": {"copy_to_region": "us-west-2"}}, "backup.copy_to_region", "second region"),
    ({"backup": {"rules": [{"name": "d", "copy_retention_days": 5}]}}, "backup.rules.0.copy_retention_days", "copy_to_region"),
    ({"backup": {}, "external_database_host": "db.example.com",
      "external_database_secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf",
      "bucket_s3_compatible": {"endpoint": "minio.example.com:9000", "bucket": "wandb", "region": "us-west-2",
                               "credentials_secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:minio-AbCdEf"}},
     "backup", "nothing to back up"),
]


@pytest.mark.parametrize(("extra", "option", "fragment"), BAD)
def test_bad_operations_config_is_one_line(extra, option, fragment):
    err = _err(make_config(**extra))
    assert err.option == option, err
    assert fragment in err.message and "\n" not in str(err)


@pytest.mark.parametrize("section", ["alarms", "backup"])
def test_operations_need_the_platform(section):
    err = _err({"namespace": "wandb", "create_platform": False, section: {},
                "launch": {"aws": {"principal_arn": "arn:aws:iam::123456789012:role/agent"}}})
    assert err.option == section and "create_platform: true" in err.message


# --- construct props (the library's edge) ------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({}, "nothing to back up"),
    ({"bucket_arn": "arn:aws:s3:::b", "copy_region": "us-east-1"}, "copy_provider go together"),
    ({"bucket_arn": "arn:aws:s3:::b", "start_window_minutes": 59}, "StartWindowMinutes"),
])
def test_backup_props_refuse_what_aws_backup_refuses(kwargs, fragment):
    from wandb_cdktf.constructs.aws.backup import BackupProps

    with pytest.raises(ValueError, match=fragment):
        BackupProps(namespace="wbtest", kms_key_arn="arn:aws:kms:us-west-2:123456789012:key/x", **kwargs)


def test_vault_lock_props_cooling_off():
    """AWS Backup Vault Lock: a 72-hour cooling-off period, so ChangeableForDays must be 3 or greater."""
    from wandb_cdktf.constructs.aws.backup import VaultLockProps

    with pytest.raises(ValueError, match="72-hour"):
        VaultLockProps(min_retention_days=7, changeable_for_days=2)
    assert VaultLockProps(min_retention_days=7, changeable_for_days=3).changeable_for_days == 3
