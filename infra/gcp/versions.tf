terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.12.0"
    }
  }
}

# Credentials come only from Application Default Credentials:
# `gcloud auth application-default login` (or GOOGLE_APPLICATION_CREDENTIALS pointing to a key
# file kept outside the repository). Nothing secret is a Terraform variable.
provider "google" {
  project = var.project
  region  = var.region
  zone    = var.zone

  default_labels = {
    owner   = var.owner
    course  = var.course
    expires = var.expires
  }
}
