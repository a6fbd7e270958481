# Denies that name resources by reference. Key "guarded" may delete any database but is
# denied the production one by reference: it cannot delete it. Key "spared" is denied
# every database except (NotResource) the production one: which ARNs that spares is known
# only after apply, so the deny is not counted and the key may still delete it.
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

resource "aws_iam_user" "guarded" {
  name = "guarded"
}

resource "aws_iam_user_policy" "guarded" {
  name = "guarded"
  user = aws_iam_user.guarded.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "rds:DeleteDBInstance", Resource = "*" },
      { Effect = "Deny", Action = "rds:DeleteDBInstance", Resource = aws_db_instance.main.arn },
    ]
  })
}

resource "aws_iam_access_key" "guarded" {
  user = aws_iam_user.guarded.name
}

resource "aws_iam_user" "spared" {
  name = "spared"
}

resource "aws_iam_user_policy" "spared" {
  name = "spared"
  user = aws_iam_user.spared.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "rds:DeleteDBInstance", Resource = "*" },
      { Effect = "Deny", Action = "rds:DeleteDBInstance", NotResource = [aws_db_instance.main.arn] },
    ]
  })
}

resource "aws_iam_access_key" "spared" {
  user = aws_iam_user.spared.name
}
