-- What each quote's cue reports (broadsheet.enrich.quotes.classes): speech, writing,
-- thought (or belief), or an action. Quotes stored before this migration were found
-- without a class and count as speech until their article is enriched again.
ALTER TABLE quotes ADD COLUMN cue_class TEXT NOT NULL DEFAULT 'speech'
    CHECK (cue_class IN ('speech', 'writing', 'thought', 'action'));
