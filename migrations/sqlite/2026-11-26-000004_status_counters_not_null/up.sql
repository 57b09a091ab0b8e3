-- SQLite lets a non-integer PRIMARY KEY hold NULL unless it says NOT NULL
-- (PostgreSQL implies it). Found by the schema test: schema.rs declares
-- `status` NOT NULL, so the table is rebuilt with the constraint.
CREATE TABLE status_counters_new (
    status TEXT NOT NULL PRIMARY KEY,
    count BIGINT NOT NULL DEFAULT 0
);
INSERT INTO status_counters_new (status, count) SELECT status, count FROM status_counters;
DROP TABLE status_counters;
ALTER TABLE status_counters_new RENAME TO status_counters;
