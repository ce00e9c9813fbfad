"""The chain that joins the stages: for one item, for a batch, and the polling scheduler."""

from .ingest import BatchReport, IngestOutcome, Pipeline, open_pipeline, read_document
from .poll import (
    PollOutcome,
    add_source,
    entries_to_read,
    entry_to_document,
    ingest_url,
    looks_like_feed,
    poll_due,
    poll_source,
    record_failure,
    record_success,
    watch,
)

__all__ = [
    "BatchReport",
    "IngestOutcome",
    "Pipeline",
    "PollOutcome",
    "add_source",
    "entries_to_read",
    "entry_to_document",
    "ingest_url",
    "looks_like_feed",
    "open_pipeline",
    "poll_due",
    "poll_source",
    "read_document",
    "record_failure",
    "record_success",
    "watch",
]
