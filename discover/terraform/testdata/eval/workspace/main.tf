# The tier comes from terraform.workspace: known with --tf-workspace, unknown without
# (the configuration may be applied in any workspace).
resource "aws_s3_bucket" "data" {
  bucket = "shop-data"
  tags = {
    Environment = terraform.workspace
  }
}
