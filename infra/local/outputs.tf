output "vm_address" {
  description = "Address of the course machine (this one)."
  value       = var.host
}

output "jupyter_url" {
  description = "Where `make jupyter` serves JupyterLab on this machine."
  value       = "http://${var.host}:${var.jupyter_port}"
}

output "mlflow_url" {
  description = "URL of the MLflow tracking server started by `mlopslab stack up`."
  value       = "http://${var.host}:${var.mlflow_port}"
  depends_on  = [terraform_data.stack]
}

output "bucket" {
  description = "The folder standing in for the object store."
  value       = "file://${terraform_data.bucket.output.path}"
}

output "ssh" {
  description = "How to reach the machine (no SSH needed locally)."
  value       = "local shell"
}

output "tags" {
  description = "owner, course and expires, as the cloud targets label their resources."
  value       = local.tags
}
