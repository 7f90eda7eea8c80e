"""Workload identity federation: what an Azure federated identity credential is issued for.

Shared by ``AzureByobStorage`` (W&B's service account reaching the storage account) and
``AzureLaunchAgent`` (the agent's Kubernetes service account).
"""

from __future__ import annotations

# The audience Microsoft Entra ID expects in the external token ("api://AzureADTokenExchange" is the
# recommended value for federated identity credentials, Microsoft Entra workload ID docs).
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
