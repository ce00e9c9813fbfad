"""Duplicate detection: a normalised content hash, and MinHash over word shingles.

Exact duplicates are found by ``content_hash`` (text normalised: Unicode NFKC, case-folded,
punctuation dropped, whitespace collapsed). Near-duplicates (the same wire story lightly
edited by another outlet) are found by MinHash (Broder 1997) over 3-word shingles: the
signature keeps, for each of ``NUM_PERM`` seeded hash functions, the smallest hash of any
shingle, and the share of equal positions between two signatures estimates the Jaccard
similarity of their shingle sets. Candidates are found by locality-sensitive hashing: the
first ``BANDS * ROWS`` positions are cut into ``BANDS`` bands of ``ROWS``; texts sharing any
whole band are compared, and join when the estimate is at least ``JACCARD_THRESHOLD``.
With 10 bands of 3, a pair at Jaccard 0.5 is a candidate with probability 0.74, at 0.7
with 0.98, at 0.2 with 0.08.

SimHash (64 bits, Hamming distance 3) was tried first: changing 2 words in 300 already moved
fingerprints 8 bits apart, so it missed lightly edited copies.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "JACCARD_THRESHOLD",
    "MIN_TOKENS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE",
    "Signature",
    "content_hash",
    "estimate_jaccard",
    "lsh_bands",
    "minhash",
    "normalize_text",
    "signature_from_bytes",
    "signature_to_bytes",
    "tokenize",
]

Signature = npt.NDArray[np.uint64]

SHINGLE = 3  # words per shingle
NUM_PERM = 64  # hash functions in a signature
BANDS = 10
ROWS = 3
JACCARD_THRESHOLD = 0.5
MIN_TOKENS = 12  # shorter texts are too small for a meaningful signature

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _odd_constants(tag: str, count: int) -> Signature:
    values = [
        int.from_bytes(hashlib.blake2b(f"{tag}{i}".encode(), digest_size=8).digest(), "little") | 1
        for i in range(count)
    ]
    return np.array(values, dtype=np.uint64)


# signature position i hashes a shingle x to (x * _A[i] + _B[i]) mod 2**64: a bijection
_A = _odd_constants("minhash-a", NUM_PERM).reshape(-1, 1)
_B = _odd_constants("minhash-b", NUM_PERM).reshape(-1, 1)
# a shingle is the XOR of its words' hashes, each times a per-position odd constant
_POSITION = _odd_constants("shingle-position", SHINGLE)


def normalize_text(text: str) -> str:
    """NFKC, case-folded, punctuation replaced by spaces, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def tokenize(text: str) -> list[str]:
    """The words of ``normalize_text(text)``."""
    return normalize_text(text).split()


def content_hash(text: str, *, normalized: bool = False) -> str:
    """A 128-bit hex digest of the normalised text."""
    norm = text if normalized else normalize_text(text)
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).hexdigest()


def _word_hashes(words: list[str]) -> Signature:
    """A 64-bit hash per word: CRC-32 of each distinct word, spread to 64 bits by _mix."""
    ids: dict[str, int] = {}
    codes = [ids.setdefault(w, len(ids)) for w in words]
    distinct = _mix(np.array([zlib.crc32(w.encode("utf-8")) for w in ids], dtype=np.uint64))
    hashes: Signature = distinct[np.array(codes, dtype=np.intp)]
    return hashes


def _mix(x: Signature) -> Signature:
    """The splitmix64 finaliser, element-wise on a uint64 array (wrap-around arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def minhash(text: str, *, normalized: bool = False) -> Signature | None:
    """The MinHash signature (NUM_PERM uint64) of ``text``, or None under MIN_TOKENS words.

    ``normalized=True`` says ``text`` is already the output of ``normalize_text``.
    """
    words = (text if normalized else normalize_text(text)).split()
    if len(words) < MIN_TOKENS:
        return None
    hashes = _word_hashes(words)
    n = len(words) - SHINGLE + 1
    shingles = hashes[:n] * _POSITION[0]
    for offset in range(1, SHINGLE):
        shingles ^= hashes[offset : offset + n] * _POSITION[offset]
    distinct = np.unique(shingles).reshape(1, -1)
    signature: Signature = (distinct * _A + _B).min(axis=1)
    return signature


def estimate_jaccard(a: Signature, b: Signature) -> float:
    """The share of equal positions: an unbiased estimate of the shingle-set Jaccard."""
    return float(np.count_nonzero(a == b)) / len(a)


def lsh_bands(signature: Signature) -> list[int]:
    """One signed 64-bit key per band (band number folded in), for an index lookup."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(16, "little"))
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return keys


def signature_to_bytes(signature: Signature) -> bytes:
    return signature.astype("<u8").tobytes()


def signature_from_bytes(data: bytes) -> Signature:
    signature: Signature = np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return signature
