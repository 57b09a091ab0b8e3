DROP TABLE stream_tickets;
ALTER TABLE operators DROP COLUMN token_epoch;
