"""Secrets that exist only once something in the cluster runs (X-009.k8s-ref).

A reference to such a name is neither defined in the repository nor provably missing, so
it is ``unresolved`` (info), not a finding:

- a Job, hook or other pod of the scan creates it: a certificate generator such as
  ingress-nginx's admission ``create`` Job (``kube-webhook-certgen create
  --secret-name=…``), or a secret-init script (``kubectl create secret generic NAME``);
- an operator creates it for a custom resource of the scan, naming it after the resource
  (CloudNativePG ``<cluster>-app``, Elastic ``<name>-es-elastic-user``, Zalando
  ``<user>.<cluster>.credentials…``, prometheus-operator ``prometheus-<name>-…``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kubernetes.facts import K8sObject, api_group, containers
from ..model import Unresolved
from .k8s import k8s_view, literal

if TYPE_CHECKING:
    from ..context import Context

SECRET_NAME_FLAGS = ("--secret-name", "--secretName", "--secret_name")
KUBECTL_CREATE_SECRET = re.compile(
    r"\bkubectl\s+(?:-\S+(?:\s+[^-\s]\S*)?\s+)*create\s+secret\s+(?:generic|tls|docker-registry)\s+"
    r"(?P<name>[a-z0-9][-.a-z0-9]*)"
)
NAME_TOKEN = re.compile(r"^[a-z0-9][-.a-z0-9]*$")
# Custom resources that never create Secrets: monitoring configuration read by an operator.
NO_SECRETS_KINDS = frozenset({"ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe"})


@dataclass(frozen=True)
class Creator:
    secret: str
    by: str  # what creates it, for the message


def _texts(container: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("command", "args"):
        items = container.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str) and not isinstance(item, Unresolved):
                out.append(item)
    return out


def _created_names(texts: list[str]) -> Iterator[str]:
    """Secret names that a container's command line says it creates."""
    tokens = [tok for text in texts for tok in text.split()]
    for i, tok in enumerate(tokens):
        flag, eq, value = tok.partition("=")
        if flag not in SECRET_NAME_FLAGS:
            continue
        if not eq and i + 1 < len(tokens):
            value = tokens[i + 1]
        value = value.strip("'\"")
        if NAME_TOKEN.match(value):
            yield value
    for text in texts:
        for m in KUBECTL_CREATE_SECRET.finditer(text):
            yield m.group("name")


def _job_creators(ctx: Context) -> Iterator[Creator]:
    for pod in k8s_view(ctx).pods:
        for c in containers(pod):
            for name in _created_names(_texts(c.data)):
                yield Creator(name, f"{c.locator}")


def runtime_secrets(ctx: Context) -> dict[str, list[Creator]]:
    """Secret names created by pods of the scan, by name (once per run)."""

    def build() -> dict[str, list[Creator]]:
        out: dict[str, list[Creator]] = {}
        for creator in _job_creators(ctx):
            out.setdefault(creator.secret, []).append(creator)
        return out

    found: dict[str, list[Creator]] = ctx.memo("crossfile.runtime-secrets", build)
    return found


def _custom(obj: K8sObject) -> bool:
    group = api_group(obj.data.get("apiVersion"))
    if not group or "." not in group or group.endswith(".k8s.io"):
        return False  # core and built-in API groups
    return obj.kind not in NO_SECRETS_KINDS


def _named_after(secret: str, obj: K8sObject) -> bool:
    name = literal(obj.metadata.get("name"))
    if not name:
        return False
    prefixed = f"{obj.kind.lower()}-{name}"
    return (
        re.search(rf"(^|[-.]){re.escape(name)}([-.]|$)", secret) is not None
        or secret == prefixed
        or secret.startswith(prefixed + "-")
    )


def operator_secret(secret: str, namespace: Any, ctx: Context) -> K8sObject | None:
    """A custom resource of the scan, in the reference's namespace, after which an operator
    may name ``secret``."""
    ns = literal(namespace)
    for obj in k8s_view(ctx).objects:
        if not _custom(obj) or not _named_after(secret, obj):
            continue
        other = literal(obj.namespace)
        if ns is None or other is None or ns == other:
            return obj
    return None


def created_at_runtime(secret: str, namespace: Any, ctx: Context) -> str | None:
    """Why ``secret`` may only exist at runtime (for the message), or None."""
    creators = runtime_secrets(ctx).get(secret)
    if creators:
        return f"Secret '{secret}' is created at runtime by {creators[0].by}"
    owner = operator_secret(secret, namespace, ctx)
    if owner is not None:
        return f"Secret '{secret}' may be created at runtime by the operator of {owner.locator()}"
    return None
