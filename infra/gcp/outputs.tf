output "vm_address" {
  description = "Public IP of the course VM."
  value       = google_compute_instance.course.network_interface[0].access_config[0].nat_ip
}

output "jupyter_url" {
  description = "JupyterLab on the VM (token: `ssh ubuntu@ADDRESS /opt/mlopslab/.venv/bin/jupyter server list`)."
  value       = "http://${google_compute_instance.course.network_interface[0].access_config[0].nat_ip}:${var.jupyter_port}"
}

output "mlflow_url" {
  description = "MLflow tracking server on the VM."
  value       = "http://${google_compute_instance.course.network_interface[0].access_config[0].nat_ip}:${var.mlflow_port}"
}

output "bucket" {
  description = "Cloud Storage bucket for DVC and MLflow artifacts."
  value       = "gs://${google_storage_bucket.artifacts.name}"
}

output "ssh" {
  description = "SSH command for the course VM."
  value       = "ssh ubuntu@${google_compute_instance.course.network_interface[0].access_config[0].nat_ip}"
}

output "tags" {
  description = "owner, course and expires, as set on every resource."
  value       = local.labels
}
