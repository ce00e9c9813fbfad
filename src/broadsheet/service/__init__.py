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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .accounts import (
        Login,
        NewToken,
        NewUser,
        SessionInfo,
        SessionView,
        TokenView,
        UserView,
    )
    from .alerts import AlertView, InboxItemView, InboxPage
    from .files import FileRow, extract_files, input_files
    from .searches import SearchPreview
    from .sources import OpmlImport, PollReport
    from .tasks import Service, open_service
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
    from .wire import WirePublished, WireStatus

# Every name is imported on first use: the task mixins of ``Service`` pull in accounts,
# alerts, fetching, the store and the search index, which a caller of one light part
# (``input_files``, the views) does not need. ``Service`` and ``open_service`` live in
# ``tasks``.
_LAZY: dict[str, str] = {
    "AccountTasks": "accounts",
    "AlertTasks": "alerts",
    "AlertView": "alerts",
    "ArchiveTasks": "archive",
    "ArticleView": "views",
    "BatchTasks": "batch",
    "ChartView": "views",
    "CompanyNews": "views",
    "CompanyView": "views",
    "EventStudyView": "views",
    "FileRow": "files",
    "InboxItemView": "alerts",
    "InboxPage": "alerts",
    "LiveTasks": "live",
    "Login": "accounts",
    "MarketTasks": "markets",
    "NewToken": "accounts",
    "NewUser": "accounts",
    "OpmlImport": "sources",
    "PersonView": "views",
    "PollReport": "sources",
    "PriceSeries": "views",
    "QuoteView": "views",
    "SavedSearchView": "views",
    "SearchPage": "views",
    "SearchPreview": "searches",
    "Sentences": "text",
    "SessionInfo": "accounts",
    "SessionView": "accounts",
    "SourceTasks": "sources",
    "SourceView": "views",
    "StoryCluster": "views",
    "StoryHit": "views",
    "TokenView": "accounts",
    "UserView": "accounts",
    "VersionView": "views",
    "WirePublished": "wire",
    "WireStatus": "wire",
    "WireTasks": "wire",
    "annotations_json": "views",
    "article_record": "views",
    "input_files": "files",
    "extract_files": "files",
    "quote_sentence": "text",
    "sentence_around": "text",
    "Service": "tasks",
    "open_service": "tasks",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
    "extract_files",
    "input_files",
    "open_service",
    "quote_sentence",
    "sentence_around",
]
