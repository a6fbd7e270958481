variable "name" {
  type = string
}

variable "environment" {
  type    = string
  default = null
}

variable "pitr" {
  type    = bool
  default = false
}

variable "create" {
  type    = bool
  default = true
}

resource "aws_dynamodb_table" "this" {
  count        = var.create ? 1 : 0
  name         = var.name
  hash_key     = "id"
  billing_mode = "PAY_PER_REQUEST"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.pitr
  }

  tags = var.environment == null ? {} : { Environment = var.environment }
}
