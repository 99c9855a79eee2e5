resource "aws_kms_key" "data" {
  description             = "data at rest"
  deletion_window_in_days = 30
  # rotation not set
}

resource "aws_kms_key" "logs" {
  description         = "logs"
  enable_key_rotation = false # off for now
}
