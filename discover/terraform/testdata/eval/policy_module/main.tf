# terraform-aws-modules/rds (copied in the corpus) makes the database; a key's policy names
# it through the module's output (module.db.db_instance_arn, itself the output of the
# nested db_instance module): the key may delete it and its automated backups (BH004).
module "db" {
  source = "../../corpus/modules/terraform-aws-modules__terraform-aws-rds"

  identifier              = "ledger"
  engine                  = "postgres"
  engine_version          = "16"
  family                  = "postgres16"
  instance_class          = "db.t4g.micro"
  allocated_storage       = 20
  backup_retention_period = 7
  skip_final_snapshot     = true
  deletion_protection     = false

  create_db_subnet_group    = false
  create_db_parameter_group = false
  create_db_option_group    = false

  tags = {
    Environment = "production"
  }
}

resource "aws_iam_user" "ops" {
  name = "ops"
}

resource "aws_iam_user_policy" "ops" {
  name = "ops"
  user = aws_iam_user.ops.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "rds:DeleteDBInstance"
      Resource = module.db.db_instance_arn
    }]
  })
}

resource "aws_iam_access_key" "ops" {
  user = aws_iam_user.ops.name
}
