"""The "sensitive name" rule (standards section 7), shared by every format.

A name (argument, variable, environment variable, mapping key ...) is split into
lower-case segments on ``_``, ``-``, ``.``, other punctuation, whitespace and
lower/upper-case boundaries (``apiKey`` → ``api``, ``key``; ``DBPassword`` → ``db``,
``password``). It is sensitive when a segment is a secret word or two consecutive
segments form a secret pair — unless its last segment names metadata about the
secret (``secret_arn``, ``password_length``, ``POSTGRES_PASSWORD_FILE``). Matching is
on whole segments only: ``bypass_cache`` and ``passenger_count`` are not sensitive, with
one exception for names written without separators: a segment that *ends* in ``password``,
``passwd``, ``secret`` or ``token`` (``PGPASSWORD``, ``DBPASSWD``, ``APITOKEN``) is
sensitive too. The well-known single-word credential variables of the data table
``credential_env_names.yaml`` (``MYSQL_PWD``, ``PGPASS``, ``REDISCLI_AUTH``) are sensitive
as whole names.

The rule is configurable (setting ``sensitive_name_rule``): a mapping with any of
``words``, ``pairs`` (lists of two words), ``suffix_words`` and ``exempt_suffixes``,
each replacing the default list, or ``extra_words``/``extra_pairs``/
``extra_suffix_words``/``extra_exempt_suffixes`` extending it. The whole-name table is
extended through ``data_extensions: {credential_env_names.yaml: {names: [...]}}``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "credential", "credentials", "apikey"}
)
DEFAULT_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("client", "secret"),
        ("auth", "token"),
        ("sas", "token"),
        ("connection", "string"),
    }
)
DEFAULT_EXEMPT_SUFFIXES = frozenset(
    {
        "arn",
        "id",
        "name",
        "file",
        "path",
        "length",
        "version",
        "enabled",
        "type",
        "policy",
        "ttl",
        "rotation",
        "expiration",
        "url",
        "uri",
        "endpoint",
        "format",
        "scope",
        "scopes",
        "lifetime",
        "audience",
    }
)

# A segment ending in one of these is sensitive (names written without separators).
DEFAULT_SUFFIX_WORDS = ("password", "passwd", "secret", "token")
CREDENTIAL_NAMES_TABLE = "credential_env_names.yaml"


def _table_names(extra: Any = None) -> frozenset[str]:
    """Whole names of ``credential_env_names.yaml`` plus ``extra`` (a config extension)."""
    from .context import load_data_table

    names: list[Any] = []
    for table in (load_data_table(CREDENTIAL_NAMES_TABLE), extra):
        listed = table.get("names") if isinstance(table, Mapping) else None
        names.extend(listed if isinstance(listed, list) else [])
    return frozenset(str(n).lower() for n in names if isinstance(n, str))


# Runs of upper-case letters (acronyms), capitalised or lower-case words, digits.
_SEGMENT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


@dataclass(frozen=True)
class SensitiveNameRule:
    words: frozenset[str] = DEFAULT_WORDS
    pairs: frozenset[tuple[str, str]] = DEFAULT_PAIRS
    exempt_suffixes: frozenset[str] = DEFAULT_EXEMPT_SUFFIXES
    suffix_words: tuple[str, ...] = DEFAULT_SUFFIX_WORDS
    # Lower-case whole names of credential_env_names.yaml.
    whole_names: frozenset[str] = field(default_factory=lambda: _table_names())

    @classmethod
    def from_setting(
        cls, setting: Mapping[str, Any] | None, table_extension: Any = None
    ) -> SensitiveNameRule:
        """The rule configured by ``sensitive_name_rule`` (``None`` → the default) with the
        whole-name table extended by ``table_extension``."""
        if not setting and table_extension is None:
            return DEFAULT_RULE
        whole = _table_names(table_extension)
        if not setting:
            return cls(whole_names=whole)
        words = _words(setting.get("words"), DEFAULT_WORDS) | _words(
            setting.get("extra_words"), frozenset()
        )
        pairs = _pairs(setting.get("pairs"), DEFAULT_PAIRS) | _pairs(
            setting.get("extra_pairs"), frozenset()
        )
        exempt = _words(setting.get("exempt_suffixes"), DEFAULT_EXEMPT_SUFFIXES) | _words(
            setting.get("extra_exempt_suffixes"), frozenset()
        )
        suffixes = sorted(
            _words(setting.get("suffix_words"), frozenset(DEFAULT_SUFFIX_WORDS))
            | _words(setting.get("extra_suffix_words"), frozenset())
        )
        return cls(words, pairs, exempt, tuple(suffixes), whole)

    def matches(self, name: str) -> bool:
        return _matches(self, name)


def _words(value: Any, default: frozenset[str]) -> frozenset[str]:
    if value is None:
        return default
    return frozenset(str(v).lower() for v in value)


def _pairs(value: Any, default: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    if value is None:
        return default
    out: set[tuple[str, str]] = set()
    for v in value:
        parts = v.split() if isinstance(v, str) else list(v)
        if len(parts) == 2:
            out.add((str(parts[0]).lower(), str(parts[1]).lower()))
    return frozenset(out)


DEFAULT_RULE = SensitiveNameRule()


@functools.lru_cache(maxsize=4096)
def name_segments(name: str) -> tuple[str, ...]:
    """``"DB_PASSWORD"`` → ``("db", "password")``; ``"apiKey"`` → ``("api", "key")``."""
    return tuple(m.group(0).lower() for m in _SEGMENT.finditer(name))


@functools.lru_cache(maxsize=8192)
def _matches(rule: SensitiveNameRule, name: str) -> bool:
    segs = name_segments(name)
    if not segs or segs[-1] in rule.exempt_suffixes:
        return False
    if any(s in rule.words for s in segs):
        return True
    if rule.suffix_words and any(s.endswith(rule.suffix_words) for s in segs):
        return True
    if name.lower() in rule.whole_names:
        return True
    return any(pair in rule.pairs for pair in itertools.pairwise(segs))


def is_sensitive_name(name: str, rule: SensitiveNameRule | None = None) -> bool:
    """True when ``name`` names a secret (standards section 7)."""
    return _matches(rule or DEFAULT_RULE, name)


@functools.lru_cache(maxsize=16)
def name_needles(rule: SensitiveNameRule) -> tuple[str, ...]:
    """Lower-case words one of which every name ``rule`` calls sensitive contains: a text
    whose lowered form holds none of them names no secret (a cheap filter before a scan).

    ``_matches`` accepts a name for a segment in ``words``, a segment ending in a suffix
    word, the second segment of a pair, or a whole name; segments are ASCII substrings of
    the lowered name.
    """
    return tuple(
        sorted(
            set(rule.words)
            | set(rule.suffix_words)
            | {p[1] for p in rule.pairs}
            | set(rule.whole_names)
        )
    )


def rule_from_settings(settings: Mapping[str, Any]) -> SensitiveNameRule:
    """The rule of a run's settings (``ctx.settings``)."""
    extensions = settings.get("data_extensions")
    extra = extensions.get(CREDENTIAL_NAMES_TABLE) if isinstance(extensions, Mapping) else None
    return SensitiveNameRule.from_setting(settings.get("sensitive_name_rule"), extra)


def sensitive_names(names: Iterable[str], rule: SensitiveNameRule | None = None) -> list[str]:
    return [n for n in names if is_sensitive_name(n, rule)]


# Keys that name where a secret is kept, not the secret (X-002.sensitive-key): Helm charts'
# `existingSecret`/`existingSecretPasswordKey`, `envFromSecret`/`configFromSecret`, and
# selectors such as `secretFieldSelector`.
_REFERENCE_SEGMENTS = frozenset({"existing"})
_REFERENCE_PAIRS = frozenset({("from", "secret"), ("from", "secrets")})
_REFERENCE_LAST = frozenset({"selector", "selectors"})


def names_a_reference(name: str) -> bool:
    """True when a sensitive-looking key names a Secret, a key of it, or a selector."""
    segs = name_segments(name)
    if not segs:
        return False
    if segs[-1] in _REFERENCE_LAST or any(s in _REFERENCE_SEGMENTS for s in segs):
        return True
    return any(pair in _REFERENCE_PAIRS for pair in itertools.pairwise(segs))
