"""Terraform throughput: parsing vs. module resolution vs. rules.

Generates a synthetic repository (by default 60 module directories of 10 files, AWS,
Azure and Google modules alike) into a temporary directory, then times:

1. ``parse``   — ``devops_lint.terraform.parser.parse_file`` over every file;
2. ``modules`` — building the module views and the call graph, and resolving every
   resource instance of every evaluated module (called directories once per distinct
   set of arguments);
3. ``rules``   — every ``terraform.*`` rule through the engine (targets + checks).

``--calls N`` adds a root module (``live/``) calling every module directory N times
with the same arguments, as a deployment repeating one module does: module evaluation
is memoised by (directory, bound inputs), so this must cost about what one call does.

Run: ``python bench/terraform.py [--dirs 60] [--files 10] [--calls 0] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devops_lint.config import build_settings  # noqa: E402
from devops_lint.engine import Engine  # noqa: E402
from devops_lint.project import SourceFile  # noqa: E402
from devops_lint.rules import load_rules  # noqa: E402
from devops_lint.terraform.calls import ModuleGraph  # noqa: E402
from devops_lint.terraform.module import build_modules  # noqa: E402
from devops_lint.terraform.parser import file_format, parse_file  # noqa: E402

AWS = """
resource "aws_s3_bucket" "b{i}" {{
  bucket = "${{local.prefix}}-data-{i}"
  tags   = merge(local.tags, {{ Name = "data-{i}" }})
}}

resource "aws_s3_bucket_public_access_block" "b{i}" {{
  bucket                  = aws_s3_bucket.b{i}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_security_group" "sg{i}" {{
  name   = "sg-{i}"
  vpc_id = var.vpc_id

  dynamic "ingress" {{
    for_each = var.ports
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.allowed_cidrs
    }}
  }}
  tags = local.tags
}}

resource "aws_iam_policy" "p{i}" {{
  name = "policy-{i}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = ["${{aws_s3_bucket.b{i}.arn}}/*"]
      }},
    ]
  }})
}}

resource "aws_instance" "web{i}" {{
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = var.instance_type
  user_data     = <<-EOT
    #!/bin/bash
    echo "node ${{count.index}}" > /etc/motd
  EOT
  metadata_options {{
    http_tokens = "required"
  }}
  tags = merge(local.tags, {{ Name = "web-{i}-${{count.index}}" }})
}}
"""

AZURE = """
resource "azurerm_storage_account" "s{i}" {{
  name                     = "acme${{var.env}}{i}"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version          = "TLS1_2"
  tags                     = local.tags
}}

resource "azurerm_network_security_group" "n{i}" {{
  name                = "nsg-{i}"
  location            = var.location
  resource_group_name = azurerm_resource_group.rg.name

  security_rule {{
    name                       = "https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "10.0.0.0/8"
    destination_address_prefix = "*"
  }}
  tags = local.tags
}}

resource "azurerm_key_vault" "k{i}" {{
  name                     = "kv-${{var.env}}-{i}"
  location                 = var.location
  resource_group_name      = azurerm_resource_group.rg.name
  tenant_id                = var.tenant_id
  sku_name                 = "standard"
  purge_protection_enabled = true
  tags                     = local.tags
}}
"""

GCP = """
resource "google_storage_bucket" "g{i}" {{
  name                        = "acme-${{var.env}}-{i}"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
}}

resource "google_compute_firewall" "f{i}" {{
  name    = "fw-{i}"
  network = var.network

  allow {{
    protocol = "tcp"
    ports    = ["443"]
  }}
  source_ranges = ["10.0.0.0/8"]
}}

resource "google_compute_instance" "vm{i}" {{
  name         = "vm-{i}"
  machine_type = "e2-small"
  zone         = "europe-west1-b"
  labels       = merge(local.labels, {{ role = "web" }})

  boot_disk {{
    initialize_params {{
      image = "debian-cloud/debian-12"
    }}
  }}
  network_interface {{
    network = var.network
  }}
  shielded_instance_config {{
    enable_secure_boot = true
  }}
}}
"""

COMMON = """
variable "env" {{
  type    = string
  default = "prod"
}}

variable "allowed_cidrs" {{
  type    = list(string)
  default = ["10.0.0.0/8"]
  validation {{
    condition     = !contains(var.allowed_cidrs, "0.0.0.0/0")
    error_message = "no world CIDR"
  }}
}}

variable "ports" {{
  type    = list(number)
  default = [443, 8443]
}}

locals {{
  prefix = "acme-${{var.env}}"
  tags = {{
    Environment = var.env
    Owner       = "platform"
    Service     = "svc-{d}"
  }}
  labels = {{ for k, v in local.tags : lower(k) => lower(v) }}
}}

terraform {{
  required_version = "~> 1.9"
  required_providers {{
    {provider} = {{
      source  = "hashicorp/{provider}"
      version = "~> 5.80"
    }}
  }}
}}

output "prefix_{d}" {{
  value = local.prefix
}}
"""


CALL = """
module "m{d:03d}_{k}" {{
  source        = "../modules/{provider}/m{d:03d}"
  env           = "prod"
  allowed_cidrs = ["10.0.0.0/8"]
}}
"""


def generate(root: Path, dirs: int, files: int, calls: int = 0) -> list[Path]:
    rnd = random.Random(7)
    out: list[Path] = []
    clouds = [("aws", AWS), ("azurerm", AZURE), ("google", GCP)]
    for d in range(dirs):
        provider, template = clouds[d % 3]
        mdir = root / f"modules/{provider}/m{d:03d}"
        mdir.mkdir(parents=True, exist_ok=True)
        common = mdir / "variables.tf"
        common.write_text(COMMON.format(d=d, provider=provider), encoding="utf-8")
        out.append(common)
        for f in range(files - 1):
            blocks = [template.format(i=f * 10 + k) for k in range(rnd.randint(2, 4))]
            p = mdir / f"main_{f:02d}.tf"
            p.write_text("\n".join(blocks), encoding="utf-8")
            out.append(p)
    if calls:
        live = root / "live"
        live.mkdir(parents=True, exist_ok=True)
        clouds_of = [clouds[d % 3][0] for d in range(dirs)]
        text = "".join(
            CALL.format(d=d, k=k, provider=clouds_of[d]) for d in range(dirs) for k in range(calls)
        )
        p = live / "main.tf"
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dirs", type=int, default=60)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--calls", type=int, default=0, help="calls of each module from a root")
    ap.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = ap.parse_args()

    # As in `engine.run`: the cyclic collector only rescans the many acyclic objects.
    gc.disable()
    tmp = Path(tempfile.mkdtemp(prefix="tfbench-")) if args.keep is None else args.keep
    try:
        paths = generate(tmp, args.dirs, args.files, args.calls)
        size = sum(p.stat().st_size for p in paths)

        t0 = time.perf_counter()
        docs = []
        for p in paths:
            rel = p.relative_to(tmp).as_posix()
            docs.extend(parse_file(rel, p.read_text(encoding="utf-8")))
        t_parse = time.perf_counter() - t0

        t0 = time.perf_counter()
        modules = build_modules(docs)
        instances = 0
        # What the rules evaluate: uncalled directories alone, called ones per call.
        for m in ModuleGraph(modules, None).evaluated():
            for r in m.resources():
                _ = r.data
                instances += 1
        t_modules = time.perf_counter() - t0

        # Fresh documents: the timing above already resolved (and cached) these.
        docs = []
        for p in paths:
            rel = p.relative_to(tmp).as_posix()
            docs.extend(parse_file(rel, p.read_text(encoding="utf-8")))
        rules = [r for r in load_rules() if r.target.startswith("terraform.")]
        settings, _ = build_settings(tmp, None, {})
        engine = Engine(tmp, settings, rules)
        for p in paths:
            rel = p.relative_to(tmp).as_posix()
            engine.project.files.append(SourceFile(rel, p, file_format(rel) or "other"))
        engine.project.documents.extend(docs)
        t0 = time.perf_counter()
        engine.evaluate()
        t_rules = time.perf_counter() - t0
        findings = len(engine.findings)

        mb = size / 1e6
        print(f"files: {len(paths)} in {len(modules)} module directories, {mb:.2f} MB")
        print(f"resource instances: {instances}, terraform rules: {len(rules)}")
        print(
            f"parse:   {t_parse:7.2f} s  {len(paths) / t_parse:8.1f} files/s  "
            f"{mb / t_parse:6.3f} MB/s"
        )
        print(f"modules: {t_modules:7.2f} s  (module views + resolution of every instance)")
        print(
            f"rules:   {t_rules:7.2f} s  {len(paths) / t_rules:8.1f} files/s  "
            f"(targets + {len(rules)} checks, fresh module views; {findings} findings)"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
