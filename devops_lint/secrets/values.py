"""X-002's candidates: credentials in URLs, sensitive keys with literal values, Alertmanager
receiver secrets written inline.

Structured files are read through their parsed documents (keys and values with spans); `.env`,
properties, shell and similar files through their `name = value` lines; every scanned text file
through one URL regex. Precedence inside the control: an Alertmanager field finding hides a URL
or key finding on the same line, and a URL finding hides a key finding (the URL is the more
specific report).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .. import saferegex
from ..context import shipped_strings
from ..model import Document, JsonPath, Span, is_unresolved
from ..placeholders import Placeholders
from ..secrets_names import SensitiveNameRule, is_sensitive_name, names_a_reference
from .detectors import DetectorSet, LineIndex, mask

URL_CREDENTIALS = "X-002.url-credentials"
SENSITIVE_KEY = "X-002.sensitive-key"
ALERTMANAGER = "X-002.alertmanager-secret"
_PRECEDENCE = {ALERTMANAGER: 0, URL_CREDENTIALS: 1, SENSITIVE_KEY: 2}
_MAX_DEPTH = 64


@dataclass(frozen=True)
class ValueHit:
    rule: str
    doc: Document | None  # None: the file's own document (files without parsed documents)
    span: Span
    lines: frozenset[int]  # lines of the key and of the value (for de-duplication)
    args: Mapping[str, str]
    # How other files refer to the value: Terraform `local.NAME`, Helm `.Values.a.b`.
    ref: str | None = None


class ValueRules:
    """Settings of X-002 taken from the detector table and the run's settings."""

    def __init__(
        self, table: Mapping[str, Any], detectors: DetectorSet, names: SensitiveNameRule
    ) -> None:
        self.detectors = detectors
        self.placeholder: Placeholders = detectors.placeholder
        self.names = names
        self.min_length = int(table.get("x002_min_value_length", 8))
        shipped = shipped_strings("secret_detectors.yaml")
        compiled = (
            saferegex.compile_or_trusted(str(p), shipped) for p in table.get("x002_references", ())
        )
        self.references = tuple(c for c in compiled if c is not None)
        files = table.get("x002_assignment_files") or {}
        self.assign_names = frozenset(str(n) for n in files.get("names", ()))
        self.assign_prefixes = tuple(str(n) for n in files.get("name_prefixes", ()))
        self.assign_suffixes = tuple(str(n) for n in files.get("suffixes", ()))
        self.colon_suffixes = tuple(str(n) for n in files.get("colon", ()))
        am = table.get("alertmanager") or {}
        self.am_global = tuple(str(f) for f in am.get("global", ()))
        self.am_receivers: dict[str, tuple[str, ...]] = {
            str(k): tuple(str(f) for f in v) for k, v in (am.get("receivers") or {}).items()
        }
        self.am_urls: dict[str, tuple[str, ...]] = {
            str(k): tuple(str(f) for f in v) for k, v in (am.get("url_fields") or {}).items()
        }
        self.am_http = tuple(tuple(str(p) for p in path) for path in am.get("http_config", ()))
        self._sensitive_keys: dict[str, bool] = {}  # memo of is_sensitive_name over keys

    # ------------------------------------------------------------------ values
    def sensitive_key(self, key: str) -> bool:
        """A sensitive name that holds a value, not one naming a Secret or a selector."""
        return is_sensitive_name(key, self.names) and not names_a_reference(key)

    def is_reference(self, value: str) -> bool:
        return any(r.search(value) for r in self.references)

    def is_literal_secret(self, value: Any) -> bool:
        """A written, non-placeholder, non-reference string of at least the minimum length."""
        if not isinstance(value, str) or is_unresolved(value):
            return False
        v = value.strip()
        if len(v) < self.min_length:
            return False
        if _IDENTIFIER.match(v) and is_sensitive_name(v, self.names):
            return False  # names another key (`secretKey: db-password`), not a secret
        return not self.placeholder(v) and not self.is_reference(v)

    def is_inline(self, value: Any) -> bool:
        """An Alertmanager secret field holding a value (any length) rather than nothing."""
        if not isinstance(value, str) or is_unresolved(value):
            return False
        v = value.strip()
        return bool(v) and not self.placeholder(v) and not self.is_reference(v)

    def password_is_real(self, password: str) -> bool:
        if not password or any(c in password for c in "\"'{}<>`"):
            return False  # code building a URL, or template syntax
        if any(tok in password for tok in _REGEX_TOKENS):
            return False  # a pattern matching credentials (`[^@]+`), not one
        if set(password) <= set("*x.X-_"):
            return False  # masked: ****
        return not self.placeholder(password) and not self.is_reference(password)

    def url_has_credentials(self, url: str) -> bool:
        """A URL with a password, a token-like query parameter, or a known token inside."""
        if any(self.password_is_real(c.password) for c in url_credentials(url)):
            return True
        try:
            query = urlsplit(url).query
        except ValueError:
            query = ""
        for name, value in parse_qsl(query, keep_blank_values=False):
            sensitive = name.lower() in _TOKEN_PARAMS or is_sensitive_name(name, self.names)
            if sensitive and self.is_inline(value):
                return True
        return bool(self.detectors.scan(url, self.names))

    # ---------------------------------------------------------------- sources
    def assignment_file(self, path: str) -> bool:
        name = posixpath.basename(path)
        return (
            name in self.assign_names
            or name.startswith(self.assign_prefixes)
            or name.endswith(self.assign_suffixes)
        )

    def url_hits(self, text: str, index: LineIndex) -> Iterator[ValueHit]:
        if "://" not in text or "@" not in text:
            return
        for cred in url_credentials(text):
            pw = cred.password
            if not self.password_is_real(pw):
                continue
            line, col = index.position(cred.start)
            shown = f"{cred.scheme}://{cred.user}:****@"
            yield ValueHit(
                URL_CREDENTIALS,
                None,
                Span(line, col, line, col + len(pw) - 1),
                frozenset({line}),
                {"url": shown, "preview": mask(pw)},
            )

    def assignment_hits(self, path: str, text: str) -> Iterator[ValueHit]:
        colon = path.endswith(self.colon_suffixes)
        for n, raw in enumerate(text.splitlines(), start=1):
            m = _ASSIGN_LINE.match(raw)
            if m is None or (m.group("sep") == ":" and not colon):
                continue
            name = m.group("name")
            if not self.sensitive_key(name):
                continue
            value, offset = _unquote(raw, m.start("value"))
            if not self.is_literal_secret(value):
                continue
            col = offset + 1
            yield ValueHit(
                SENSITIVE_KEY,
                None,
                Span(n, col, n, col + max(len(value), 1) - 1),
                frozenset({n}),
                {"key": name, "preview": mask(value)},
            )

    def document_hits(self, doc: Document) -> Iterator[ValueHit]:
        data = doc.data
        skip: set[JsonPath] = set()
        if isinstance(data, dict) and doc.format == "kubernetes":
            if data.get("kind") == "Secret":
                skip = {("data",), ("stringData",)}  # K8S-020 reports the whole Secret
            elif data.get("kind") == "SealedSecret":
                skip = {("spec", "encryptedData")}  # ciphertext, meant to be committed
        yield from self._walk(doc, data, (), skip, 0)
        if doc.format == "alertmanager":
            yield from self.alertmanager_hits(doc, ())
        elif (
            doc.format == "kubernetes"
            and isinstance(data, dict)
            and data.get("kind") == "AlertmanagerConfig"
        ):
            yield from self.alertmanager_hits(doc, ("spec",))

    def _walk(
        self, doc: Document, node: Any, path: JsonPath, skip: set[JsonPath], depth: int
    ) -> Iterator[ValueHit]:
        if not doc.key_spans:  # a parser that records no key positions: walk the data
            yield from self._walk_data(doc, node, path, skip, depth)
            return
        # Every mapping key of the document is in key_spans: one flat loop, no recursion.
        sensitive = self._sensitive_keys
        if len(sensitive) > 100_000:  # bound the memo on pathological inputs
            sensitive.clear()
        for kpath in doc.key_spans:
            key = kpath[-1] if kpath else None
            if not isinstance(key, str) or not _setting_name(key):
                continue
            flag = sensitive.get(key)
            if flag is None:
                flag = sensitive[key] = self.sensitive_key(key)
            if not flag and key != "name":
                continue
            if not flag:  # `name:`: only a `name`/`value` pair matters (env-style lists)
                vpath = (*kpath[:-1], "value")
                if vpath not in doc.key_spans:
                    continue
            if skip and any(kpath[: len(p)] == p for p in skip):
                continue
            value = doc.get(kpath)
            if key == "name":
                vpath = (*kpath[:-1], "value")
                if isinstance(value, str) and is_sensitive_name(value, self.names):
                    pair_value = doc.get(vpath)
                    if self.is_literal_secret(pair_value):
                        yield self._key_hit(doc, vpath, value, pair_value)
                if not flag:
                    continue
            if self.is_literal_secret(value):
                yield self._key_hit(doc, kpath, key, value)

    def _walk_data(
        self, doc: Document, node: Any, path: JsonPath, skip: set[JsonPath], depth: int
    ) -> Iterator[ValueHit]:
        if depth > _MAX_DEPTH or path in skip:
            return
        if isinstance(node, dict):
            name = node.get("name")
            if (
                isinstance(name, str)
                and "value" in node
                and is_sensitive_name(name, self.names)
                and self.is_literal_secret(node["value"])
            ):
                yield self._key_hit(doc, (*path, "value"), name, node["value"])
            for key, value in node.items():
                sub = (*path, key)
                if isinstance(value, (dict, list)):
                    yield from self._walk_data(doc, value, sub, skip, depth + 1)
                elif (
                    isinstance(key, str)
                    and _setting_name(key)
                    and self.sensitive_key(key)
                    and self.is_literal_secret(value)
                ):
                    yield self._key_hit(doc, sub, key, value)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    yield from self._walk_data(doc, item, (*path, i), skip, depth + 1)

    def _key_hit(self, doc: Document, path: JsonPath, key: str, value: str) -> ValueHit:
        span = doc.span(path)
        lines = frozenset({span.line, doc.key_span(path).line})
        ref = None
        if doc.format == "terraform" and path[:1] == ("locals",):
            ref = f"local.{key}"
        elif posixpath.basename(doc.path) == "values.yaml" and all(
            isinstance(p, str) and _IDENT.match(p) for p in path
        ):
            ref = ".Values." + ".".join(str(p) for p in path)
        args = {"key": key, "preview": mask(value)}
        return ValueHit(SENSITIVE_KEY, doc, span, lines, args, ref)

    def alertmanager_hits(self, doc: Document, root: JsonPath) -> Iterator[ValueHit]:
        cfg = doc.get(root)
        if not isinstance(cfg, dict):
            return
        glob = cfg.get("global")
        if isinstance(glob, dict):
            for field in self.am_global:
                if self.is_inline(glob.get(field)):
                    yield self._am_hit(doc, (*root, "global", field), f"global.{field}")
        receivers = cfg.get("receivers")
        if not isinstance(receivers, list):
            return
        for i, rec in enumerate(receivers):
            if not isinstance(rec, dict):
                continue
            base = (*root, "receivers", i)
            for group, items in rec.items():
                if not isinstance(items, list):
                    continue
                fields = self.am_receivers.get(str(group), ())
                urls = self.am_urls.get(str(group), ())
                for j, item in enumerate(items):
                    if not isinstance(item, dict):
                        continue
                    where = (*base, group, j)
                    for field in fields:
                        if self.is_inline(item.get(field)):
                            yield self._am_hit(doc, (*where, field), f"{group}[].{field}")
                    for field in urls:
                        value = item.get(field)
                        if self.is_inline(value) and self.url_has_credentials(str(value)):
                            yield self._am_hit(doc, (*where, field), f"{group}[].{field}")
                    yield from self._http_config(doc, item, where, group)

    def _http_config(
        self, doc: Document, item: dict[str, Any], where: JsonPath, group: Any
    ) -> Iterator[ValueHit]:
        for key in ("http_config", "httpConfig"):
            http = item.get(key)
            if not isinstance(http, dict):
                continue
            for sub in self.am_http:
                value: Any = http
                for part in sub:
                    value = value.get(part) if isinstance(value, dict) else None
                if self.is_inline(value):
                    label = f"{group}[].{key}.{'.'.join(sub)}"
                    yield self._am_hit(doc, (*where, key, *sub), label)

    def _am_hit(self, doc: Document, path: JsonPath, field: str) -> ValueHit:
        span = doc.span(path)
        value = str(doc.get(path, ""))
        lines = frozenset({span.line, doc.key_span(path).line})
        return ValueHit(ALERTMANAGER, doc, span, lines, {"field": field, "preview": mask(value)})


# `scheme://user:password@` (standards X-002; an empty user, as in `redis://:pw@host`, too).
# `image:tag@sha256:…` (a pinned image, e.g. `docker://alpine:3.20@sha256:…`) is not one.
# Found from each `://` with bounded parts, so no input makes the search quadratic.
_URL_TAIL = re.compile(r"(?P<user>[^/\s:@]{0,256}):(?P<pw>[^/\s@]{1,256})@(?!sha\d+:)")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")


@dataclass(frozen=True)
class UrlCredential:
    scheme: str
    user: str
    password: str
    start: int  # offset of the password


def url_credentials(text: str) -> Iterator[UrlCredential]:
    """Every `scheme://user:password@` in ``text``."""
    i = text.find("://")
    while i >= 0:
        s = i
        while s > 0 and i - s < 32 and text[s - 1] in _SCHEME_CHARS:
            s -= 1
        while s < i and not text[s].isalpha():
            s += 1
        if s < i:
            m = _URL_TAIL.match(text, i + 3)
            if m:
                yield UrlCredential(text[s:i], m.group("user"), m.group("pw"), m.start("pw"))
        i = text.find("://", i + 3)


def _setting_name(key: str) -> bool:
    """A type or prose used as a key (``AWS::ApiGateway::ApiKey``) names no setting."""
    return "::" not in key and " " not in key


_REGEX_TOKENS = ("[^", "]+", "]*", "(?", "\\d", "\\w", "\\S", ".+", ".*")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z._-]*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN_PARAMS = frozenset(
    {"key", "sig", "signature", "code", "auth", "token", "apikey", "api_key", "access_token"}
)
_ASSIGN_LINE = re.compile(
    r"^\s*(?:export\s+|readonly\s+|declare\s+(?:-\w+\s+)?|ENV\s+|ARG\s+|set\s+)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*(?P<sep>:=|=|:)\s*(?P<value>\S.*)$"
)


def _unquote(line: str, start: int) -> tuple[str, int]:
    """The value starting at ``start`` (quoted or up to whitespace) and its offset."""
    quote = line[start]
    if quote in "\"'":
        end = line.find(quote, start + 1)
        end = len(line) if end < 0 else end
        return line[start + 1 : end], start + 1
    end = start
    while end < len(line) and not line[end].isspace():
        end += 1
    return line[start:end].rstrip(";,"), start


def resolve_precedence(hits: list[ValueHit]) -> list[ValueHit]:
    """Per line, keep only the most specific rule's hits (alertmanager > URL > key)."""
    best: dict[int, int] = {}
    for h in hits:
        rank = _PRECEDENCE.get(h.rule, 9)
        for line in h.lines:
            best[line] = min(best.get(line, 9), rank)
    return [h for h in hits if all(_PRECEDENCE.get(h.rule, 9) <= best[ln] for ln in h.lines)]
