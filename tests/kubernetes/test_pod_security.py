"""Effective security context, host paths, capabilities and K8S-001…K8S-012 outcomes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devops_lint.config import build_settings
from devops_lint.defaults import SYSTEM_NAMESPACE_CONTROLS
from devops_lint.engine import format_message, run
from devops_lint.kubernetes.checks_pod_confinement import safe_sysctls
from devops_lint.kubernetes.checks_pod_security import classify_capability
from devops_lint.kubernetes.checks_pod_volumes import classify_host_path, normalise_host_path
from devops_lint.kubernetes.objects import (
    INHERITED_FIELDS,
    Container,
    K8sObject,
    PodSpec,
    effective_lookup,
    lookup,
)
from devops_lint.model import UNRESOLVED_KEY, Document, Finding, Unresolved
from devops_lint.rules import load_rules

# ------------------------------------------------------------------- lookups


def test_lookup_states() -> None:
    data = {"a": {"b": 1, "n": None}, "open": {UNRESOLVED_KEY: Unresolved("{{ x }}")}}
    data["u"] = Unresolved("{{ .Values.u }}")
    assert lookup(data, ("root",), "a", "b").is_set
    assert lookup(data, ("root",), "a", "b").path == ("root", "a", "b")
    assert lookup(data, (), "a", "c").absent
    missing_null = lookup(data, (), "a", "n")
    assert missing_null.absent and missing_null.path == ("a", "n")  # null counts as unset
    hidden = lookup(data, (), "open", "x")
    assert hidden.unresolved and hidden.hidden and hidden.path == ("open",)
    templated = lookup(data, (), "u", "x")
    assert templated.unresolved and not templated.hidden and templated.path == ("u",)
    assert lookup(data, (), "u").unresolved
    assert lookup([1, 2], ("l",), 1).value == 2
    assert lookup([1, 2], ("l",), 5).absent


def _container(pod_sc: Any, own_sc: Any, **extra: Any) -> Container:
    spec: dict[str, Any] = {"containers": [{"name": "c", **extra}]}
    if pod_sc is not None:
        spec["securityContext"] = pod_sc
    if own_sc is not None:
        spec["containers"][0]["securityContext"] = own_sc
    doc = Document("x.yaml", "kubernetes", {"kind": "Pod", "spec": spec})
    obj = K8sObject(doc, (), doc.data)
    pod = PodSpec(obj, ("spec",), spec)
    return Container(pod, "containers", 0, spec["containers"][0])


def test_effective_container_overrides_pod() -> None:
    c = _container({"runAsUser": 1001, "runAsNonRoot": True}, {"runAsUser": 0})
    user = effective_lookup(c, "runAsUser")
    assert user.value == 0 and user.path == (
        "spec",
        "containers",
        0,
        "securityContext",
        "runAsUser",
    )
    inherited = effective_lookup(c, "runAsNonRoot")
    assert inherited.value is True and inherited.path == ("spec", "securityContext", "runAsNonRoot")


def test_effective_absent_and_container_only_fields() -> None:
    c = _container({"allowPrivilegeEscalation": False}, {})
    assert effective_lookup(c, "runAsNonRoot").absent
    # allowPrivilegeEscalation exists only at container level: the pod value is ignored.
    assert effective_lookup(c, "allowPrivilegeEscalation").absent


def test_effective_null_container_value_falls_back_to_pod() -> None:
    c = _container({"runAsNonRoot": True}, {"runAsNonRoot": None})
    assert effective_lookup(c, "runAsNonRoot").value is True


def test_effective_unknown_when_hidden_or_templated() -> None:
    hidden = _container({"runAsNonRoot": True}, None, **{UNRESOLVED_KEY: Unresolved("{{ x }}")})
    # The container's include may set runAsNonRoot: false, so it is not provably inherited.
    assert effective_lookup(hidden, "runAsNonRoot").unresolved
    templated = _container(Unresolved("{{ toYaml .Values.sc }}"), {})
    assert effective_lookup(templated, "runAsNonRoot").unresolved


_values = st.one_of(st.none(), st.booleans(), st.integers(0, 2000))
_contexts = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from([*INHERITED_FIELDS, "privileged"]), _values, max_size=4),
)


@given(pod_sc=_contexts, own_sc=_contexts, field=st.sampled_from([*INHERITED_FIELDS, "privileged"]))
def test_effective_lookup_agrees_with_container_effective(
    pod_sc: Any, own_sc: Any, field: str
) -> None:
    c = _container(pod_sc, own_sc)
    look = effective_lookup(c, field)
    if isinstance(own_sc, dict) and field in own_sc and own_sc[field] is None:
        # An explicit container null is unset for the API server: the pod value applies,
        # where Container.effective would return the null.
        assert c.effective(field) is None
        return
    assert (look.value if look.is_set else None) == c.effective(field)
    if look.is_set:
        assert look.path[-1] == field and look.path == c.effective_path(field)


# --------------------------------------------------------------- host paths


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/var/run/docker.sock", "runtime-socket"),
        ("/run/docker.sock", "runtime-socket"),
        ("/run/containerd/containerd.sock", "runtime-socket"),
        ("/run/containerd/", "runtime-socket"),
        ("/var/run/crio/crio.sock", "runtime-socket"),
        ("/var/run/cri-dockerd.sock", "runtime-socket"),
        ("/var/run", "runtime-socket"),
        ("/var", "runtime-socket"),
        ("/run", "runtime-socket"),
        ("/", "runtime-socket"),
        ("//", "runtime-socket"),
        ("/etc", "sensitive-path"),
        ("/etc/kubernetes/pki", "sensitive-path"),
        ("/var/lib/kubelet/", "sensitive-path"),
        ("/var/lib/containerd/io", "sensitive-path"),
        ("/run/secrets", "sensitive-path"),
        ("/srv/../etc//shadow", "sensitive-path"),
        ("/dev/kmsg", "sensitive-path"),
        ("/home/user", "sensitive-path"),
        ("/var/log", "hostpath"),
        ("/var/lib", "hostpath"),
        ("/etcetera", "hostpath"),
        ("/srv/data", "hostpath"),
        ("/mnt/disks/ssd0", "hostpath"),
    ],
)
def test_classify_host_path(path: str, kind: str) -> None:
    assert classify_host_path(path) == kind


@pytest.mark.parametrize(
    ("path", "norm"),
    [("/etc/", "/etc"), ("/", "/"), ("//etc", "/etc"), ("/a/./b/../c", "/a/c"), ("etc", "/etc")],
)
def test_normalise_host_path(path: str, norm: str) -> None:
    assert normalise_host_path(path) == norm


@pytest.mark.parametrize(
    ("cap", "kind"),
    [
        ("SYS_ADMIN", "dangerous"),
        ("cap_sys_admin", "dangerous"),
        ("CAP_NET_RAW", "dangerous"),
        ("all", "dangerous"),
        ("Perfmon", "dangerous"),
        ("CHOWN", "other"),
        ("SYS_TIME", "other"),
        ("NET_BIND_SERVICE", None),
        ("cap_net_bind_service", None),
    ],
)
def test_classify_capability(cap: str, kind: str | None) -> None:
    assert classify_capability(cap) == kind


def test_safe_sysctls_depend_on_version() -> None:
    assert "net.ipv4.tcp_rmem" in safe_sysctls("1.35")
    assert "net.ipv4.tcp_rmem" in safe_sysctls("1.32")
    assert "net.ipv4.tcp_wmem" not in safe_sysctls("1.31")
    assert "net.ipv4.tcp_syncookies" in safe_sysctls("1.31")
    assert "kernel.msgmax" not in safe_sysctls("1.35")
    assert "net.ipv4.tcp_rmem" in safe_sysctls("not a version")


# ------------------------------------------------------------ through the engine


def _lint(tmp_path: Path, text: str, prefix: str) -> list[Finding]:
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    settings, _ = build_settings(tmp_path, None, {})
    rules = [r for r in load_rules() if r.id.startswith(prefix)]
    return run(tmp_path, [tmp_path], settings, rules).findings


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: {namespace}
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: inherits
      image: ghcr.io/acme/app:1.0
    - name: root
      image: ghcr.io/acme/app:1.0
      securityContext:
        runAsUser: 0
"""


def test_inherited_run_as_non_root_passes_and_uid_zero_override_fails(tmp_path: Path) -> None:
    found = _lint(tmp_path, POD.format(namespace="shop"), "K8S-008")
    assert [(f.rule_id, f.line, f.severity) for f in found] == [("K8S-008.uid-zero", 15, "high")]


def test_system_namespaces_are_exempt(tmp_path: Path) -> None:
    assert _lint(tmp_path, POD.format(namespace="kube-system"), "K8S-008") == []


def test_system_namespace_controls_are_the_standards_list() -> None:
    """SYSTEM_NAMESPACE_CONTROLS is the list of standards 0.6 item 5 and Appendix A."""
    standard = (Path(__file__).parents[2] / "docs" / "standard.md").read_text(encoding="utf-8")
    row = re.search(r"^\| `system_namespaces` \|[^|]*\| (.*) \|$", standard, re.MULTILINE)
    assert row is not None
    first, last, *others = re.split(r"…|, ", row.group(1))
    span = range(int(first.removeprefix("K8S-")), int(last.removeprefix("K8S-")) + 1)
    assert {f"K8S-{n:03d}" for n in span} | set(others) == SYSTEM_NAMESPACE_CONTROLS
    assert "K8S-NET-001" in SYSTEM_NAMESPACE_CONTROLS


HOSTPATH = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: ghcr.io/acme/app:1.0
      volumeMounts:
        - {{name: logs, mountPath: /logs, readOnly: true}}
        - {{name: data, mountPath: /data, readOnly: true}}
    - name: b
      image: ghcr.io/acme/app:1.0
      volumeMounts:
        - {{name: data, mountPath: /data{extra}}}
  volumes:
    - name: logs
      hostPath: {{path: /var/log}}
    - name: data
      hostPath: {{path: /srv/data}}
    - name: spare
      hostPath: {{path: /srv/spare}}
"""


def test_hostpath_severity_depends_on_every_mount(tmp_path: Path) -> None:
    found = _lint(tmp_path, HOSTPATH.format(extra=""), "K8S-003")
    assert [(f.line, f.severity) for f in found] == [(18, "medium"), (20, "high"), (22, "medium")]
    found = _lint(tmp_path, HOSTPATH.format(extra=", readOnly: true"), "K8S-003")
    assert [(f.line, f.severity) for f in found] == [(18, "medium"), (20, "medium"), (22, "medium")]


def test_runtime_socket_is_critical_even_read_only(tmp_path: Path) -> None:
    text = HOSTPATH.format(extra="").replace("/srv/data", "/var/run/docker.sock")
    found = _lint(tmp_path, text, "K8S-003")
    assert [(f.rule_id, f.severity) for f in found if f.line == 20] == [
        ("K8S-003.runtime-socket", "critical")
    ]


def test_lower_case_all_message(tmp_path: Path) -> None:
    text = POD.format(namespace="shop").replace(
        "        runAsUser: 0\n", "        capabilities:\n          drop: [all]\n"
    )
    found = [f for f in _lint(tmp_path, text, "K8S-006") if f.line == 16]
    assert len(found) == 1 and "case" in found[0].message


# ------------------------------------------------------------------- robustness

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 70000),
    st.sampled_from(["", "ALL", "all", "0", "/", "/var/run", "Unconfined", "latest", "x:1"]),
    st.builds(Unresolved, st.sampled_from(["{{ .Values.x }}", "a/{{ .Values.y }}:1"])),
)
_keys = st.sampled_from(
    [
        "securityContext",
        "capabilities",
        "add",
        "drop",
        "privileged",
        "runAsUser",
        "runAsNonRoot",
        "runAsGroup",
        "fsGroup",
        "supplementalGroups",
        "seccompProfile",
        "type",
        "localhostProfile",
        "sysctls",
        "name",
        "seLinuxOptions",
        "user",
        "appArmorProfile",
        "windowsOptions",
        "hostProcess",
        "procMount",
        "ports",
        "hostPort",
        "volumes",
        "hostPath",
        "path",
        "nfs",
        "gitRepo",
        "volumeMounts",
        "readOnly",
        "image",
        "imagePullPolicy",
        "livenessProbe",
        "httpGet",
        "host",
        "lifecycle",
        "preStop",
        "hostNetwork",
        UNRESOLVED_KEY,
    ]
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=25,
)


@given(
    spec=st.dictionaries(_keys, _json, max_size=6),
    container=st.dictionaries(_keys, _json, max_size=6),
)
def test_checks_never_raise_on_odd_input(spec: dict[str, Any], container: dict[str, Any]) -> None:
    from devops_lint.context import Context
    from devops_lint.defaults import DEFAULT_SETTINGS
    from devops_lint.kubernetes.targets import TARGETS
    from devops_lint.project import Project

    spec = {**spec, "containers": [container], "initContainers": [container, "junk"]}
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    doc = Document("p.yaml", "kubernetes", data)
    ctx = Context(settings=dict(DEFAULT_SETTINGS), project=Project(root=Path(".")))
    for rule in _MY_RULES:
        for target in TARGETS[rule.target].fn(doc, ctx):
            if rule.require is not None:
                list(rule.validator.iter_errors(target.data))
            else:
                for res in rule.check_fn(target, rule, ctx):
                    # Every placeholder of the message template gets a value.
                    message = res.message or format_message(
                        rule.message, {**target.context, **res.args}
                    )
                    assert not re.search(r"\{[a-z_]+\}", message), (rule.id, message)


_MY_RULES = [
    r for r in load_rules() if r.id.split(".")[0] in {f"K8S-{n:03d}" for n in range(1, 15)}
]
