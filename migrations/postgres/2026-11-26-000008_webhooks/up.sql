-- Outbound webhooks: subscriptions, the events they are sent, one delivery
-- per (event, subscription), and every attempt of it.

-- A subscription: where to POST which events, signed with its secret
-- (kept as given: signing needs it, a hash would not do). After a rotation
-- the previous secret signs too, until `previous_secret_until`.
CREATE TABLE webhooks (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    -- Space-separated event types.
    events TEXT NOT NULL,
    channel_id BIGINT REFERENCES channels (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    -- Since when every attempt failed (NULL after a success); a
    -- subscription failing for a day is disabled, the reason kept.
    failing_since TIMESTAMP,
    disabled_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The outbox of outbound events: written in the transaction of the change
-- that causes it, only when an enabled subscription wants it.
CREATE TABLE webhook_events (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    dialog_id BIGINT,
    -- The envelope's `data`, JSON.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    -- A dialog's events reach a subscription in order: one waits while an
    -- earlier one of the same dialog is pending.
    dialog_id BIGINT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- Claimed by a dispatcher until then; a dispatcher that died loses its
    -- claim when it runs out.
    leased_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, dialog_id, id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (webhook_id, created_at)
    WHERE state = 'failed';

-- The delivery log: one row per attempt.
CREATE TABLE webhook_attempts (
    id BIGSERIAL PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    error TEXT,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_attempts_log ON webhook_attempts (webhook_id, id);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
CREATE INDEX webhook_attempts_at ON webhook_attempts (attempted_at);

-- Delivery status of operators' messages, as the channel connector reports
-- it; NULL for other messages and for replies written before this.
ALTER TABLE messages ADD COLUMN delivery_status TEXT
    CHECK (delivery_status IN ('pending', 'sent', 'delivered', 'read', 'failed'));
ALTER TABLE messages ADD COLUMN delivery_updated_at TIMESTAMP;
ALTER TABLE messages ADD COLUMN delivery_reason TEXT;
