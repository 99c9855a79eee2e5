"""Kubernetes manifests: objects, pod templates and containers as rule targets."""
