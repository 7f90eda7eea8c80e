"""Issue 28 (A): inputs checked at the edge, in the user's words (field review 2, findings 9-15, 17-25).

Each bad input is one ``config error: <option>: ...`` line, exit code 2 on the command line, nothing written.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from _support import make_config
from wandb_cdktf import cli
from wandb_cdktf.config import ConfigError, config_from_mapping, load_config
from wandb_cdktf.config.loader import MAX_CONFIG_BYTES
from wandb_cdktf.config.model import OWN_TAGS_MAX


def _error(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    return info.value


def _load_file(tmp_path: Path, name: str, text: str) -> ConfigError:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


# --- tags: AWS General Reference, "Tagging your AWS resources" > "Tag naming limits and requirements" ---------
# Maximum 50 user-created tags per resource; key 1-128 Unicode characters, value 0-256; the aws: prefix is
# reserved for AWS use; allowed characters: letters, numbers, spaces, and _ . : / = + - @ (IAM and most services).


def test_tags_count_leaves_room_for_ours():
    room = 50 - OWN_TAGS_MAX
    config_from_mapping(make_config(tags={f"k{i}": "v" for i in range(room)}))
    err = _error(make_config(tags={f"k{i}": "v" for i in range(room + 1)}))
    assert err.option == "tags" and f"at most {room}" in err.message and "50" in err.message


def test_eks_cluster_tags_count_with_tags():
    config_from_mapping(make_config(tags={f"a{i}": "v" for i in range(20)}, eks_cluster_tags={f"b{i}": "v" for i in range(29)}))
    err = _error(make_config(tags={f"a{i}": "v" for i in range(20)}, eks_cluster_tags={f"b{i}": "v" for i in range(30)}))
    assert err.option == "eks_cluster_tags" and "51" in err.message


@pytest.mark.parametrize("tags, words", [
    ({"aws:owner": "me"}, "reserved"),
    ({"AWS:owner": "me"}, "reserved"),
    ({"k" * 129: "v"}, "1-128"),
    ({"team": "v" * 257}, "at most 256"),
    ({"team#1": "v"}, "characters AWS refuses"),
    ({"team": "a;b"}, "characters AWS refuses"),
])
def test_tag_rules(tags, words):
    err = _error(make_config(tags=tags))
    assert err.option == "tags" and words in err.message, err


def test_tags_at_the_limits_are_accepted():
    config_from_mapping(make_config(tags={"k" * 128: "v" * 256, "Kostenstelle Ü": "a_b.c:d/e=f+g-h@i", "empty": ""}))


# --- duplicate keys, alias bombs, file size ------------------------------------------------------------------


def test_duplicate_yaml_key_is_refused(tmp_path):
    err = _load_file(tmp_path, "dup.yaml", "namespace: wandb\ncreate_platform: false\nnamespace: other\n")
    assert err.option == "namespace" and "twice" in err.message and "line 3" in err.message


def test_duplicate_nested_yaml_key_is_refused(tmp_path):
    text = "namespace: wandb\ncreate_platform: false\nbyob:\n  aws:\n    bucket_name: a\n    bucket_name: b\n"
    err = _load_file(tmp_path, "dup.yaml", text)
    assert err.option == "bucket_name" and "twice" in err.message


def test_duplicate_json_key_is_refused(tmp_path):
    err = _load_file(tmp_path, "dup.json", '{"namespace": "wandb", "namespace": "other"}')
    assert err.option == "namespace" and "twice" in err.message


def test_yaml_merge_key_may_override(tmp_path):
    """YAML's merge key (<<) is meant to be overridden: that is not a duplicate."""
    path = tmp_path / "merge.yaml"
    path.write_text("namespace: wandb\ncreate_platform: false\nlaunch:\n  builder: noop\n  aws:\n"
                    "    <<: {principal_arn: 'arn:aws:iam::123456789012:role/a'}\n"
                    "    principal_arn: arn:aws:iam::123456789012:role/b\n")
    assert load_config(path).launch.aws.principal_arn.endswith("role/b")


ALIAS_BOMB = "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9) if p else ', '.join(['x'] * 9)}]\n"
                     for p, c in zip(["", "a", "b", "c", "d", "e"], "abcdef", strict=True))


def test_yaml_alias_bomb_is_refused(tmp_path):
    err = _load_file(tmp_path, "bomb.yaml", ALIAS_BOMB)
    assert "more than 50,000 values" in err.message


def test_alias_bomb_under_adoption_set_is_refused(tmp_path):
    """Field review finding 15: 1.3 KB of anchors under adoption.resources[].set made a 19 MB cdk.tf.json."""
    bomb = ALIAS_BOMB.replace("a: &a", "x-a: &a").replace("\n", "\n        ")
    text = ("namespace: wandb\nadoption:\n  source: v8\n  resources:\n    - path: kms/key\n      import_id: k\n"
            f"      set:\n        {bomb}\n")
    err = _load_file(tmp_path, "set.yaml", text)
    assert "more than 50,000 values" in err.message


def test_nested_values_under_adoption_set_are_refused(tmp_path):
    text = ("namespace: wandb\nadoption:\n  source: v8\n  resources:\n    - path: kms/key\n      import_id: k\n"
            "      set:\n        policy: [[1, 2, 3], [1, 2, 3]]\n")
    err = _load_file(tmp_path, "set.yaml", text)
    assert err.option == "adoption.resources.0.set" and "text, a number" in err.message


def test_file_past_the_size_limit_is_refused(tmp_path):
    err = _load_file(tmp_path, "big.yaml", "namespace: wandb\n" + "#" * MAX_CONFIG_BYTES)
    assert err.option == "WANDB_CDKTF_CONFIG" and "at most 1024 KiB" in err.message


def test_adoption_set_values_are_checked():
    base = make_config(adoption={"source": "v8", "resources": [{"path": "kms/key", "import_id": "k", "set": {}}]})
    base["adoption"]["resources"][0]["set"] = {"name": "ok", "vpc_config.subnet_ids": ["subnet-1"], "enabled": True}
    config_from_mapping(base)
    base["adoption"]["resources"][0]["set"] = {"policy": {"a": 1}}
    assert "text, a number" in _error(base).message
    base["adoption"]["resources"][0]["set"] = {"Bad Key": "x"}
    assert "argument names" in _error(base).message


# --- blank WANDB_CDKTF_CONFIG -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", " ", "\t"])
def test_blank_config_variable_is_an_error(monkeypatch, value):
    monkeypatch.setenv("WANDB_CDKTF_CONFIG", value)
    with pytest.raises(ConfigError) as info:
        load_config()
    assert info.value.option == "WANDB_CDKTF_CONFIG" and "set but empty" in info.value.message


# --- CDKTF_OUTDIR: one line naming it, exit 2, nothing touched -------------------------------------------------


def _main(monkeypatch, outdir: str) -> tuple[int, str, str]:
    monkeypatch.delenv("WANDB_CDKTF_CONFIG", raising=False)
    monkeypatch.setenv("CDKTF_OUTDIR", outdir)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([])
    return rc, out.getvalue(), err.getvalue()


def test_outdir_that_is_a_file_is_left_alone(monkeypatch, tmp_path):
    target = tmp_path / "afile"
    target.write_text("keep me")
    rc, out, err = _main(monkeypatch, str(target))
    assert rc == 2 and out == ""
    assert err.startswith("config error: CDKTF_OUTDIR: ") and len(err.splitlines()) == 1 and "is a file" in err
    assert target.read_text() == "keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_outdir_under_a_file(monkeypatch, tmp_path):
    (tmp_path / "afile").write_text("keep me")
    rc, _, err = _main(monkeypatch, str(tmp_path / "afile" / "out"))
    assert rc == 2 and err.startswith("config error: CDKTF_OUTDIR: ") and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_outdir_that_cannot_be_created(monkeypatch):
    """/proc refuses new directories, even for root (os.access alone would say yes)."""
    rc, _, err = _main(monkeypatch, "/proc/wandb-cdktf-out")
    assert rc == 2 and err.startswith("config error: CDKTF_OUTDIR: ") and len(err.splitlines()) == 1
    assert "FileNotFoundError" not in err and ".wandb-cdktf-out." not in err  # no staging name


# --- configurations that build what nobody uses ---------------------------------------------------------------


@pytest.mark.parametrize("cloud, section", [
    ("gcp", {"project": "my-ml-project", "bucket_name": "team-gcs", "location": "US",
             "wandb_service_account": "wandb@p.iam.gserviceaccount.com"}),
    ("azure", {"resource_group_name": "rg", "storage_account_name": "wbteam01", "location": "eastus"}),
])
def test_instance_level_gcp_or_azure_beside_the_platform_is_refused(cloud, section):
    err = _error(make_config(byob={"deployment_type": "self-managed", "level": "instance", cloud: section}))
    assert "never be used" in err.message and "level: team" in err.message, err


def test_azure_team_level_beside_the_platform_warns():
    config = config_from_mapping(make_config(byob={"deployment_type": "self-managed", "level": "team", "azure": {
        "resource_group_name": "rg", "storage_account_name": "wbteam01", "location": "eastus",
        "oidc_issuer_url": "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}}))
    warning = [w for w in config.warnings() if w.startswith("byob.azure")]
    assert warning and "byob.file_stores" in warning[0] and "access key" in warning[0]


def test_launch_aws_with_principal_only_warns():
    config = config_from_mapping({"namespace": "wbl", "create_platform": False, "launch": {
        "builder": "noop", "aws": {"principal_arn": "arn:aws:iam::123456789012:role/agent"}}})
    warning = [w for w in config.warnings() if w.startswith("launch.aws")]
    assert warning and "no IRSA annotation" in warning[0] and "oidc_provider_arn" in warning[0]


def test_allowed_private_endpoint_cidr_without_private_only_traffic_warns(tmp_path):
    """terraform-aws-wandb v8 declares allowed_private_endpoint_cidr and uses it only with private_only_traffic
    (modules/private_link): a tfvars that sets it alone is valid v8 input, so it loads, with a warning."""
    tfvars = tmp_path / "terraform.tfvars"
    tfvars.write_text("\n".join(f'{k} = {json.dumps(v)}' for k, v in make_config(
        allowed_private_endpoint_cidr=["10.1.0.0/16"], private_link_allowed_account_ids=["123456789012"]).items()))
    config = load_config(tfvars)
    assert any(w.startswith("allowed_private_endpoint_cidr: is used only with private_only_traffic") for w in config.warnings())


# --- error texts in the user's words --------------------------------------------------------------------------


@pytest.mark.parametrize("data, option, words", [
    (make_config(allowed_inbound_cidr="0.0.0.0/0"), "allowed_inbound_cidr", "must be a list, got text"),
    (make_config(public_access=[1]), "public_access", "must be true or false, got a list"),
    (make_config(database_backup_retention_period=99), "database_backup_retention_period", "must be at most 35"),
    ({"namespace": "wbl", "create_platform": False, "launch": {"builder": "kaniko", "kaniko_credentials_secret": {
        "name": "s", "key": "k"}, "azure": {"resource_group_name": "rg", "location": "eastus", "registry_name": "wbreg",
        "storage_account_name": "wbctx01", "oidc_issuer_url": "https://oidc.example.com/x"}}}, "launch", "W&B Launch docs"),
])
def test_messages_speak_the_users_words(data, option, words):
    err = _error(data)
    assert err.option.startswith(option) and words in err.message, err
    for internal in ("seed 0", "<mapping>", "Input should", "NoneType", "Token("):
        assert internal not in str(err)


def test_no_internal_words_for_a_non_mapping():
    err = _error(None)  # type: ignore[arg-type]
    assert "<mapping>" not in str(err) and "NoneType" not in str(err) and "nothing" in err.message


def test_hcl_errors_say_where_not_which_tokens(tmp_path):
    err = _load_file(tmp_path, "bad.tfvars", 'namespace = "abc\n')
    assert "line 1" in err.message and "Token(" not in err.message and "Expected one of" not in err.message


# --- FileStorage.grant_read_write with the provider's own role (finding: AttributeError role_name) -----------


def test_grant_accepts_the_providers_iam_role_and_data_source(tmp_path):
    from _construct_support import build_bare_stacks, statements
    from wandb_cdktf._providers import aws
    from wandb_cdktf.constructs.aws import FileStorage, FileStorageProps

    def build(stack):
        fs = FileStorage(stack, "storage", FileStorageProps(namespace="fs", kms_key_arn=None))
        role = aws.iam_role.IamRole(stack, "my-role", name="my-app", assume_role_policy="{}")
        looked_up = aws.data_aws_iam_role.DataAwsIamRole(stack, "their-role", name="their-app")
        fs.grant_read_write(role, "to-resource")
        fs.grant_read_write(looked_up, "to-data-source")
        return fs

    docs = build_bare_stacks(tmp_path, {"grants": build})["grants"]
    policies = docs["resource"]["aws_iam_role_policy"]
    roles = sorted(p["role"] for p in policies.values())
    assert roles == ["${aws_iam_role.my-role.name}", "${data.aws_iam_role.their-role.name}"], roles
    for policy in policies.values():
        assert "s3:PutObject" in statements(policy)["BucketObjects"]["Action"]


def test_grant_refuses_something_that_is_no_role():
    from wandb_cdktf.constructs.aws.iam import role_name_of

    with pytest.raises(TypeError, match="IAM role"):
        role_name_of(object())


def test_outdir_env_is_not_needed_for_a_good_check(tmp_path):
    assert cli.check_outdir(tmp_path / "new" / "out") == (tmp_path / "new" / "out").resolve()
    assert not (tmp_path / "new").exists()  # checking writes nothing


# --- what only synthesis can check ---------------------------------------------------------------------------


@pytest.mark.slow
def test_adoption_set_of_a_non_argument_is_refused(monkeypatch, tmp_path):
    """adoption.resources[].set must name arguments of the resource at that path (aws_kms_key has no `arn`
    argument: it is computed), else the override would land in the JSON unchecked (field review finding 15)."""
    data = make_config(adoption={"source": "terraform-aws-wandb v8", "resources": [
        {"path": "kms/key", "import_id": "1234abcd-12ab-34cd-56ef-1234567890ab", "set": {"arn": "x"}}]})
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(data))
    out = tmp_path / "out"
    monkeypatch.setenv("WANDB_CDKTF_CONFIG", str(cfg))
    monkeypatch.setenv("CDKTF_OUTDIR", str(out))
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = cli.main([])
    assert rc == 2 and stdout.getvalue() == "", stderr.getvalue()
    errors = [line for line in stderr.getvalue().splitlines() if not line.startswith("config warning: ")]
    assert len(errors) == 1 and errors[0].startswith("config error: adoption.resources.0.set: 'arn' is not an "
                                                     "argument of aws_kms_key"), stderr.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]


@pytest.mark.slow
def test_launch_aws_with_principal_only_has_no_irsa_annotation():
    """Field review finding 9: the role trusts principal_arn only, so a service-account annotation would name a
    role the agent's web identity cannot assume (sts:AssumeRoleWithWebIdentity needs a Federated principal)."""
    from _support import synth_mapping

    synth = synth_mapping({"namespace": "wbl", "create_platform": False, "launch": {
        "builder": "noop", "aws": {"principal_arn": "arn:aws:iam::123456789012:role/agent"}}})
    outputs = synth.stacks["wbl-launch-aws"]["output"]
    assert "eks.amazonaws.com/role-arn" not in outputs["helm_values"]["value"]
    assert "service_account" not in outputs and "role_arn" in outputs


def test_a_literal_key_is_named_not_the_missing_env_option():
    """Field review finding 25: a literal S3 key was reported as `access_key_id_env: is required (and 3 more)`."""
    err = _error(make_config(byob={"deployment_type": "self-managed", "file_stores": [{"type": "s3", "bucket": "team-a",
                                   "region": "us-east-1", "access_key_id": "AKIA...", "secret_access_key": "x"}]}))
    assert err.option.endswith(("access_key_id", "secret_access_key")) and "unknown option" in err.message, err
