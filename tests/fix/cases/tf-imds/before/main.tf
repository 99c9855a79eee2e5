# Web servers.
resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro" # small
  # no metadata options yet
}

resource "aws_launch_template" "workers" {
  name_prefix = "workers-"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional" # IMDSv1 still on
  }
}

resource "aws_launch_template" "batch" {
  name_prefix = "batch-"
  metadata_options {
    http_endpoint = "enabled"
  }
}
# end
