variable "workspace" {
  description = "Absolute path of the mlopslab workspace (cfg.workspace) the local stack keeps its state in."
  type        = string

  validation {
    condition     = startswith(var.workspace, "/")
    error_message = "The workspace must be an absolute path."
  }
}

variable "python" {
  description = "Python interpreter that has mlopslab installed; runs `python -m mlopslab.cli stack up|down`."
  type        = string
}

variable "services" {
  description = "Local stack services to start (names known to `mlopslab stack up --service`)."
  type        = list(string)
  default     = ["mlflow"]
}

variable "host" {
  description = "Address the local services bind to."
  type        = string
  default     = "127.0.0.1"
}

variable "mlflow_port" {
  description = "Port of the MLflow tracking server (the driver passes a free one)."
  type        = number
  default     = 5000
}

variable "jupyter_port" {
  description = "Port where `make jupyter` serves JupyterLab (the local target does not start it: you are in it)."
  type        = number
  default     = 8888
}

variable "owner" {
  description = "Who owns these resources; recorded like the cloud targets' owner label."
  type        = string
}

variable "course" {
  description = "Course tag carried by every resource."
  type        = string
  default     = "mlopslab"
}

variable "expires" {
  description = "Date (YYYY-MM-DD) after which these resources may be destroyed; recorded like the cloud targets' expiry label."
  type        = string

  validation {
    condition     = can(regex("^\\d{4}-\\d{2}-\\d{2}$", var.expires))
    error_message = "expires must be a date written YYYY-MM-DD."
  }
}
