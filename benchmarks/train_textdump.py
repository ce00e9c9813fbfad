"""Fit, validate and time the text-dump extractor: see broadsheet.bench.textdump_fit.

    python benchmarks/train_textdump.py fit|cv|eval|speed [--corpus DIR ...]

is ``python -m broadsheet.bench.textdump_fit`` with the same arguments; the training corpus
is built by ``python -m broadsheet.bench.textdump_corpus`` (benchmarks/textdump.md).
"""

import sys

from broadsheet.bench.textdump_fit import main

if __name__ == "__main__":
    main(sys.argv)
