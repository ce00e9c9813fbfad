"""The chain that joins the stages: for one item, for a batch, and the polling scheduler."""

from .ingest import BatchReport, IngestOutcome, Pipeline, open_pipeline, read_document
from .poll import (
    PollOutcome,
    add_source,
    entry_to_document,
    ingest_url,
    poll_due,
    poll_source,
    watch,
)

__all__ = [
    "BatchReport",
    "IngestOutcome",
    "Pipeline",
    "PollOutcome",
    "add_source",
    "entry_to_document",
    "ingest_url",
    "open_pipeline",
    "poll_due",
    "poll_source",
    "read_document",
    "watch",
]
