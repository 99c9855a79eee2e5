"""Secret names a container's command line creates (X-009.k8s-ref: unresolved, not missing)."""

from __future__ import annotations

import pytest

from devops_lint.crossfile.k8s_runtime import _created_names


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["create", "--secret-name=ingress-nginx-admission"], ["ingress-nginx-admission"]),
        (["create", "--secret-name", "webhook-tls"], ["webhook-tls"]),
        (["sh", "-c", "kubectl create secret generic redis-auth --from-file=f"], ["redis-auth"]),
        (["kubectl -n cache create secret tls web-tls --cert=c --key=k"], ["web-tls"]),
        (["--secret-name=$(SECRET)"], []),  # known only at runtime, names nothing
        (["kubectl get secret redis-auth"], []),  # reading is not creating
        (["patch", "--webhook-name=ingress-nginx-admission"], []),
    ],
)
def test_created_names(texts: list[str], expected: list[str]) -> None:
    assert list(_created_names(texts)) == expected
