variable "project" {
  description = "Id of the Google Cloud project to create the resources in."
  type        = string
}

variable "region" {
  description = "Region of the bucket and the VM."
  type        = string
  default     = "us-central1"
}

variable "zone" {
  description = "Zone of the VM."
  type        = string
  default     = "us-central1-a"
}

variable "machine_type" {
  description = "Machine type of the course VM (see infra/prices.yaml for what it costs)."
  type        = string
  default     = "e2-standard-4"
}

variable "disk_gb" {
  description = "Boot disk size in GB."
  type        = number
  default     = 50
}

variable "allowed_cidr" {
  description = "The only network allowed to reach SSH, JupyterLab and MLflow, e.g. your address with /32."
  type        = string

  validation {
    condition     = can(cidrhost(var.allowed_cidr, 0)) && !contains(["0.0.0.0/0", "::/0"], var.allowed_cidr)
    error_message = "allowed_cidr must be a CIDR block narrower than the whole internet (e.g. 203.0.113.7/32)."
  }
}

variable "ssh_public_key" {
  description = "Content of your SSH public key (e.g. ~/.ssh/id_ed25519.pub); the private key never leaves your machine."
  type        = string
}

variable "owner" {
  description = "Who owns these resources (your user name, lowercase); set as a label/tag on every resource."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{0,62}$", var.owner))
    error_message = "owner must be lowercase letters, digits, '_' or '-', starting with a letter (a valid label value)."
  }
}

variable "course" {
  description = "Course label/tag carried by every resource."
  type        = string
  default     = "mlopslab"
}

variable "expires" {
  description = "Date (YYYY-MM-DD) after which these resources may be deleted by the course staff."
  type        = string

  validation {
    condition     = can(regex("^\\d{4}-\\d{2}-\\d{2}$", var.expires))
    error_message = "expires must be a date written YYYY-MM-DD."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; include your user name so a shared project stays readable."
  type        = string
  default     = "mlopslab"
}

variable "jupyter_port" {
  description = "Port of JupyterLab on the VM."
  type        = number
  default     = 8888
}

variable "mlflow_port" {
  description = "Port of the MLflow tracking server on the VM."
  type        = number
  default     = 5000
}

variable "repo_url" {
  description = "Git repository checked out on the VM."
  type        = string
  default     = "https://github.com/mlopslab/mlopslab.git"
}

variable "repo_ref" {
  description = "Branch or tag of the repository to check out."
  type        = string
  default     = "main"
}
