-- Sources, articles and their versions, identity keys, tombstones, the change log.
-- Times are integer microseconds since the Unix epoch, UTC (suffix _us).

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    url             TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('feed', 'page')),
    title           TEXT,
    paused          INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    etag            TEXT,
    last_modified   TEXT,
    last_fetch_us   INTEGER,
    last_success_us INTEGER,
    last_error      TEXT,
    error_count     INTEGER NOT NULL DEFAULT 0,
    next_poll_us    INTEGER,
    added_us        INTEGER NOT NULL
);
CREATE INDEX sources_due ON sources (next_poll_us) WHERE paused = 0;

-- id = first_seen milliseconds * 1000 + a counter: ids sort like first_seen_at.
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    source_id     INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    guid          TEXT,
    url           TEXT,
    canonical_url TEXT,
    headline      TEXT,
    byline        TEXT,
    published_at  TEXT,     -- ISO 8601 exactly as given (offset kept)
    published_us  INTEGER,  -- the same instant, for sorting (naive taken as UTC)
    updated_at    TEXT,
    first_seen_us INTEGER NOT NULL,
    saved_us      INTEGER NOT NULL,  -- when the current version was stored
    language      TEXT,
    site_name     TEXT,
    description   TEXT,
    body          TEXT    NOT NULL,
    sections      TEXT    NOT NULL DEFAULT '[]',  -- JSON list of headings
    images        TEXT    NOT NULL DEFAULT '[]',  -- JSON list of {url,title,caption,credit}
    content_hash  TEXT    NOT NULL,
    story_id      INTEGER NOT NULL,
    minhash       BLOB              -- 64 little-endian uint64, NULL for very short texts
);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_source ON articles (source_id);
CREATE INDEX articles_published ON articles (published_us);

-- Every way a story can be recognised again: kind in ('canonical', 'url', 'guid', 'hash').
-- guid keys are '<source_id> <guid>'. hash keys cover every version's text.
CREATE TABLE article_keys (
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX article_keys_article ON article_keys (article_id);

-- What a deleted article leaves behind: its keys never store a story again.
CREATE TABLE tombstones (
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    article_id INTEGER NOT NULL,
    deleted_us INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX tombstones_article ON tombstones (article_id);

-- Earlier versions of an article (the current one lives in articles).
CREATE TABLE article_versions (
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    saved_us      INTEGER NOT NULL,
    headline      TEXT,
    byline        TEXT,
    published_at  TEXT,
    url           TEXT,
    canonical_url TEXT,
    body          TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    PRIMARY KEY (article_id, version)
) WITHOUT ROWID;

-- Locality-sensitive hashing bands of the MinHash signatures (near-duplicate lookup).
CREATE TABLE story_bands (
    band       INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE INDEX story_bands_article ON story_bands (article_id);

-- The write log the search index catches up from. AUTOINCREMENT: seq is never reused.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL,
    op         TEXT    NOT NULL CHECK (op IN ('upsert', 'delete'))
);
