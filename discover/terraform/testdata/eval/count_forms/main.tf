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
