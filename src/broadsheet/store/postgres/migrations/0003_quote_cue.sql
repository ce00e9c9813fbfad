-- What each quote's cue reports (SQLite's 0009_quote_cue): speech, writing, thought or an
-- action; quotes stored before count as speech until their article is enriched again.
ALTER TABLE quotes ADD COLUMN cue_class TEXT NOT NULL DEFAULT 'speech'
    CHECK (cue_class IN ('speech', 'writing', 'thought', 'action'));
