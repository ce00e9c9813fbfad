"""Which process keeps the index caught up (``search.follower``), with real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from broadsheet.config import Settings
from broadsheet.models import Article, Paragraph
from broadsheet.search import IndexFollower, open_search
from broadsheet.store import open_store
from tests.store.store_corpus import make_text

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from broadsheet.config import Settings
    from broadsheet.search import IndexFollower, open_search
    from broadsheet.store import open_store
    home, role = Path(sys.argv[1]), sys.argv[2]
    settings = Settings(home=home)
    store = open_store(str(home / "broadsheet.db"))
    index = open_search(settings)
    follower = IndexFollower(index, store, settings.index_dir)
    if role == "continuous":
        assert follower.become_continuous()
    else:
        index.catch_up(store)  # takes and keeps the writer, as a one-shot mid-flush
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


def _store_some(home: Path, n: int) -> None:
    store = open_store(str(home / "broadsheet.db"))
    for i in range(n):
        store.save_article(Article(paragraphs=(Paragraph(make_text(i)),), url=f"https://x/{i}"))
    store.close()


def _holder(home: Path, role: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home), role],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    proc.communicate("\n", timeout=60)


def test_a_one_shot_leaves_the_work_to_a_continuous_follower(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    _store_some(tmp_path, 3)
    holder = _holder(tmp_path, "continuous")
    try:
        store = open_store(settings.database)
        index = open_search(settings)
        follower = IndexFollower(index, store, settings.index_dir)
        assert follower.other_is_continuous()
        assert not follower.become_continuous()  # only one continuous follower
        assert follower.catch_up(wait=30) == 0 and not index.writing  # left to the other
        index.close()
        store.close()
    finally:
        _release(holder)
    follower = IndexFollower(open_search(settings), open_store(settings.database), tmp_path)
    assert not follower.other_is_continuous()  # the lock died with its holder


def test_a_one_shot_waits_for_another_one_shot_writer(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    _store_some(tmp_path, 2)
    holder = _holder(tmp_path, "writer")
    store = open_store(settings.database)
    index = open_search(settings)
    follower = IndexFollower(index, store, settings.index_dir)
    _store_some(tmp_path, 4)  # more to index than the holder applied
    assert follower.catch_up(wait=0) == 0  # busy and no waiting: left as it is
    assert follower.lag() > 0
    _release(holder)
    assert follower.catch_up(wait=30) > 0
    assert follower.lag() == 0 and not index.writing  # applied, then the writer given back
    assert index.count() == 4
    index.close()
    store.close()
