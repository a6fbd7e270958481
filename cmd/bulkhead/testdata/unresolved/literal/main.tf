# The same database with its safeguards written as literals: the final snapshot survives a
# delete and deletion protection is on, so nothing is reported.
resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
  skip_final_snapshot     = false
  deletion_protection     = true
  tags = {
    Environment = "production"
  }
}
