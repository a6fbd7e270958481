# The shape of terraform-aws-modules/rds's own example: the final snapshot is switched by a
# variable. bulkhead cannot know what the variable holds when it is applied (a tfvars file
# or -var may set it), so the final snapshot is not counted as a recovery point.
variable "skip_final_snapshot" {
  type = bool
}

resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
  skip_final_snapshot     = var.skip_final_snapshot
  deletion_protection     = var.protect
  tags = {
    Environment = "production"
  }
}
