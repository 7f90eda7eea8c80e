"""Run moto in server mode with the few AWS APIs our stacks need that moto 5 lacks.

Started by the ``moto_server`` fixture in tests/test_emulator.py as::

    python tests/emulator_server.py --host 127.0.0.1 --port <free port>

Everything below is an emulator gap, not a wandb-cdktf behaviour; each shim is the
smallest faithful stand-in (``SHIMS`` in tests/emulator_artefacts.py lists them with
their reasons). Shims patch moto classes in this process only, before the server starts. Settings that need no code are environment variables set here:

- ``MOTO_ACM_VALIDATION_WAIT=0``: DNS-validated ACM certificates are ISSUED at once
  (moto's default keeps them PENDING_VALIDATION for 60 s, which stalls
  ``aws_acm_certificate_validation``).
- ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``: AWS managed policies (AmazonEKSClusterPolicy,
  ...) exist, so ``aws_iam_role_policy_attachment`` can attach them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

# EKS objects the shims below create (addons, access entries) by ARN, so TagResource can find them.
_EKS_SHIM_OBJECTS: dict[str, dict[str, Any]] = {}


def _eks_addons() -> None:
    """EKS CreateAddon / DescribeAddon / DeleteAddon / ListAddons / UpdateAddon (moto 5 has none)."""
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.exceptions import ResourceInUseException, ResourceNotFoundException
    from moto.eks.responses import EKSResponse

    store: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def _key(self: Any, cluster: str, addon: str) -> tuple[str, str, str, str]:
        return (self.current_account, self.region, cluster, addon)

    def _cluster(self: Any, name: str) -> Any:
        cluster = self.eks_backend.clusters.get(name)
        if cluster is None:
            raise ResourceNotFoundException(clusterName=name, nodegroupName=None, fargateProfileName=None,
                                            addonName=None, message=f"No cluster found for name: {name}.")
        return cluster

    def _addon(self: Any, cluster: str, name: str) -> dict[str, Any]:
        _cluster(self, cluster)
        addon = store.get(_key(self, cluster, name))
        if addon is None:
            raise ResourceNotFoundException(clusterName=cluster, nodegroupName=None, fargateProfileName=None,
                                            addonName=name, message=f"No addon: {name} found in cluster: {cluster}")
        return addon

    def create_addon(self: Any) -> ActionResult:
        cluster_name = self._get_param("name")
        name = self._get_param("addonName")
        cluster = _cluster(self, cluster_name)
        if _key(self, cluster_name, name) in store:
            raise ResourceInUseException(clusterName=cluster_name, nodegroupName=None, fargateProfileName=None,
                                         addonName=name, message=f"Addon already exists with name: {name}")
        now = datetime.now(UTC)
        addon = {
            "addonName": name,
            "clusterName": cluster_name,
            "status": "ACTIVE",
            "addonVersion": self._get_param("addonVersion") or "v1.0.0-eksbuild.1",
            "health": {"issues": []},
            "addonArn": f"{cluster.arn.replace(':cluster/', ':addon/')}/{name}/00000000-0000-0000-0000-000000000000",
            "createdAt": now,
            "modifiedAt": now,
            "tags": self._get_param("tags") or {},
        }
        for key in ("serviceAccountRoleArn", "configurationValues"):
            if self._get_param(key):
                addon[key] = self._get_param(key)
        store[_key(self, cluster_name, name)] = addon
        _EKS_SHIM_OBJECTS[addon["addonArn"]] = addon
        return ActionResult({"addon": addon})

    def describe_addon(self: Any) -> ActionResult:
        return ActionResult({"addon": _addon(self, self._get_param("name"), self._get_param("addonName"))})

    def delete_addon(self: Any) -> ActionResult:
        cluster, name = self._get_param("name"), self._get_param("addonName")
        addon = _addon(self, cluster, name)
        del store[_key(self, cluster, name)]
        return ActionResult({"addon": {**addon, "status": "DELETING"}})

    def list_addons(self: Any) -> ActionResult:
        cluster = self._get_param("name")
        _cluster(self, cluster)
        names = sorted(k[3] for k in store if k[:3] == (self.current_account, self.region, cluster))
        return ActionResult({"addons": names})

    def update_addon(self: Any) -> ActionResult:
        cluster, name = self._get_param("name"), self._get_param("addonName")
        addon = _addon(self, cluster, name)
        for key in ("addonVersion", "serviceAccountRoleArn", "configurationValues"):
            if self._get_param(key):
                addon[key] = self._get_param(key)
        addon["modifiedAt"] = datetime.now(UTC)
        return ActionResult({"update": {"id": "00000000-0000-0000-0000-000000000001", "status": "Successful",
                                        "type": "AddonUpdate", "params": [], "createdAt": addon["modifiedAt"],
                                        "errors": []}})

    for fn in (create_addon, describe_addon, delete_addon, list_addons, update_addon):
        setattr(EKSResponse, fn.__name__, fn)
    dispatch = urls.response.dispatch
    urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/addons$": dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$": dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$": dispatch,
    })


def _eks_describe_update() -> None:
    """EKS DescribeUpdate: every update the shims report has already succeeded."""
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.responses import EKSResponse

    def describe_update(self: Any) -> ActionResult:
        return ActionResult({"update": {"id": self._get_param("updateId"), "status": "Successful", "type": "AddonUpdate",
                                        "params": [], "createdAt": datetime.now(UTC), "errors": []}})

    EKSResponse.describe_update = describe_update  # type: ignore[attr-defined]
    urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$"] = urls.response.dispatch


def _eks_cluster_security_group() -> None:
    """EKS creates a cluster security group in the cluster's VPC (moto leaves clusterSecurityGroupId empty)
    and gives every cluster its own OIDC issuer (moto shares one per process)."""
    from moto.ec2.models import ec2_backends
    from moto.eks.models import EKSBackend

    original_create, original_delete = EKSBackend.create_cluster, EKSBackend.delete_cluster

    def create_cluster(self: Any, name: str, role_arn: str, resources_vpc_config: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        cluster = original_create(self, name, role_arn, resources_vpc_config, *args, **kwargs)
        # moto draws one OIDC issuer per process; AWS gives each cluster its own (else the second
        # cluster's aws_iam_openid_connect_provider already exists).
        cluster.identity = {"oidc": {"issuer": f"https://oidc.eks.{self.region_name}.amazonaws.com/id/{uuid.uuid4().hex.upper()}"}}
        subnets = resources_vpc_config.get("subnetIds") or []
        if subnets:
            ec2 = ec2_backends[self.account_id][self.region_name]
            vpc_id = ec2.get_subnet(subnets[0]).vpc_id
            sg = ec2.create_security_group(
                f"eks-cluster-sg-{name}-{abs(hash(cluster.arn)) % 10**10}",
                "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes",
                vpc_id=vpc_id, tags={f"kubernetes.io/cluster/{name}": "owned"},
            )
            cluster.resources_vpc_config = {**resources_vpc_config, "vpcId": vpc_id, "clusterSecurityGroupId": sg.id}
        return cluster

    def delete_cluster(self: Any, name: str) -> Any:
        cluster = original_delete(self, name)
        sg_id = (cluster.resources_vpc_config or {}).get("clusterSecurityGroupId")
        if sg_id:
            ec2_backends[self.account_id][self.region_name].delete_security_group(group_id=sg_id)
        return cluster

    EKSBackend.create_cluster = create_cluster  # type: ignore[method-assign]
    EKSBackend.delete_cluster = delete_cluster  # type: ignore[method-assign]


def _eks_node_group_autoscaling_groups() -> None:
    """EKS node groups own an Auto Scaling group (moto names one in ``resources`` but never creates it), and
    a node group launched from a template has no remote access (moto invents one) and keeps its updateConfig."""
    from moto.autoscaling.models import autoscaling_backends
    from moto.eks.models import EKSBackend

    original_create, original_delete = EKSBackend.create_nodegroup, EKSBackend.delete_nodegroup

    def create_nodegroup(self: Any, *args: Any, **kwargs: Any) -> Any:
        nodegroup = original_create(self, *args, **kwargs)
        if kwargs.get("launch_template") and not kwargs.get("remote_access"):
            # moto invents remoteAccess {"ec2SshKey": "eksKeypair"}; EKS reports none (and refuses remote
            # access together with a launch template).
            nodegroup.remote_access = None
        backend = autoscaling_backends[self.account_id][self.region_name]
        template = kwargs.get("launch_template") or {}
        for group in nodegroup.resources.get("autoScalingGroups", []):
            backend.create_auto_scaling_group(
                name=group["name"], availability_zones=[], desired_capacity=0, max_size=0, min_size=0,
                launch_config_name=None,  # type: ignore[arg-type]
                launch_template={"LaunchTemplateId": template.get("id"), "Version": template.get("version") or "$Default"}
                if template.get("id") else {},
                vpc_zone_identifier=",".join(kwargs.get("subnets") or []), default_cooldown=None,
                health_check_period=None, health_check_type=None, load_balancers=[], target_group_arns=[],
                placement_group=None, termination_policies=[], tags=[],
            )
        return nodegroup

    def delete_nodegroup(self: Any, cluster_name: str, nodegroup_name: str) -> Any:
        nodegroup = original_delete(self, cluster_name, nodegroup_name)
        backend = autoscaling_backends[self.account_id][self.region_name]
        for group in nodegroup.resources.get("autoScalingGroups", []):
            if group["name"] in backend.autoscaling_groups:
                backend.delete_auto_scaling_group(group["name"])
        return nodegroup

    EKSBackend.create_nodegroup = create_nodegroup  # type: ignore[method-assign]
    EKSBackend.delete_nodegroup = delete_nodegroup  # type: ignore[method-assign]

    from moto.eks.responses import EKSResponse

    original_response = EKSResponse.create_nodegroup

    def create_nodegroup_response(self: Any) -> Any:
        # moto's CreateNodegroup handler drops updateConfig (UpdateNodegroupConfig keeps it); EKS stores it.
        result = original_response(self)
        update_config = self._get_param("updateConfig")
        if update_config:
            cluster = self.eks_backend.clusters[self._get_param("name")]
            cluster.nodegroups[self._get_param("nodegroupName")].update_config = update_config
        return result

    EKSResponse.create_nodegroup = create_nodegroup_response  # type: ignore[method-assign]


def _eks_access_config() -> None:
    """EKS keeps the cluster's accessConfig (moto drops it; the provider then wants to replace the cluster)."""
    from moto.eks.responses import EKSResponse

    original = EKSResponse.create_cluster

    def create_cluster(self: Any) -> Any:
        from moto.eks.exceptions import InvalidParameterException

        version = self._get_param("version")
        if version is not None and str(version) not in EKS_MINORS:
            # EKS creates only the minors in standard or extended support (issue 25 item 7).
            raise InvalidParameterException(clusterName=self._get_param("name"),
                                            message=f"unsupported Kubernetes version {version}")
        result = original(self)
        access = self._get_param("accessConfig") or {}
        cluster = self.eks_backend.clusters[self._get_param("name")]
        # DescribeCluster returns the authentication mode only, as AWS does.
        cluster.access_config = {"authenticationMode": access.get("authenticationMode", "CONFIG_MAP")}
        return result

    EKSResponse.create_cluster = create_cluster  # type: ignore[method-assign]


def _efs_backup_policy() -> None:
    """EFS PutBackupPolicy (moto 5 only describes the policy chosen at creation)."""
    import json

    from moto.efs.models import EFSBackend
    from moto.efs.responses import EFSResponse

    def put_backup_policy(self: Any) -> Any:
        fs_id = self._get_param("FileSystemId")
        status = (self._get_param("BackupPolicy") or {}).get("Status", "DISABLED")
        fs = self.efs_backend.file_systems_by_id[fs_id]
        fs._backup = status == "ENABLED"
        fs._backup_status = status
        return json.dumps({"BackupPolicy": {"Status": status}}), {"Content-Type": "application/json"}

    original = EFSBackend.describe_backup_policy

    def describe_backup_policy(self: Any, file_system_id: str) -> dict[str, str]:
        fs = self.file_systems_by_id.get(file_system_id)
        status = getattr(fs, "_backup_status", None)
        if status is not None:
            return {"Status": status}
        return original(self, file_system_id)

    EFSResponse.put_backup_policy = put_backup_policy  # type: ignore[attr-defined]
    EFSBackend.describe_backup_policy = describe_backup_policy  # type: ignore[method-assign]


def _logs_associate_kms_key() -> None:
    """CloudWatch Logs AssociateKmsKey/DisassociateKmsKey (moto 5 only takes the key at CreateLogGroup).

    An adopted log group (terraform-aws-wandb's has no key) gets ours in place this way.
    """
    from moto.logs.responses import LogsResponse

    def _group(self: Any) -> Any:
        name = self._get_param("logGroupName")
        group = self.logs_backend.groups.get(name)
        if group is None:
            from moto.logs.exceptions import ResourceNotFoundException

            raise ResourceNotFoundException()
        return group

    def associate_kms_key(self: Any) -> str:
        _group(self).kms_key_id = self._get_param("kmsKeyId")
        return ""

    def disassociate_kms_key(self: Any) -> str:
        _group(self).kms_key_id = None
        return ""

    LogsResponse.associate_kms_key = associate_kms_key  # type: ignore[attr-defined]
    LogsResponse.disassociate_kms_key = disassociate_kms_key  # type: ignore[attr-defined]


def _route53_zone_ids() -> None:
    """Hosted zone ids start with "Z" as AWS's do (moto draws 22 random characters; our config validates the form)."""
    import random
    import string

    from moto.route53 import models
    from moto.utilities.id_generator import moto_id

    @moto_id
    def create_route53_zone_id(resource_identifier: Any, existing_ids: Any = None, tags: Any = None) -> str:
        return "Z" + "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(20))

    models.create_route53_zone_id = create_route53_zone_id


def _eks_access_entries() -> None:
    """EKS access entries and access-policy associations (moto 5 has none), with the refusals AWS makes.

    Refused as EKS refuses them (CreateAccessEntry API reference; terraform-aws-modules/terraform-aws-eks#2915):
    a second entry for the same principal (ResourceInUseException), Kubernetes groups or user names
    starting with ``system:`` (InvalidParameterException), an association for a principal without entry.
    """
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.exceptions import InvalidParameterException, ResourceInUseException, ResourceNotFoundException
    from moto.eks.responses import EKSResponse

    entries: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    policies: dict[tuple[str, str, str, str], dict[str, dict[str, Any]]] = {}

    def _not_found(cluster: str, message: str) -> Exception:
        return ResourceNotFoundException(clusterName=cluster, nodegroupName=None, fargateProfileName=None,
                                         addonName=None, message=message)

    def _cluster(self: Any, name: str) -> Any:
        cluster = self.eks_backend.clusters.get(name)
        if cluster is None:
            raise _not_found(name, f"No cluster found for name: {name}.")
        return cluster

    def _key(self: Any, cluster: str, principal: str) -> tuple[str, str, str, str]:
        return (self.current_account, self.region, cluster, principal)

    def _entry(self: Any) -> tuple[tuple[str, str, str, str], dict[str, Any]]:
        cluster, principal = self._get_param("name"), self._get_param("principalArn")
        _cluster(self, cluster)
        key = _key(self, cluster, principal)
        if key not in entries:
            raise _not_found(cluster, f"The specified principalArn could not be found: {principal}")
        return key, entries[key]

    def _default_username(principal: str) -> str:
        """The user name EKS gives an entry created without one (CreateAccessEntry API reference, ``username``):
        ``arn:aws:sts::<account>:assumed-role/<role name>/{{SessionName}}`` for a role, the ARN for a user."""
        m = re.fullmatch(r"arn:([\w-]+):iam::(\d{12}):role/(?:.*/)?([^/]+)", principal)
        return f"arn:{m.group(1)}:sts::{m.group(2)}:assumed-role/{m.group(3)}/{{{{SessionName}}}}" if m else principal

    def _check_names(groups: list[str], username: str | None) -> None:
        for group in groups:
            if group.startswith("system:"):
                raise InvalidParameterException(
                    message=f"The kubernetes group name {group} is invalid, it cannot start with system:")
        if username and username.startswith("system:"):
            raise InvalidParameterException(message=f"The username {username} is invalid, it cannot start with system:")

    def create_access_entry(self: Any) -> ActionResult:
        cluster_name, principal = self._get_param("name"), self._get_param("principalArn")
        cluster = _cluster(self, cluster_name)
        key = _key(self, cluster_name, principal)
        if key in entries:
            raise ResourceInUseException(clusterName=cluster_name, nodegroupName=None, fargateProfileName=None,
                                         addonName=None, message="The specified access entry resource is already in use on this cluster.")
        groups = self._get_param("kubernetesGroups") or []
        _check_names(groups, self._get_param("username"))
        now = datetime.now(UTC)
        entry = {
            "clusterName": cluster_name, "principalArn": principal, "kubernetesGroups": groups,
            "accessEntryArn": f"{cluster.arn.replace(':cluster/', ':access-entry/')}/{uuid.uuid4()}",
            "createdAt": now, "modifiedAt": now, "tags": self._get_param("tags") or {},
            "username": self._get_param("username") or _default_username(principal),
            "type": self._get_param("type") or "STANDARD",
        }
        entries[key] = entry
        policies[key] = {}
        _EKS_SHIM_OBJECTS[entry["accessEntryArn"]] = entry
        return ActionResult({"accessEntry": entry})

    def describe_access_entry(self: Any) -> ActionResult:
        return ActionResult({"accessEntry": _entry(self)[1]})

    def update_access_entry(self: Any) -> ActionResult:
        _, entry = _entry(self)
        groups = self._get_param("kubernetesGroups")
        _check_names(groups or [], self._get_param("username"))
        if groups is not None:
            entry["kubernetesGroups"] = groups
        if self._get_param("username"):
            entry["username"] = self._get_param("username")
        entry["modifiedAt"] = datetime.now(UTC)
        return ActionResult({"accessEntry": entry})

    def delete_access_entry(self: Any) -> ActionResult:
        key, _ = _entry(self)
        del entries[key]
        policies.pop(key, None)
        return ActionResult({})

    def list_access_entries(self: Any) -> ActionResult:
        cluster = self._get_param("name")
        _cluster(self, cluster)
        return ActionResult({"accessEntries": sorted(k[3] for k in entries if k[:3] == (self.current_account, self.region, cluster))})

    def associate_access_policy(self: Any) -> ActionResult:
        key, entry = _entry(self)
        now = datetime.now(UTC)
        association = {"policyArn": self._get_param("policyArn"), "accessScope": self._get_param("accessScope") or {},
                       "associatedAt": now, "modifiedAt": now}
        policies[key][association["policyArn"]] = association
        return ActionResult({"clusterName": entry["clusterName"], "principalArn": entry["principalArn"],
                             "associatedAccessPolicy": association})

    def list_associated_access_policies(self: Any) -> ActionResult:
        key, entry = _entry(self)
        return ActionResult({"clusterName": entry["clusterName"], "principalArn": entry["principalArn"],
                             "associatedAccessPolicies": list(policies[key].values())})

    def disassociate_access_policy(self: Any) -> ActionResult:
        key, entry = _entry(self)
        if policies[key].pop(self._get_param("policyArn"), None) is None:
            raise _not_found(entry["clusterName"], f"The specified policy is not associated: {self._get_param('policyArn')}")
        return ActionResult({})

    for fn in (create_access_entry, describe_access_entry, update_access_entry, delete_access_entry,
               list_access_entries, associate_access_policy, list_associated_access_policies,
               disassociate_access_policy):
        setattr(EKSResponse, fn.__name__, fn)
    dispatch = urls.response.dispatch
    urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/access-entries$": dispatch,
        "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<rest>.+)$": dispatch,
    })


def _elbv2_rules() -> None:
    """ELBv2 CreateLoadBalancer / SetIpAddressType refusals moto skips.

    - dual-stack needs subnets with an IPv6 CIDR: "You must specify subnets with an associated IPv6 CIDR
      block." (ELB user guide, load-balancer-ip-address-type; CreateLoadBalancer API reference);
    - names are unique per account and region (DuplicateLoadBalancerName; moto compares ARNs, which carry
      a random id, so it never refuses).
    """
    from moto.elbv2.exceptions import DuplicateLoadBalancerName
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.models import ELBv2Backend

    def _require_ipv6(backend: Any, subnets: list[Any]) -> None:
        for subnet in subnets:
            if not subnet.ipv6_cidr_block_associations:
                raise RESTError("ValidationError", "You must specify subnets with an associated IPv6 CIDR block.")

    original_create = ELBv2Backend.create_load_balancer

    def create_load_balancer(self: Any, name: str, security_groups: list[str], subnet_ids: list[str], *args: Any, **kwargs: Any) -> Any:
        if len(name) > 32:
            raise RESTError("ValidationError", f"Load balancer name '{name}' cannot be longer than '32' characters")
        if any(lb.name == name for lb in self.load_balancers.values()):
            raise DuplicateLoadBalancerName()
        ip_type = kwargs.get("ip_address_type") or (args[3] if len(args) > 3 else "ipv4")
        if ip_type == "dualstack":
            ids = list(subnet_ids or []) + [m["SubnetId"] for m in (kwargs.get("subnet_mappings") or [])]
            _require_ipv6(self, [self.ec2_backend.get_subnet(i) for i in ids])
        return original_create(self, name, security_groups, subnet_ids, *args, **kwargs)

    original_set = ELBv2Backend.set_ip_address_type

    def set_ip_address_type(self: Any, arn: str, ip_type: str) -> None:
        if ip_type == "dualstack":
            _require_ipv6(self, self.load_balancers[arn].subnets)
        return original_set(self, arn, ip_type)

    ELBv2Backend.create_load_balancer = create_load_balancer  # type: ignore[method-assign]
    ELBv2Backend.set_ip_address_type = set_ip_address_type  # type: ignore[method-assign]


def _privatelink_rules() -> None:
    """ALB-type target groups and endpoint services: refusals moto skips.

    - an ``alb`` target group is TCP only (moto silently rewrites any protocol to TCP);
    - its one target must be an Application Load Balancer in the target group's VPC with a listener on the
      target group's port (ELB user guide, "Use an Application Load Balancer as a target of a Network Load
      Balancer"; moto registers any id);
    - an endpoint service fronts Network (or Gateway) Load Balancers only (VPC PrivateLink guide, "Create an
      endpoint service"; moto takes any load balancer ARN);
    - permissions name principals as ARNs (or ``*``): ModifyVpcEndpointServicePermissions refuses anything else;
    - SetSecurityGroups' EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (default on for an NLB with
      security groups) is kept and described, as AWS does (moto drops it: a perpetual diff).
    """
    import re

    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.vpc_service_configuration import VPCServiceConfigurationBackend
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.models import ELBv2Backend

    original_tg = ELBv2Backend.create_target_group

    def create_target_group(self: Any, name: str, **kwargs: Any) -> Any:
        if kwargs.get("target_type") == "alb" and kwargs.get("protocol") not in (None, "TCP"):
            raise RESTError("ValidationError", "Target groups with target type 'alb' support only the TCP protocol")
        return original_tg(self, name, **kwargs)

    original_register = ELBv2Backend.register_targets

    def register_targets(self: Any, target_group_arn: str, instances: list[Any]) -> None:
        group = self.target_groups.get(target_group_arn)
        if group is not None and group.target_type == "alb":
            if len(instances) != 1 or (group.targets and instances[0]["Id"] not in group.targets):
                raise RESTError("ValidationError", "You can register only one Application Load Balancer per target group")
            alb = self.load_balancers.get(instances[0]["Id"])
            if alb is None or alb.type != "application":
                raise RESTError("ValidationError", f"Target '{instances[0]['Id']}' is not an Application Load Balancer")
            if alb.vpc_id != group.vpc_id:
                raise RESTError("ValidationError", "The Application Load Balancer must be in the target group's VPC")
            if str(group.port) not in {str(listener.port) for listener in alb.listeners.values()}:
                raise RESTError("ValidationError", f"The Application Load Balancer has no listener on port {group.port}")
        return original_register(self, target_group_arn, instances)

    original_service = VPCServiceConfigurationBackend.create_vpc_endpoint_service_configuration

    def create_vpc_endpoint_service_configuration(self: Any, lb_arns: list[Any], *args: Any, **kwargs: Any) -> Any:
        for lb in self.elbv2_backend.describe_load_balancers(arns=lb_arns, names=None):
            if lb.type not in ("network", "gateway"):
                raise EC2ClientError("InvalidParameter", f"{lb.arn} is not a Network or Gateway Load Balancer")
        return original_service(self, lb_arns, *args, **kwargs)

    original_permissions = VPCServiceConfigurationBackend.modify_vpc_endpoint_service_permissions
    principal = re.compile(r"^(\*|arn:aws[a-z-]*:iam::\d{12}:(root|role/.+|user/.+))$")

    def modify_vpc_endpoint_service_permissions(self: Any, service_id: str, add_principals: list[str],
                                                remove_principals: list[str]) -> None:
        for p in add_principals or []:
            if not principal.match(p):
                raise EC2ClientError("InvalidPrincipal", f"Invalid principal {p}")
        return original_permissions(self, service_id, add_principals, remove_principals)

    # SetSecurityGroups takes EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (default on); moto drops it,
    # so DescribeLoadBalancers returns none and the provider plans to set it on every apply.
    from moto.core.responses import ActionResult
    from moto.elbv2.responses import ELBV2Response

    original_set = ELBV2Response.set_security_groups

    def set_security_groups(self: Any) -> ActionResult:
        result = original_set(self)
        enforce = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        balancer = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
        if enforce and balancer is not None:
            balancer.enforce_security_group_inbound_rules_on_private_link_traffic = enforce
            return ActionResult({"SecurityGroups": self._get_param("SecurityGroups", []),
                                 "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": enforce})
        return result

    original_create_lb = ELBv2Backend.create_load_balancer

    def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        balancer = original_create_lb(self, *args, **kwargs)
        if balancer.type == "network" and balancer.security_groups:
            balancer.enforce_security_group_inbound_rules_on_private_link_traffic = "on"  # the AWS default
        return balancer

    ELBV2Response.set_security_groups = set_security_groups  # type: ignore[method-assign]
    ELBv2Backend.create_load_balancer = create_load_balancer  # type: ignore[method-assign]
    ELBv2Backend.create_target_group = create_target_group  # type: ignore[method-assign]
    ELBv2Backend.register_targets = register_targets  # type: ignore[method-assign]
    VPCServiceConfigurationBackend.create_vpc_endpoint_service_configuration = create_vpc_endpoint_service_configuration  # type: ignore[method-assign]
    VPCServiceConfigurationBackend.modify_vpc_endpoint_service_permissions = modify_vpc_endpoint_service_permissions  # type: ignore[method-assign]


def _route53_acm_validation_in_private_zone() -> None:
    """Refuse an ACM DNS-validation record in a private hosted zone.

    AWS accepts the record, but ACM resolves validation CNAMEs through public DNS only ("ACM cannot
    validate ... private hosted zone", ACM user guide, dns-validation / troubleshooting), so the
    certificate stays PENDING_VALIDATION and ``aws_acm_certificate_validation`` waits until it times out.
    The emulator refuses it at once so the hang shows up as an error.
    """
    from moto.route53.exceptions import Route53ClientError
    from moto.route53.models import Route53Backend

    original = Route53Backend.change_resource_record_sets

    def change_resource_record_sets(self: Any, zoneid: str, change_list: list[dict[str, Any]]) -> None:
        zone = self.get_hosted_zone(zoneid)
        if zone.private_zone:
            for change in change_list:
                record = change.get("ResourceRecordSet") or {}
                values = [r.get("Value", "") if isinstance(r, dict) else str(r)
                          for r in (record.get("ResourceRecords") or [])]
                if change.get("Action") in ("CREATE", "UPSERT") and any(
                        v.rstrip(".").endswith("acm-validations.aws") for v in values):
                    raise Route53ClientError(
                        "InvalidChangeBatch", f"ACM validation record {record.get('Name')} in private hosted zone {zoneid}: ACM validates "
                        "through public DNS only, so the certificate would never be issued")
        return original(self, zoneid, change_list)

    Route53Backend.change_resource_record_sets = change_resource_record_sets  # type: ignore[method-assign]

# Kubernetes minors the emulated EKS offers (as of 2026-12, EKS user guide "Kubernetes version lifecycle": 1.32 to
# 1.34 in extended support, 1.35 and newer in standard support; 1.31's extended support ended 2026-11-26, so EKS
# creates it no more: CreateCluster and UpdateClusterVersion refuse a minor not listed), and per addon the versions DescribeAddonVersions lists for
# each minor, newest first (AWS's order; the provider's most_recent takes the first). The numbers are
# made up but shaped like AWS's (v<semver>-eksbuild.<n>), and each minor gets its own.
EKS_MINORS = ("1.32", "1.33", "1.34", "1.35", "1.36")


def addon_versions(addon: str, minor: str) -> list[str]:
    """Newest first; the last one is the default (``compatibilities[].defaultVersion``)."""
    base = {"vpc-cni": 19, "coredns": 11, "kube-proxy": minor_number(minor), "aws-ebs-csi-driver": 40,
            "aws-efs-csi-driver": 2, "metrics-server": 7}[addon]
    m = minor_number(minor)
    return [f"v1.{base}.{m}-eksbuild.2", f"v1.{base}.{m}-eksbuild.1"]


def minor_number(version: str) -> int:
    return int(version.split(".")[1])


def _eks_addon_versions() -> None:
    """EKS DescribeAddonVersions (moto 5 has none); CreateAddon/UpdateAddon refuse a version that is not
    offered for the cluster's minor, as EKS does (InvalidParameterException)."""
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.responses import EKSResponse

    def describe_addon_versions(self: Any) -> ActionResult:
        names = [self._get_param("addonName")] if self._get_param("addonName") else list(ADDON_NAMES)
        minors = [self._get_param("kubernetesVersion")] if self._get_param("kubernetesVersion") else list(EKS_MINORS)
        addons = []
        for name in names:
            infos = []
            for minor in minors:
                if name not in ADDON_NAMES or minor not in EKS_MINORS:
                    continue
                versions = addon_versions(name, minor)
                infos += [{"addonVersion": v, "architecture": ["amd64", "arm64"], "requiresConfiguration": False,
                           "compatibilities": [{"clusterVersion": minor, "platformVersions": ["*"],
                                                "defaultVersion": v == versions[-1]}]} for v in versions]
            if infos:
                addons.append({"addonName": name, "type": "networking", "owner": "aws", "publisher": "eks",
                               "addonVersions": infos})
        return ActionResult({"addons": addons})

    def check(self: Any, original: Any) -> Any:
        def wrapped(self: Any) -> Any:
            version = self._get_param("addonVersion")
            cluster = self.eks_backend.clusters.get(self._get_param("name"))
            name = self._get_param("addonName")
            if version and cluster is not None and name in ADDON_NAMES:
                minor = ".".join(str(cluster.version).split(".")[:2])
                if version not in addon_versions(name, minor):
                    raise InvalidParameterException(
                        clusterName=cluster.name, addonName=name,
                        message=f"Addon version specified is not supported for Kubernetes {minor}")
            return original(self)
        wrapped.__name__ = original.__name__
        return wrapped

    EKSResponse.describe_addon_versions = describe_addon_versions  # type: ignore[attr-defined]
    EKSResponse.create_addon = check(EKSResponse, EKSResponse.create_addon)  # type: ignore[attr-defined]
    EKSResponse.update_addon = check(EKSResponse, EKSResponse.update_addon)  # type: ignore[attr-defined]
    urls.url_paths["{0}/addons/supported-versions$"] = urls.response.dispatch


ADDON_NAMES = ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "aws-efs-csi-driver", "metrics-server")


def _eks_version_updates() -> None:
    """EKS UpdateClusterVersion and UpdateNodegroupVersion (moto 5 has neither), with EKS's refusals:
    the control plane moves one minor at a time, and only when every managed node group is at its minor;
    a node group never goes past the control plane (EKS User Guide, "Update existing cluster to new
    Kubernetes version"; UpdateClusterVersion/UpdateNodegroupVersion API reference)."""
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.exceptions import InvalidParameterException, InvalidRequestException, ResourceNotFoundException
    from moto.eks.responses import EKSResponse

    def _update(kind: str, params: list[dict[str, str]]) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "status": "Successful", "type": kind, "params": params,
                "createdAt": datetime.now(UTC), "errors": []}

    def update_cluster_version(self: Any) -> ActionResult:
        name, target = self._get_param("name"), str(self._get_param("version"))
        cluster = self.eks_backend.clusters.get(name)
        if cluster is None:
            raise ResourceNotFoundException(clusterName=name, nodegroupName=None, fargateProfileName=None,
                                            addonName=None, message=f"No cluster found for name: {name}.")
        current = str(cluster.version)
        if target == current:
            raise InvalidParameterException(clusterName=name, message=f"The cluster is already at version {current}")
        if target not in EKS_MINORS:
            raise InvalidParameterException(clusterName=name, message=f"unsupported Kubernetes version {target}")
        if minor_number(target) != minor_number(current) + 1:
            raise InvalidParameterException(
                clusterName=name, message=f"Unsupported Kubernetes minor version update from {current} to {target}")
        lagging = sorted(ng.nodegroup_name for ng in cluster.nodegroups.values() if str(ng.version) != current)
        if lagging:
            raise InvalidRequestException(
                clusterName=name, message=f"Nodegroup(s) {', '.join(lagging)} must be updated to match cluster "
                f"version {current} before updating cluster version")
        cluster.version = target
        return ActionResult({"update": _update("VersionUpdate", [{"type": "Version", "value": target}])})

    def update_nodegroup_version(self: Any) -> ActionResult:
        name, ng_name = self._get_param("name"), self._get_param("nodegroupName")
        nodegroup = self.eks_backend.describe_nodegroup(cluster_name=name, nodegroup_name=ng_name)
        cluster = self.eks_backend.clusters[name]
        target = str(self._get_param("version") or cluster.version)
        if minor_number(target) > minor_number(str(cluster.version)):
            raise InvalidParameterException(
                clusterName=name, nodegroupName=ng_name,
                message=f"Requested Nodegroup version {target} is newer than the cluster version {cluster.version}")
        nodegroup.version = target
        template = self._get_param("launchTemplate")
        if template:
            nodegroup.launch_template = {**(nodegroup.launch_template or {}), **template}
        return ActionResult({"update": _update("VersionUpdate", [{"type": "Version", "value": target}])})

    EKSResponse.update_cluster_version = update_cluster_version  # type: ignore[attr-defined]
    EKSResponse.update_nodegroup_version = update_nodegroup_version  # type: ignore[attr-defined]
    urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/updates$": urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$": urls.response.dispatch,
    })


def _kms_policy_principals() -> None:
    """KMS refuses a key policy naming an IAM role that does not exist (MalformedPolicyDocumentException,
    "Policy contains a statement with one or more invalid principals"); moto accepts anything. Only role
    ARNs of this account are checked: the case a fresh account hits (AWSServiceRoleForAutoScaling)."""
    import json

    from moto.core.exceptions import JsonRESTError
    from moto.iam.models import iam_backends
    from moto.kms.responses import KmsResponse

    def refuse_missing_roles(self: Any) -> None:
        policy = self._get_param("Policy")
        if not policy:
            return
        try:
            statements = json.loads(policy).get("Statement", [])
        except ValueError:
            raise JsonRESTError("MalformedPolicyDocumentException", "The policy is not valid JSON.") from None
        iam = iam_backends[self.current_account]["global"]
        for statement in statements if isinstance(statements, list) else [statements]:
            principals = (statement.get("Principal") or {}) if isinstance(statement.get("Principal"), dict) else {}
            arns = principals.get("AWS", [])
            for arn in [arns] if isinstance(arns, str) else arns:
                parts = arn.split(":")
                ours = len(parts) == 6 and parts[2] == "iam" and parts[4] == self.current_account and parts[5].startswith("role/")
                if ours and not any(role.arn == arn for role in iam.roles.values()):
                    raise JsonRESTError("MalformedPolicyDocumentException",
                                        "Policy contains a statement with one or more invalid principals.")

    for name in ("create_key", "put_key_policy"):
        original = getattr(KmsResponse, name)

        def wrapped(self: Any, _original: Any = original) -> Any:
            refuse_missing_roles(self)
            return _original(self)

        wrapped.__name__ = name
        setattr(KmsResponse, name, wrapped)


def _security_group_rule_descriptions() -> None:
    """DescribeSecurityGroupRules returns the Description of rules that reference a security group (moto
    reads it only from CIDR ranges, so every re-plan wants to set it again, and applying that update fails
    in moto for protocol -1)."""
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get("Description")

    SecurityGroupRule.description = property(description)  # type: ignore[assignment, method-assign]


def _route53_delete_matches_names_as_dns_does() -> None:
    """ChangeResourceRecordSets: DELETE matches names as DNS does (moto compares them literally; names are the
    same with or without the final dot and in any case, Route 53 developer guide "DNS domain name format"),
    and CREATE is refused exactly when a record of that name and type exists."""
    from moto.route53.models import FakeZone

    def _same(a: str, b: str) -> bool:
        return a.rstrip(".").lower() == b.rstrip(".").lower()

    def delete_rrset(self: Any, rrset: dict[str, Any]) -> None:
        self.rrsets = [
            record_set for record_set in self.rrsets
            if not _same(record_set.name, rrset["Name"])
            or (rrset.get("Type") is not None and record_set.type != rrset["Type"])
        ]

    FakeZone.delete_rrset = delete_rrset  # type: ignore[method-assign]

    # CREATE: AWS refuses it only when a record of that name and type exists. moto refuses a CREATE that
    # repeats any earlier one in the zone's change journal whenever any record sorts at or after the name,
    # so re-creating a record after deleting it (the migration rollback) failed with "already exists".
    from moto.route53.exceptions import ResourceRecordAlreadyExists
    from moto.route53.models import Route53Backend

    original_change = Route53Backend.change_resource_record_sets

    def change_resource_record_sets(self: Any, zoneid: str, change_list: list[dict[str, Any]]) -> None:
        zone = self.get_hosted_zone(zoneid)
        for change in change_list:
            record = change.get("ResourceRecordSet") or {}
            if change.get("Action") != "CREATE" or record.get("SetIdentifier"):
                continue
            if any(_same(r.name, record["Name"]) and r.type == record.get("Type") for r in zone.rrsets):
                raise ResourceRecordAlreadyExists(name=record["Name"].rstrip(".") + ".", _type=record.get("Type"))
            change["Action"] = "UPSERT"  # no such record: the same as CREATE, without moto's journal check
        return original_change(self, zoneid, change_list)

    Route53Backend.change_resource_record_sets = change_resource_record_sets  # type: ignore[method-assign]


def _eks_update_cluster_config() -> None:
    """EKS UpdateClusterConfig answers with an ``update`` (UpdateClusterConfig API reference); moto answers with
    the cluster, and the provider, which waits on the update id, crashes. moto also replaces the whole
    resourcesVpcConfig with the request's, dropping the vpcId and cluster security group EKS keeps."""
    from moto.core.responses import ActionResult
    from moto.eks.responses import EKSResponse

    def update_cluster_config(self: Any) -> ActionResult:
        name = self._get_param("name")
        cluster = self.eks_backend.describe_cluster(name=name)
        params = []
        vpc = self._get_param("resourcesVpcConfig")
        if vpc:
            cluster.resources_vpc_config = {**(cluster.resources_vpc_config or {}), **vpc}
            params.append({"type": "EndpointPublicAccess", "value": str(vpc.get("endpointPublicAccess"))})
        for key, attr in (("logging", "logging"), ("kubernetesNetworkConfig", "kubernetes_network_config"),
                          ("accessConfig", "access_config")):
            value = self._get_param(key)
            if value:
                setattr(cluster, attr, {**(getattr(cluster, attr, None) or {}), **value})
                params.append({"type": key, "value": str(value)})
        kind = "LoggingUpdate" if self._get_param("logging") else "ConfigUpdate"
        return ActionResult({"update": {"id": str(uuid.uuid4()), "status": "Successful", "type": kind,
                                        "params": params, "createdAt": datetime.now(UTC), "errors": []}})

    EKSResponse.update_cluster_config = update_cluster_config  # type: ignore[method-assign]


def _eks_tags_of_shim_objects() -> None:
    """EKS TagResource / UntagResource / ListTagsForResource for addons and access entries (moto tags clusters
    only and answers NotFound for the objects the shims above create; EKS tags both)."""
    from moto.eks.models import EKSBackend

    original_tag, original_untag, original_list = (
        EKSBackend.tag_resource, EKSBackend.untag_resource, EKSBackend.list_tags_for_resource)

    def tag_resource(self: Any, resource_arn: str, tags: dict[str, str]) -> None:
        obj = _EKS_SHIM_OBJECTS.get(resource_arn)
        if obj is None:
            return original_tag(self, resource_arn, tags)
        obj["tags"] = {**(obj.get("tags") or {}), **tags}

    def untag_resource(self: Any, resource_arn: str, tag_keys: list[str]) -> None:
        obj = _EKS_SHIM_OBJECTS.get(resource_arn)
        if obj is None:
            return original_untag(self, resource_arn, tag_keys)
        keys = tag_keys if isinstance(tag_keys, list) else [tag_keys]
        obj["tags"] = {k: v for k, v in (obj.get("tags") or {}).items() if k not in keys}

    def list_tags_for_resource(self: Any, resource_arn: str) -> dict[str, str]:
        obj = _EKS_SHIM_OBJECTS.get(resource_arn)
        return original_list(self, resource_arn) if obj is None else dict(obj.get("tags") or {})

    EKSBackend.tag_resource = tag_resource  # type: ignore[method-assign]
    EKSBackend.untag_resource = untag_resource  # type: ignore[method-assign]
    EKSBackend.list_tags_for_resource = list_tags_for_resource  # type: ignore[method-assign]


def _rds_modify_iam_auth() -> None:
    """ModifyDBCluster EnableIAMDatabaseAuthentication takes effect (moto stores the flag under another name than
    the one DescribeDBClusters reads, so enabling IAM auth on an adopted cluster never showed)."""
    from moto.rds.models import DBCluster

    def iam_database_authentication_enabled(self: Any) -> bool:
        flag = self.__dict__.get("enable_iam_database_authentication")
        return bool(self.iam_auth if flag is None else flag)

    DBCluster.iam_database_authentication_enabled = property(iam_database_authentication_enabled)  # type: ignore[assignment, method-assign]


def _rds_cluster_rename() -> None:
    """ModifyDBCluster NewDBClusterIdentifier renames the cluster as RDS does (docs/backup-and-alarms.md, "Restore":
    the restored cluster takes the old one's name): its instances stay its members (moto left them naming the
    old identifier, so the renamed cluster lost its writer), and the cluster endpoint follows the name only:
    ``<name>.cluster-<id>.<region>.rds.amazonaws.com``, where ``<id>`` is one per account and Region in RDS
    (moto drew one per cluster, so a restored cluster renamed into place got another host)."""
    import hashlib

    from moto.rds.models import DBCluster, RDSBackend

    original_init = DBCluster.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.url_identifier = hashlib.sha256(f"{self.account_id}/{self.region}".encode()).hexdigest()[:12]

    original_modify = RDSBackend.modify_db_cluster

    def modify_db_cluster(self: Any, kwargs: dict[str, Any]) -> Any:
        old, new = kwargs["db_cluster_identifier"], kwargs.get("new_db_cluster_identifier")
        members = [db for db in self.databases.values() if getattr(db, "db_cluster_identifier", None) == old.lower()]
        result = original_modify(self, kwargs)
        if new:
            for db in members:
                db.db_cluster_identifier = new.lower()
        return result

    DBCluster.__init__ = __init__  # type: ignore[method-assign]
    RDSBackend.modify_db_cluster = modify_db_cluster  # type: ignore[method-assign]


def _cloudtrail_bucket_policy() -> None:
    """CloudTrail CreateTrail refuses a bucket whose policy does not let cloudtrail.amazonaws.com call
    s3:GetBucketAcl and s3:PutObject (InsufficientS3BucketPolicyException, "Incorrect S3 bucket policy is
    detected for bucket: <name>"), and an aws:SourceArn condition naming another trail does not count
    (CloudTrail User Guide "Amazon S3 bucket policy for CloudTrail"); moto only checks that the bucket exists."""
    import json

    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError
    from moto.s3.models import s3_backends

    def allows(statement: dict[str, Any], action: str, trail_arn: str) -> bool:
        if statement.get("Effect") != "Allow":
            return False
        principal = statement.get("Principal") or {}
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        if "cloudtrail.amazonaws.com" not in ([services] if isinstance(services, str) else services):
            return False
        actions = statement.get("Action", [])
        if action not in ([actions] if isinstance(actions, str) else actions) and "s3:*" not in actions:
            return False
        for test in (statement.get("Condition") or {}).values():
            source = test.get("aws:SourceArn") if isinstance(test, dict) else None
            if source is not None and trail_arn not in ([source] if isinstance(source, str) else source):
                return False
        return True

    original = CloudTrailResponse.create_trail

    def create_trail(self: Any) -> Any:
        bucket = self._get_param("S3BucketName")
        trail_arn = f"arn:aws:cloudtrail:{self.region}:{self.current_account}:trail/{self._get_param('Name')}"
        policy = None
        with contextlib.suppress(Exception):  # no such bucket, or no policy: CloudTrail's own error follows
            policy = s3_backends[self.current_account]["global"].get_bucket_policy(bucket)
        if policy is not None or bucket in s3_backends[self.current_account]["global"].buckets:
            statements = json.loads(policy).get("Statement", []) if policy else []
            statements = statements if isinstance(statements, list) else [statements]
            for action in ("s3:GetBucketAcl", "s3:PutObject"):
                if not any(allows(st, action, trail_arn) for st in statements):
                    raise JsonRESTError("InsufficientS3BucketPolicyException",
                                        f"Incorrect S3 bucket policy is detected for bucket: {bucket}")
        return original(self)

    CloudTrailResponse.create_trail = create_trail  # type: ignore[method-assign]


def _backup_selections() -> None:
    """AWS Backup CreateBackupSelection / GetBackupSelection / DeleteBackupSelection (moto 5 has plans and vaults
    only). A selection belongs to an existing plan (ResourceNotFoundException otherwise) and its IamRoleArn must be
    an IAM role ARN (InvalidParameterValueException), as AWS Backup answers; the rest is stored as sent."""
    import json
    import re
    import time as _time

    from moto.backup.responses import BackupResponse
    from moto.core.exceptions import JsonRESTError

    selections: dict[tuple[str, str, str], dict[str, Any]] = {}

    def key(self: Any, selection_id: str) -> tuple[str, str, str]:
        return (self.current_account, self._get_param("BackupPlanId"), selection_id)

    def create_backup_selection(self: Any) -> str:
        plan_id = self._get_param("BackupPlanId")
        self.backup_backend.get_backup_plan(backup_plan_id=plan_id, version_id=None)  # refuses an unknown plan
        selection = self._get_param("BackupSelection") or {}
        if not re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/.+", selection.get("IamRoleArn", "")):
            raise JsonRESTError("InvalidParameterValueException", "IamRoleArn must be the ARN of an IAM role")
        selection_id = str(uuid.uuid4())
        created = _time.time()
        selections[key(self, selection_id)] = {"BackupSelection": selection, "SelectionId": selection_id,
                                               "BackupPlanId": plan_id, "CreationDate": created}
        return json.dumps({"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": created})

    def get_backup_selection(self: Any) -> str:
        found = selections.get(key(self, self._get_param("SelectionId")))
        if found is None:
            raise JsonRESTError("ResourceNotFoundException", "Backup selection not found")
        return json.dumps(found)

    def delete_backup_selection(self: Any) -> str:
        selections.pop(key(self, self._get_param("SelectionId")), None)
        return "{}"

    BackupResponse.create_backup_selection = create_backup_selection  # type: ignore[attr-defined]
    BackupResponse.get_backup_selection = get_backup_selection  # type: ignore[attr-defined]
    BackupResponse.delete_backup_selection = delete_backup_selection  # type: ignore[attr-defined]


def _json_targets_by_service_shape_name() -> None:
    """Route a JSON-protocol request whose ``X-Amz-Target`` names the service by its Smithy shape name only.

    Why (moto 5.2.6, the 404 on CreateTrail): moto 5.2.6 routes JSON-protocol requests by looking the
    ``X-Amz-Target`` header up as ``<botocore targetPrefix>.<Operation>`` exactly (moto.core.routing.JSONRouter;
    5.2.5 took the text after the last dot). botocore's CloudTrail model names the prefix
    ``com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101``, while aws-sdk-go-v2's CloudTrail client (the
    AWS provider 5.100.0 bundles api/cloudtrail 1.49.1) sends ``CloudTrail_20131101.CreateTrail``, the shape
    name without its namespace. CloudTrail accepts both; moto 5.2.6 found no operation and answered 404 with an
    empty body ("api error UnknownError"). This accepts a target whose prefix is the trailing dot-separated part
    of the model's targetPrefix, as AWS does, and nothing else (an unknown operation still finds nothing)."""
    from moto.core import routing

    if not hasattr(routing, "JSONRouter"):  # moto < 5.2.6 routes by the operation name after the last dot
        return
    original = routing.JSONRouter._match

    def _match(self: Any, request: Any) -> Any:
        operation, params = original(self, request)
        target = request.headers.get("X-Amz-Target", "")
        prefix, _, name = target.rpartition(".")
        full = self.service_model.metadata.get("targetPrefix") or ""
        if operation is None and prefix and full.endswith("." + prefix) and name in self.service_model.operation_names:
            operation = self.service_model.operation_model(name)
        return operation, params

    routing.JSONRouter._match = _match


def _s3_transition_minimum_object_size() -> None:
    """S3 keeps a lifecycle configuration's ``x-amz-transition-default-minimum-object-size`` (PutBucketLifecycle-
    Configuration) and returns it on GetBucketLifecycleConfiguration (S3 API reference; default
    ``all_storage_classes_128K``); moto 5 drops it and always answers the default, so a configuration asking for
    ``varies_by_storage_class`` (the audit trail's log bucket, issue 25 item 9) would re-plan forever."""
    from moto.s3.responses import S3Response

    header = "x-amz-transition-default-minimum-object-size"
    sizes: dict[tuple[str, str], str] = {}
    put, get = S3Response._bucket_response_put, S3Response.get_bucket_lifecycle

    def bucket_put(self: Any, request: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
        result = put(self, request, bucket_name, querystring)
        if "lifecycle" in querystring:
            sizes[(self.current_account, bucket_name)] = request.headers.get(header, "all_storage_classes_128K")
        return result

    def get_lifecycle(self: Any) -> Any:
        status, headers, body = get(self)
        headers[header] = sizes.get((self.current_account, self.bucket_name), "all_storage_classes_128K")
        return status, headers, body

    S3Response._bucket_response_put = bucket_put  # type: ignore[method-assign]
    S3Response.get_bucket_lifecycle = get_lifecycle  # type: ignore[method-assign]


RDS_PASSWORDS_PATH = "/moto-api/emulator/rds-master-passwords"


def _rds_master_password_readable() -> None:
    """Let the tests read the master passwords the emulated RDS holds (GET ``/moto-api/emulator/rds-master-passwords``:
    ``{cluster id: password}``), to check that each is the one our secret holds (issue 25 item 3). No AWS API returns
    a password, and no other response of the emulator does either."""
    import json

    from moto.moto_api._internal import urls
    from moto.rds.models import rds_backends

    def passwords(request: Any, full_url: str, headers: Any) -> Any:
        found = {cid: getattr(cluster, "_master_user_password", None)
                 for _, _, backend in rds_backends.iter_backends() for cid, cluster in backend.clusters.items()}
        return 200, {"Content-Type": "application/json"}, json.dumps(found)

    urls.url_paths["{0}" + RDS_PASSWORDS_PATH + "$"] = passwords


def _eks_node_group_scaling_limits() -> None:
    """EKS UpdateNodegroupConfig refuses a scaling config whose minimum exceeds the (live) desired size, or whose
    desired size exceeds the maximum (InvalidParameterException, "Minimum capacity 2 can't be greater than desired
    size 1"; terraform-aws-wandb#201); moto 5 stores anything. Issue 25 item 6."""
    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.models import EKSBackend

    original = EKSBackend.update_nodegroup_config

    def update_nodegroup_config(self: Any, cluster_name: str, nodegroup_name: str, *args: Any, **kwargs: Any) -> Any:
        cluster = self.clusters.get(cluster_name)
        nodegroup = cluster.nodegroups.get(nodegroup_name) if cluster is not None else None
        if nodegroup is not None and kwargs.get("scaling_config"):
            merged = {**nodegroup.scaling_config, **kwargs["scaling_config"]}
            low, desired, high = merged.get("minSize", 0), merged.get("desiredSize", 0), merged.get("maxSize", 0)
            if low > desired:
                raise InvalidParameterException(clusterName=cluster_name, nodegroupName=nodegroup_name,
                                                message=f"Minimum capacity {low} can't be greater than desired size {desired}")
            if desired > high:
                raise InvalidParameterException(clusterName=cluster_name, nodegroupName=nodegroup_name,
                                                message=f"Desired capacity {desired} can't be greater than max size {high}")
        return original(self, cluster_name, nodegroup_name, *args, **kwargs)

    EKSBackend.update_nodegroup_config = update_nodegroup_config  # type: ignore[method-assign]


def _eks_node_group_architecture() -> None:
    """EKS CreateNodegroup refuses instance types of another architecture than the AMI type's
    (InvalidParameterException, "[m7g.large] is not a valid instance type for requested amiType
    AL2023_x86_64_STANDARD"); moto 5 stores anything. The architecture is read from the type's name as EC2's
    naming conventions define it (EC2 DescribeInstanceTypes would say arm64): a g right after the generation
    digits (m7g, c7gn, x2gd, im4gn, is4gen) or a1 is AWS Graviton. Issue 25 item 7."""
    import re

    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.models import EKSBackend

    graviton = re.compile(r"^(a1|[a-z]+\d+g[a-z]*)\.")
    original = EKSBackend.create_nodegroup

    def create_nodegroup(self: Any, cluster_name: str, node_role: str, nodegroup_name: str, *args: Any,
                         **kwargs: Any) -> Any:
        ami_type = kwargs.get("ami_type") or "AL2_x86_64"
        x86 = "x86_64" in ami_type
        wrong = [t for t in kwargs.get("instance_types") or [] if bool(graviton.match(t)) == x86]
        if wrong and (x86 or "ARM" in ami_type):
            raise InvalidParameterException(clusterName=cluster_name, nodegroupName=nodegroup_name,
                                            message=f"[{', '.join(wrong)}] is not a valid instance type for requested "
                                                    f"amiType {ami_type}")
        return original(self, cluster_name, node_role, nodegroup_name, *args, **kwargs)

    EKSBackend.create_nodegroup = create_nodegroup  # type: ignore[method-assign]


def _acm_certificate_in_use() -> None:
    """ACM DeleteCertificate refuses a certificate a load balancer listener still uses (ResourceInUseException,
    "Certificate ... in use by arn:aws:elasticloadbalancing:..."; ACM API reference, DeleteCertificate); moto 5
    deletes it. The post-operator rename (issue 25 item 5: the controller's ALB keeps the old certificate until the
    operator stack moves it) fails exactly there on AWS."""
    from moto.acm.exceptions import ACMException
    from moto.acm.models import AWSCertificateManagerBackend
    from moto.elbv2.models import elbv2_backends

    class ResourceInUse(ACMException):
        code = "ResourceInUseException"

    original = AWSCertificateManagerBackend.delete_certificate

    def delete_certificate(self: Any, arn: str) -> None:
        for lb in elbv2_backends[self.account_id][self.region_name].load_balancers.values():
            for listener in lb.listeners.values():
                if arn in (listener.certificates or []) or arn == listener.certificate:
                    raise ResourceInUse(f"Certificate {arn} in use by {lb.arn}")
        original(self, arn)

    AWSCertificateManagerBackend.delete_certificate = delete_certificate  # type: ignore[method-assign]


# S3 API operation -> the IAM action AWS authorizes it with (Amazon S3 User Guide, "Required permissions for Amazon S3
# API operations"), for the operations the AWS provider sends for our stacks. moto 5.2.6 checks S3 requests against
# "s3:<operation name>", which is no IAM action for most bucket sub-resources.
S3_IAM_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "HeadObject": "GetObject",
    "DeleteObjects": "DeleteObject",
    "ListBuckets": "ListAllMyBuckets",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketReplication": "GetReplicationConfiguration",
    "PutBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
    "DeleteBucketTagging": "PutBucketTagging",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
    "PutBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "GetBucketAnalyticsConfiguration": "GetAnalyticsConfiguration",
    "GetBucketMetricsConfiguration": "GetMetricsConfiguration",
    "GetBucketInventoryConfiguration": "GetInventoryConfiguration",
    "PutBucketInventoryConfiguration": "PutInventoryConfiguration",
}
# The SigV4 signing name of a service whose IAM prefix differs (Service Authorization Reference): moto 5.2.6 takes
# the action's prefix from the credential scope.
IAM_PREFIX_OF_SIGNING_NAME = {"monitoring": "cloudwatch"}
AUTH_DENIED_LOG_PREFIX = "emulator-auth denied:"
AUTH_ALLOWED_LOG_PREFIX = "emulator-auth allowed:"


def _iam_enforcement_as_aws_names_it() -> None:
    """Make moto's IAM enforcement (``POST /moto-api/reset-auth``; off unless a test turns it on) check what AWS
    checks, for the deployer-policy scenario (tests/test_deployer_policy_emulator.py):

    - the action AWS authorizes: ``cloudwatch:PutMetricAlarm``, not the signing name ``monitoring:``; for S3 the
      IAM action of ``S3_IAM_ACTIONS`` (``s3:PutLifecycleConfiguration``), not the API operation's name;
    - the signature over the body the client signed: moto 5.2.6 signs ``body or data`` again, and for a request
      with neither body nor query string ``data`` is the request's *headers*, so every bodiless GET of a REST
      service (EKS DescribeCluster, EFS DescribeFileSystems, Route 53 GetHostedZone, ...) failed with
      SignatureDoesNotMatch whatever the credentials. A form-encoded (query protocol) body is still re-encoded
      from ``data``, as moto does, since the WSGI layer consumed it;
    - a refusal in the service's protocol: moto 5.2.6 answers EC2's XML error to every service, which a JSON client
      (aws-sdk-go-v2's EKS, EFS, KMS, ...) cannot decode ("invalid character '<'") and a query or REST-XML one (RDS,
      IAM, Route 53) reads as "UnknownError"; AWS answers the JSON services ``{"__type": "AccessDeniedException",
      "message": "User: ... is not authorized to perform: eks:DescribeCluster"}`` and the others
      ``<ErrorResponse><Error><Code>AccessDenied</Code>...``.

    Every decision is printed to the server log: ``emulator-auth allowed|denied: <principal> <action> <resource>``."""
    from botocore.awsrequest import AWSRequest
    from moto.iam import access_control

    base = access_control.IAMRequestBase
    original_init = base.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        service, _, action = self._action.partition(":")
        if service == "s3":
            action = S3_IAM_ACTIONS.get(action, action)
        self._action = f"{IAM_PREFIX_OF_SIGNING_NAME.get(service, service)}:{action}"

    def _create_aws_request(self: Any) -> AWSRequest:
        signed = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
        headers = self._create_headers_for_aws_request(signed, self._headers)
        form = (self._headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded")
        data = self._body if self._body else (self._data if form else b"")
        request = AWSRequest(method=self._method, url=self._path, data=data, headers=headers)
        request.context["timestamp"] = headers["X-Amz-Date"]
        return request

    original_check = base.check_action_permitted
    one_line_at_a_time = threading.Lock()  # the server's threads would otherwise interleave the lines

    def log(prefix: str, arn: str, action: str, resource: str) -> None:
        with one_line_at_a_time:
            sys.stdout.write(f"{prefix} {arn} {action} {resource}\n")
            sys.stdout.flush()

    def check_action_permitted(self: Any, resource: str) -> None:
        arn = getattr(getattr(self, "_access_key", None), "arn", "?")
        try:
            original_check(self, resource)
        except Exception:
            log(AUTH_DENIED_LOG_PREFIX, arn, self._action, resource)
            raise
        log(AUTH_ALLOWED_LOG_PREFIX, arn, self._action, resource)

    from moto.core.exceptions import JsonRESTError, _RESTError
    from moto.core.responses import BaseResponse, get_service_model
    from xmltodict import unparse as xml_unparse

    authorize = BaseResponse._authenticate_and_authorize_normal_action

    def authorize_in_the_services_protocol(self: Any, resource: str = "*") -> None:
        try:
            authorize(self, resource)
        except _RESTError as refusal:
            protocol = get_service_model(self.boto3_service_name).protocol
            if protocol in ("query", "rest-xml"):  # <ErrorResponse><Error>, not EC2's <Response><Errors><Error>
                refusal.description = xml_unparse({"ErrorResponse": {
                    "Error": {"Type": "Sender", "Code": refusal.error_type, "Message": refusal.message},
                    "RequestId": str(uuid.uuid4())}}, full_document=True)
            if protocol not in ("json", "rest-json"):
                raise
            error = "AccessDeniedException" if refusal.error_type == "AccessDenied" else refusal.error_type
            in_json = JsonRESTError(error, refusal.message)
            in_json.code = refusal.code
            raise in_json from None

    base.__init__ = __init__  # type: ignore[method-assign]
    base._create_aws_request = _create_aws_request  # type: ignore[method-assign]
    base.check_action_permitted = check_action_permitted  # type: ignore[method-assign]
    BaseResponse._authenticate_and_authorize_normal_action = authorize_in_the_services_protocol  # type: ignore[method-assign]


def install_shims() -> None:
    _acm_certificate_in_use()
    _eks_node_group_architecture()
    _eks_node_group_scaling_limits()
    _rds_master_password_readable()
    _s3_transition_minimum_object_size()
    _json_targets_by_service_shape_name()
    _security_group_rule_descriptions()
    _eks_addons()
    _eks_addon_versions()
    _eks_version_updates()
    _kms_policy_principals()
    _eks_describe_update()
    _eks_cluster_security_group()
    _eks_access_config()
    _eks_access_entries()
    _eks_update_cluster_config()
    _eks_tags_of_shim_objects()
    _rds_modify_iam_auth()
    _rds_cluster_rename()
    _elbv2_rules()
    _privatelink_rules()
    _route53_acm_validation_in_private_zone()
    _route53_delete_matches_names_as_dns_does()
    _eks_node_group_autoscaling_groups()
    _efs_backup_policy()
    _logs_associate_kms_key()
    _route53_zone_ids()
    _cloudtrail_bucket_policy()
    _backup_selections()
    _iam_enforcement_as_aws_names_it()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    install_shims()
    from moto import server

    server.main(["-H", args.host, "-p", str(args.port)])


if __name__ == "__main__":
    main(sys.argv[1:])
