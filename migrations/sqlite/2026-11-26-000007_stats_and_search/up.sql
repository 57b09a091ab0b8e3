-- Manager stats read one indexed column, and search tests the client's
-- name kept on each dialog: see the PostgreSQL migration of the same name.
ALTER TABLE messages ADD COLUMN response_seconds DOUBLE;
ALTER TABLE dialogs ADD COLUMN awaiting_reply_since TIMESTAMP;
ALTER TABLE dialogs ADD COLUMN client_search_name TEXT NOT NULL DEFAULT '';
UPDATE dialogs SET client_search_name =
    (SELECT search_name FROM clients WHERE clients.id = dialogs.client_id);

CREATE TEMP TABLE reply_turns AS
WITH conversation AS (
    SELECT id, dialog_id, author, sent_at,
           LAG(author) OVER (PARTITION BY dialog_id ORDER BY sent_at, id) AS previous_author
    FROM messages
    WHERE author = 'lead' OR (author = 'operator' AND operator_id IS NOT NULL)
)
SELECT id, dialog_id, author, sent_at, previous_author,
       MAX(CASE WHEN author = 'lead' AND (previous_author IS NULL OR previous_author <> 'lead')
                THEN sent_at END)
         OVER (PARTITION BY dialog_id ORDER BY sent_at, id
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS turn_started,
       ROW_NUMBER() OVER (PARTITION BY dialog_id ORDER BY sent_at DESC, id DESC) AS from_end
FROM conversation;
CREATE INDEX temp.reply_turns_by_id ON reply_turns (id);
CREATE INDEX temp.reply_turns_by_dialog ON reply_turns (dialog_id, from_end);

-- SQLite keeps a time as whole milliseconds inside julianday().
UPDATE messages SET response_seconds = (
    SELECT ROUND((julianday(t.sent_at) - julianday(t.turn_started)) * 86400000.0) / 1000.0
    FROM reply_turns t WHERE t.id = messages.id
)
WHERE id IN (SELECT id FROM reply_turns WHERE author = 'operator' AND previous_author = 'lead');

UPDATE dialogs SET awaiting_reply_since = (
    SELECT t.turn_started FROM reply_turns t
    WHERE t.dialog_id = dialogs.id AND t.from_end = 1 AND t.author = 'lead'
);

DROP TABLE reply_turns;

CREATE INDEX messages_operator_replies ON messages (sent_at, operator_id, response_seconds)
    WHERE author = 'operator' AND operator_id IS NOT NULL;
CREATE INDEX events_assignments ON events (created_at, after_value)
    WHERE kind = 'assignee_changed';

-- The managers' stats sum rollups kept with each reply and assignment
-- (`rollups.rs` says how): replies per UTC day, operator and response-time
-- bucket (-1: the reply answered no turn); assignments per UTC hour and
-- new assignee. The history so far, summed once.
CREATE TABLE reply_rollup (
    day DATE NOT NULL,
    operator_id BIGINT NOT NULL,
    bucket BIGINT NOT NULL,
    replies BIGINT NOT NULL,
    PRIMARY KEY (day, operator_id, bucket)
);
CREATE TABLE assignment_rollup (
    hour TIMESTAMP NOT NULL,
    operator_id BIGINT NOT NULL,
    assignments BIGINT NOT NULL,
    PRIMARY KEY (hour, operator_id)
);
INSERT INTO reply_rollup (day, operator_id, bucket, replies)
SELECT date(sent_at), operator_id,
       CASE WHEN response_seconds IS NULL THEN -1
                  WHEN response_seconds < 1 THEN 0
                  WHEN CAST(response_seconds AS INTEGER) < 60 THEN CAST(response_seconds AS INTEGER)
                  WHEN CAST(response_seconds AS INTEGER) < 600 THEN 60 + (CAST(response_seconds AS INTEGER) - 60) / 10
                  WHEN CAST(response_seconds AS INTEGER) < 3600 THEN 114 + (CAST(response_seconds AS INTEGER) - 600) / 60
                  WHEN CAST(response_seconds AS INTEGER) < 86400 THEN 164 + (CAST(response_seconds AS INTEGER) - 3600) / 900
                  ELSE 256 + (CAST(response_seconds AS INTEGER) - 86400) / 3600 END,
       COUNT(*)
FROM messages WHERE author = 'operator' AND operator_id IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO assignment_rollup (hour, operator_id, assignments)
SELECT strftime('%Y-%m-%d %H:00:00', created_at), CAST(after_value AS INTEGER), COUNT(*)
FROM events WHERE kind = 'assignee_changed' AND after_value <> 'null' GROUP BY 1, 2;

-- The median's second step: one operator's replies of one bucket, in order.
CREATE INDEX messages_reply_times ON messages (operator_id, response_seconds, sent_at)
    WHERE author = 'operator' AND operator_id IS NOT NULL AND response_seconds IS NOT NULL;
