output "vm_address" {
  description = "Floating IP of the course VM."
  value       = openstack_networking_floatingip_v2.course.address
}

output "jupyter_url" {
  description = "JupyterLab on the VM (token: `ssh cc@ADDRESS /opt/mlopslab/.venv/bin/jupyter server list`)."
  value       = "http://${openstack_networking_floatingip_v2.course.address}:${var.jupyter_port}"
}

output "mlflow_url" {
  description = "MLflow tracking server on the VM."
  value       = "http://${openstack_networking_floatingip_v2.course.address}:${var.mlflow_port}"
}

output "bucket" {
  description = "Swift container for DVC and MLflow artifacts."
  value       = "swift://${openstack_objectstorage_container_v1.artifacts.name}"
}

output "ssh" {
  description = "SSH command for the course VM."
  value       = "ssh cc@${openstack_networking_floatingip_v2.course.address}"
}

output "gpu_address" {
  description = "Fixed (private) address of the optional GPU node; null without one. Reach it through the course VM."
  value       = contains(keys(openstack_compute_instance_v2.node), "gpu") ? openstack_compute_instance_v2.node["gpu"].access_ip_v4 : null
}

output "tags" {
  description = "owner, course and expires, as set on every resource."
  value       = local.labels
}
