DROP INDEX messages_sent;
DROP INDEX events_created;
DROP TABLE api_tokens;
