"""Reusable CDKTF constructs, one per file, grouped per cloud (aws, gcp, azure, kubernetes)."""
