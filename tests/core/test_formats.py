"""The format plug-in table is the one place that names each format's pieces."""

from __future__ import annotations

import importlib

from devops_lint import formats, parsing, registry, targets


def test_every_plugin_is_a_package_with_targets_and_checks() -> None:
    for plugin in formats.PLUGINS:
        package = formats.__file__.rsplit("/", 1)[0] + f"/{plugin.package}"
        module = importlib.import_module(f"devops_lint.{plugin.package}.targets")
        kinds = getattr(module, "TARGETS", {})
        assert kinds and all(k.startswith(f"{plugin.package}.") for k in kinds), plugin
        assert any(name.startswith("checks") for name in __import__("os").listdir(package)), (
            plugin.package
        )


def test_layers_read_the_table() -> None:
    assert frozenset(p.package for p in formats.PLUGINS) == registry.CHECK_PACKAGES
    assert {p.package: p.document_formats for p in formats.PLUGINS} == targets.PACKAGE_FORMATS
    assert parsing.EXTERNAL_PARSERS == {
        "terraform": "devops_lint.terraform.parser:parse_file",
        "tfvars": "devops_lint.terraform.parser:parse_file",
    }
    assert {"terraform", "tfvars", "helm"} == parsing.PARALLEL_KINDS


def test_named_parsers_exist() -> None:
    for name in set(formats.PARSER_OF_KIND.values()):
        module, _, attr = name.partition(":")
        assert callable(getattr(importlib.import_module(module), attr))


def test_given_file_hooks_are_named_in_the_table_and_exist() -> None:
    assert formats.given_hooks("context") == ["devops_lint.github.given:context"]
    assert formats.given_hooks("dependents") == [
        "devops_lint.helm.given:dependents",
        "devops_lint.terraform.given:dependents",
    ]
    for name in formats.given_hooks("context") + formats.given_hooks("dependents"):
        module, _, attr = name.partition(":")
        assert callable(getattr(importlib.import_module(module), attr))
