# An existing terraform-aws-wandb style terraform.tfvars, pre-operator shape (ALB managed by Terraform).
# The license is NOT here: export TF_VAR_wandb_license=<license>.
namespace                 = "operator-upgrade"
domain_name               = "sandbox-aws.example.com"
zone_id                   = "Z032246913CW32RVRY0WU"
subdomain                 = "operator-upgrade"
allowed_inbound_cidr      = ["0.0.0.0/0"]
allowed_inbound_ipv6_cidr = ["::/0"]
eks_cluster_version       = "1.32"
size                      = "small"
deployment                = "pre-operator"
wandb_version             = "0.51.2"
