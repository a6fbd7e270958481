# A registry module that terraform init has fetched: .terraform/modules/modules.json says
# where it is, so it is read like a local one. The git module was not fetched.
module "remote" {
  source      = "example/table/aws"
  version     = "1.0.0"
  name        = "orders"
  environment = "production"
}

module "unfetched" {
  source = "git::https://example.com/tables.git"
}
