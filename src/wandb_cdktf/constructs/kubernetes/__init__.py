"""Kubernetes and Helm constructs: the W&B application (pre-operator) and the operator (post-operator)."""
