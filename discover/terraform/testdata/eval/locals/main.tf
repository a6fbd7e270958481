# Locals that use variables and each other, in any order, and a cycle that stays unknown.
variable "env" {
  default = "production"
}

locals {
  name   = "${local.prefix}-db"
  prefix = "orders-${local.env}"
  env    = var.env
  a      = local.b
  b      = local.a
}

resource "aws_db_instance" "db" {
  identifier              = local.name
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
  skip_final_snapshot     = false
  deletion_protection     = local.a
  tags = {
    Environment = local.env
  }
}
