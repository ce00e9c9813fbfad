"""What the application service owns: the store, the search backend, the pipeline (fetcher
and enricher), the securities master and the event bus, built once from ``Settings``.

A process is either one-shot (a command: it catches the search index up after its own
writes) or following (``follow=True``: the server, ``poll --watch``, the terminal). A
following service runs a ``wire.FollowLoop``: it keeps the index caught up for every process
sharing the home (unless another process already does: ``search.follower``) and publishes
the change log as events on its bus, so screens update live. It also percolates new stories
against the saved searches (``alerts.AlertFollower``: inbox items, ``AlertFired`` on its
bus) and delivers their webhooks (``alerts.WebhookWorker``).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import StoreError
from ..search import IndexFollower, SearchBackend, open_search
from ..store import Store, open_store
from ..wire import Bus, ChangeFeed, Follower, FollowLoop, open_bus

if TYPE_CHECKING:
    from ..alerts import AlertFollower, WebhookWorker
    from ..markets import SecuritiesMaster
    from ..pipeline import Pipeline

__all__ = ["ServiceBase"]

log = logging.getLogger(__name__)


class ServiceBase:
    """The parts every task uses; the task mixins of ``Service`` build on it."""

    def __init__(
        self,
        settings: Settings,
        *,
        enrich: bool | None = None,
        follow: bool = False,
        bus: Bus | None = None,
        enricher: Any = None,
    ) -> None:
        self.settings = settings
        self.bus: Bus = bus or open_bus(settings.wire)
        self.enrich = settings.enrich.enabled if enrich is None else enrich
        self._enricher = enricher
        self._store: Store | None = None
        self._search: SearchBackend | None = None
        self._follower: IndexFollower | None = None
        self._pipeline: Pipeline | None = None
        self._loop: FollowLoop | None = None
        self._alerts: AlertFollower | None = None
        self._alert_loop: FollowLoop | None = None
        self._webhooks: WebhookWorker | None = None
        self._lock = threading.RLock()
        self._securities: SecuritiesMaster | None = None
        self._prices_checked = False
        self.closed = False
        if follow:
            self.start_following()

    # ------------------------------------------------------------------ the archive, opened
    # on first use (reading files for ``extract``/``analyze`` touches no archive)

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                if self.closed:
                    raise StoreError("the service is closed")
                self.settings.home.mkdir(parents=True, exist_ok=True)
                self._store = open_store(self.settings.database)
            return self._store

    @property
    def search_backend(self) -> SearchBackend:
        with self._lock:
            if self._search is None:
                store = self.store
                self._search = open_search(self.settings)
                lock_dir = (
                    self.settings.index_dir
                    if self.settings.search.backend == "tantivy"
                    else self.settings.home
                )
                self._follower = IndexFollower(self._search, store, lock_dir)
            return self._search

    @property
    def follower(self) -> IndexFollower:
        with self._lock:
            self.search_backend  # noqa: B018  (opens the index and its follower)
            assert self._follower is not None
            return self._follower

    # ------------------------------------------------------------------ lifecycle

    def start_following(self, *extra: Follower) -> bool:
        """Keep derived data caught up and publish events while this process runs.

        Returns whether this process keeps the search index (False when another process
        sharing the home already does; events and ``extra`` followers run either way).
        """
        with self._lock:
            if self._loop is not None:
                for follower in extra:
                    self._loop.add(follower)
                return self.follower.continuous
            from ..alerts import AlertFollower, WebhookWorker

            keeps_index = self.follower.become_continuous()
            alerts = self.settings.alerts
            self._webhooks = WebhookWorker(self.store, self.settings.fetch, alerts).start()
            self._alerts = AlertFollower(
                self.store,
                self.bus,
                enrich_wait=alerts.enrich_wait,
                on_fired=lambda _fired: self._poke_webhooks(),
            )
            # alerts in a loop of their own: a tantivy commit must not hold back an alert
            self._alert_loop = FollowLoop(
                self.store,
                [self._alerts],
                interval=alerts.follow_interval,
                name="alerts",
                eager=True,
                idle_round=1.0,  # waits that end by the clock; other processes' items
                watch=True,  # another process's story wakes it at once, not at the next look
            ).start()
            followers: list[Follower] = [self.follower] if keeps_index else []
            followers.append(ChangeFeed(self.store, self.bus))
            followers.extend(extra)
            self._loop = FollowLoop(self.store, followers).start()
            return keeps_index

    def _poke_webhooks(self) -> None:
        if self._webhooks is not None:
            self._webhooks.poke()

    def catch_up_alerts(self) -> int:
        """Percolate what is stored after the alert follower's position, now (a one-shot
        command's own catch-up; a following process does this continuously and also
        publishes the new alerts live). Returns the changes read."""
        from ..alerts import AlertFollower

        if self._alerts is not None:
            return self._alerts.catch_up()
        one_shot = AlertFollower(self.store, None, enrich_wait=self.settings.alerts.enrich_wait)
        return one_shot.catch_up()

    @property
    def following(self) -> bool:
        return self._loop is not None

    def poke(self) -> None:
        """Something was written: followers look now."""
        if self._loop is not None:
            self._loop.poke()
        if self._alert_loop is not None:
            self._alert_loop.poke()

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            loop, self._loop = self._loop, None
            alert_loop, self._alert_loop = self._alert_loop, None
        if self._pipeline is not None:
            self._pipeline.close()  # makes what it stored searchable
        if loop is not None:
            loop.stop()
            loop.run_once(force=True)  # what was stored last, before letting go
        if alert_loop is not None:
            alert_loop.stop()
            alert_loop.run_once(force=True)
        if self._webhooks is not None:
            self._webhooks.stop()
        if self._follower is not None:
            self._follower.close()
        if self._search is not None:
            self._search.close()
        self.bus.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ parts

    @property
    def pipeline(self) -> Pipeline:
        """The chain fetch → extract → enrich → store → index, sharing this service's parts."""
        with self._lock:
            if self._pipeline is None:
                from ..pipeline import Pipeline

                self._pipeline = Pipeline(
                    self.settings,
                    store=self.store,
                    index=self.search_backend,
                    follower=self.follower,
                    enrich=self.enrich,
                    enricher=self._enricher,
                    on_write=self.poke,
                )
            return self._pipeline

    @property
    def enricher(self) -> Any:
        """The annotator (spaCy and the tables), loaded once, shared with the pipeline."""
        with self._lock:
            if self._pipeline is not None:
                return self._pipeline.enricher
            if self._enricher is None:
                from ..enrich import Enricher

                self._enricher = Enricher(model=self.settings.enrich.model)
            return self._enricher

    @property
    def securities(self) -> SecuritiesMaster:
        if self._securities is None:
            from ..markets import load_securities

            self._securities = load_securities()
        return self._securities

    def fresh_index(self) -> SearchBackend:
        """The search backend, with what the store holds made searchable first when nobody
        else is about to (a reader never waits for a writer)."""
        if self._loop is None or not self.follower.continuous:
            try:
                self.follower.catch_up(wait=0)
            except Exception as exc:  # a writer elsewhere, or a damaged index: search as is
                log.info("search index not caught up: %s", exc)
        self.search_backend.refresh()
        return self.search_backend
