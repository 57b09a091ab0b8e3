-- Integrations' credentials. Only the SHA-256 of a token is kept: tokens are
-- long random secrets, so a fast hash is safe and lookups stay cheap.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Space-separated: inbound bot read admin.
    scopes TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES operators (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX events_created ON events (kind, created_at);
CREATE INDEX messages_sent ON messages (sent_at);
