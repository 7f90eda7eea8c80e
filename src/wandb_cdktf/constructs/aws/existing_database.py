"""ExistingDatabase: a MySQL database someone else runs (typically Aurora MySQL 8), for W&B to use.

No RDS resource is created. W&B connects to ``host:port/database_name`` as ``username``, with the
``password`` key of a Secrets Manager secret (the JSON form RDS-managed master secrets have), which
the app/operator stacks read at plan time, so it never appears in the synthesized JSON. When the
database's security group is given, the EKS nodes are admitted on the port; otherwise that rule is
the database owner's. The attribute names are those of
:class:`~wandb_cdktf.constructs.aws.database.Database`, so the stacks use either.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .security_groups import allow_port_from_groups


@dataclass(frozen=True)
class ExistingDatabaseProps:
    host: str
    """Endpoint (writer) of the database. Required."""
    secret_arn: str
    """Secrets Manager secret whose JSON ``password`` W&B connects with. Required."""
    database_name: str = "wandb_local"
    """Schema W&B uses (it must exist, or the user must be allowed to create it). Default: wandb_local."""
    username: str = "wandb"
    """Default: wandb."""
    port: int = 3306
    """Default: 3306."""
    security_group_id: str | None = None
    """The database's security group; given, each of ``allowed_security_group_ids`` gets an ingress rule
    on ``port``. Default: None (no rule is created)."""
    allowed_security_group_ids: tuple[str, ...] = ()
    """Security groups admitted when ``security_group_id`` is given (the EKS nodes). Default: ()."""

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError("ExistingDatabaseProps.port must be 1..65535")


class ExistingDatabase(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: ExistingDatabaseProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        if props.security_group_id:
            allow_port_from_groups(self, props.security_group_id, props.port, props.allowed_security_group_ids,
                                   "MySQL from the W&B EKS nodes")

    @property
    def endpoint(self) -> str:
        return self.props.host

    @property
    def port(self) -> int:
        return self.props.port

    @property
    def master_user_secret_arn(self) -> str:
        """The given secret (the name matches ``Database``'s, which the stacks read the password from)."""
        return self.props.secret_arn

    @property
    def database_name(self) -> str:
        return self.props.database_name

    @property
    def master_username(self) -> str:
        return self.props.username
