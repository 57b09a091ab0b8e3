-- Manager stats over a year read one indexed column instead of walking
-- every conversation with window functions.
--
-- `messages.response_seconds`: on an operator's reply (with an operator)
-- that answers a lead, the time since the lead's turn began, to the
-- millisecond; written with the reply. A turn begins at a lead message
-- that does not follow another lead message; bot messages and operator
-- messages without an operator do not end it.
-- `dialogs.awaiting_reply_since`: when the lead's unanswered turn began,
-- or NULL; kept with every message.
ALTER TABLE messages ADD COLUMN response_seconds DOUBLE PRECISION;
ALTER TABLE dialogs ADD COLUMN awaiting_reply_since TIMESTAMP;

-- Search walks a list's sort index and tests each dialog's client name as
-- it goes (when many clients match: see `listing::filter_by_search`). A
-- subquery on `clients` there made PostgreSQL collect every matching
-- client first: 270 ms to count a common fragment at a million dialogs.
-- The lower-cased name is kept on the dialog, as the name the lists sort
-- by already is, and updated with it.
ALTER TABLE dialogs ADD COLUMN client_search_name TEXT NOT NULL DEFAULT '';
UPDATE dialogs SET client_search_name = clients.search_name
FROM clients WHERE clients.id = dialogs.client_id;

-- The history so far, by the same rule.
WITH conversation AS (
    SELECT id, dialog_id, author, sent_at,
           LAG(author) OVER (PARTITION BY dialog_id ORDER BY sent_at, id) AS previous_author
    FROM messages
    WHERE author = 'lead' OR (author = 'operator' AND operator_id IS NOT NULL)
), turns AS (
    SELECT id, dialog_id, author, sent_at, previous_author,
           MAX(CASE WHEN author = 'lead' AND (previous_author IS NULL OR previous_author <> 'lead')
                    THEN sent_at END)
             OVER (PARTITION BY dialog_id ORDER BY sent_at, id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS turn_started,
           ROW_NUMBER() OVER (PARTITION BY dialog_id ORDER BY sent_at DESC, id DESC) AS from_end
    FROM conversation
), replies AS (
    UPDATE messages SET response_seconds =
        (FLOOR(EXTRACT(EPOCH FROM (turns.sent_at - turns.turn_started)) * 1000) / 1000)::float8
    FROM turns
    WHERE messages.id = turns.id AND turns.author = 'operator' AND turns.previous_author = 'lead'
    RETURNING messages.id
)
UPDATE dialogs SET awaiting_reply_since = turns.turn_started
FROM turns
WHERE dialogs.id = turns.dialog_id AND turns.from_end = 1 AND turns.author = 'lead';

-- The stats' three scans, each over its rows only: replies with their
-- operator and response time (index-only), and assignments.
CREATE INDEX messages_operator_replies ON messages (sent_at) INCLUDE (operator_id, response_seconds)
    WHERE author = 'operator' AND operator_id IS NOT NULL;
CREATE INDEX events_assignments ON events (created_at) INCLUDE (after_value)
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
SELECT CAST(sent_at AS DATE), operator_id,
       CASE WHEN response_seconds IS NULL THEN -1
                  WHEN response_seconds < 1 THEN 0
                  WHEN CAST(FLOOR(response_seconds) AS BIGINT) < 60 THEN CAST(FLOOR(response_seconds) AS BIGINT)
                  WHEN CAST(FLOOR(response_seconds) AS BIGINT) < 600 THEN 60 + (CAST(FLOOR(response_seconds) AS BIGINT) - 60) / 10
                  WHEN CAST(FLOOR(response_seconds) AS BIGINT) < 3600 THEN 114 + (CAST(FLOOR(response_seconds) AS BIGINT) - 600) / 60
                  WHEN CAST(FLOOR(response_seconds) AS BIGINT) < 86400 THEN 164 + (CAST(FLOOR(response_seconds) AS BIGINT) - 3600) / 900
                  ELSE 256 + (CAST(FLOOR(response_seconds) AS BIGINT) - 86400) / 3600 END,
       COUNT(*)
FROM messages WHERE author = 'operator' AND operator_id IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO assignment_rollup (hour, operator_id, assignments)
SELECT date_trunc('hour', created_at), CAST(after_value AS BIGINT), COUNT(*)
FROM events WHERE kind = 'assignee_changed' AND after_value <> 'null' GROUP BY 1, 2;

-- The median's second step: one operator's replies of one bucket, in order.
CREATE INDEX messages_reply_times ON messages (operator_id, response_seconds) INCLUDE (sent_at)
    WHERE author = 'operator' AND operator_id IS NOT NULL AND response_seconds IS NOT NULL;
