# The shape of terraform-aws-modules/rds's examples: the final snapshot is switched by a
# variable, and terraform.tfvars gives it. skip = true is known: no final snapshot is taken,
# so the automated backups (deleted with the instance) are the only recovery point: BH002.
variable "skip" {
  type    = bool
  default = false
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
