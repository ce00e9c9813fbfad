-- The store on PostgreSQL: the schema of SQLite's migrations 0001-0007, table for table and
-- column for column (broadsheet migrate-store copies rows between the two as they are).
-- Times are integer microseconds since the Unix epoch, UTC (suffix _us); flags are 0/1
-- integers, as on SQLite, so the role SQL in broadsheet.store.sqlite runs on both.

-- SQLite's COLLATE NOCASE: compare names case-insensitively.
CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2',
    deterministic = false);

CREATE TABLE sources (
    id              BIGSERIAL PRIMARY KEY,
    url             TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('feed', 'page')),
    title           TEXT,
    paused          INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    etag            TEXT,
    last_modified   TEXT,
    last_fetch_us   BIGINT,
    last_success_us BIGINT,
    last_error      TEXT,
    error_count     INTEGER NOT NULL DEFAULT 0,
    next_poll_us    BIGINT,
    added_us        BIGINT  NOT NULL
);
CREATE INDEX sources_due ON sources (next_poll_us) WHERE paused = 0;

-- id = first_seen milliseconds * 1000 + a counter: ids sort like first_seen_at.
CREATE TABLE articles (
    id            BIGINT  PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    source_id     BIGINT  REFERENCES sources (id) ON DELETE SET NULL,
    guid          TEXT,
    url           TEXT,
    canonical_url TEXT,
    headline      TEXT,
    byline        TEXT,
    published_at  TEXT,
    published_us  BIGINT,
    updated_at    TEXT,
    first_seen_us BIGINT  NOT NULL,
    saved_us      BIGINT  NOT NULL,
    language      TEXT,
    site_name     TEXT,
    description   TEXT,
    body          TEXT    NOT NULL,
    sections      TEXT    NOT NULL DEFAULT '[]',
    images        TEXT    NOT NULL DEFAULT '[]',
    content_hash  TEXT    NOT NULL,
    story_id      BIGINT  NOT NULL,
    minhash       BYTEA
);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_source ON articles (source_id);
CREATE INDEX articles_published ON articles (published_us);

CREATE TABLE article_keys (
    kind       TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, key)
);
CREATE INDEX article_keys_article ON article_keys (article_id);

CREATE TABLE tombstones (
    kind       TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    article_id BIGINT NOT NULL,
    deleted_us BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX tombstones_article ON tombstones (article_id);

CREATE TABLE article_versions (
    article_id    BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    saved_us      BIGINT  NOT NULL,
    headline      TEXT,
    byline        TEXT,
    published_at  TEXT,
    url           TEXT,
    canonical_url TEXT,
    body          TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE story_bands (
    band       BIGINT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE INDEX story_bands_article ON story_bands (article_id);

-- The write log, which is also the event log. A sequence never hands a number out twice;
-- writers take one lock per transaction (broadsheet.store.postgres.connection), so seq
-- also grows in commit order and a follower never skips a row committed late.
CREATE TABLE changes (
    seq        BIGSERIAL PRIMARY KEY,
    article_id BIGINT,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete', 'note')),
    kind       TEXT NOT NULL DEFAULT 'stored' CHECK (kind IN ('stored', 'updated',
                   'annotated', 'story', 'deleted', 'source_failed', 'source_recovered')),
    source_id  BIGINT,
    at_us      BIGINT,
    detail     TEXT,
    CHECK ((op = 'note') = (article_id IS NULL))
);
CREATE INDEX changes_article ON changes (article_id, seq);

CREATE TABLE enrichment (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    status     TEXT   NOT NULL CHECK (status IN ('ok', 'failed')),
    error      TEXT,
    tone       DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    done_us    BIGINT NOT NULL
);

CREATE TABLE entity_mentions (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    text       TEXT    NOT NULL DEFAULT '',
    entity_id  TEXT,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX entity_mentions_name ON entity_mentions (lower(name), type);
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id) WHERE entity_id IS NOT NULL;

CREATE TABLE ticker_mentions (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    ticker     TEXT    NOT NULL,
    company    TEXT    NOT NULL,
    relevance  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX ticker_mentions_ticker ON ticker_mentions (ticker, article_id);

CREATE TABLE quotes (
    article_id          BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord                 INTEGER NOT NULL,
    content_start       INTEGER NOT NULL,
    content_end         INTEGER NOT NULL,
    source_start        INTEGER,
    source_end          INTEGER,
    cue_start           INTEGER,
    cue_end             INTEGER,
    speaker             TEXT,
    kind                TEXT    NOT NULL CHECK (kind IN ('direct', 'mixed', 'indirect')),
    speaker_type        TEXT,
    speaker_title       TEXT,
    speaker_affiliation TEXT,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX quotes_speaker ON quotes (speaker COLLATE nocase) WHERE speaker IS NOT NULL;

CREATE TABLE facts (
    article_id  BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    value_num   DOUBLE PRECISION,
    value_text  TEXT,
    unit        TEXT,
    measure     TEXT,
    period      TEXT,
    subject     TEXT,
    text        TEXT    NOT NULL DEFAULT '',
    period_norm TEXT,
    PRIMARY KEY (article_id, ord),
    CHECK ((value_num IS NULL) <> (value_text IS NULL))
);

CREATE TABLE article_topics (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    topic      TEXT    NOT NULL,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX article_topics_topic ON article_topics (topic);

CREATE TABLE price_bars (
    ticker    TEXT NOT NULL,
    date      TEXT NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    open      DOUBLE PRECISION NOT NULL,
    high      DOUBLE PRECISION NOT NULL,
    low       DOUBLE PRECISION NOT NULL,
    close     DOUBLE PRECISION NOT NULL,
    volume    DOUBLE PRECISION NOT NULL,
    adj_close DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (ticker, date)
);

CREATE TABLE saved_searches (
    id         BIGSERIAL PRIMARY KEY,
    owner      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    query      TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_us BIGINT  NOT NULL,
    UNIQUE (owner, name)
);

CREATE TABLE followers (
    name       TEXT   PRIMARY KEY,
    seq        BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);

CREATE TABLE alert_webhooks (
    search_id  BIGINT PRIMARY KEY REFERENCES saved_searches (id) ON DELETE CASCADE,
    url        TEXT   NOT NULL,
    secret     TEXT   NOT NULL,
    created_us BIGINT NOT NULL
);

CREATE TABLE alert_items (
    id         BIGSERIAL PRIMARY KEY,
    search_id  BIGINT  NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    owner      TEXT    NOT NULL,
    article_id BIGINT  NOT NULL,
    story_id   BIGINT,
    headline   TEXT,
    seq        BIGINT  NOT NULL,
    stored_us  BIGINT  NOT NULL,
    fired_us   BIGINT  NOT NULL,
    updated_us BIGINT  NOT NULL,
    reports    INTEGER NOT NULL DEFAULT 1,
    read_us    BIGINT
);
CREATE INDEX alert_items_owner ON alert_items (owner, id);
CREATE INDEX alert_items_search_story ON alert_items (search_id, story_id);

CREATE TABLE alert_reports (
    search_id  BIGINT  NOT NULL,
    article_id BIGINT  NOT NULL,
    item_id    BIGINT  NOT NULL REFERENCES alert_items (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    seq        BIGINT  NOT NULL,
    at_us      BIGINT  NOT NULL,
    PRIMARY KEY (search_id, article_id)
);
CREATE INDEX alert_reports_item ON alert_reports (item_id);

CREATE TABLE alert_outbox (
    id           BIGSERIAL PRIMARY KEY,
    item_id      BIGINT  NOT NULL REFERENCES alert_items (id) ON DELETE CASCADE,
    channel      TEXT    NOT NULL CHECK (channel IN ('live', 'webhook')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_us      BIGINT  NOT NULL,
    claimed_by   BIGINT,
    claimed_us   BIGINT,
    last_error   TEXT,
    last_try_us  BIGINT,
    delivered_us BIGINT,
    gave_up      INTEGER NOT NULL DEFAULT 0 CHECK (gave_up IN (0, 1)),
    UNIQUE (item_id, channel)
);
CREATE INDEX alert_outbox_due ON alert_outbox (channel, next_us)
    WHERE delivered_us IS NULL AND gave_up = 0;

CREATE TABLE alert_pending (
    article_id BIGINT PRIMARY KEY,
    seq        BIGINT NOT NULL,
    stored_us  BIGINT NOT NULL,
    due_us     BIGINT NOT NULL
);

CREATE TABLE saved_search_generation (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    generation BIGINT  NOT NULL
);
INSERT INTO saved_search_generation (one, generation) VALUES (1, 0);
CREATE FUNCTION bump_saved_search_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE saved_search_generation SET generation = generation + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER saved_searches_changed AFTER INSERT OR UPDATE OR DELETE ON saved_searches
    FOR EACH STATEMENT EXECUTE FUNCTION bump_saved_search_generation();

-- The PostgreSQL search backend (broadsheet.search.postgres): one row per searchable
-- article, filled from the change log like the tantivy index. doc: headline (weight A) and
-- body (weight B) as the index's analyzer tokenised them; keys: keyword values and name parts.
CREATE TABLE search_docs (
    id          BIGINT PRIMARY KEY,
    doc         TSVECTOR NOT NULL,
    quote       TSVECTOR NOT NULL,
    keys        TEXT[]   NOT NULL,
    date        TIMESTAMPTZ,
    published   TIMESTAMPTZ,
    first_seen  TIMESTAMPTZ,
    headline    TEXT,
    body        TEXT     NOT NULL,
    source      TEXT,
    story_id    BIGINT
);
CREATE INDEX search_docs_keys ON search_docs USING gin (keys);
CREATE INDEX search_docs_quote ON search_docs USING gin (quote);
CREATE INDEX search_docs_date ON search_docs (date);
CREATE TABLE search_state (
    name     TEXT   PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
