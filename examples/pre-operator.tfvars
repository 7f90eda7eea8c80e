# An existing terraform-aws-wandb style terraform.tfvars, pre-operator shape (ALB managed by Terraform).
# The license is NOT here: export TF_VAR_wandb_license=<license>.
namespace                 = "operator-upgrade"
domain_name               = "sandbox-aws.example.com"
zone_id                   = "Z032246913CW32RVRY0WU"
subdomain                 = "operator-upgrade"
allowed_inbound_cidr      = ["0.0.0.0/0"]
allowed_inbound_ipv6_cidr = ["::/0"]
eks_cluster_version       = "1.35"
size                      = "small"
deployment                = "pre-operator"
wandb_version             = "0.51.2"
# EKS API reachable from the machines that run `cdktf deploy` (replace with their egress CIDRs).
kubernetes_public_access       = true
kubernetes_public_access_cidrs = ["203.0.113.0/24"]
# Internet-facing ALB (v1.16.10: without public_access the ALB is internal, in the private subnets).
public_access = true
