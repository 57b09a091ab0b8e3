//! The diesel schema, written by hand in types both backends share
//! (`BigInt` ids, `Text`, `Bool`, `Timestamp`), so one schema serves the
//! SQLite and PostgreSQL migrations alike.

diesel::table! {
    operators (id) {
        id -> BigInt,
        name -> Text,
        email -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        token_epoch -> BigInt,
    }
}

diesel::table! {
    channels (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        name -> Text,
        phone -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        custom_fields -> Text,
        search_name -> Text,
        phone_digits -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// SQLite only: the FTS5 trigram index over `clients` (see the migration).
    clients_search (rowid) {
        rowid -> BigInt,
        search_name -> Text,
        phone_digits -> Text,
    }
}

diesel::table! {
    flows (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    steps (id) {
        id -> BigInt,
        flow_id -> BigInt,
        name -> Text,
        position -> Integer,
        finish_status -> Text,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        name -> Text,
        color -> Text,
    }
}

diesel::table! {
    dialogs (id) {
        id -> BigInt,
        client_id -> BigInt,
        channel_id -> BigInt,
        client_external_id -> Nullable<Text>,
        status -> Text,
        flow_id -> Nullable<BigInt>,
        step_id -> Nullable<BigInt>,
        assignee_id -> Nullable<BigInt>,
        last_message_at -> Timestamp,
        last_message_author -> Nullable<Text>,
        last_message_kind -> Nullable<Text>,
        last_message_text -> Nullable<Text>,
        message_count -> BigInt,
        finished_at -> Nullable<Timestamp>,
        finished_by -> Nullable<BigInt>,
        status_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        client_name -> Text,
        client_phone_digits -> Text,
        channel_name -> Text,
        finished_by_name -> Text,
        awaiting_reply_since -> Nullable<Timestamp>,
        client_search_name -> Text,
    }
}

diesel::table! {
    dialog_tags (dialog_id, tag_id) {
        dialog_id -> BigInt,
        tag_id -> BigInt,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        dialog_id -> BigInt,
        channel_id -> BigInt,
        author -> Text,
        operator_id -> Nullable<BigInt>,
        kind -> Text,
        text -> Text,
        media_url -> Nullable<Text>,
        external_id -> Nullable<Text>,
        sent_at -> Timestamp,
        created_at -> Timestamp,
        response_seconds -> Nullable<Double>,
        delivery_status -> Nullable<Text>,
        delivery_updated_at -> Nullable<Timestamp>,
        delivery_reason -> Nullable<Text>,
    }
}

diesel::table! {
    favourites (operator_id, dialog_id) {
        operator_id -> BigInt,
        dialog_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        dialog_id -> BigInt,
        kind -> Text,
        actor_kind -> Text,
        actor_id -> Nullable<BigInt>,
        reason -> Text,
        before_value -> Text,
        after_value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reply_rollup (day, operator_id, bucket) {
        day -> Date,
        operator_id -> BigInt,
        bucket -> BigInt,
        replies -> BigInt,
    }
}

diesel::table! {
    assignment_rollup (hour, operator_id) {
        hour -> Timestamp,
        operator_id -> BigInt,
        assignments -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        scopes -> Text,
        secret_hash -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stream_tickets (ticket_hash) {
        ticket_hash -> Text,
        operator_id -> Nullable<BigInt>,
        token_epoch -> BigInt,
        api_token_id -> Nullable<BigInt>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    live_events (id) {
        id -> BigInt,
        kind -> Text,
        dialog_id -> Nullable<BigInt>,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    live_events_meta (id) {
        id -> BigInt,
        pruned_through -> BigInt,
    }
}

diesel::table! {
    status_counters (status) {
        status -> Text,
        count -> BigInt,
    }
}

diesel::joinable!(dialogs -> clients (client_id));
diesel::joinable!(dialogs -> channels (channel_id));
diesel::joinable!(steps -> flows (flow_id));
diesel::joinable!(dialog_tags -> dialogs (dialog_id));
diesel::joinable!(dialog_tags -> tags (tag_id));
diesel::joinable!(messages -> dialogs (dialog_id));
diesel::joinable!(events -> dialogs (dialog_id));

diesel::table! {
    facet_counters (facet, facet_id, status) {
        facet -> Text,
        facet_id -> BigInt,
        status -> Text,
        count -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    operators,
    channels,
    clients,
    clients_search,
    flows,
    steps,
    tags,
    dialogs,
    dialog_tags,
    messages,
    favourites,
    events,
    status_counters,
    facet_counters,
    api_tokens,
    stream_tickets,
    live_events,
    live_events_meta,
    webhooks,
    webhook_events,
    webhook_deliveries,
    webhook_attempts,
);

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        url -> Text,
        events -> Text,
        channel_id -> Nullable<BigInt>,
        enabled -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> BigInt,
        kind -> Text,
        dialog_id -> Nullable<BigInt>,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        event_id -> BigInt,
        dialog_id -> Nullable<BigInt>,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        leased_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        webhook_id -> BigInt,
        attempt -> Integer,
        status_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        error -> Nullable<Text>,
        attempted_at -> Timestamp,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
