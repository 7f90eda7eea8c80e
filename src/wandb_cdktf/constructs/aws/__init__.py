"""AWS constructs for W&B self-managed infrastructure (one construct per module).

Import what you need; provider bindings load lazily on first use::

    from wandb_cdktf.constructs.aws import FileStorage, FileStorageProps

Constructs that exist on several clouds are named ``<Cloud><Thing>`` (``AwsByobBucket``,
``GcpByobBucket``, ``AzureByobStorage``; ``AwsLaunchAgent``, ``GcpLaunchAgent``, ``AzureLaunchAgent``), one
name per construct.
"""

from .byob_bucket import AwsByobBucket, AwsByobBucketProps
from .cluster import AccessPrincipal, Cluster, ClusterProps, NodeRole
from .context import AccountContext, account_context
from .database import Database, DatabaseProps
from .dns import Dns, DnsProps
from .efs import WeaveFileSystem, WeaveFileSystemProps
from .existing_cluster import ExistingCluster, ExistingClusterProps
from .existing_database import ExistingDatabase, ExistingDatabaseProps
from .file_storage import FileStorage, FileStorageProps
from .iam import Grant, Grantee, PolicyOwner, RoleRef
from .iam_defaults import IamDefaults, IamDefaultsProps, apply_iam_defaults
from .irsa import IrsaRole, IrsaRoleProps
from .key import Key, KeyProps
from .launch_agent import AwsLaunchAgent, AwsLaunchAgentProps
from .load_balancer import LoadBalancer, LoadBalancerProps
from .network import Network, NetworkProps
from .private_link import PrivateLink, PrivateLinkProps
from .private_link_registration import PrivateLinkRegistration, PrivateLinkRegistrationProps
from .redis import Redis, RedisProps
from .secrets import AppSecrets, AppSecretsProps

__all__ = [
    "AccessPrincipal",
    "AccountContext",
    "AppSecrets",
    "AppSecretsProps",
    "AwsByobBucket",
    "AwsByobBucketProps",
    "AwsLaunchAgent",
    "AwsLaunchAgentProps",
    "Cluster",
    "ClusterProps",
    "Database",
    "DatabaseProps",
    "Dns",
    "DnsProps",
    "ExistingCluster",
    "ExistingClusterProps",
    "ExistingDatabase",
    "ExistingDatabaseProps",
    "FileStorage",
    "FileStorageProps",
    "Grant",
    "Grantee",
    "IamDefaults",
    "IamDefaultsProps",
    "IrsaRole",
    "IrsaRoleProps",
    "Key",
    "KeyProps",
    "LoadBalancer",
    "LoadBalancerProps",
    "Network",
    "NetworkProps",
    "NodeRole",
    "PolicyOwner",
    "PrivateLink",
    "PrivateLinkProps",
    "PrivateLinkRegistration",
    "PrivateLinkRegistrationProps",
    "Redis",
    "RedisProps",
    "RoleRef",
    "WeaveFileSystem",
    "WeaveFileSystemProps",
    "account_context",
    "apply_iam_defaults",
]
