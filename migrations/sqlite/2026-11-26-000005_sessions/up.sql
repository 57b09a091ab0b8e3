-- Server-side revocation of operators' JWTs: every token carries the epoch
-- its operator had when it was issued; logout, a password reset and
-- deactivation raise the epoch, and tokens of an older epoch are refused.
-- (An integer rather than a "valid after" time: a token issued in the same
-- second as a logout is still told apart.)
ALTER TABLE operators ADD COLUMN token_epoch BIGINT NOT NULL DEFAULT 0;

-- Single-use, short-lived tickets that open the live stream from a browser
-- (`EventSource` cannot send a header), so no long-lived credential ever
-- appears in a URL. Only the SHA-256 of a ticket is kept. A ticket names its
-- caller: an operator (with the epoch it was issued in) or an API token.
CREATE TABLE stream_tickets (
    ticket_hash TEXT NOT NULL PRIMARY KEY,
    operator_id BIGINT REFERENCES operators (id) ON DELETE CASCADE,
    token_epoch BIGINT NOT NULL DEFAULT 0,
    api_token_id BIGINT REFERENCES api_tokens (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    CHECK ((operator_id IS NULL) != (api_token_id IS NULL))
);
-- Expired tickets are swept by expiry.
CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at);
