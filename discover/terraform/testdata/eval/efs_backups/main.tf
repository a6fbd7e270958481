# EFS automatic backups, as the EFS docs state them for a file system created through the
# API (as Terraform does): on by default for One Zone (availability_zone_name), off for
# Regional; an aws_efs_backup_policy decides when there is one; an availability zone
# bulkhead cannot resolve is no recovery point.
variable "zone" {
  type = string
}

resource "aws_efs_file_system" "regional" {
  creation_token = "regional"
}

resource "aws_efs_file_system" "one_zone" {
  creation_token         = "one-zone"
  availability_zone_name = "eu-west-1a"
}

resource "aws_efs_file_system" "one_zone_disabled" {
  creation_token         = "one-zone-disabled"
  availability_zone_name = "eu-west-1a"
}

resource "aws_efs_backup_policy" "one_zone_disabled" {
  file_system_id = aws_efs_file_system.one_zone_disabled.id
  backup_policy {
    status = "DISABLED"
  }
}

resource "aws_efs_file_system" "regional_enabled" {
  creation_token = "regional-enabled"
}

resource "aws_efs_backup_policy" "regional_enabled" {
  file_system_id = aws_efs_file_system.regional_enabled.id
  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_file_system" "zone_unknown" {
  creation_token         = "zone-unknown"
  availability_zone_name = var.zone
}
