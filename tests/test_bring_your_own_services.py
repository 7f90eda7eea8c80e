"""Bring your own services: an existing Redis (v8 ``use_external_redis``), EKS cluster and Aurora MySQL.

Config validation (one line naming the option), what the stacks create and do not create, how the
app/operator reach each service, that no secret is a literal, and ``terraform validate``.
"""

from __future__ import annotations

import json

import pytest

from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping, load_config
from wandb_cdktf.constructs.aws.existing_cluster import role_name_of
from wandb_cdktf.testing import one_resource, resources

REDIS = {"use_external_redis": True, "external_redis_host": "redis.corp.internal", "external_redis_params": {"tls": True}}
REDIS_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:corp/redis-auth-AbCdEf"
DB_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!cluster-1234-AbCdEf"
DB = {"external_database_host": "corp.cluster-abc.us-west-2.rds.amazonaws.com", "external_database_secret_arn": DB_SECRET}
BYO_VPC = {"create_vpc": False, "network_id": "vpc-0a1b2c3d4e5f60718",
           "network_private_subnets": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
           "network_database_subnets": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]}
ELASTICACHE_SUBNETS = {"network_elasticache_subnets": ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]}
NODE_ROLE = "arn:aws:iam::123456789012:role/platform/corp-nodes"
EKS = {"external_eks_cluster_name": "corp-shared", "external_eks_node_role_arn": NODE_ROLE}


def eks_config(**overrides):
    data = make_config(**{**BYO_VPC, **EKS, **overrides})
    if "eks_cluster_version" not in overrides:
        data.pop("eks_cluster_version")
    return data


def _error(data) -> str:
    with pytest.raises(ConfigError) as err:
        config_from_mapping(data)
    text = str(err.value)
    assert "\n" not in text
    return text


def _cr_values(operator: dict) -> tuple[str, str]:
    cr = next(r for r in operator["resource"]["helm_release"].values() if r["name"] == "wandb-cr")
    return cr["values"][0], cr["values"][1]


# --- config ------------------------------------------------------------------------------------
@pytest.mark.parametrize("data,option,words", [
    (make_config(use_external_redis=True), "external_redis_host", "required"),
    (make_config(**REDIS, create_elasticache=True), "create_elasticache", "use_external_redis"),
    (make_config(**REDIS, elasticache_node_type="cache.m6g.large"), "elasticache_node_type", "ElastiCache"),
    (make_config(external_redis_host="redis.corp.internal"), "external_redis_host", "use_external_redis: true"),
    (make_config(external_redis_password_secret_arn=REDIS_SECRET), "external_redis_password_secret_arn", "use_external_redis"),
    (make_config(**REDIS, external_redis_password_secret_arn="arn:aws:kms:us-west-2:123456789012:key/abc"),
     "external_redis_password_secret_arn", "secretsmanager"),
    (make_config(use_external_redis=True, external_redis_host="r.corp", external_redis_params={"tls": "a&b"}),
     "external_redis_params", "tls must be true/false"),
    (make_config(external_database_host="db.corp.internal"), "external_database_secret_arn", "required"),
    (make_config(**DB, database_instance_class="db.r6g.large"), "database_instance_class", "Aurora cluster created here"),
    (make_config(**DB, database_password_version=2), "database_password_version", "created here"),
    (make_config(external_database_port=3307), "external_database_port", "external_database_host"),
    (make_config(external_database_security_group_id="sg-0123456789abcdef0"), "external_database_security_group_id", "external_database_host"),
    (eks_config(**ELASTICACHE_SUBNETS, external_eks_node_role_arn=None), "external_eks_node_role_arn", "required"),
    (eks_config(**ELASTICACHE_SUBNETS, deployment="pre-operator", network_public_subnets=["subnet-0ddddddddddddddd1", "subnet-0ddddddddddddddd2"]),
     "external_eks_cluster_name", "post-operator"),
    (make_config(**EKS, eks_cluster_version=None), "create_vpc", "network_id"),
    (eks_config(**ELASTICACHE_SUBNETS, eks_cluster_version="1.32"), "eks_cluster_version", "EKS cluster created here"),
    (eks_config(**ELASTICACHE_SUBNETS, kubernetes_map_roles=[]), "kubernetes_map_roles", "created here"),
    (make_config(external_eks_node_role_arn=NODE_ROLE), "external_eks_node_role_arn", "external_eks_cluster_name"),
])
def test_config_errors_name_the_option(data, option, words):
    data = {k: v for k, v in data.items() if v is not None}
    text = _error(data)
    assert text.startswith(f"config error: {option}: "), text
    assert words in text


@pytest.mark.parametrize("name,ok", [("corp-shared", True), ("Corp_1", True), ("a" * 100, True), ("a" * 101, False),
                                     ("-corp", False), ("corp.shared", False)])
def test_eks_cluster_name_rule(name, ok):
    """EKS CreateCluster API reference: name is 1-100 characters, pattern ^[0-9A-Za-z][A-Za-z0-9\\-_]*$."""
    data = eks_config(**ELASTICACHE_SUBNETS, external_eks_cluster_name=name)
    if ok:
        assert config_from_mapping(data).external_eks_cluster_name == name
    else:
        assert _error(data).startswith("config error: external_eks_cluster_name: ")


@pytest.mark.parametrize("port,ok", [(1150, True), (3306, True), (65535, True), (1149, False), (65536, False)])
def test_database_port_rule(port, ok):
    """RDS CreateDBCluster API reference, Port: "Valid values: 1150-65535" (Aurora MySQL)."""
    data = make_config(**DB, external_database_port=port)
    if ok:
        assert config_from_mapping(data).external_database_port == port
    else:
        assert _error(data).startswith("config error: external_database_port: ")


def test_external_redis_defaults_and_v8_string_port():
    """v8 variables.tf types external_redis_port as a string; a v8 tfvars writes "6379"."""
    cfg = config_from_mapping(make_config(use_external_redis=True, external_redis_host="redis.corp.internal",
                                          external_redis_port="6380"))
    assert cfg.external_redis_port == 6380 and cfg.elasticache_enabled is False
    assert config_from_mapping(make_config(**REDIS)).external_redis_port == 6379


def test_v8_tfvars_with_external_redis_loads(tmp_path):
    """The v8 names and forms (terraform-aws-wandb v8 variables.tf: bool, string host, string port, object params)."""
    path = tmp_path / "terraform.tfvars"
    path.write_text('namespace = "wbtest"\ndomain_name = "example.com"\nzone_id = "Z0123456789EXAMPLE00"\n'
                    'allowed_inbound_cidr = ["0.0.0.0/0"]\nallowed_inbound_ipv6_cidr = []\neks_cluster_version = "1.32"\n'
                    'license = "not-a-real-license"\ncreate_elasticache = false\nuse_external_redis = true\n'
                    'external_redis_host = "redis.corp.internal"\nexternal_redis_port = "6379"\n'
                    'external_redis_params = { tls = true, ttlInSeconds = 604800 }\n')
    cfg = load_config(path)
    assert (cfg.use_external_redis, cfg.external_redis_port, cfg.elasticache_enabled) == (True, 6379, False)
    assert cfg.external_redis_params == {"tls": True, "ttlInSeconds": 604800}


def test_redis_without_tls_is_warned():
    """W&B only speaks TLS to Redis with tls=true in the URL (operator-wandb _redis.tpl adds tls only with a caCert)."""
    plain = config_from_mapping(make_config(use_external_redis=True, external_redis_host="redis.corp.internal"))
    assert any(w.startswith("external_redis_params: ") and "clear text" in w for w in plain.warnings())
    # (the shared test configuration's EKS 1.32 warns on its own: below W&B's Kubernetes floor)
    assert [w for w in config_from_mapping(make_config(**REDIS)).warnings() if not w.startswith("eks_cluster_version")] == []


def test_role_name_of_arn_with_path():
    """aws_iam_role_policy.role takes the role name, the last segment of a role ARN with a path (IAM ARN format)."""
    assert role_name_of(NODE_ROLE) == "corp-nodes"
    assert role_name_of("arn:aws:iam::123456789012:role/plain") == "plain"


# --- external Redis ----------------------------------------------------------------------------
def test_external_redis_post_operator(synth):
    """operator-wandb reads global.redis host/port/params and writes <release>-redis-secret from global.redis.password
    (helm-charts charts/operator-wandb templates/_redis.tpl, templates/redis.yaml); `external` is for W&B internal use."""
    s = synth(make_config(**REDIS, external_redis_port=6380, external_redis_password_secret_arn=REDIS_SECRET))
    infra, operator = s.stack("wbtest-infra"), s.stack("wbtest-operator")
    assert not [t for t in infra["resource"] if t.startswith("aws_elasticache")]
    assert "redis_endpoint" not in infra.get("output", {})
    public, sensitive = _cr_values(operator)
    assert ('"redis" = {"host" = "redis.corp.internal", "port" = 6380, "external" = false, '
            '"params" = {"ttlInSeconds" = 604800, "tls" = true}, "secret" = {"secretName" = "wandb-cdktf-credentials", '
            '"secretKey" = "REDIS_PASSWORD"}}') in public
    assert "secretsmanager" not in public and "redis-password-secret" in sensitive  # hashed into the pod templates
    # in the credentials Secret, percent-encoded for the chart's redis://:$(REDIS_PASSWORD)@ URL (test_field_review_2.py)
    (creds,) = [s for s in resources(operator, "kubernetes_secret_v1").values() if s["metadata"]["name"] == "wandb-cdktf-credentials"]
    assert creds["data"]["REDIS_PASSWORD"].startswith("${replace(urlencode(try(lookup(jsondecode(data.aws_secretsmanager_secret_version.redis-password-secret")
    (secret,) = operator["data"]["aws_secretsmanager_secret_version"]["redis-password-secret"]["secret_id"],
    assert secret == REDIS_SECRET


def test_external_redis_without_password_has_no_secret_read(synth):
    operator = synth(make_config(**REDIS)).stack("wbtest-operator")
    assert "redis-password-secret" not in operator["data"]["aws_secretsmanager_secret_version"]
    assert '"redis" = {"password"' not in _cr_values(operator)[1]


def test_external_redis_pre_operator_url(synth):
    """W&B's REDIS is redis://[:password@]host:port?tls=true&ttlInSeconds=604800 (facts file; operator-wandb
    _redis.tpl default ttlInSeconds); a URL with a password goes in the Secret, never the ConfigMap."""
    plain = synth(make_config(deployment="pre-operator", **REDIS)).stack("wbtest-app")
    data = one_resource(plain, "kubernetes_config_map_v1")["data"]
    assert data["REDIS"] == "redis://redis.corp.internal:6379?tls=true&ttlInSeconds=604800"
    with_password = synth(make_config(**{**REDIS, "deployment": "pre-operator", "external_redis_port": "6380",
                                         "external_redis_params": {"tls": True, "ttlInSeconds": 3600},
                                         "external_redis_password_secret_arn": REDIS_SECRET})).stack("wbtest-app")
    assert "REDIS" not in one_resource(with_password, "kubernetes_config_map_v1")["data"]
    redis = one_resource(with_password, "kubernetes_secret_v1")["data"]["REDIS"]
    assert redis.startswith('${format("redis://:%s@redis.corp.internal:6380?tls=true&ttlInSeconds=3600", urlencode(try(')
    checksum = one_resource(with_password, "kubernetes_deployment_v1")["spec"]["template"]["metadata"]["annotations"]
    assert "redis-password-secret" in checksum["checksum/secret"] and "TfToken" not in checksum["checksum/secret"]


# --- external database -------------------------------------------------------------------------
def test_external_database_post_operator(synth):
    s = synth(make_config(**DB, external_database_port=3307, external_database_security_group_id="sg-0123456789abcdef0",
                          database_name="wandb", database_master_username="wandb_app"))
    infra, operator = s.stack("wbtest-infra"), s.stack("wbtest-operator")
    assert not [t for t in infra["resource"] if t.startswith(("aws_rds", "aws_db_"))]
    rules = [r for r in resources(infra, "aws_vpc_security_group_ingress_rule").values()
             if r.get("security_group_id") == "sg-0123456789abcdef0"]
    assert len(rules) == 1 and (rules[0]["from_port"], rules[0]["to_port"]) == (3307, 3307)
    assert rules[0]["referenced_security_group_id"].startswith("${aws_security_group.eks_node-security-group")
    public, sensitive = _cr_values(operator)
    assert ('"mysql" = {"host" = "corp.cluster-abc.us-west-2.rds.amazonaws.com", "port" = 3307, '
            '"user" = "wandb_app", "database" = "wandb", "passwordSecret" = {"name" = "wandb-cdktf-credentials", '
            '"passwordKey" = "MYSQL_PASSWORD"}}') in public
    assert "data.aws_secretsmanager_secret_version.database-master-secret" in sensitive
    assert operator["data"]["aws_secretsmanager_secret_version"]["database-master-secret"]["secret_id"] == DB_SECRET


def test_external_database_without_security_group_adds_no_rule(synth):
    infra = synth(make_config(**DB)).stack("wbtest-infra")
    assert not [r for r in resources(infra, "aws_vpc_security_group_ingress_rule").values() if r.get("from_port") == 3306]


def test_external_database_pre_operator(synth):
    app = synth(make_config(deployment="pre-operator", **DB, external_database_port=3307)).stack("wbtest-app")
    mysql = one_resource(app, "kubernetes_secret_v1")["data"]["MYSQL"]
    assert mysql.startswith('${format("mysql://%s:%s@%s:3307/%s", "wandb", urlencode(jsondecode(data.aws_secretsmanager')
    assert '"corp.cluster-abc.us-west-2.rds.amazonaws.com"' in mysql


# --- existing EKS cluster ----------------------------------------------------------------------
def test_existing_cluster_creates_no_cluster(synth):
    s = synth(eks_config(external_eks_node_security_group_id="sg-0123456789abcdef0", **ELASTICACHE_SUBNETS))
    infra, operator = s.stack("wbtest-infra"), s.stack("wbtest-operator")
    for rtype in ("aws_eks_cluster", "aws_eks_node_group", "aws_eks_addon", "aws_eks_access_entry",
                  "aws_iam_openid_connect_provider", "aws_launch_template"):
        assert rtype not in infra["resource"], rtype
    (cluster,) = infra["data"]["aws_eks_cluster"].values()
    assert cluster["name"] == "corp-shared"
    (oidc,) = infra["data"]["aws_iam_openid_connect_provider"].values()
    assert oidc["url"].startswith("${data.aws_eks_cluster.") and oidc["url"].endswith(".identity[0].oidc[0].issuer}")
    # IRSA roles trust the existing provider; no autoscaler on someone else's node groups.
    roles = {k: r for k, r in resources(infra, "aws_iam_role").items() if "AssumeRoleWithWebIdentity" in r["assume_role_policy"]}
    assert roles and all("data.aws_iam_openid_connect_provider" in r["assume_role_policy"] for r in roles.values()), roles
    assert not [r for r in roles.values() if r["name_prefix"].startswith("wbtest-autoscaler-")]
    assert not [r for r in operator["resource"]["helm_release"].values() if r["name"] == "cluster-autoscaler"]
    # The node role gets the bucket, queue, key and namespace secrets.
    policy = next(p for p in resources(infra, "aws_iam_role_policy").values() if p["role"] == "corp-nodes")
    sids = {st["Sid"] for st in json.loads(policy["policy"])["Statement"]}
    assert {"BucketList", "BucketObjects", "Queue", "DeploymentKey", "NamespaceSecrets"} <= sids
    # Database, Redis and EFS admit the given node security group.
    admitted = {r["security_group_id"].split(".")[1].split("_")[0]
                for r in resources(infra, "aws_vpc_security_group_ingress_rule").values()
                if r.get("referenced_security_group_id") == "sg-0123456789abcdef0"}
    assert admitted == {"database", "redis", "weave-efs"}, admitted
    # The operator's providers point at the existing cluster (through infra's outputs).
    outputs = infra["output"]
    assert "data.aws_eks_cluster." in outputs["cluster_endpoint"]["value"]
    assert outputs["node_role_arn"]["value"] == NODE_ROLE


def test_existing_cluster_defaults_to_the_cluster_security_group(synth):
    """EKS attaches the cluster security group to managed node group nodes (EKS User Guide, security group requirements)."""
    infra = synth(eks_config(**ELASTICACHE_SUBNETS)).stack("wbtest-infra")
    db_rules = [r for k, r in resources(infra, "aws_vpc_security_group_ingress_rule").items() if k.startswith("database_")]
    assert db_rules and all(".vpc_config[0].cluster_security_group_id}" in r["referenced_security_group_id"]
                            and "data.aws_eks_cluster." in r["referenced_security_group_id"] for r in db_rules)


def test_every_service_brought_example(synth):
    s = synth(eks_config(**REDIS, **DB))
    infra = s.stack("wbtest-infra")
    assert not [t for t in infra["resource"] if t.startswith(("aws_rds", "aws_db_", "aws_elasticache", "aws_eks_"))]


@pytest.mark.terraform
@pytest.mark.parametrize("name", ["redis", "database", "eks", "all-pre-operator"])
def test_infra_validates(synth, tf_validate, name):
    shapes = {
        "redis": make_config(**REDIS, external_redis_password_secret_arn=REDIS_SECRET),
        "database": make_config(**DB, external_database_security_group_id="sg-0123456789abcdef0"),
        "eks": eks_config(**REDIS, **DB),
        "all-pre-operator": make_config(deployment="pre-operator", **REDIS, **DB),
    }
    tf_validate(synth(shapes[name]).stack_dir("wbtest-infra"), *(synth(d).stack_dir("wbtest-infra") for d in shapes.values()))
