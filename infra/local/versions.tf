# The local target needs no provider: terraform_data is built into Terraform itself (>= 1.4),
# so `terraform init` downloads nothing and works offline.
terraform {
  required_version = ">= 1.5.0, < 2.0.0"
}
