-- Live events (the outbox of the SSE stream): written in the same
-- transaction as the change they describe, so a rolled-back change emits
-- nothing; relayed to every process's stream clients after commit; kept a
-- few minutes as the replay buffer for `Last-Event-ID`.
-- AUTOINCREMENT: ids never go back, even when old rows are pruned.
CREATE TABLE live_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    dialog_id BIGINT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX live_events_created ON live_events (created_at);
-- Up to which id rows were pruned: a client asking for older ids must resync.
CREATE TABLE live_events_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through BIGINT NOT NULL
);
INSERT INTO live_events_meta (id, pruned_through) VALUES (1, 0);
