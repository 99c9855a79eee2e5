"""Building module views from in-memory files."""

from __future__ import annotations

from devops_lint.model import Document
from devops_lint.terraform.module import Module, build_modules
from devops_lint.terraform.parser import parse_file


def docs(files: dict[str, str]) -> list[Document]:
    out: list[Document] = []
    for path, text in files.items():
        out.extend(parse_file(path, text))
    return out


def module(files: dict[str, str], directory: str = ".") -> Module:
    return build_modules(docs(files))[directory]


def one(text: str) -> Document:
    return parse_file("main.tf", text)[0]
