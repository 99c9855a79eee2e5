"""The command-line tests run the installed command in a subprocess (see tests/integration)."""

from tests.integration.conftest import cli, write

__all__ = ["cli", "write"]
