# A policy that names another database by reference: the key may delete the staging
# database, not the production one (no BH004 on it), and its reach is known (no BH009).
# A second policy uses an attribute bulkhead does not resolve (.id): that one stays
# unreadable, so the key still gets BH009 for it.
resource "aws_db_instance" "main" {
  identifier              = "ledger"
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  backup_retention_period = 7
  skip_final_snapshot     = true
  deletion_protection     = false
  tags = {
    Environment = "production"
  }
}

resource "aws_db_instance" "scratch" {
  identifier              = "scratch"
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  backup_retention_period = 1
  skip_final_snapshot     = true
  tags = {
    Environment = "staging"
  }
}

resource "aws_iam_user" "ops" {
  name = "ops"
}

resource "aws_iam_user_policy" "scratch" {
  name = "scratch"
  user = aws_iam_user.ops.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "rds:DeleteDBInstance"
      Resource = aws_db_instance.scratch.arn
    }]
  })
}

resource "aws_iam_access_key" "ops" {
  user = aws_iam_user.ops.name
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user_policy" "ci" {
  name = "ci"
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "rds:DeleteDBInstance"
      Resource = "arn:aws:rds:eu-west-1:111111111111:db:${aws_db_instance.main.id}"
    }]
  })
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
