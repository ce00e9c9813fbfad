-- Alerts: saved searches matched against each story as it is stored (broadsheet.alerts).
-- Saved searches, inbox items, reports and outbox rows are written with synchronous=FULL
-- (durable=True); a percolated batch that matched nothing (only the follower position)
-- commits with NORMAL and is decided again after a power cut.

-- A saved search's webhook, when it has one (the inbox and live channels need no row).
-- The secret signs each delivery (Standard Webhooks); it is shown to the user once.
CREATE TABLE alert_webhooks (
    search_id  INTEGER PRIMARY KEY REFERENCES saved_searches (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_us INTEGER NOT NULL
);

-- The inbox: one item per saved search and story. The item is the inbox channel's delivery;
-- later reports of the same story (new versions, other sources) are grouped into it.
CREATE TABLE alert_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    search_id  INTEGER NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    owner      TEXT    NOT NULL,
    article_id INTEGER NOT NULL,  -- the report that fired it (no foreign key: items outlive
                                  -- a deleted article)
    story_id   INTEGER,
    headline   TEXT,
    seq        INTEGER NOT NULL,  -- the change-log position that fired it
    stored_us  INTEGER NOT NULL,  -- when the story was stored
    fired_us   INTEGER NOT NULL,
    updated_us INTEGER NOT NULL,  -- when a report was last grouped into it
    reports    INTEGER NOT NULL DEFAULT 1,
    read_us    INTEGER
);
CREATE INDEX alert_items_owner ON alert_items (owner, id);
CREATE INDEX alert_items_search_story ON alert_items (search_id, story_id);

-- Every report that matched a saved search, and the item it is grouped into: a story is
-- never alerted twice to one search.
CREATE TABLE alert_reports (
    search_id  INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    item_id    INTEGER NOT NULL REFERENCES alert_items (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    at_us      INTEGER NOT NULL,
    PRIMARY KEY (search_id, article_id)
) WITHOUT ROWID;
CREATE INDEX alert_reports_item ON alert_reports (item_id);

-- The outbox: what is still to be delivered on the other channels, one row per item and
-- channel, written in the same transaction as the item. claimed_by/claimed_us: the process
-- delivering it now (a dead process's claim is taken over).
CREATE TABLE alert_outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id      INTEGER NOT NULL REFERENCES alert_items (id) ON DELETE CASCADE,
    channel      TEXT    NOT NULL CHECK (channel IN ('live', 'webhook')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_us      INTEGER NOT NULL,
    claimed_by   INTEGER,
    claimed_us   INTEGER,
    last_error   TEXT,
    last_try_us  INTEGER,
    delivered_us INTEGER,
    gave_up      INTEGER NOT NULL DEFAULT 0 CHECK (gave_up IN (0, 1)),
    UNIQUE (item_id, channel)
);
CREATE INDEX alert_outbox_due ON alert_outbox (channel, next_us)
    WHERE delivered_us IS NULL AND gave_up = 0;

-- Stories whose annotations are awaited before searches with NOT over an annotation field
-- (person:, ticker:...) are decided; decided when annotated, else at due_us.
CREATE TABLE alert_pending (
    article_id INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    stored_us  INTEGER NOT NULL,
    due_us     INTEGER NOT NULL
);

-- Bumped by every change to saved searches, so each percolating process recompiles them.
CREATE TABLE saved_search_generation (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    generation INTEGER NOT NULL
);
INSERT INTO saved_search_generation (one, generation) VALUES (1, 0);
CREATE TRIGGER saved_searches_added AFTER INSERT ON saved_searches BEGIN
    UPDATE saved_search_generation SET generation = generation + 1;
END;
CREATE TRIGGER saved_searches_changed AFTER UPDATE ON saved_searches BEGIN
    UPDATE saved_search_generation SET generation = generation + 1;
END;
CREATE TRIGGER saved_searches_removed AFTER DELETE ON saved_searches BEGIN
    UPDATE saved_search_generation SET generation = generation + 1;
END;
