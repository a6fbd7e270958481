# Values of sensitive variables, and of variables whose name says they hold a secret, are
# never read, even from terraform.tfvars: the canaries below must not reach the graph.
variable "db_password" {
  type = string
}

variable "label" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "orders" {
  identifier              = var.label
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
  skip_final_snapshot     = false
  deletion_protection     = true
  tags = {
    Environment = "production"
    Owner       = var.db_password
    Label       = var.label
  }
}
