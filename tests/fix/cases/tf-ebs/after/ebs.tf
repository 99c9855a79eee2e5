resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 40

  tags = {
    Name = "data" # the data disk
  }
  encrypted = true
}
