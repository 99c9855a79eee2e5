"""What the Kubernetes package publishes to cross-file checks (``crossfile/``).

The object model, pod specs and their containers, the one pod/policy index by namespace
and label, and selectors in three-valued logic. Cross-file checks import these from here,
never from the package's other modules (``tests/crossfile/test_facts.py``), so the package
can change inside without breaking them.
"""

from __future__ import annotations

from .kustomize import mark_patches
from .objects import K8sObject, PodSpec, containers, object_of, objects, pod_of
from .pod_index import ByNamespace, LabelIndex
from .podkinds import pod_specs
from .selectors import Tri, api_group, matches, same_namespace, tri_all, tri_any

__all__ = [
    "ByNamespace",
    "K8sObject",
    "LabelIndex",
    "PodSpec",
    "Tri",
    "api_group",
    "containers",
    "mark_patches",
    "matches",
    "object_of",
    "objects",
    "pod_of",
    "pod_specs",
    "same_namespace",
    "tri_all",
    "tri_any",
]
