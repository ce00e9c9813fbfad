-- The change log becomes the event log that broadsheet.wire reads: each write says what
-- happened (kind), to which source, and when; events about a source (a poll failing, a
-- source answering again) have no article. Rebuilt, since SQLite cannot relax NOT NULL in
-- place; every seq is kept, so followers' saved positions stay valid.

CREATE TABLE changes_v6 (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER,
    op         TEXT    NOT NULL CHECK (op IN ('upsert', 'delete', 'note')),
    kind       TEXT    NOT NULL DEFAULT 'stored' CHECK (kind IN ('stored', 'updated',
                   'annotated', 'story', 'deleted', 'source_failed', 'source_recovered')),
    source_id  INTEGER,
    at_us      INTEGER,
    detail     TEXT,
    CHECK ((op = 'note') = (article_id IS NULL))
);
INSERT INTO changes_v6 (seq, article_id, op, kind)
    SELECT seq, article_id, op, CASE op WHEN 'delete' THEN 'deleted' ELSE 'stored' END
    FROM changes ORDER BY seq;
DROP TABLE changes;
ALTER TABLE changes_v6 RENAME TO changes;
CREATE INDEX changes_article ON changes (article_id, seq);

-- Saved searches: a query kept under a name by its owner, matched against each new story.
CREATE TABLE saved_searches (
    id         INTEGER PRIMARY KEY,
    owner      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    query      TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_us INTEGER NOT NULL,
    UNIQUE (owner, name)
);

-- Where each follower of the change log that keeps its position in the store has got to.
CREATE TABLE followers (
    name       TEXT    PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_us INTEGER NOT NULL
) WITHOUT ROWID;
