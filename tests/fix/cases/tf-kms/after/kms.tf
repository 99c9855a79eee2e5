resource "aws_kms_key" "data" {
  description             = "data at rest"
  deletion_window_in_days = 30
  # rotation not set
  enable_key_rotation = true
}

resource "aws_kms_key" "logs" {
  description         = "logs"
  enable_key_rotation = true # off for now
}
