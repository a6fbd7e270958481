variable "namespace" { type = string }
variable "stage" { type = string }
variable "name" { type = string }
variable "environment" { type = string }

locals {
  id = join("-", [var.namespace, var.stage, var.name])
  tags = {
    Name        = local.id
    Namespace   = var.namespace
    Environment = var.environment
  }
}

output "id" {
  value = local.id
}

output "tags" {
  value = local.tags
}
