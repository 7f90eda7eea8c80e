"""Database used alone in a bare TerraformStack."""

from __future__ import annotations

import json
import re

import pytest

from _construct_support import (
    KEY_ARN,
    SG_ID,
    SUBNETS,
    VPC_ID,
    address,
    all_of,
    assert_validates,
    at,
    build_bare_stacks,
    output,
    ref,
    under,
)
from wandb_cdktf.constructs.aws import Database, DatabaseProps

PI_KEY = "arn:aws:kms:us-west-2:123456789012:key/99999999-8888-7777-6666-555555555555"
BASE = dict(namespace="dbt", vpc_id=VPC_ID, subnet_ids=SUBNETS, kms_key_arn=KEY_ARN)


def _database(props: DatabaseProps):
    def build(stack):
        db = Database(stack, "db", props)
        output(stack, "endpoint", db.endpoint)
        output(stack, "secret_arn", db.master_user_secret_arn)
        output(stack, "security_group_id", db.security_group_id)
        output(stack, "cluster_identifier", db.cluster_identifier)
        return db
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("database"), {
        "default": _database(DatabaseProps(**BASE, allowed_security_group_ids=(SG_ID,),
                                           allowed_cidr_blocks=("10.10.10.0/24", "10.10.11.0/24"))),
        "restore": _database(DatabaseProps(**BASE, snapshot_identifier="arn:aws:rds:us-west-2:123456789012:cluster-snapshot:old",
                                           deletion_protection=False, instance_class="db.r6g.xlarge",
                                           performance_insights_kms_key_arn=PI_KEY, sort_buffer_size=1024,
                                           database_name="wandb", master_username="admin", password_version=3,
                                           apply_immediately=False, maintenance_window="sat:22:00-sat:23:00")),
    })


def test_cluster_defaults(stacks):
    doc = stacks["default"]
    c = at(doc, "aws_rds_cluster", "db/cluster")
    assert c["cluster_identifier"] == "dbt"
    assert c["engine"] == "aurora-mysql" and c["engine_version"] == "8.0"
    assert "master_password" not in c and c["kms_key_id"] == KEY_ARN
    assert c["storage_encrypted"] is True and c["iam_database_authentication_enabled"] is True
    assert c["deletion_protection"] is True and c["skip_final_snapshot"] is False
    assert c["final_snapshot_identifier"] == "dbt-final-snapshot"
    # Terraform refuses a plan that destroys or replaces the cluster (README "Destroy").
    assert "snapshot_identifier" not in c and c["lifecycle"] == {"prevent_destroy": True}
    assert c["database_name"] == "wandb_local" and c["master_username"] == "wandb"
    assert c["db_subnet_group_name"] == ref(doc, "aws_db_subnet_group", "db/subnet-group", "name")
    assert c["vpc_security_group_ids"] == [ref(doc, "aws_security_group", "db/security-group", "id")]
    assert at(doc, "aws_db_subnet_group", "db/subnet-group")["subnet_ids"] == SUBNETS


def test_writer_defaults(stacks):
    doc = stacks["default"]
    w = at(doc, "aws_rds_cluster_instance", "db/writer")
    assert w["identifier"] == "dbt-1" and w["instance_class"] == "db.r6g.large"
    assert w["cluster_identifier"] == ref(doc, "aws_rds_cluster", "db/cluster", "id")
    assert w["publicly_accessible"] is False
    assert w["performance_insights_kms_key_id"] == KEY_ARN
    assert w["monitoring_role_arn"] == ref(doc, "aws_iam_role", "db/monitoring-role", "arn")
    assert w["db_parameter_group_name"] == ref(doc, "aws_db_parameter_group", "db/instance-parameters", "name")
    role = at(doc, "aws_iam_role", "db/monitoring-role")
    assert '"monitoring.rds.amazonaws.com"' in role["assume_role_policy"]
    assert at(doc, "aws_iam_role_policy_attachment", "db/monitoring-policy")["policy_arn"].endswith(
        ":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")


def test_static_parameters_apply_on_reboot(stacks):
    doc = stacks["default"]
    cluster = {p["name"]: p for p in at(doc, "aws_rds_cluster_parameter_group", "db/cluster-parameters")["parameter"]}
    instance = {p["name"]: p for p in at(doc, "aws_db_parameter_group", "db/instance-parameters")["parameter"]}
    assert cluster["binlog_format"]["apply_method"] == "pending-reboot"
    assert cluster["innodb_online_alter_log_max_size"]["apply_method"] == "immediate"
    assert instance["performance_schema"]["apply_method"] == "pending-reboot"
    assert instance["slow_query_log"]["apply_method"] == "immediate"
    assert instance["sort_buffer_size"]["value"] == "67108864"


def test_ingress_from_security_groups_and_cidrs_on_3306(stacks):
    doc = stacks["default"]
    sg = ref(doc, "aws_security_group", "db/security-group", "id")
    rules = under(doc, "aws_vpc_security_group_ingress_rule", "db/")
    assert sorted(rules) == ["db/ingress-cidr-0", "db/ingress-cidr-1", "db/ingress-sg-0"]
    for r in rules.values():
        assert r["security_group_id"] == sg
        assert (r["ip_protocol"], r["from_port"], r["to_port"]) == ("tcp", 3306, 3306)
    assert rules["db/ingress-sg-0"]["referenced_security_group_id"] == SG_ID
    assert rules["db/ingress-cidr-1"]["cidr_ipv4"] == "10.10.11.0/24"
    assert not under(stacks["restore"], "aws_vpc_security_group_ingress_rule", "db/")


def test_attributes(stacks):
    doc = stacks["default"]
    out = {k: v["value"] for k, v in doc["output"].items()}
    assert out["endpoint"] == ref(doc, "aws_rds_cluster", "db/cluster", "endpoint")
    # Through the secret *version*: readers see the secret once the current value is written.
    assert out["secret_arn"] == ref(doc, "aws_secretsmanager_secret_version", "db/master-secret-version", "secret_id")
    assert out["security_group_id"] == ref(doc, "aws_security_group", "db/security-group", "id")
    db = stacks.handles["default"]
    assert db.database_name == "wandb_local" and db.master_username == "wandb"


def test_snapshot_restore_is_ignored_after_creation(stacks):
    c = at(stacks["restore"], "aws_rds_cluster", "db/cluster")
    assert c["snapshot_identifier"] == "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:old"
    assert c["lifecycle"]["ignore_changes"] == ["snapshot_identifier"]


def test_deletion_protection_off_and_overrides(stacks):
    doc = stacks["restore"]
    c = at(doc, "aws_rds_cluster", "db/cluster")
    assert c["deletion_protection"] is False and c["skip_final_snapshot"] is True
    assert "final_snapshot_identifier" not in c and "prevent_destroy" not in c["lifecycle"]
    assert c["database_name"] == "wandb" and c["master_username"] == "admin"
    w = at(doc, "aws_rds_cluster_instance", "db/writer")
    assert w["instance_class"] == "db.r6g.xlarge" and w["performance_insights_kms_key_id"] == PI_KEY
    params = {p["name"]: p["value"] for p in at(doc, "aws_db_parameter_group", "db/instance-parameters")["parameter"]}
    assert params["sort_buffer_size"] == "1024"
    assert len(all_of(doc, "aws_rds_cluster_instance")) == 1


EPHEMERAL = "ephemeral.aws_secretsmanager_random_password.db_master-password.random_password"


def test_master_password_is_terraform_controlled_and_never_stored(stacks):
    """RDS rotates an RDS-managed master password (manage_master_user_password) every 7 days by default
    (Aurora User Guide, "Password management with Amazon Aurora and AWS Secrets Manager"), so every copy W&B
    holds expires. Instead: an ephemeral random password (never in state or plan: Terraform docs, "Ephemeral
    resources") reaches RDS and our secret only through write-only arguments (master_password_wo,
    secret_string_wo; hashicorp/aws 5.100.0), sent when *_wo_version changes."""
    doc = stacks["default"]
    c = at(doc, "aws_rds_cluster", "db/cluster")
    assert "manage_master_user_password" not in c and "master_user_secret_kms_key_id" not in c
    assert "master_password" not in c
    # RDS gets what our secret holds (issue 25 item 3: crash-consistent), read back from the version just written.
    readback = doc["ephemeral"]["aws_secretsmanager_secret_version"]["db_master-secret-current"]
    version_address = address(doc, "aws_secretsmanager_secret_version", "db/master-secret-version")
    assert readback == {"secret_id": "${" + version_address + ".secret_id}", "version_id": "${" + version_address + ".version_id}"}
    assert c["master_password_wo"] == "${jsondecode(ephemeral.aws_secretsmanager_secret_version.db_master-secret-current.secret_string).password}"
    assert c["master_password_wo_version"] == 1
    gen = doc["ephemeral"]["aws_secretsmanager_random_password"]["db_master-password"]
    # W&B's mysql:// URL: letters and digits only (v8 random_string special = false); Aurora MySQL 8..41.
    assert gen["exclude_punctuation"] is True and gen["include_space"] is False
    assert 8 <= gen["password_length"] <= 41
    secret = at(doc, "aws_secretsmanager_secret", "db/master-secret")
    assert secret["name_prefix"] == "dbt-database-master-" and secret["kms_key_id"] == KEY_ARN
    version = at(doc, "aws_secretsmanager_secret_version", "db/master-secret-version")
    assert "secret_string" not in version
    assert version["secret_string_wo_version"] == 1
    assert re.fullmatch(r'\$\{jsonencode\(\{username = "wandb", password = ' + re.escape(EPHEMERAL) + r"\}\)\}",
                        version["secret_string_wo"])
    # Written first: RDS reads it (the version's own attributes, so never from an older version).
    assert "depends_on" not in version
    # Nothing carries a literal password or a non-ephemeral generator.
    text = json.dumps(doc)
    assert "random_password" not in text.replace(EPHEMERAL, "").replace("aws_secretsmanager_random_password", "")


def test_password_version_drives_both_writes(stacks):
    """Rotating on purpose = bump password_version: both *_wo_version arguments change together, so RDS and
    the secret get the same new value in one apply (provider: write-only values are sent only on a version
    change)."""
    doc = stacks["restore"]
    assert at(doc, "aws_rds_cluster", "db/cluster")["master_password_wo_version"] == 3
    assert at(doc, "aws_secretsmanager_secret_version", "db/master-secret-version")["secret_string_wo_version"] == 3


@pytest.mark.parametrize("bad", [dict(password_version=0), dict(password_length=7), dict(password_length=42)])
def test_password_props_outside_aws_limits_raise(bad):
    with pytest.raises(ValueError):
        DatabaseProps(**BASE, **bad)


def test_changes_apply_immediately_and_in_a_known_window(stacks):
    """v8 modules/database/main.tf: apply_immediately = true; rds-aurora passes the maintenance window to the
    instances too (without it RDS picks a random weekly window: RDS User Guide, "Maintaining a DB instance")."""
    c = at(stacks["default"], "aws_rds_cluster", "db/cluster")
    w = at(stacks["default"], "aws_rds_cluster_instance", "db/writer")
    assert c["apply_immediately"] is True and w["apply_immediately"] is True
    assert c["preferred_maintenance_window"] == w["preferred_maintenance_window"] == "sun:05:00-sun:06:00"
    c = at(stacks["restore"], "aws_rds_cluster", "db/cluster")
    w = at(stacks["restore"], "aws_rds_cluster_instance", "db/writer")
    assert c["apply_immediately"] is False and w["apply_immediately"] is False
    assert c["preferred_maintenance_window"] == w["preferred_maintenance_window"] == "sat:22:00-sat:23:00"


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("restore"))
