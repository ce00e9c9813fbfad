-- Daily price bars, one row per ticker and trading day.

CREATE TABLE price_bars (
    ticker    TEXT NOT NULL,
    date      TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    open      REAL NOT NULL,
    high      REAL NOT NULL,
    low       REAL NOT NULL,
    close     REAL NOT NULL,
    volume    REAL NOT NULL,
    adj_close REAL NOT NULL,
    PRIMARY KEY (ticker, date)
) WITHOUT ROWID;
