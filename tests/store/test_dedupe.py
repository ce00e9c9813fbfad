"""Content hashing and MinHash near-duplicate detection."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.store.dedupe import (
    BANDS,
    JACCARD_THRESHOLD,
    NUM_PERM,
    content_hash,
    estimate_jaccard,
    lsh_bands,
    minhash,
    normalize_text,
    signature_from_bytes,
    signature_to_bytes,
    tokenize,
)
from tests.store.store_corpus import edit_text, make_text


@given(st.text())
def test_normalize_is_idempotent_and_hash_follows_it(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert content_hash(text) == content_hash(once)
    assert "  " not in once and once == once.strip()


@given(
    st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1),
    st.sampled_from([",", "!", "  ", "\n", " — "]),
)
def test_hash_ignores_case_punctuation_and_spacing(word: str, sep: str) -> None:
    plain = f"{word} {word} end"
    noisy = f"  {word.upper()}{sep}{word}{sep} END. "
    if normalize_text(word.upper()) == normalize_text(word):
        assert content_hash(plain) == content_hash(noisy)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = tokenize(text)
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def test_estimates_track_true_jaccard() -> None:
    rng = random.Random(5)
    errors = []
    for seed in range(150):
        a = make_text(seed, 10)
        kind = rng.randrange(3)
        if kind == 0:
            b = edit_text(a, seed)
        elif kind == 1:
            b = a[: len(a) // 2] + make_text(seed + 500, 5)
        else:
            b = make_text(seed + 1000, 10)
        sa, sb = minhash(a), minhash(b)
        assert sa is not None and sb is not None
        truth = len(_shingles(a) & _shingles(b)) / len(_shingles(a) | _shingles(b))
        errors.append(estimate_jaccard(sa, sb) - truth)
    assert abs(sum(errors) / len(errors)) < 0.02  # unbiased
    assert max(abs(e) for e in errors) < 0.25  # 64 positions: sd at most 0.0625


@pytest.mark.parametrize(
    ("make_b", "near"),
    [
        (lambda a: a, True),
        (lambda a: edit_text(a, 1), True),
        (lambda a: edit_text(edit_text(a, 2), 3), True),
        (lambda a: a.upper().replace(".", "!"), True),
        (lambda a: make_text(999, 12), False),
        (lambda a: " ".join(reversed(a.split())), False),
    ],
)
def test_near_duplicates_share_a_band(make_b: object, near: bool) -> None:
    a = make_text(42, 12)
    b = make_b(a)  # type: ignore[operator]
    sa, sb = minhash(a), minhash(b)
    assert sa is not None and sb is not None
    shared = set(lsh_bands(sa)) & set(lsh_bands(sb))
    assert (bool(shared) and estimate_jaccard(sa, sb) >= JACCARD_THRESHOLD) is near


def test_signature_basics() -> None:
    text = make_text(7)
    sig = minhash(text)
    assert sig is not None and len(sig) == NUM_PERM
    assert len(lsh_bands(sig)) == BANDS
    assert (signature_from_bytes(signature_to_bytes(sig)) == sig).all()
    assert minhash("too short to fingerprint") is None
    assert minhash(normalize_text(text), normalized=True) is not None
    assert (minhash(normalize_text(text), normalized=True) == sig).all()  # type: ignore[union-attr]
