output "vm_address" {
  description = "Public IP of the course VM."
  value       = aws_instance.course.public_ip
}

output "jupyter_url" {
  description = "JupyterLab on the VM (token: `ssh ubuntu@ADDRESS /opt/mlopslab/.venv/bin/jupyter server list`)."
  value       = "http://${aws_instance.course.public_ip}:${var.jupyter_port}"
}

output "mlflow_url" {
  description = "MLflow tracking server on the VM."
  value       = "http://${aws_instance.course.public_ip}:${var.mlflow_port}"
}

output "bucket" {
  description = "S3 bucket for DVC and MLflow artifacts."
  value       = "s3://${aws_s3_bucket.artifacts.bucket}"
}

output "ssh" {
  description = "SSH command for the course VM."
  value       = "ssh ubuntu@${aws_instance.course.public_ip}"
}

output "tags" {
  description = "owner, course and expires, as set on every resource."
  value       = local.tags
}
