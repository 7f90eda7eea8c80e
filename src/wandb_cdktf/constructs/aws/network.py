"""Network: the VPC W&B runs in (or an existing one you bring).

W&B needs four subnet tiers across at least two availability zones: public (load
balancers, NAT), private (EKS nodes, EFS), database (Aurora) and elasticache
(Redis). Public/private subnets carry the ``kubernetes.io/role/(internal-)elb``
tags so the AWS load balancer controller can place the operator's ALB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf import Fn, Token
from constructs import Construct

from ..._providers import aws
from .bucket_hardening import BucketPartIds, Encryption, harden_bucket, lifecycle_rule
from .context import account_context
from .iam import allow

# The flow-log bucket's parts (Terraform addresses). It has no ownership controls part: S3 has disabled
# ACLs on new buckets by default since April 2023, and log delivery writes with bucket-owner-full-control.
FLOW_LOG_BUCKET_IDS = BucketPartIds(
    public_access_block="flow-log-public-access", ownership=None, versioning="flow-log-versioning",
    encryption="flow-log-sse", cors="flow-log-cors", lifecycle="flow-log-lifecycle", policy="flow-log-tls-only",
)


@dataclass(frozen=True)
class NetworkProps:
    namespace: str
    create_vpc: bool = True
    """Create a VPC. False: use ``vpc_id`` and the ``existing_*_subnet_ids``. Default: True."""
    cidr: str = "10.10.0.0/16"
    """VPC CIDR. Default: 10.10.0.0/16 (terraform-aws-wandb v8)."""
    public_subnet_cidrs: tuple[str, ...] = ("10.10.0.0/24", "10.10.1.0/24")
    """One per AZ. Default: v8's two /24s."""
    private_subnet_cidrs: tuple[str, ...] = ("10.10.10.0/24", "10.10.11.0/24")
    """One per AZ; EKS nodes and EFS. Default: v8's two /24s."""
    database_subnet_cidrs: tuple[str, ...] = ("10.10.20.0/24", "10.10.21.0/24")
    """One per AZ; Aurora. Default: v8's two /24s."""
    elasticache_subnet_cidrs: tuple[str, ...] = ("10.10.30.0/24", "10.10.31.0/24")
    """One per AZ; Redis. Default: v8's two /24s."""
    single_nat_gateway: bool = False
    """One NAT gateway for all AZs (cheaper, loses egress if that AZ fails). Default: False (one per AZ)."""
    enable_flow_log: bool = False
    """Log rejected traffic to an S3 bucket. Default: False."""
    flow_log_force_destroy: bool = False
    """Let Terraform delete the flow-log bucket with its objects. Default: False."""
    cluster_name: str | None = None
    """EKS cluster name for the ``kubernetes.io/cluster/<name>`` subnet tags. Default: namespace."""
    vpc_id: str | None = None
    """Existing VPC id when ``create_vpc`` is False. Default: None."""
    existing_public_subnet_ids: tuple[str, ...] = ()
    """Default: ()."""
    existing_private_subnet_ids: tuple[str, ...] = ()
    """Default: ()."""
    existing_database_subnet_ids: tuple[str, ...] = ()
    """Default: ()."""
    existing_elasticache_subnet_ids: tuple[str, ...] = ()
    """Default: ()."""
    tags: dict[str, str] = field(default_factory=dict)
    """Extra tags on the VPC resources. Default: {}."""

    def __post_init__(self) -> None:
        if self.create_vpc:
            n = len(self.private_subnet_cidrs)
            if n < 2:
                raise ValueError("NetworkProps: at least two private subnets (two AZs) are required")
            for name in ("public_subnet_cidrs", "database_subnet_cidrs", "elasticache_subnet_cidrs"):
                if len(getattr(self, name)) != n:
                    raise ValueError(f"NetworkProps.{name}: needs one subnet per AZ ({n})")
        else:
            if not self.vpc_id or len(self.existing_private_subnet_ids) < 2:
                raise ValueError("NetworkProps: create_vpc=False needs vpc_id and at least two existing_private_subnet_ids")


class Network(Construct):
    """VPC, subnets per tier and AZ, IGW, NAT, routes, locked-down default SG, optional flow logs."""

    def __init__(self, scope: Construct, construct_id: str, props: NetworkProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        if props.create_vpc:
            self._create(props)
        else:
            self._vpc_id = props.vpc_id or ""
            self._public = list(props.existing_public_subnet_ids)
            self._private = list(props.existing_private_subnet_ids)
            self._database = list(props.existing_database_subnet_ids)
            self._elasticache = list(props.existing_elasticache_subnet_ids)
            vpc = aws.data_aws_vpc.DataAwsVpc(self, "existing-vpc", id=self._vpc_id)
            self._cidr = vpc.cidr_block

    def _create(self, p: NetworkProps) -> None:
        ns = p.namespace
        cluster = p.cluster_name or ns
        azs = aws.data_aws_availability_zones.DataAwsAvailabilityZones(
            self, "azs", state="available", filter=[aws.data_aws_availability_zones.DataAwsAvailabilityZonesFilter(name="opt-in-status", values=["opt-in-not-required"])]
        )
        vpc = aws.vpc.Vpc(
            self,
            "vpc",
            cidr_block=p.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{ns}-vpc", **p.tags},
        )
        self._vpc_id = vpc.id
        self._cidr = vpc.cidr_block
        # AWS creates a default SG that allows all traffic between its members; manage it with no rules.
        aws.default_security_group.DefaultSecurityGroup(self, "default-sg", vpc_id=vpc.id, tags={"Name": f"{ns}-default"})
        igw = aws.internet_gateway.InternetGateway(self, "igw", vpc_id=vpc.id, tags={"Name": f"{ns}-igw"})

        def az(i: int) -> str:
            return Token.as_string(Fn.element(azs.names, i))

        def subnets(tier: str, cidrs: tuple[str, ...], extra_tags: dict[str, str], public: bool = False) -> list[aws.subnet.Subnet]:
            return [
                aws.subnet.Subnet(
                    self,
                    f"{tier}-{i}",
                    vpc_id=vpc.id,
                    cidr_block=cidr,
                    availability_zone=az(i),
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{ns}-{tier}-{i}", "wandb.tier": tier, **extra_tags},
                )
                for i, cidr in enumerate(cidrs)
            ]

        public = subnets("public", p.public_subnet_cidrs, {"kubernetes.io/role/elb": "1", f"kubernetes.io/cluster/{cluster}": "shared"})
        private = subnets(
            "private", p.private_subnet_cidrs, {"kubernetes.io/role/internal-elb": "1", f"kubernetes.io/cluster/{cluster}": "shared"}
        )
        database = subnets("database", p.database_subnet_cidrs, {})
        elasticache = subnets("elasticache", p.elasticache_subnet_cidrs, {})

        public_rt = aws.route_table.RouteTable(self, "public-rt", vpc_id=vpc.id, tags={"Name": f"{ns}-public"})
        aws.route.Route(self, "public-default-route", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
        for i, s in enumerate(public):
            aws.route_table_association.RouteTableAssociation(self, f"public-rta-{i}", subnet_id=s.id, route_table_id=public_rt.id)

        nat_count = 1 if p.single_nat_gateway else len(public)
        nats = []
        for i in range(nat_count):
            eip = aws.eip.Eip(self, f"nat-eip-{i}", domain="vpc", tags={"Name": f"{ns}-nat-{i}"}, depends_on=[igw])
            nats.append(
                aws.nat_gateway.NatGateway(
                    self, f"nat-{i}", allocation_id=eip.id, subnet_id=public[i].id, tags={"Name": f"{ns}-nat-{i}"}, depends_on=[igw]
                )
            )
        # Private, database and elasticache subnets of one AZ share that AZ's route table (egress via its NAT).
        for i in range(len(private)):
            rt = aws.route_table.RouteTable(self, f"private-rt-{i}", vpc_id=vpc.id, tags={"Name": f"{ns}-private-{i}"})
            aws.route.Route(
                self,
                f"private-default-route-{i}",
                route_table_id=rt.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nats[min(i, nat_count - 1)].id,
            )
            for tier, group in (("private", private), ("database", database), ("elasticache", elasticache)):
                aws.route_table_association.RouteTableAssociation(self, f"{tier}-rta-{i}", subnet_id=group[i].id, route_table_id=rt.id)

        if p.enable_flow_log:
            self._flow_logs(p, vpc.id)

        self._public = [s.id for s in public]
        self._private = [s.id for s in private]
        self._database = [s.id for s in database]
        self._elasticache = [s.id for s in elasticache]

    def _flow_logs(self, p: NetworkProps, vpc_id: str) -> None:
        ctx = account_context(self)

        bucket = aws.s3_bucket.S3Bucket(
            self, "flow-log-bucket", bucket_prefix=f"{p.namespace}-flow-log-", force_destroy=p.flow_log_force_destroy
        )
        # The log delivery service writes the objects. These are the statements AWS documents (VPC user
        # guide, "Flow log files: Amazon S3 bucket permissions") and would add itself: written here, an
        # aws_s3_bucket_policy that lacks them would remove them on the next apply and stop delivery.
        delivery = {"Service": "delivery.logs.amazonaws.com"}
        source = {"StringEquals": {"aws:SourceAccount": ctx.account_id},
                  "ArnLike": {"aws:SourceArn": f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:*"}}
        write_condition = {**source, "StringEquals": {**source["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"}}
        harden_bucket(
            self, bucket, ids=FLOW_LOG_BUCKET_IDS,
            encryption=Encryption("AES256"),
            # Housekeeping only: current log objects are kept (retention is the owner's choice); versions
            # left behind by deletes and abandoned multipart uploads are cleaned up.
            lifecycle_rules=[lifecycle_rule("housekeeping", abort_incomplete_multipart_days=7, noncurrent_days=30)],
            policy_statements=[
                allow("s3:PutObject", f"{bucket.arn}/AWSLogs/{ctx.account_id}/*", sid="AWSLogDeliveryWrite",
                      Principal=delivery, Condition=write_condition),
                allow("s3:GetBucketAcl", bucket.arn, sid="AWSLogDeliveryAclCheck", Principal=delivery, Condition=source),
            ],
        )
        aws.flow_log.FlowLog(
            self, "flow-log", vpc_id=vpc_id, traffic_type="REJECT", log_destination_type="s3", log_destination=bucket.arn,
            tags={"Name": f"{p.namespace}-flow-log"},
        )

    # --- attributes -----------------------------------------------------------------------
    @property
    def vpc_id(self) -> str:
        return self._vpc_id

    @property
    def vpc_cidr(self) -> str:
        return self._cidr

    @property
    def public_subnet_ids(self) -> list[str]:
        return list(self._public)

    @property
    def private_subnet_ids(self) -> list[str]:
        return list(self._private)

    @property
    def database_subnet_ids(self) -> list[str]:
        return list(self._database)

    @property
    def elasticache_subnet_ids(self) -> list[str]:
        return list(self._elasticache)
