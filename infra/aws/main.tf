locals {
  tags = {
    owner   = var.owner
    course  = var.course
    expires = var.expires
  }
  ports = { ssh = 22, jupyter = var.jupyter_port, mlflow = var.mlflow_port }
  user_data = templatefile("${path.module}/../cloud-init/course.yaml.tftpl", {
    user                  = "ubuntu"
    target                = "aws"
    repo_url              = var.repo_url
    repo_ref              = var.repo_ref
    jupyter_port          = var.jupyter_port
    mlflow_port           = var.mlflow_port
    artifacts_destination = "s3://${aws_s3_bucket.artifacts.bucket}/mlflow"
    owner                 = var.owner
    course                = var.course
    expires               = var.expires
  })
}

data "aws_caller_identity" "me" {}

# Canonical's Ubuntu 22.04 LTS image, newest in the region.
data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"]
  }
}

resource "aws_key_pair" "course" {
  key_name   = "${var.name_prefix}-key"
  public_key = var.ssh_public_key
  tags       = local.tags
}

resource "aws_security_group" "course" {
  name        = "${var.name_prefix}-sg"
  description = "mlopslab course VM: SSH, JupyterLab and MLflow from the allowed network only"
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "course" {
  for_each          = local.ports
  security_group_id = aws_security_group.course.id
  description       = "${each.key} from the allowed network only"
  cidr_ipv4         = var.allowed_cidr
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
  tags              = local.tags
}

# Egress only where the VM must go: HTTPS (apt, PyPI, GitHub, the S3 API) and HTTP (Ubuntu's apt mirrors).
resource "aws_vpc_security_group_egress_rule" "web" {
  for_each          = { https = 443, http = 80 }
  security_group_id = aws_security_group.course.id
  description       = "${each.key} out: packages, the repository and the S3 API"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
  tags              = local.tags
}

# The VM's identity: it reaches its bucket through this role, so no access key lives on it.
resource "aws_iam_role" "vm" {
  name = "${var.name_prefix}-vm"
  tags = local.tags
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "bucket" {
  name = "${var.name_prefix}-bucket"
  role = aws_iam_role.vm.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:ListBucket"], Resource = [aws_s3_bucket.artifacts.arn] },
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource = ["${aws_s3_bucket.artifacts.arn}/*"] },
    ]
  })
}

resource "aws_iam_instance_profile" "vm" {
  name = "${var.name_prefix}-vm"
  role = aws_iam_role.vm.name
  tags = local.tags
}

resource "aws_instance" "course" {
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  key_name               = aws_key_pair.course.key_name
  vpc_security_group_ids = [aws_security_group.course.id]
  iam_instance_profile   = aws_iam_instance_profile.vm.name
  user_data              = local.user_data
  monitoring             = true
  ebs_optimized          = true
  tags                   = merge(local.tags, { Name = "${var.name_prefix}-vm" })

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    volume_size = var.disk_gb
    volume_type = "gp3"
    encrypted   = true
    tags        = local.tags
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "${var.name_prefix}-artifacts-${data.aws_caller_identity.me.account_id}"
  force_destroy = true
  tags          = local.tags
  #checkov:skip=CKV_AWS_18:access logs need a second bucket; a course bucket that lives a week does not warrant one
  #checkov:skip=CKV_AWS_144:cross-region replication doubles the cost of throw-away course artifacts
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) encryption is on; a customer-managed KMS key costs 1 USD a month per student for no gain here
  #checkov:skip=CKV2_AWS_62:no consumer of bucket events exists in the course
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    id     = "tidy"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}
