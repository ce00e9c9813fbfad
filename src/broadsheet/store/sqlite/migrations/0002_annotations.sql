-- Annotations written by broadsheet.enrich. Offsets are str indices into articles.body.

CREATE TABLE enrichment (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL CHECK (status IN ('ok', 'failed')),
    error      TEXT,
    tone       REAL    NOT NULL DEFAULT 0.0,
    done_us    INTEGER NOT NULL
);

CREATE TABLE entity_mentions (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    text       TEXT    NOT NULL DEFAULT '',
    entity_id  TEXT,
    PRIMARY KEY (article_id, ord)
) WITHOUT ROWID;
CREATE INDEX entity_mentions_name ON entity_mentions (name COLLATE NOCASE, type);
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id) WHERE entity_id IS NOT NULL;

CREATE TABLE ticker_mentions (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    ticker     TEXT    NOT NULL,
    company    TEXT    NOT NULL,
    relevance  REAL    NOT NULL,
    PRIMARY KEY (article_id, ord)
) WITHOUT ROWID;
CREATE INDEX ticker_mentions_ticker ON ticker_mentions (ticker, article_id);

CREATE TABLE quotes (
    article_id          INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
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
) WITHOUT ROWID;
CREATE INDEX quotes_speaker ON quotes (speaker COLLATE NOCASE) WHERE speaker IS NOT NULL;

CREATE TABLE facts (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    value_num  REAL,  -- exactly one of value_num / value_text is set
    value_text TEXT,
    unit       TEXT,
    measure    TEXT,
    period     TEXT,
    subject    TEXT,
    text       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, ord),
    CHECK ((value_num IS NULL) <> (value_text IS NULL))
) WITHOUT ROWID;

CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    topic      TEXT    NOT NULL,
    PRIMARY KEY (article_id, ord)
) WITHOUT ROWID;
CREATE INDEX article_topics_topic ON article_topics (topic);
