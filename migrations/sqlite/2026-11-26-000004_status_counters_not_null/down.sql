CREATE TABLE status_counters_old (
    status TEXT PRIMARY KEY,
    count BIGINT NOT NULL DEFAULT 0
);
INSERT INTO status_counters_old (status, count) SELECT status, count FROM status_counters;
DROP TABLE status_counters;
ALTER TABLE status_counters_old RENAME TO status_counters;
