"""Benchmarks and fitting: code that measures Broadsheet or fits its bundled tables.

Nothing at run time imports this package; ``broadsheet bench ...`` and
``python -m broadsheet.bench.<module>`` do. Each module is imported on its own (they pull
in what they measure, some of it heavy), so this package exports nothing.

extract          ``broadsheet bench extract``: Broadsheet against trafilatura, same run
extract_scoring  the extraction metric (shingle F1), exactly the reference scorer's
search           ``broadsheet bench search``: a synthetic corpus, indexed, then timed
store            ``python -m broadsheet.bench.store``: saves and price rows per second
sources          ``python -m broadsheet.bench.sources``: polling feeds from a local server
markets          ``python -m broadsheet.bench.markets``: price import, charts, event studies
alerts           ``broadsheet bench wire``: from a story stored to its alert on a live screen
alerts_corpus    generated stories (with their annotations) and saved searches for it
quotes_fit       ``python -m broadsheet.bench.quotes_fit``: fits the quote classifier and cut
                 table on PolNeAR train; scores predictions as the reference scorer does
"""
