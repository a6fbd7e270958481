# Every form of count and for_each bulkhead resolves, and two it cannot.
variable "create" {
  type    = bool
  default = false
}

variable "n" {
  default = 3
}

variable "unknown_n" {
  type = number
}

variable "unknown_map" {
  type = map(string)
}

resource "aws_s3_bucket" "off" {
  count  = 0
  bucket = "never"
}

resource "aws_s3_bucket" "cond" {
  count  = var.create ? 1 : 0
  bucket = "never-either"
}

resource "aws_s3_bucket" "many" {
  count  = var.n
  bucket = "logs-${count.index}"
}

resource "aws_s3_bucket" "keyed" {
  for_each = { alpha = "production", beta = "staging" }
  bucket   = "data-${each.key}"
  tags = {
    Environment = each.value
  }
}

resource "aws_s3_bucket" "set" {
  for_each = toset(["x", "y"])
  bucket   = each.value
}

resource "aws_s3_bucket" "empty" {
  for_each = {}
  bucket   = "none"
}

resource "aws_s3_bucket" "maybe" {
  count  = var.unknown_n
  bucket = "maybe"
}

resource "aws_s3_bucket" "maybe_each" {
  for_each = var.unknown_map
  bucket   = each.key
}

# A variable and a local the module never declares (Terraform refuses them; bulkhead reads
# them as unknown): try takes no fallback because of them, so neither block is dropped.
resource "aws_s3_bucket" "try_var" {
  count  = try(var.undeclared.create, null) == null ? 0 : 1
  bucket = "try-var"
}

resource "aws_s3_bucket" "try_local" {
  count  = can(local.undeclared.create) ? 1 : 0
  bucket = "try-local"
}
