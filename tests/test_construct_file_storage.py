"""FileStorage used alone in a bare TerraformStack."""

from __future__ import annotations

import pytest

from _construct_support import KEY_ARN, assert_validates, at, build_bare_stacks, output, ref, statements, types
from wandb_cdktf.constructs.aws import FileStorage, FileStorageProps, IrsaRole, IrsaRoleProps, RoleRef

ROLE_NAME = "wandb-nodes"


def _storage(props: FileStorageProps, grant: bool = False):
    def build(stack):
        fs = FileStorage(stack, "storage", props)
        output(stack, "bucket_name", fs.bucket_name)
        output(stack, "bucket_arn", fs.bucket_arn)
        output(stack, "bucket_address", fs.bucket_address)
        output(stack, "queue_address", fs.queue_address)
        if fs.queue_arn is not None:
            output(stack, "queue_arn", fs.queue_arn)
            output(stack, "queue_name", fs.queue_name)
        if grant:
            fs.test_grant = fs.grant_read_write(RoleRef(ROLE_NAME))
        return fs
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("file-storage"), {
        "default": _storage(FileStorageProps(namespace="fs", kms_key_arn=KEY_ARN), grant=True),
        "no-queue": _storage(FileStorageProps(namespace="fs", kms_key_arn=None, create_queue=False, https_only=False,
                                              deletion_protection=False, abort_incomplete_multipart_days=3,
                                              path="/wandb/files/"), grant=True),
        "existing": _storage(FileStorageProps(namespace="fs", kms_key_arn=None, existing_bucket_name="my-bucket",
                                              path="sub"), grant=True),
        "irsa": _granted_to_irsa,
    })


def _granted_to_irsa(stack):
    """A role object of ours as the grantee: the grant reads its role_name."""
    fs = FileStorage(stack, "storage", FileStorageProps(namespace="fs", kms_key_arn=KEY_ARN))
    role = IrsaRole(stack, "app-role", IrsaRoleProps(
        name_prefix="fs-app-", oidc_provider_arn="arn:aws:iam::123456789012:oidc-provider/oidc.example",
        oidc_issuer="oidc.example", service_accounts=(("default", "wandb-app"),)))
    fs.grant_read_write(role)
    return fs


def test_bucket_defaults(stacks):
    doc = stacks["default"]
    bucket_id = ref(doc, "aws_s3_bucket", "storage/bucket", "id")
    bucket = at(doc, "aws_s3_bucket", "storage/bucket")
    assert bucket["bucket_prefix"] == "fs-file-storage-" and bucket["force_destroy"] is False
    pab = at(doc, "aws_s3_bucket_public_access_block", "storage/public-access-block")
    assert pab["bucket"] == bucket_id
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert at(doc, "aws_s3_bucket_ownership_controls", "storage/ownership")["rule"]["object_ownership"] == "BucketOwnerEnforced"
    assert at(doc, "aws_s3_bucket_versioning", "storage/versioning")["versioning_configuration"] == {"status": "Enabled"}
    (rule,) = at(doc, "aws_s3_bucket_server_side_encryption_configuration", "storage/encryption")["rule"]
    assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY_ARN}
    assert rule["bucket_key_enabled"] is True
    (cors,) = at(doc, "aws_s3_bucket_cors_configuration", "storage/cors")["cors_rule"]
    assert cors["allowed_methods"] == ["GET", "HEAD", "PUT"] and cors["expose_headers"] == ["ETag"]
    (life,) = at(doc, "aws_s3_bucket_lifecycle_configuration", "storage/lifecycle")["rule"]
    assert life["status"] == "Enabled"
    assert life["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
    assert "expiration" not in life and "noncurrent_version_expiration" not in life


def test_https_only_policy(stacks):
    doc = stacks["default"]
    arn = ref(doc, "aws_s3_bucket", "storage/bucket", "arn")
    (stmt,) = statements(at(doc, "aws_s3_bucket_policy", "storage/policy")).values()
    assert stmt["Effect"] == "Deny" and stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert stmt["Resource"] == [arn, f"{arn}/*"]


def test_queue_and_notification(stacks):
    doc = stacks["default"]
    queue = at(doc, "aws_sqs_queue", "storage/queue")
    assert queue["name_prefix"] == "fs-file-storage-" and queue["sqs_managed_sse_enabled"] is True
    qp = at(doc, "aws_sqs_queue_policy", "storage/queue-policy")
    assert qp["queue_url"] == ref(doc, "aws_sqs_queue", "storage/queue", "url")
    (stmt,) = statements(qp).values()
    assert stmt["Principal"] == {"Service": "s3.amazonaws.com"} and stmt["Action"] == "sqs:SendMessage"
    assert stmt["Resource"] == ref(doc, "aws_sqs_queue", "storage/queue", "arn")
    assert stmt["Condition"] == {"ArnEquals": {"aws:SourceArn": ref(doc, "aws_s3_bucket", "storage/bucket", "arn")}}
    note = at(doc, "aws_s3_bucket_notification", "storage/notification")
    assert note["bucket"] == ref(doc, "aws_s3_bucket", "storage/bucket", "id")
    assert note["queue"] == [{"queue_arn": ref(doc, "aws_sqs_queue", "storage/queue", "arn"), "events": ["s3:ObjectCreated:*"]}]
    assert any("aws_sqs_queue_policy." in d for d in note["depends_on"])


def test_attributes_with_queue(stacks):
    doc = stacks["default"]
    out = {k: v["value"] for k, v in doc["output"].items()}
    bucket = ref(doc, "aws_s3_bucket", "storage/bucket", "bucket")
    assert out["bucket_name"] == bucket
    assert out["bucket_arn"] == ref(doc, "aws_s3_bucket", "storage/bucket", "arn")
    assert out["bucket_address"] == f"s3://{bucket}"
    assert out["queue_address"] == "sqs://" + ref(doc, "aws_sqs_queue", "storage/queue", "name")
    assert out["queue_arn"] == ref(doc, "aws_sqs_queue", "storage/queue", "arn")


def test_grant_read_write_with_queue(stacks):
    doc = stacks["default"]
    pol = at(doc, "aws_iam_role_policy", "storage/bucket-access")
    assert pol["role"] == ROLE_NAME and pol["name_prefix"] == "fs-file-storage-"
    stmts = statements(pol)
    arn = ref(doc, "aws_s3_bucket", "storage/bucket", "arn")
    assert set(stmts) == {"BucketList", "BucketObjects", "Queue", "BucketKey"}
    assert stmts["BucketList"]["Resource"] == arn and "s3:ListBucket" in stmts["BucketList"]["Action"]
    assert stmts["BucketObjects"]["Resource"] == f"{arn}/*"
    assert {"s3:GetObject*", "s3:PutObject", "s3:DeleteObject"} <= set(stmts["BucketObjects"]["Action"])
    assert stmts["Queue"]["Resource"] == ref(doc, "aws_sqs_queue", "storage/queue", "arn")
    assert "sqs:ReceiveMessage" in stmts["Queue"]["Action"]


def test_grant_includes_the_bucket_key(stacks):
    """With SSE-KMS, S3 refuses object reads and writes to a principal that may not use the key (S3 user
    guide, "Using server-side encryption with AWS KMS keys": kms:GenerateDataKey for uploads, kms:Decrypt for
    downloads and to complete multipart uploads), so a grant without the key gives a role a policy that
    cannot read or write one object. The actions are aws-cdk-lib's for ``Bucket.grantReadWrite`` on an
    encrypted bucket (aws-s3 perms.ts KEY_READ_ACTIONS + KEY_WRITE_ACTIONS), also terraform-aws-wandb v8's
    node_kms set. A bucket without a KMS key (SSE-S3) gets no key statement."""
    stmts = statements(at(stacks["default"], "aws_iam_role_policy", "storage/bucket-access"))
    assert stmts["BucketKey"]["Resource"] == KEY_ARN
    assert set(stmts["BucketKey"]["Action"]) == {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*",
                                                 "kms:GenerateDataKey*"}
    assert "BucketKey" not in statements(at(stacks["no-queue"], "aws_iam_role_policy", "storage/bucket-access"))


def test_grant_returns_what_it_created(stacks):
    """Like aws-cdk-lib's ``Grant``: the caller gets the statements and the policy resource holding them."""
    grant = stacks.handles["default"].test_grant
    assert [s["Sid"] for s in grant.statements] == ["BucketList", "BucketObjects", "Queue", "BucketKey"]
    assert grant.policy.node.path.endswith("/storage/bucket-access")
    assert [s["Sid"] for s in stacks.handles["no-queue"].test_grant.statements] == ["BucketList", "BucketObjects"]


def test_grant_to_a_role_object(stacks):
    doc = stacks["irsa"]
    policy = at(doc, "aws_iam_role_policy", "storage/bucket-access")
    assert policy["role"] == ref(doc, "aws_iam_role", "app-role/role", "name")
    assert "BucketKey" in statements(policy)


def test_grant_refuses_a_bare_role_name(stacks):
    with pytest.raises(TypeError, match=r"RoleRef\('wandb-nodes'\)"):
        stacks.handles["no-queue"].grant_read_write(ROLE_NAME, "second-grant")


def test_grant_covers_what_wandb_documents_for_its_bucket(stacks):
    """W&B's documented bucket access (BYOB guide, "WAndBAccountAccess" policy, ../shared/seeds 000/001):
    every action it lists is granted, on the bucket and its objects; W&B checks CORS and encryption when
    it validates a bucket, so s3:GetBucketCORS / s3:GetEncryptionConfiguration are part of it."""
    documented = {"s3:GetObject*", "s3:GetEncryptionConfiguration", "s3:ListBucket", "s3:ListBucketMultipartUploads",
                  "s3:ListBucketVersions", "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject",
                  "s3:GetBucketCORS", "s3:GetBucketLocation", "s3:GetBucketVersioning"}
    stmts = statements(at(stacks["default"], "aws_iam_role_policy", "storage/bucket-access"))
    granted = set(stmts["BucketList"]["Action"]) | set(stmts["BucketObjects"]["Action"])
    assert documented <= granted


def test_without_queue_https_only_or_deletion_protection(stacks):
    doc = stacks["no-queue"]
    assert not {"aws_sqs_queue", "aws_sqs_queue_policy", "aws_s3_bucket_notification", "aws_s3_bucket_policy"} & types(doc)
    assert at(doc, "aws_s3_bucket", "storage/bucket")["force_destroy"] is True
    assert "lifecycle" not in at(doc, "aws_s3_bucket", "storage/bucket")
    (rule,) = at(doc, "aws_s3_bucket_server_side_encryption_configuration", "storage/encryption")["rule"]
    assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "AES256"}
    assert rule["bucket_key_enabled"] is False
    (life,) = at(doc, "aws_s3_bucket_lifecycle_configuration", "storage/lifecycle")["rule"]
    assert life["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 3}]


def test_internal_queue_attributes_and_grant(stacks):
    doc = stacks["no-queue"]
    out = {k: v["value"] for k, v in doc["output"].items()}
    assert out["queue_address"] == "internal://"
    assert "queue_arn" not in out
    assert out["bucket_address"] == "s3://" + ref(doc, "aws_s3_bucket", "storage/bucket", "bucket") + "/wandb/files"
    fs = stacks.handles["no-queue"]
    assert fs.queue_arn is None and fs.queue_name is None
    assert set(statements(at(doc, "aws_iam_role_policy", "storage/bucket-access"))) == {"BucketList", "BucketObjects"}


def test_existing_bucket_creates_no_bucket(stacks):
    doc = stacks["existing"]
    assert types(doc) == {"aws_iam_role_policy"}  # only the grant
    out = {k: v["value"] for k, v in doc["output"].items()}
    partition = ref(doc, "aws_partition", "account-partition", "partition", kind="data")
    assert out["bucket_name"] == "my-bucket"
    assert out["bucket_arn"] == f"arn:{partition}:s3:::my-bucket"
    assert out["bucket_address"] == "s3://my-bucket/sub"
    assert out["queue_address"] == "internal://"
    stmts = statements(at(doc, "aws_iam_role_policy", "storage/bucket-access"))
    assert stmts["BucketObjects"]["Resource"] == f"arn:{partition}:s3:::my-bucket/*"
    assert "Queue" not in stmts


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("default"))
