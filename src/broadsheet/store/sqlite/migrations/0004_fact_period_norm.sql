-- Fact.period_norm: the period normalised where simple ("Q1", "H1", "FY2024").

ALTER TABLE facts ADD COLUMN period_norm TEXT;
