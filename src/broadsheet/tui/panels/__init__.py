"""The terminal's panels, one module per screen."""

from __future__ import annotations

from .alerts import AlertsPanel
from .base import Panel, StoryTable
from .chart import ChartPanel
from .company import CompanyNewsPanel, DescriptionPanel
from .help import HelpPanel
from .news import NewsPanel
from .people import PersonPanel
from .reader import ReaderPanel
from .sources import SourcesPanel
from .top import TopPanel

__all__ = [
    "AlertsPanel",
    "ChartPanel",
    "CompanyNewsPanel",
    "DescriptionPanel",
    "HelpPanel",
    "NewsPanel",
    "Panel",
    "PersonPanel",
    "ReaderPanel",
    "SourcesPanel",
    "StoryTable",
    "TopPanel",
]
