# The local target: the same plan/apply/state/destroy lifecycle as a cloud VM, on this machine.
# Each terraform_data resource stands for a cloud resource; its create-time provisioner brings a
# piece of the local stack up and its destroy-time provisioner takes it down again.

locals {
  tags = {
    owner   = var.owner
    course  = var.course
    expires = var.expires
  }
  bucket = "${var.workspace}/bucket"
}

# The "bucket": a folder standing in for the object store (DVC remote, MLflow artifacts).
# Destroying it deletes it with its content, like a cloud bucket with force_destroy = true.
resource "terraform_data" "bucket" {
  input = {
    path = local.bucket
    tags = local.tags
  }

  provisioner "local-exec" {
    command = "mkdir -p \"$BUCKET\" && printf '%s\\n' \"owner=$OWNER\" \"course=$COURSE\" \"expires=$EXPIRES\" > \"$BUCKET/.tags\""
    environment = {
      BUCKET  = self.input.path
      OWNER   = self.input.tags.owner
      COURSE  = self.input.tags.course
      EXPIRES = self.input.tags.expires
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "rm -rf -- \"$BUCKET\""
    environment = {
      BUCKET = self.input.path
    }
  }
}

# The "VM": the local stack's services (MLflow by default), started by the lead's CLI.
resource "terraform_data" "stack" {
  input = {
    python    = var.python
    workspace = var.workspace
    services  = join(" ", [for s in var.services : "--service ${s}"])
    port      = tostring(var.mlflow_port)
    host      = var.host
    tags      = local.tags
  }

  provisioner "local-exec" {
    command = "\"$PYTHON\" -m mlopslab.cli stack up ${self.input.services}"
    environment = {
      PYTHON               = self.input.python
      MLOPSLAB_WORKSPACE   = self.input.workspace
      MLOPSLAB_MLFLOW_PORT = self.input.port
      MLOPSLAB_HOST        = self.input.host
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "\"$PYTHON\" -m mlopslab.cli stack down"
    environment = {
      PYTHON             = self.input.python
      MLOPSLAB_WORKSPACE = self.input.workspace
    }
  }

  depends_on = [terraform_data.bucket]
}
