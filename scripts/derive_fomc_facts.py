"""Derive the FOMC decision facts (date, action, target level) bundled for the demo wire.

Reads the public-domain statements in ../shared/data/corpus/fomc-statements/ and keeps
only facts: the decision date, whether the target was raised, lowered or held, and the
target level in percent. No statement text is kept.

usage: python scripts/derive_fomc_facts.py [STATEMENTS_DIR] > src/broadsheet/data/fomc_decisions.json
"""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from pathlib import Path

NUMBER = r"(\d+(?:-\d/\d)?|\d/\d)"
LEVEL = re.compile(
    rf"(?:to|at|of)\s+(?:around\s+)?(?:a\s+(?:target\s+)?range\s+of\s+)?{NUMBER}(?:\s+(?:to|-)\s+{NUMBER})?\s+percent"
)
MOVE = re.compile(
    r"\b(rais|increas|lower|reduc|decreas|cut|declin|ris)\w*\b[^.]{0,80}?"
    r"(\d+(?:-\d/\d)?|\d/\d) (basis points|percentage point)"
)


def to_float(text: str) -> float:
    whole, _, frac = text.partition("-")
    if "/" in whole:
        return float(Fraction(whole))
    return float(int(whole) + (Fraction(frac) if frac else 0))


def derive(directory: Path) -> list[dict[str, object]]:
    out = []
    for path in sorted(directory.glob("*.txt")):
        text = " ".join(path.read_text("utf-8", errors="replace").split())
        window = text[:1500]
        ffr = window.find("federal funds rate")
        if ffr < 0:
            continue
        # the level sits in the sentence that names the rate, not in the discount-rate one
        sentence_end = window.find(". ", ffr)
        level = LEVEL.search(window[: sentence_end if sentence_end > 0 else None], ffr)
        if level is None:
            continue
        low = to_float(level.group(1))
        high = to_float(level.group(2)) if level.group(2) else low
        move = MOVE.search(window)
        action, bp = "hold", 0
        if move and abs(move.start() - ffr) < 400:
            size = to_float(move.group(2))
            bp = round(size * 100) if move.group(3).startswith("percentage") else int(size)
            action = "raise" if move.group(1) in ("rais", "increas", "ris") else "lower"
        d = path.stem
        if out and action == "hold" and out[-1]["target_high"] != high:
            # the statement names only the new level: the move is the change from the last one
            delta = high - float(out[-1]["target_high"])  # type: ignore[arg-type]
            action, bp = ("raise" if delta > 0 else "lower"), round(abs(delta) * 100)
        out.append(
            {
                "date": f"{d[:4]}-{d[4:6]}-{d[6:8]}",
                "action": action,
                "change_bp": bp,
                "target_low": low,
                "target_high": high,
            }
        )
    return out


if __name__ == "__main__":
    where = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/corpus/fomc-statements")
    )
    json.dump(derive(where), sys.stdout, indent=1)
    sys.stdout.write("\n")
