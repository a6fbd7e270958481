# A module that calls itself ten times at every level: refused once it passes the bound on
# module instances, quickly (each directory is read once).
variable "n" {
  default = 10
}
module "self" {
  source = "./"
  count  = var.n
}
resource "aws_iam_user_policy" "p" {
  user   = "u"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = module.self[0].x }] })
}
output "x" {
  value = "y"
}
