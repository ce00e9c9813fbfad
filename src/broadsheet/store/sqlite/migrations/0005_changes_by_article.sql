-- The last change of each article, found without scanning the log (integrity checks).

CREATE INDEX changes_article ON changes (article_id, seq);
