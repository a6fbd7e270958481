variable "protect" {
  type = bool
}

output "protect" {
  value = var.protect
}
