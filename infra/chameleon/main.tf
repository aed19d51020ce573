locals {
  labels = {
    owner   = var.owner
    course  = var.course
    expires = var.expires
  }
  tag_list = [for k, v in local.labels : "${k}=${v}"]
  ports    = { ssh = 22, jupyter = var.jupyter_port, mlflow = var.mlflow_port }
  nodes = merge(
    { vm = { image = var.image_name, reservation = var.reservation_id } },
    var.gpu_reservation_id == "" ? {} : { gpu = { image = var.gpu_image_name, reservation = var.gpu_reservation_id } },
  )
  user_data = templatefile("${path.module}/../cloud-init/course.yaml.tftpl", {
    user                  = "cc"
    target                = "chameleon"
    repo_url              = var.repo_url
    repo_ref              = var.repo_ref
    jupyter_port          = var.jupyter_port
    mlflow_port           = var.mlflow_port
    artifacts_destination = "/opt/mlopslab/.mlopslab/mlflow/artifacts"
    owner                 = var.owner
    course                = var.course
    expires               = var.expires
  })
}

resource "openstack_compute_keypair_v2" "course" {
  name       = "${var.name_prefix}-key"
  public_key = var.ssh_public_key
}

resource "openstack_networking_secgroup_v2" "course" {
  name                 = "${var.name_prefix}-sg"
  description          = "mlopslab course VM: SSH, JupyterLab and MLflow from ${var.allowed_cidr} only"
  delete_default_rules = false
  tags                 = local.tag_list
}

resource "openstack_networking_secgroup_rule_v2" "ingress" {
  for_each          = local.ports
  description       = "${each.key} from the allowed network only"
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = each.value
  port_range_max    = each.value
  remote_ip_prefix  = var.allowed_cidr
  security_group_id = openstack_networking_secgroup_v2.course.id
}

# The course VM, and the GPU node when a second reservation is given.
resource "openstack_compute_instance_v2" "node" {
  for_each        = local.nodes
  name            = "${var.name_prefix}-${each.key}"
  image_name      = each.value.image
  flavor_name     = var.flavor_name
  key_pair        = openstack_compute_keypair_v2.course.name
  security_groups = [openstack_networking_secgroup_v2.course.name]
  user_data       = local.user_data
  metadata        = merge(local.labels, { role = each.key })
  tags            = concat(local.tag_list, ["role=${each.key}"])

  network {
    name = var.network_name
  }

  scheduler_hints {
    additional_properties = {
      reservation = each.value.reservation
    }
  }
}

resource "openstack_networking_floatingip_v2" "course" {
  pool        = var.floating_ip_pool
  description = "mlopslab course VM of ${var.owner}, expires ${var.expires}"
  tags        = local.tag_list
}

data "openstack_networking_port_v2" "course" {
  device_id = openstack_compute_instance_v2.node["vm"].id
}

resource "openstack_networking_floatingip_associate_v2" "course" {
  floating_ip = openstack_networking_floatingip_v2.course.address
  port_id     = data.openstack_networking_port_v2.course.id
}

# Object store container (Swift) for the DVC remote and MLflow artifact copies.
resource "openstack_objectstorage_container_v1" "artifacts" {
  name          = "${var.name_prefix}-artifacts"
  metadata      = local.labels
  force_destroy = true
}
