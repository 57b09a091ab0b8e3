-- dialogdesk schema, PostgreSQL flavour. Keep in step with ../../sqlite.
-- Times are UTC in TIMESTAMP columns (diesel's common Timestamp type).

-- Substring search by name or phone uses trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE operators (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'head', 'operator')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE channels (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT,
    avatar_url TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    -- What search matches: the lower-cased name and the phone's digits.
    search_name TEXT NOT NULL,
    phone_digits TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX clients_phone ON clients (phone);
CREATE INDEX clients_name ON clients (name, id);

CREATE INDEX clients_search_name ON clients USING gin (search_name gin_trgm_ops);
CREATE INDEX clients_search_phone ON clients USING gin (phone_digits gin_trgm_ops);

CREATE TABLE flows (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE steps (
    id BIGSERIAL PRIMARY KEY,
    flow_id BIGINT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    finish_status TEXT NOT NULL CHECK (finish_status IN ('none', 'waiting', 'finished'))
);
CREATE INDEX steps_flow ON steps (flow_id, position);

CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    color TEXT NOT NULL
);

CREATE TABLE dialogs (
    id BIGSERIAL PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    -- The lead's id on the channel (chat id); unique per channel.
    client_external_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('start', 'auto', 'manual', 'waiting', 'ignore', 'error', 'blocked', 'stopped', 'finished')),
    flow_id BIGINT REFERENCES flows (id),
    step_id BIGINT REFERENCES steps (id),
    assignee_id BIGINT REFERENCES operators (id),
    last_message_at TIMESTAMP NOT NULL,
    last_message_author TEXT,
    last_message_kind TEXT,
    last_message_text TEXT,
    message_count BIGINT NOT NULL DEFAULT 0,
    finished_at TIMESTAMP,
    finished_by BIGINT REFERENCES operators (id),
    status_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (channel_id, client_id)
);
CREATE UNIQUE INDEX dialogs_client_external ON dialogs (channel_id, client_external_id) WHERE client_external_id IS NOT NULL;
CREATE INDEX dialogs_status_recent ON dialogs (status, last_message_at, id);
CREATE INDEX dialogs_recent ON dialogs (last_message_at, id);
CREATE INDEX dialogs_assignee ON dialogs (assignee_id, last_message_at);
CREATE INDEX dialogs_channel ON dialogs (channel_id, last_message_at);
CREATE INDEX dialogs_step ON dialogs (flow_id, step_id);
CREATE INDEX dialogs_finished ON dialogs (finished_at, id) WHERE finished_at IS NOT NULL;
CREATE INDEX dialogs_client ON dialogs (client_id);

CREATE TABLE dialog_tags (
    dialog_id BIGINT NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (dialog_id, tag_id)
);
CREATE INDEX dialog_tags_tag ON dialog_tags (tag_id, dialog_id);

CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    dialog_id BIGINT NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    author TEXT NOT NULL CHECK (author IN ('lead', 'bot', 'operator')),
    operator_id BIGINT REFERENCES operators (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    media_url TEXT,
    -- The channel's message id: a repeat delivery is recognised by it.
    external_id TEXT,
    sent_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX messages_dialog ON messages (dialog_id, id);

CREATE TABLE favourites (
    operator_id BIGINT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    dialog_id BIGINT NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (operator_id, dialog_id)
);

-- The timeline: one row per change of status, step, assignee, tags, or a message.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    dialog_id BIGINT NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT,
    reason TEXT NOT NULL,
    before_value TEXT NOT NULL,
    after_value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_dialog ON events (dialog_id, id);

-- Tab counts, kept in the same transaction as every status change.
CREATE TABLE status_counters (
    status TEXT PRIMARY KEY,
    count BIGINT NOT NULL DEFAULT 0
);
INSERT INTO status_counters (status, count) VALUES
    ('start', 0), ('auto', 0), ('manual', 0), ('waiting', 0), ('ignore', 0),
    ('error', 0), ('blocked', 0), ('stopped', 0), ('finished', 0);
