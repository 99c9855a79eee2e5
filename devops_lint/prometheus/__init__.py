"""Prometheus configuration and rule files: model, PromQL analysis and checks."""
