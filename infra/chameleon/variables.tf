variable "reservation_id" {
  description = "Id of your Chameleon lease's host reservation (Leases page in the GUI, or python-chi `lease.get_node_reservation`)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.reservation_id))
    error_message = "reservation_id is a UUID like 6f3c9d0e-1a2b-4c5d-8e9f-0a1b2c3d4e5f (the reservation's id, not the lease's name)."
  }
}

variable "gpu_reservation_id" {
  description = "Optional id of a second host reservation for a GPU node; empty means no GPU node."
  type        = string
  default     = ""
}

variable "os_cloud" {
  description = "Name of the clouds.yaml entry to use (e.g. CHI@TACC); empty means the OS_* environment variables."
  type        = string
  default     = ""
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
  description = "Who owns these resources (your user name); set as metadata on every resource."
  type        = string
}

variable "course" {
  description = "Course tag carried by every resource."
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

variable "image_name" {
  description = "Chameleon-supported image of the course VM."
  type        = string
  default     = "CC-Ubuntu22.04"
}

variable "gpu_image_name" {
  description = "Image of the optional GPU node (CUDA drivers preinstalled)."
  type        = string
  default     = "CC-Ubuntu22.04-CUDA"
}

variable "flavor_name" {
  description = "Flavor of reserved hosts: 'baremetal' on CHI@TACC/CHI@UC; on KVM@TACC use the reservation's flavor."
  type        = string
  default     = "baremetal"
}

variable "network_name" {
  description = "Network the VM attaches to."
  type        = string
  default     = "sharednet1"
}

variable "floating_ip_pool" {
  description = "External network floating IPs come from."
  type        = string
  default     = "public"
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
