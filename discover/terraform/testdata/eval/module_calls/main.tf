# Calls of a local module: with inputs, disabled, counted, keyed, with a count bulkhead
# cannot resolve, and from sources that are not on disk.
variable "n" {
  type = number
}

module "on" {
  source      = "./modules/table"
  name        = "orders"
  environment = "production"
  pitr        = true
}

module "off" {
  source = "./modules/table"
  count  = 0
  name   = "never"
}

module "created_off" {
  source = "./modules/table"
  name   = "never-either"
  create = false
}

module "two" {
  source      = "./modules/table"
  count       = 2
  name        = "shard-${count.index}"
  environment = "staging"
}

module "each" {
  source      = "./modules/table"
  for_each    = { eu = "production" }
  name        = "t-${each.key}"
  environment = each.value
  pitr        = true
}

module "unknown_count" {
  source = "./modules/table"
  count  = var.n
  name   = "u"
  pitr   = true
}

module "registry" {
  source  = "terraform-aws-modules/dynamodb-table/aws"
  version = "4.0.0"
  name    = "remote"
}

module "git" {
  source = "git::https://example.com/tables.git"
}

module "missing" {
  source = "./modules/nowhere"
}
