# The same grant through a data "aws_iam_policy_document" block (the AWS provider's
# documented form), attached to a managed policy: the key may delete the database (BH004).
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

data "aws_iam_policy_document" "ops" {
  statement {
    sid       = "DeleteLedger"
    effect    = "Allow"
    actions   = ["rds:DeleteDBInstance"]
    resources = [aws_db_instance.main.arn]
  }
}

resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = data.aws_iam_policy_document.ops.json
}

resource "aws_iam_user" "ops" {
  name = "ops"
}

resource "aws_iam_user_policy_attachment" "ops" {
  user       = aws_iam_user.ops.name
  policy_arn = aws_iam_policy.ops.arn
}

resource "aws_iam_access_key" "ops" {
  user = aws_iam_user.ops.name
}
