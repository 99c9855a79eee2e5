"""Hypothesis strategies producing native HCL: blocks, attributes, heredocs, templates,
for-expressions, splats, operators, comments, unicode and CRLF line ends.

Most of what they write is HCL that python-hcl2 reads; ``layout`` also puts line breaks and
comments where python-hcl2 refuses them, so the tree-sitter path's declining is exercised too.
"""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ["a", "b_c", "x-y", "var", "local", "each", "count", "aws_s3_bucket", "id", "k1"]
ROOT_NAMES = ["var", "local", "module", "data", "each", "count", "aws_s3_bucket", "x-y", "z"]
KEYWORD_NAMES = ["in", "for", "if", "for_each", "true", "null"]

names = st.sampled_from(NAMES)
# Between tokens where python-hcl2 accepts a line break: mostly a space.
soft = st.sampled_from([" ", " ", " ", "", "\n  ", " # note\n  ", " // c\n", " /* c */ "])


def _string_piece() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(
            alphabet=st.characters(
                blacklist_characters='"\\$%\n\r{}', blacklist_categories=("Cs", "Cc")
            ),
            max_size=8,
        ),
        st.sampled_from(["\\n", "\\t", '\\"', "\\\\", "\\u00e9", "é", "日本", "$", "%", "$$"]),
    )


def _strings(exprs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(
        _string_piece(),
        exprs.map(lambda e: "${" + e + "}"),
        st.sampled_from(["$${x}", "%{ if a }b%{ endif }", "${~ a ~}"]),
    )
    return st.lists(piece, max_size=4).map(lambda ps: '"' + "".join(ps) + '"')


numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(str),
    st.sampled_from(["1.5", "0.25", "1e3", "2.5E-2", "-1", "-10", "-1.5", "- 3", "007"]),
)
literals = st.sampled_from(["true", "false", "null"])


def _traversal(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    step = st.one_of(
        names.map(lambda n: "." + n),
        st.integers(0, 12).map(lambda i: f"[{i}]"),
        st.integers(0, 3).map(lambda i: f".{i}"),
        st.sampled_from(['["k"]', "[*]", ".*", "[var.i]", "[true]", "[1.5]", ".true"]),
    )
    return st.tuples(base, st.lists(step, max_size=4)).map(lambda t: t[0] + "".join(t[1]))


refs = _traversal(st.sampled_from(ROOT_NAMES))


def _heredocs(exprs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    line = st.one_of(_string_piece(), exprs.map(lambda e: "${" + e + "}"))
    lines = st.lists(st.tuples(st.sampled_from(["", "  ", "\t"]), line), min_size=0, max_size=3)
    return st.tuples(st.sampled_from(["<<EOT", "<<-EOT", "<<EOF"]), lines).map(
        lambda t: (
            t[0]
            + "\n"
            + "".join(ind + ln + "\n" for ind, ln in t[1])
            + ("  " if t[0].startswith("<<-") else "")
            + t[0].lstrip("<-")
            + "\n"
        )
    )


def _compound(exprs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binop = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"])
    seq = st.lists(exprs, max_size=4)
    return st.one_of(
        st.tuples(exprs, soft, binop, soft, exprs).map("".join),
        st.tuples(st.sampled_from(["!", "-"]), exprs).map(lambda t: t[0] + t[1]),
        st.tuples(exprs, soft, exprs, soft, exprs).map(
            lambda t: f"{t[0]} ?{t[1]}{t[2]} :{t[3]}{t[4]}"
        ),
        exprs.map(lambda e: "(" + e + ")"),
        _traversal(exprs.map(lambda e: "(" + e + ")")),
        st.tuples(soft, seq, st.booleans()).map(
            lambda t: "[" + t[0] + ("," + t[0]).join(t[1]) + ("," if t[2] and t[1] else "") + "]"
        ),
        st.lists(
            st.tuples(
                st.one_of(
                    names,
                    st.sampled_from(KEYWORD_NAMES),
                    _strings(exprs),
                    refs.map(lambda r: f"({r})"),
                ),
                st.sampled_from([" = ", ": ", "="]),
                exprs,
            ),
            max_size=3,
        ).map(lambda kvs: "{" + ", ".join(k + s + v for k, s, v in kvs) + "}"),
        st.tuples(
            st.sampled_from(["lookup", "merge", "provider::aws::arn_parse", "f"]),
            seq,
            st.sampled_from(["", "...", ","]),
        ).map(lambda t: f"{t[0]}({', '.join(t[1])}{t[2] if t[1] else ''})"),
        st.tuples(st.sampled_from(["v", "k, v"]), exprs, exprs, st.sampled_from(["", " if v"])).map(
            lambda t: f"[for {t[0]} in {t[1]} : {t[2]}{t[3]}]"
        ),
        st.tuples(exprs, exprs, st.sampled_from(["", "...", " if k != null"])).map(
            lambda t: f"{{for k, v in {t[0]} : k => {t[1]}{t[2]}}}"
        ),
        _heredocs(exprs),
        _strings(exprs),
    )


expressions: st.SearchStrategy[str] = st.recursive(
    st.one_of(numbers, literals, refs, _strings(st.just("var.x"))),
    _compound,
    max_leaves=12,
)


def _attribute(indent: str) -> st.SearchStrategy[str]:
    return st.tuples(
        st.one_of(names, st.sampled_from(KEYWORD_NAMES)),
        st.sampled_from([" = ", "=", "  =  "]),
        expressions,
        st.sampled_from(["", "", " # trailing", " // trailing", " /* c */"]),
    ).map(lambda t: indent + t[0] + t[1] + t[2] + t[3] + "\n")


def _block(depth: int) -> st.SearchStrategy[str]:
    indent = "  " * depth
    label = st.one_of(names.map(lambda n: f'"{n}"'), names, st.just('"l\\u00e9"'))
    inner: st.SearchStrategy[str] = _attribute(indent + "  ")
    if depth < 2:
        inner = st.one_of(inner, _block(depth + 1))
    return st.tuples(
        st.sampled_from(["resource", "data", "locals", "dynamic", "variable", "in", "nested"]),
        st.lists(label, max_size=2),
        st.sampled_from([" {", "\n{", " { # open"]),
        st.lists(inner, max_size=3),
    ).map(
        lambda t: (
            indent
            + t[0]
            + "".join(" " + lab for lab in t[1])
            + t[2]
            + "\n"
            + "".join(t[3])
            + indent
            + "}\n"
        )
    )


def _layout(text: str, crlf: bool, header: str) -> str:
    text = header + text
    return text.replace("\n", "\r\n") if crlf else text


files: st.SearchStrategy[str] = st.tuples(
    st.lists(st.one_of(_attribute(""), _block(0)), max_size=4),
    st.booleans(),
    st.sampled_from(["", "# top comment\n", "/* a\n   block */\n", "\n\n", "// é\n"]),
).map(lambda t: _layout("".join(t[0]), t[1], t[2]))
