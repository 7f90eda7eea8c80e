"""``<namespace>-byob-gcp``: bucket settings W&B requires, the storage.admin grant, CMEK, outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wandb_cdktf.testing import normalize, one_resource, resources

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE = yaml.safe_load((EXAMPLES / "byob-gcp.yaml").read_text())
STACK = "wbbyob-byob-gcp"
CMEK = "projects/kms-proj/locations/us/keyRings/ring/cryptoKeys/wandb"
SELF_MANAGED = {
    "namespace": "wbtest",
    "create_platform": False,
    "deletion_protection": False,
    "byob": {
        "deployment_type": "self-managed",
        "level": "instance",
        "gcp": {
            "project": "wandb-prod-123",
            "location": "us-central1",
            "wandb_service_account": "wandb-app@wandb-prod-123.iam.gserviceaccount.com",
            "soft_delete_retention_days": 30,
            "kms_key_name": CMEK,
            "path": "files/",
        },
    },
}
DEDICATED = {"namespace": "wbtest", "create_platform": False, "byob": {"deployment_type": "dedicated", "gcp": {"project": "my-project"}}}


@pytest.fixture(scope="module")
def doc(synth) -> dict[str, Any]:
    return synth(EXAMPLE).stack(STACK)


def test_only_the_byob_stack_is_built(synth) -> None:
    assert list(synth(EXAMPLE).stacks) == [STACK]


def test_provider_project(doc) -> None:
    (provider,) = doc["provider"]["google"]
    assert provider["project"] == "my-ml-project"
    assert "region" not in provider  # multi-region location "US"


def test_bucket_settings(doc) -> None:
    bucket = one_resource(doc, "google_storage_bucket")
    assert bucket["name"] == "wbbyob-team-omega-files"
    assert bucket["project"] == "my-ml-project"
    assert bucket["location"] == "US"
    assert bucket["soft_delete_policy"] == {"retention_duration_seconds": 7 * 86400}
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert "encryption" not in bucket  # Google-managed encryption
    assert bucket["force_destroy"] is False
    assert bucket["labels"] == {"team": "omega"}


def test_cors_per_the_docs(doc) -> None:
    bucket = one_resource(doc, "google_storage_bucket")
    assert bucket["cors"] == [{
        "origin": ["*"],
        "method": ["GET", "HEAD", "PUT"],
        # GCS has one header list: the docs' responseHeader plus the exposed ETag.
        "response_header": ["Content-Type", "ETag"],
        "max_age_seconds": 3600,
    }]


def test_storage_admin_for_the_wandb_service_account(doc) -> None:
    (logical_id,) = resources(doc, "google_storage_bucket")
    member = normalize(one_resource(doc, "google_storage_bucket_iam_member"))
    assert member == {
        "bucket": f"${{google_storage_bucket.{logical_id}.name}}",
        "role": "roles/storage.admin",
        "member": "serviceAccount:wandb-integration@wandb-production.iam.gserviceaccount.com",  # SaaS preset
    }


def test_outputs(doc) -> None:
    (logical_id,) = resources(doc, "google_storage_bucket")
    name = f"${{google_storage_bucket.{logical_id}.name}}"
    out = doc["output"]
    assert out["bucket_name"]["value"] == name
    assert out["project"]["value"] == "my-ml-project"
    assert out["location"]["value"] == "US"
    assert out["bucket_address"]["value"] == f"gs://{name}"
    assert out["wandb_team_form"]["value"] == {"cloud_provider": "GCP", "name": name, "path": ""}


def test_dedicated_preset_and_default_name(synth) -> None:
    doc = synth(DEDICATED).stack("wbtest-byob-gcp")
    assert one_resource(doc, "google_storage_bucket")["name"] == "wbtest-byob-my-project"
    assert one_resource(doc, "google_storage_bucket_iam_member")["member"] == (
        "serviceAccount:deploy@wandb-production.iam.gserviceaccount.com"
    )


def test_self_managed_cmek_region_and_retention(synth) -> None:
    doc = synth(SELF_MANAGED).stack("wbtest-byob-gcp")
    bucket = one_resource(doc, "google_storage_bucket")
    assert bucket["encryption"] == {"default_kms_key_name": CMEK}
    assert bucket["soft_delete_policy"] == {"retention_duration_seconds": 30 * 86400}
    assert bucket["force_destroy"] is True
    assert bucket["location"] == "us-central1"
    (provider,) = doc["provider"]["google"]
    assert (provider["project"], provider["region"]) == ("wandb-prod-123", "us-central1")
    # The GCS service agent may use the key, and the bucket waits for that grant.
    grant = one_resource(doc, "google_kms_crypto_key_iam_member")
    (agent_id,) = doc["data"]["google_storage_project_service_account"]
    assert grant["crypto_key_id"] == CMEK
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant["member"] == f"serviceAccount:${{data.google_storage_project_service_account.{agent_id}.email_address}}"
    (grant_id,) = resources(doc, "google_kms_crypto_key_iam_member")
    assert bucket["depends_on"] == [f"google_kms_crypto_key_iam_member.{grant_id}"]
    assert one_resource(doc, "google_storage_bucket_iam_member")["member"] == (
        "serviceAccount:wandb-app@wandb-prod-123.iam.gserviceaccount.com"
    )
    assert doc["output"]["path"]["value"] == "files"


def test_construct_refuses_short_soft_delete() -> None:
    from cdktf import App, TerraformStack

    from wandb_cdktf.constructs.gcp import GcpByobBucket, GcpByobBucketProps

    stack = TerraformStack(App(outdir="/tmp/unused-byob-gcp"), "s")
    with pytest.raises(ValueError, match="W&B requires soft delete"):
        GcpByobBucket(stack, "b", GcpByobBucketProps(bucket_name="abc", wandb_service_account="a@b.iam.gserviceaccount.com",
                                                     soft_delete_retention_days=0))


def test_snapshot(doc, snapshot) -> None:
    assert normalize(doc) == snapshot


def test_a_list_adds_named_buckets_and_keeps_the_single_sections_addresses(synth) -> None:
    """Seed 000/001 Kappa/Omega: more than one team bucket per cloud. The unnamed item keeps byob-bucket (a
    Terraform address); the named one gets byob-bucket-omega, its own default name and prefixed outputs."""
    import copy

    data = copy.deepcopy(EXAMPLE)
    single = synth(copy.deepcopy(data)).stack(STACK)
    data["byob"]["gcp"] = [data["byob"]["gcp"], {**data["byob"]["gcp"], "name": "omega"}]
    data["byob"]["gcp"][1].pop("bucket_name", None)
    listed = synth(data).stack(STACK)
    assert set(resources(single, "google_storage_bucket")) < set(resources(listed, "google_storage_bucket"))
    names = sorted(b["name"] for b in resources(listed, "google_storage_bucket").values())
    assert len(set(names)) == 2 and any(n.startswith("wbbyob-omega-byob-") for n in names), names
    assert {"bucket_name", "omega_bucket_name", "omega_wandb_team_form"} <= set(listed["output"])
