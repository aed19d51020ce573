locals {
  labels = {
    owner   = var.owner
    course  = var.course
    expires = var.expires
  }
  network_tag = "${var.name_prefix}-vm"
  user_data = templatefile("${path.module}/../cloud-init/course.yaml.tftpl", {
    user                  = "ubuntu"
    target                = "gcp"
    repo_url              = var.repo_url
    repo_ref              = var.repo_ref
    jupyter_port          = var.jupyter_port
    mlflow_port           = var.mlflow_port
    artifacts_destination = "gs://${google_storage_bucket.artifacts.name}/mlflow"
    owner                 = var.owner
    course                = var.course
    expires               = var.expires
  })
}

# The VM's identity: it reaches its bucket with this service account, so no key file is needed.
resource "google_service_account" "vm" {
  account_id   = "${var.name_prefix}-vm"
  display_name = "mlopslab course VM of ${var.owner}"
}

resource "google_storage_bucket" "artifacts" {
  name                        = "${var.project}-${var.name_prefix}-artifacts"
  location                    = var.region
  labels                      = local.labels
  force_destroy               = true
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 3
    }
    action {
      type = "Delete"
    }
  }
  #checkov:skip=CKV_GCP_62:access logs need a second bucket; a course bucket that lives a week does not warrant one
}

resource "google_storage_bucket_iam_member" "vm" {
  bucket = google_storage_bucket.artifacts.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.vm.email}"
}

resource "google_compute_firewall" "course" {
  name          = "${var.name_prefix}-ingress"
  network       = "default"
  description   = "mlopslab course VM: SSH, JupyterLab and MLflow from ${var.allowed_cidr} only"
  direction     = "INGRESS"
  source_ranges = [var.allowed_cidr]
  target_tags   = [local.network_tag]

  allow {
    protocol = "tcp"
    ports    = ["22", tostring(var.jupyter_port), tostring(var.mlflow_port)]
  }
}

resource "google_compute_instance" "course" {
  name         = "${var.name_prefix}-vm"
  machine_type = var.machine_type
  zone         = var.zone
  labels       = local.labels
  tags         = [local.network_tag]

  boot_disk {
    initialize_params {
      image  = "ubuntu-os-cloud/ubuntu-2204-lts"
      type   = "pd-standard"
      size   = var.disk_gb
      labels = local.labels
    }
  }

  network_interface {
    network = "default"
    access_config {}
  }

  metadata = {
    user-data              = local.user_data
    ssh-keys               = "ubuntu:${var.ssh_public_key}"
    block-project-ssh-keys = true
    serial-port-enable     = false
  }

  service_account {
    email  = google_service_account.vm.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }
  #checkov:skip=CKV_GCP_38:a customer-managed key (Cloud KMS) costs more than the course VM for a one-week disk; Google-managed encryption is on
  #checkov:skip=CKV_GCP_40:the VM needs a public IP so students reach it from their laptop (firewall: allowed_cidr only)
}
