"""AWS constructs for W&B self-managed infrastructure (one construct per module).

Import what you need; provider bindings load lazily on first use::

    from wandb_cdktf.constructs.aws import FileStorage, FileStorageProps
"""

from .byob_bucket import ByobBucket, ByobBucketProps
from .cluster import AccessPrincipal, Cluster, ClusterProps
from .context import AccountContext, account_context
from .database import Database, DatabaseProps
from .dns import Dns, DnsProps
from .efs import WeaveFileSystem, WeaveFileSystemProps
from .file_storage import FileStorage, FileStorageProps
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
    "AccessPrincipal", "AwsLaunchAgent", "AwsLaunchAgentProps", "ByobBucket", "ByobBucketProps", "AccountContext", "AppSecrets", "AppSecretsProps", "Cluster", "ClusterProps", "Database",
    "DatabaseProps", "Dns", "DnsProps", "FileStorage", "FileStorageProps", "IrsaRole", "IrsaRoleProps", "Key",
    "KeyProps", "LoadBalancer", "LoadBalancerProps", "Network", "NetworkProps", "PrivateLink", "PrivateLinkProps",
    "PrivateLinkRegistration", "PrivateLinkRegistrationProps", "Redis", "RedisProps",
    "WeaveFileSystem", "WeaveFileSystemProps", "account_context",
]
