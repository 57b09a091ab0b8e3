DROP INDEX messages_reply_times;
DROP TABLE assignment_rollup;
DROP TABLE reply_rollup;
DROP INDEX events_assignments;
DROP INDEX messages_operator_replies;
ALTER TABLE dialogs DROP COLUMN client_search_name;
ALTER TABLE dialogs DROP COLUMN awaiting_reply_since;
ALTER TABLE messages DROP COLUMN response_seconds;
