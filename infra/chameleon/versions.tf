terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "= 3.0.0"
    }
  }
}

# Credentials come only from OpenStack's standard sources: the `cloud` entry of clouds.yaml
# (./clouds.yaml, ~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml), or the OS_*
# variables of an openrc file (`source CHI-xxxx-openrc.sh`). Nothing secret is a Terraform variable.
provider "openstack" {
  cloud = var.os_cloud != "" ? var.os_cloud : null
}
