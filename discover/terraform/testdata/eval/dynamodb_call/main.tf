# terraform-aws-modules/dynamodb-table (copied in the corpus) called for a production table
# whose creation is switched by a variable: terraform.tfvars creates it (BH005: no
# point-in-time recovery), disabled.tfvars, given with --var-file, does not.
variable "create" {
  type = bool
}

module "orders" {
  source = "../../corpus/modules/terraform-aws-modules__terraform-aws-dynamodb-table"

  create_table = var.create
  name         = "orders"
  hash_key     = "id"
  attributes = [
    {
      name = "id"
      type = "S"
    }
  ]

  tags = {
    Environment = "production"
  }
}
