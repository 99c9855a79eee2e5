"""devops-lint: a policy and compliance linter for infrastructure code."""

__version__ = "0.1.0"
