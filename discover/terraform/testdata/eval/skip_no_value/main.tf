# The same database, and nothing gives skip a value (no default, no tfvars): it stays
# unknown, the final snapshot is not counted, and the finding says skip_final_snapshot was
# not resolved.
variable "skip" {
  type = bool
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
