# An inline policy that names the database by reference, in jsonencode, as the AWS
# provider's own aws_iam_user_policy example does with "*": the key may delete the
# production database and its automated backups (BH004), and what it may delete is known
# (no BH009). The bucket's objects, named "${aws_s3_bucket.logs.arn}/*", are not the
# bucket: s3:DeleteBucket on them covers nothing.
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

resource "aws_s3_bucket" "logs" {
  bucket = "ledger-logs"
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
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["rds:DeleteDBInstance"]
        Resource = aws_db_instance.main.arn
      },
      {
        Effect   = "Allow"
        Action   = ["s3:DeleteBucket"]
        Resource = "${aws_s3_bucket.logs.arn}/*"
      },
    ]
  })
}

resource "aws_iam_access_key" "ops" {
  user = aws_iam_user.ops.name
}

# The bucket by reference, whose ARN is known from its name (arn:aws:s3:::ledger-logs):
# this key may delete the bucket.
resource "aws_iam_user" "logs" {
  name = "logs"
}

resource "aws_iam_user_policy" "logs" {
  name = "logs"
  user = aws_iam_user.logs.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:DeleteBucket"
      Resource = [aws_s3_bucket.logs.arn]
    }]
  })
}

resource "aws_iam_access_key" "logs" {
  user = aws_iam_user.logs.name
}
