# Module outputs in resource attributes: the label module's id and tags (the shape of
# cloudposse/terraform-null-label) are statically known from its inputs and give the
# database its name and tier; the kms module's key_arn is a reference to its key, so the
# key encrypts the database; the flags module's protect comes from a variable nothing
# sets, so deletion_protection stays unknown (unsafe, and the finding says so).
module "labels" {
  source      = "./modules/labels"
  namespace   = "acme"
  stage       = "prod"
  name        = "orders"
  environment = "production"
}

module "kms" {
  source = "./modules/kms"
}

module "flags" {
  source = "./modules/flags"
}

resource "aws_db_instance" "orders" {
  identifier              = module.labels.id
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
  skip_final_snapshot     = false
  kms_key_id              = module.kms.key_arn
  deletion_protection     = module.flags.protect
  tags                    = module.labels.tags
}
