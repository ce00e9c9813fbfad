"""The application service: one method per user task, typed views back, one JSON form each.

    with open_service(settings) as svc:
        svc.ingest(["pages/"])
        page = svc.search('ticker:AAPL since:30d')
        story = svc.read(page.hits[0].id)
        chart = svc.chart("AAPL")

Every interface — the command line, the Python API, the terminal, the web app and its REST
API — is a thin caller of this service and never imports another interface. The service
owns the store, the search backend, the pipeline (fetcher, enricher), the securities master
and the event bus (see ``base``).
"""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..wire import Bus
from .accounts import (
    AccountTasks,
    Login,
    NewToken,
    NewUser,
    SessionInfo,
    SessionView,
    TokenView,
    UserView,
)
from .alerts import AlertTasks, AlertView, InboxItemView, InboxPage
from .archive import ArchiveTasks, FileRow, input_files
from .batch import BatchTasks
from .live import LiveTasks
from .markets import MarketTasks
from .searches import SearchPreview
from .sources import OpmlImport, PollReport, SourceTasks
from .text import Sentences, quote_sentence, sentence_around
from .views import (
    ArticleView,
    ChartView,
    CompanyNews,
    CompanyView,
    EventStudyView,
    PersonView,
    PriceSeries,
    QuoteView,
    SavedSearchView,
    SearchPage,
    SourceView,
    StoryCluster,
    StoryHit,
    VersionView,
    annotations_json,
    article_record,
)
from .wire import WirePublished, WireStatus, WireTasks

__all__ = [
    "AlertView",
    "ArticleView",
    "ChartView",
    "CompanyNews",
    "CompanyView",
    "EventStudyView",
    "FileRow",
    "InboxItemView",
    "InboxPage",
    "Login",
    "NewToken",
    "NewUser",
    "OpmlImport",
    "PersonView",
    "PollReport",
    "PriceSeries",
    "QuoteView",
    "SavedSearchView",
    "SearchPage",
    "SearchPreview",
    "Sentences",
    "Service",
    "SessionInfo",
    "SessionView",
    "SourceView",
    "StoryCluster",
    "StoryHit",
    "TokenView",
    "UserView",
    "VersionView",
    "WirePublished",
    "WireStatus",
    "annotations_json",
    "article_record",
    "input_files",
    "open_service",
    "quote_sentence",
    "sentence_around",
]


class Service(
    ArchiveTasks,
    SourceTasks,
    MarketTasks,
    AlertTasks,
    BatchTasks,
    AccountTasks,
    LiveTasks,
    WireTasks,
):
    """Every user task over one archive (see the module's docstring)."""

    def __enter__(self) -> Service:
        return self


def open_service(
    settings: Settings,
    *,
    enrich: bool | None = None,
    follow: bool = False,
    bus: Bus | None = None,
    enricher: Any = None,
) -> Service:
    """The service over the archive the settings name. ``follow``: this process keeps the
    index caught up and publishes live events while it runs (servers, watchers, terminals)."""
    return Service(settings, enrich=enrich, follow=follow, bus=bus, enricher=enricher)
