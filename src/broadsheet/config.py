"""Settings: defaults → file (``broadsheet.toml``) → environment (``BROADSHEET_…``, ``__``
for nesting) → command-line flags.

Settings are passed explicitly to whatever needs them; nothing reads a global.
Every field is documented; ``tests/test_docs.py`` fails when ``docs/configuration.md``
does not mention one.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

__all__ = [
    "AccountSettings",
    "AlertSettings",
    "EnrichSettings",
    "FetchSettings",
    "PollSettings",
    "SearchSettings",
    "Settings",
    "StoreSettings",
    "WireSettings",
    "default_home",
    "load_settings",
]


def default_home() -> Path:
    """Where Broadsheet keeps its data unless told otherwise."""
    env = os.environ.get("BROADSHEET_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "broadsheet"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FetchSettings(_Section):
    connect_timeout: float = Field(10.0, description="Seconds to wait for a TCP/TLS connection.")
    read_timeout: float = Field(20.0, description="Seconds to wait between bytes of a response.")
    total_timeout: float = Field(60.0, description="Seconds one request may take in all.")
    max_body_bytes: int = Field(
        15 * 1024 * 1024, description="Largest body accepted, after decompression (15 MiB)."
    )
    max_redirects: int = Field(5, description="Redirects followed before giving up.")
    user_agent: str = Field(
        "Broadsheet/0.1 (+https://github.com/broadsheet/broadsheet)",
        description="User-Agent header sent with every request.",
    )
    per_host_concurrency: int = Field(2, description="Requests in flight to one host at once.")
    allow_private_hosts: tuple[str, ...] = Field(
        (),
        description=(
            "Host names or IP addresses that may resolve to private or loopback addresses "
            "(feeds on your own LAN). Everything else private is refused."
        ),
    )
    retry_attempts: int = Field(2, description="Retries of a transient failure within one fetch.")
    warc_out: Path | None = Field(
        None,
        description=(
            "A folder to write everything fetched into as gzipped WARC files (an archive "
            "of your own crawl, to replay with `broadsheet ingest` or `broadsheet batch`)."
        ),
    )
    backoff_base: float = Field(0.5, description="Base seconds of retry backoff (jittered).")


class PollSettings(_Section):
    interval: float = Field(900.0, description="Seconds between polls of a healthy source.")
    max_backoff: float = Field(
        24 * 3600.0, description="Longest wait before retrying a failing source (24 h)."
    )
    workers: int = Field(8, description="Sources fetched concurrently during a poll.")
    fetch_articles: bool = Field(
        True, description="Fetch each new feed entry's page (otherwise use the feed's content)."
    )


class StoreSettings(_Section):
    url: str | None = Field(
        None,
        description=(
            "Database location: a SQLite file path or a postgresql:// URL. "
            "Default: <home>/broadsheet.db."
        ),
    )


class SearchSettings(_Section):
    backend: Literal["tantivy", "postgres"] = Field(
        "tantivy",
        description=(
            "The search engine: the embedded tantivy index (default), or PostgreSQL full text "
            "in the store's database (needs store.url = postgresql://...)."
        ),
    )
    index_dir: Path | None = Field(
        None, description="Directory of the tantivy index. Default: <home>/index."
    )
    default_limit: int = Field(
        20, description="Results returned by a search unless told otherwise."
    )


class EnrichSettings(_Section):
    enabled: bool = Field(
        True, description="Annotate articles (entities, quotes, facts) on ingest."
    )
    model: str = Field("en_core_web_sm", description="spaCy model package to load.")
    processes: int = Field(1, description="Worker processes for bulk enrichment.")


class AlertSettings(_Section):
    follow_interval: float = Field(
        0.02,
        description=(
            "Seconds between looks at the change log by a following process (serve, "
            "poll --watch, the terminal) for stories stored by other processes: the longest "
            "wait before their alerts fire and live screens update."
        ),
    )
    enrich_wait: float = Field(
        60.0,
        description=(
            "Seconds a story waits for its annotations before searches with NOT over an "
            "annotation field (person:, ticker:...) are decided without them (enrichment "
            "off or failed)."
        ),
    )
    webhook_attempts: int = Field(
        12, description="Attempts to deliver one webhook before giving up (failures stay visible)."
    )
    webhook_backoff: float = Field(
        2.0, description="Seconds before the first webhook retry; doubles each time (jittered)."
    )
    webhook_max_backoff: float = Field(
        3600.0, description="Longest wait between two attempts of one webhook delivery."
    )
    webhook_timeout: float = Field(10.0, description="Seconds one webhook request may take in all.")


class WireSettings(_Section):
    url: str | None = Field(
        None,
        description=(
            "Where the engine's events and the stage workers' jobs travel: unset for one "
            "process (the in-process bus), or a nats:// URL of a NATS server with JetStream "
            "(`broadsheet worker`, `broadsheet wire status`)."
        ),
    )
    prefix: str = Field(
        "broadsheet",
        pattern=r"^[A-Za-z0-9_-]+$",
        description=(
            "First token of every subject on NATS (`<prefix>.events.>`, `<prefix>.jobs.>`): "
            "letters, digits, - and _."
        ),
    )
    stream: str = Field(
        "BROADSHEET",
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Name stem of the JetStream streams (`<stream>_EVENTS`, `_JOBS`, `_DEAD`).",
    )
    ack_wait: float = Field(
        30.0,
        gt=0,
        description="Seconds a worker may hold a job unacknowledged before it is redelivered.",
    )
    max_deliver: int = Field(
        5,
        ge=1,
        description="Deliveries of one job before it goes to the dead-letter stream.",
    )
    max_ack_pending: int = Field(
        256,
        ge=1,
        description="Jobs of one stage handed out and not yet acknowledged (backpressure).",
    )
    duplicate_window: float = Field(
        600.0,
        description="Seconds JetStream remembers a message id to drop a repeated publish.",
    )


class AccountSettings(_Section):
    session_idle: float = Field(
        1800.0, gt=0, description="Seconds without a request after which a login session ends."
    )
    session_lifetime: float = Field(
        43200.0, gt=0, description="Seconds after login after which a session ends regardless."
    )
    argon2_memory_kib: int = Field(
        19456,
        ge=19456,
        description="argon2id memory per password hash, in KiB (never below OWASP's 19 MiB).",
    )
    argon2_time_cost: int = Field(
        2, ge=2, description="argon2id iterations per password hash (never below 2)."
    )
    argon2_parallelism: int = Field(1, ge=1, description="argon2id lanes per password hash.")


class Settings(BaseSettings):
    """All of Broadsheet's settings."""

    model_config = SettingsConfigDict(
        env_prefix="BROADSHEET_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    home: Path = Field(default_factory=default_home, description="Directory for all data.")
    fetch: FetchSettings = Field(
        default_factory=FetchSettings,
        description="HTTP fetching: timeouts, body cap, SSRF allowlist, politeness.",
    )
    poll: PollSettings = Field(
        default_factory=PollSettings,
        description="The polling scheduler: interval, backoff, concurrency.",
    )
    store: StoreSettings = Field(
        default_factory=StoreSettings,
        description="The system of record.",
    )
    search: SearchSettings = Field(
        default_factory=SearchSettings,
        description="The search index.",
    )
    enrich: EnrichSettings = Field(
        default_factory=EnrichSettings,
        description="Annotation of articles: entities, quotes, facts, topics.",
    )
    alerts: AlertSettings = Field(
        default_factory=AlertSettings,
        description="Saved-search alerts: percolation and webhook delivery.",
    )
    wire: WireSettings = Field(
        default_factory=WireSettings,
        description="The event bus and the stage workers: in-process, or NATS JetStream.",
    )
    accounts: AccountSettings = Field(
        default_factory=AccountSettings,
        description="Web accounts: login sessions and password hashing (raised, never lowered).",
    )

    @property
    def database(self) -> str:
        """The store location: a SQLite path or a PostgreSQL URL."""
        return self.store.url or str(self.home / "broadsheet.db")

    @property
    def index_dir(self) -> Path:
        return self.search.index_dir or (self.home / "index")


def load_settings(file: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Build settings from defaults, an optional TOML file, the environment, then overrides.

    ``overrides`` are the command-line flags as nested dicts: ``{"fetch": {"max_body_bytes": 1}}``.
    """
    data: dict[str, Any] = {}
    path = file
    if path is None:
        env_file = os.environ.get("BROADSHEET_CONFIG")
        if env_file:
            path = Path(env_file)
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    # environment beats file: pydantic-settings gives init kwargs priority, so merge by hand
    env_settings = Settings()
    env_set = _explicit_env_keys()
    merged = _deep_merge(data, {k: getattr(env_settings, k) for k in env_set})
    if overrides:
        merged = _deep_merge(merged, overrides)
    try:
        return Settings(**merged)
    except Exception as exc:  # pydantic.ValidationError
        raise ConfigError(f"invalid settings: {exc}") from exc


def _explicit_env_keys() -> set[str]:
    keys = set()
    for name in os.environ:
        if name.startswith("BROADSHEET_") and name not in ("BROADSHEET_CONFIG",):
            keys.add(name[len("BROADSHEET_") :].split("__", 1)[0].lower())
    return keys & set(Settings.model_fields)


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, BaseModel):
            value = value.model_dump(exclude_unset=True)
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
