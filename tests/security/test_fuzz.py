"""Property-based fuzzing of every parser: mutated fixtures raise only located errors.

A small example budget per target keeps this file fast; ``python bench/fuzz.py
--minutes 5`` runs the same targets and mutator for longer.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.fuzz_targets import TARGETS, Target, corpus, mutate

EXAMPLES = 60


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_corpus_is_not_empty(target: Target) -> None:
    assert corpus(target.name), f"no seed texts for {target.name}"


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_mutated_fixtures_raise_only_located_errors(target: Target) -> None:
    seeds = corpus(target.name)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        seed = seeds[data.draw(st.integers(0, len(seeds) - 1), label="seed")]

        def choose(lo: int, hi: int) -> int:
            return data.draw(st.integers(lo, hi))

        target.run(mutate(seed, choose))

    check()


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
@settings(max_examples=25, deadline=None, database=None)
@given(text=st.text(max_size=400))
def test_random_text_raises_only_located_errors(target: Target, text: str) -> None:
    target.run(text)
