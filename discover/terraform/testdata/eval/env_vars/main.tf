# Values from TF_VAR_<name>, parsed as Terraform parses them: the text itself for a variable
# with no type or a primitive type, an HCL expression for the others (map, list, any). The
# password and the sensitive label are never read from the environment; tier comes from
# terraform.tfvars, which wins over TF_VAR_tier.
variable "name" {}

variable "tags" {
  type = map(string)
}

variable "retention" {
  type = number
}

variable "extra" {
  type = any
}

variable "tier" {
  type = string
}

variable "db_password" {
  type = string
}

variable "label" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "orders" {
  identifier              = "${var.name}-${var.tier}"
  engine                  = var.extra.engine
  instance_class          = "db.t3.micro"
  backup_retention_period = var.retention
  skip_final_snapshot     = false
  deletion_protection     = true
  tags = merge(var.tags, {
    Owner = var.db_password
    Label = var.label
  })
}
