terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "= 5.80.0"
    }
  }
}

# Credentials come only from AWS's standard chain: a named profile in ~/.aws/config
# (`aws configure sso` or `aws configure --profile NAME`), AWS_PROFILE, or the AWS_* variables.
# Nothing secret is a Terraform variable.
provider "aws" {
  region  = var.region
  profile = var.aws_profile != "" ? var.aws_profile : null

  default_tags {
    tags = {
      owner   = var.owner
      course  = var.course
      expires = var.expires
    }
  }
}
