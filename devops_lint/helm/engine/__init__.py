"""Helm chart rendering without a helm binary: Go templates evaluated with source positions."""
