# A sensitive variable's value is never read, even from terraform.tfvars: it stays unknown.
variable "skip" {
  type      = bool
  sensitive = true
}

resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
  skip_final_snapshot     = var.skip
  deletion_protection     = true
  tags = {
    Environment = "production"
  }
}
