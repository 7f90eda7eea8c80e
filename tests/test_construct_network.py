"""Network used alone in a bare TerraformStack (as a user's own CDKTF app would)."""

from __future__ import annotations

import pytest

from _construct_support import (
    SUBNETS,
    VPC_ID,
    assert_validates,
    at,
    build_bare_stacks,
    output,
    ref,
    statements,
    types,
    under,
)
from wandb_cdktf.constructs.aws import Network, NetworkProps

THREE_AZ = dict(
    public_subnet_cidrs=("10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"),
    private_subnet_cidrs=("10.20.10.0/24", "10.20.11.0/24", "10.20.12.0/24"),
    database_subnet_cidrs=("10.20.20.0/24", "10.20.21.0/24", "10.20.22.0/24"),
    elasticache_subnet_cidrs=("10.20.30.0/24", "10.20.31.0/24", "10.20.32.0/24"),
)
EXISTING = dict(
    create_vpc=False, vpc_id=VPC_ID,
    existing_public_subnet_ids=("subnet-0000000000000000p",),
    existing_private_subnet_ids=tuple(SUBNETS),
    existing_database_subnet_ids=("subnet-0000000000000000c", "subnet-0000000000000000d"),
    existing_elasticache_subnet_ids=("subnet-0000000000000000e", "subnet-0000000000000000f"),
)


def _network(props: NetworkProps):
    def build(stack):
        net = Network(stack, "net", props)
        output(stack, "vpc_id", net.vpc_id)
        output(stack, "vpc_cidr", net.vpc_cidr)
        output(stack, "private_subnet_ids", net.private_subnet_ids)
        output(stack, "public_subnet_ids", net.public_subnet_ids)
        output(stack, "database_subnet_ids", net.database_subnet_ids)
        output(stack, "elasticache_subnet_ids", net.elasticache_subnet_ids)
        return net
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("network"), {
        "default": _network(NetworkProps(namespace="nt")),
        "single-nat": _network(NetworkProps(namespace="nt", single_nat_gateway=True, cluster_name="eks-x")),
        "three-az": _network(NetworkProps(namespace="nt", cidr="10.20.0.0/16", tags={"team": "ml"}, **THREE_AZ)),
        "flow-log": _network(NetworkProps(namespace="nt", enable_flow_log=True)),
        "existing": _network(NetworkProps(namespace="nt", **EXISTING)),
    })


# --- props validation --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    (dict(private_subnet_cidrs=("10.10.10.0/24",), public_subnet_cidrs=("10.10.0.0/24",),
          database_subnet_cidrs=("10.10.20.0/24",), elasticache_subnet_cidrs=("10.10.30.0/24",)), "two private subnets"),
    (dict(public_subnet_cidrs=("10.10.0.0/24",)), "public_subnet_cidrs"),
    (dict(database_subnet_cidrs=("10.10.20.0/24", "10.10.21.0/24", "10.10.22.0/24")), "database_subnet_cidrs"),
    (dict(create_vpc=False, existing_private_subnet_ids=tuple(SUBNETS)), "vpc_id"),
    (dict(create_vpc=False, vpc_id=VPC_ID, existing_private_subnet_ids=(SUBNETS[0],)), "existing_private_subnet_ids"),
])
def test_props_reject_inconsistent_subnets(kwargs, match):
    with pytest.raises(ValueError, match=match):
        NetworkProps(namespace="nt", **kwargs)


# --- created VPC ---------------------------------------------------------------------------------

def test_vpc_and_locked_down_default_security_group(stacks):
    doc = stacks["default"]
    vpc = at(doc, "aws_vpc", "net/vpc")
    assert vpc["cidr_block"] == "10.10.0.0/16"
    assert vpc["enable_dns_hostnames"] is True and vpc["enable_dns_support"] is True
    assert vpc["tags"] == {"Name": "nt-vpc"}
    sg = at(doc, "aws_default_security_group", "net/default-sg")
    assert sg["vpc_id"] == ref(doc, "aws_vpc", "net/vpc", "id")
    assert "ingress" not in sg and "egress" not in sg  # managed with no rules
    assert at(doc, "aws_internet_gateway", "net/igw")["vpc_id"] == ref(doc, "aws_vpc", "net/vpc", "id")


def test_default_two_azs_four_tiers(stacks):
    doc = stacks["default"]
    subnets = doc["resource"]["aws_subnet"]
    assert len(subnets) == 8
    for tier, cidrs in (("public", ["10.10.0.0/24", "10.10.1.0/24"]), ("private", ["10.10.10.0/24", "10.10.11.0/24"]),
                        ("database", ["10.10.20.0/24", "10.10.21.0/24"]), ("elasticache", ["10.10.30.0/24", "10.10.31.0/24"])):
        for i, cidr in enumerate(cidrs):
            s = at(doc, "aws_subnet", f"net/{tier}-{i}")
            assert s["cidr_block"] == cidr
            assert s["map_public_ip_on_launch"] is False
            assert s["tags"]["wandb.tier"] == tier and s["tags"]["Name"] == f"nt-{tier}-{i}"
            assert "element(data.aws_availability_zones." in s["availability_zone"] and f", {i})" in s["availability_zone"]
    azs = at(doc, "aws_availability_zones", "net/azs", kind="data")
    assert azs["state"] == "available"


def test_subnet_tags_for_the_load_balancer_controller(stacks):
    doc = stacks["default"]
    public = at(doc, "aws_subnet", "net/public-0")["tags"]
    private = at(doc, "aws_subnet", "net/private-1")["tags"]
    assert public["kubernetes.io/role/elb"] == "1" and public["kubernetes.io/cluster/nt"] == "shared"
    assert private["kubernetes.io/role/internal-elb"] == "1" and private["kubernetes.io/cluster/nt"] == "shared"
    database = at(doc, "aws_subnet", "net/database-0")["tags"]
    assert not any(k.startswith("kubernetes.io/") for k in database)
    # cluster_name overrides the namespace in the cluster tag
    tags = at(stacks["single-nat"], "aws_subnet", "net/private-0")["tags"]
    assert "kubernetes.io/cluster/eks-x" in tags and "kubernetes.io/cluster/nt" not in tags


def test_one_nat_per_az_by_default_and_private_routes_use_their_az(stacks):
    doc = stacks["default"]
    nats = doc["resource"]["aws_nat_gateway"]
    assert len(nats) == 2 and len(doc["resource"]["aws_eip"]) == 2
    for i in range(2):
        nat = at(doc, "aws_nat_gateway", f"net/nat-{i}")
        assert nat["subnet_id"] == ref(doc, "aws_subnet", f"net/public-{i}", "id")
        assert nat["allocation_id"] == ref(doc, "aws_eip", f"net/nat-eip-{i}", "id")
        route = at(doc, "aws_route", f"net/private-default-route-{i}")
        assert route["destination_cidr_block"] == "0.0.0.0/0"
        assert route["nat_gateway_id"] == ref(doc, "aws_nat_gateway", f"net/nat-{i}", "id")
        rt = ref(doc, "aws_route_table", f"net/private-rt-{i}", "id")
        for tier in ("private", "database", "elasticache"):
            assoc = at(doc, "aws_route_table_association", f"net/{tier}-rta-{i}")
            assert assoc["route_table_id"] == rt
            assert assoc["subnet_id"] == ref(doc, "aws_subnet", f"net/{tier}-{i}", "id")
    public_route = at(doc, "aws_route", "net/public-default-route")
    assert public_route["gateway_id"] == ref(doc, "aws_internet_gateway", "net/igw", "id")


def test_single_nat_gateway(stacks):
    doc = stacks["single-nat"]
    assert list(under(doc, "aws_nat_gateway", "net/")) == ["net/nat-0"]
    assert len(doc["resource"]["aws_eip"]) == 1
    nat0 = ref(doc, "aws_nat_gateway", "net/nat-0", "id")
    for i in range(2):
        assert at(doc, "aws_route", f"net/private-default-route-{i}")["nat_gateway_id"] == nat0


def test_three_azs_three_subnets_per_tier(stacks):
    doc = stacks["three-az"]
    for tier in ("public", "private", "database", "elasticache"):
        assert sorted(under(doc, "aws_subnet", f"net/{tier}-")) == [f"net/{tier}-{i}" for i in range(3)]
    assert len(doc["resource"]["aws_nat_gateway"]) == 3
    assert len(under(doc, "aws_route_table", "net/private-rt-")) == 3
    assert len(doc["resource"]["aws_route_table_association"]) == 3 * 4
    assert at(doc, "aws_subnet", "net/elasticache-2")["cidr_block"] == "10.20.32.0/24"
    vpc = at(doc, "aws_vpc", "net/vpc")
    assert vpc["cidr_block"] == "10.20.0.0/16" and vpc["tags"] == {"Name": "nt-vpc", "team": "ml"}


def test_no_flow_log_by_default(stacks):
    assert not {"aws_flow_log", "aws_s3_bucket"} & types(stacks["default"])


def test_flow_log_to_encrypted_versioned_tls_only_bucket(stacks):
    doc = stacks["flow-log"]
    bucket_arn = ref(doc, "aws_s3_bucket", "net/flow-log-bucket", "arn")
    bucket_id = ref(doc, "aws_s3_bucket", "net/flow-log-bucket", "id")
    flow = at(doc, "aws_flow_log", "net/flow-log")
    assert flow["traffic_type"] == "REJECT"
    assert flow["log_destination_type"] == "s3" and flow["log_destination"] == bucket_arn
    assert flow["vpc_id"] == ref(doc, "aws_vpc", "net/vpc", "id")
    bucket = at(doc, "aws_s3_bucket", "net/flow-log-bucket")
    assert bucket["bucket_prefix"] == "nt-flow-log-" and bucket["force_destroy"] is False
    versioning = at(doc, "aws_s3_bucket_versioning", "net/flow-log-versioning")
    assert versioning["bucket"] == bucket_id and versioning["versioning_configuration"]["status"] == "Enabled"
    sse = at(doc, "aws_s3_bucket_server_side_encryption_configuration", "net/flow-log-sse")
    assert sse["bucket"] == bucket_id
    assert sse["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] in ("AES256", "aws:kms")
    pab = at(doc, "aws_s3_bucket_public_access_block", "net/flow-log-public-access")
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    stmt = statements(at(doc, "aws_s3_bucket_policy", "net/flow-log-tls-only"))["DenyInsecureTransport"]
    assert stmt["Effect"] == "Deny" and stmt["Principal"] == "*"
    assert stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert stmt["Resource"] == [bucket_arn, f"{bucket_arn}/*"]


def test_flow_log_bucket_policy_lets_log_delivery_write(stacks):
    """VPC Flow Logs write through delivery.logs.amazonaws.com, which needs the two statements AWS documents
    (VPC user guide, "Flow log files: Amazon S3 bucket permissions": AWSLogDeliveryWrite, AWSLogDeliveryAclCheck,
    scoped by aws:SourceAccount / aws:SourceArn). AWS adds them itself only when there is no policy; an
    aws_s3_bucket_policy without them would remove them again, and no log would ever arrive."""
    doc = stacks["flow-log"]
    bucket_arn = ref(doc, "aws_s3_bucket", "net/flow-log-bucket", "arn")
    account = ref(doc, "aws_caller_identity", "account-identity", "account_id", kind="data")
    stmts = statements(at(doc, "aws_s3_bucket_policy", "net/flow-log-tls-only"))
    assert set(stmts) == {"AWSLogDeliveryWrite", "AWSLogDeliveryAclCheck", "DenyInsecureTransport"}
    write, acl = stmts["AWSLogDeliveryWrite"], stmts["AWSLogDeliveryAclCheck"]
    for stmt in (write, acl):
        assert stmt["Effect"] == "Allow" and stmt["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
        assert stmt["Condition"]["StringEquals"]["aws:SourceAccount"] == account
        assert stmt["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f":{account}:*")
    assert write["Action"] == "s3:PutObject" and write["Resource"] == f"{bucket_arn}/AWSLogs/{account}/*"
    assert write["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert acl["Action"] == "s3:GetBucketAcl" and acl["Resource"] == bucket_arn


def test_network_attributes_of_a_created_vpc(stacks):
    doc = stacks["three-az"]
    out = doc["output"]
    assert out["vpc_id"]["value"] == ref(doc, "aws_vpc", "net/vpc", "id")
    assert out["vpc_cidr"]["value"] == ref(doc, "aws_vpc", "net/vpc", "cidr_block")
    assert out["private_subnet_ids"]["value"] == [ref(doc, "aws_subnet", f"net/private-{i}", "id") for i in range(3)]
    assert out["database_subnet_ids"]["value"] == [ref(doc, "aws_subnet", f"net/database-{i}", "id") for i in range(3)]
    net = stacks.handles["three-az"]
    assert len(net.public_subnet_ids) == len(net.elasticache_subnet_ids) == 3


# --- existing VPC --------------------------------------------------------------------------------

def test_existing_vpc_creates_nothing_but_a_data_source(stacks):
    doc = stacks["existing"]
    assert "resource" not in doc or not doc["resource"]
    assert types(doc, "data") == {"aws_vpc"}
    assert at(doc, "aws_vpc", "net/existing-vpc", kind="data")["id"] == VPC_ID


def test_existing_vpc_attributes_are_the_literals(stacks):
    doc = stacks["existing"]
    out = doc["output"]
    assert out["vpc_id"]["value"] == VPC_ID
    assert out["vpc_cidr"]["value"] == ref(doc, "aws_vpc", "net/existing-vpc", "cidr_block", kind="data")
    assert out["private_subnet_ids"]["value"] == SUBNETS
    assert out["public_subnet_ids"]["value"] == ["subnet-0000000000000000p"]
    assert out["database_subnet_ids"]["value"] == ["subnet-0000000000000000c", "subnet-0000000000000000d"]
    assert out["elasticache_subnet_ids"]["value"] == ["subnet-0000000000000000e", "subnet-0000000000000000f"]
    # The attributes are plain lists the caller can index without tokens.
    assert stacks.handles["existing"].private_subnet_ids == SUBNETS


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("flow-log"))
