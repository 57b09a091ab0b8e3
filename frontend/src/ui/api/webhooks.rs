//! Webhook subscriptions, their secrets and delivery logs.

use super::{get, json, json_body, nothing, Answer, Method};
use dialogdesk_domain::wire::{
    CreateWebhookBody, Items, Page, RedeliverBody, UpdateWebhookBody, Webhook, WebhookAttempt,
    WebhookWithSecret,
};
use dialogdesk_domain::WebhookId;

/// `GET /api/v1/webhooks`.
pub async fn list() -> Answer<Vec<Webhook>> {
    get::<Items<Webhook>>("/api/v1/webhooks")
        .await
        .map(|i| i.items)
}

/// `POST /api/v1/webhooks`: the answer carries the secret, once.
pub async fn create(body: &CreateWebhookBody) -> Answer<WebhookWithSecret> {
    json(Method::Post, "/api/v1/webhooks", json_body(body)).await
}

/// `POST /api/v1/webhooks/{id}/secret`: a new secret (the old one is honoured a while).
pub async fn rotate_secret(id: WebhookId) -> Answer<WebhookWithSecret> {
    json(Method::Post, &format!("/api/v1/webhooks/{id}/secret"), None).await
}

/// `PATCH /api/v1/webhooks/{id}`.
pub async fn update(id: WebhookId, body: &UpdateWebhookBody) -> Answer<()> {
    nothing(
        Method::Patch,
        &format!("/api/v1/webhooks/{id}"),
        json_body(body),
    )
    .await
}

/// `DELETE /api/v1/webhooks/{id}`.
pub async fn delete(id: WebhookId) -> Answer<()> {
    nothing(Method::Delete, &format!("/api/v1/webhooks/{id}"), None).await
}

/// `GET /api/v1/webhooks/{id}/deliveries`: the latest attempts.
pub async fn deliveries(id: WebhookId) -> Answer<Vec<WebhookAttempt>> {
    get::<Page<WebhookAttempt>>(&format!("/api/v1/webhooks/{id}/deliveries?limit=20"))
        .await
        .map(|p| p.items)
}

/// `POST /api/v1/webhooks/{id}/redeliver`.
pub async fn redeliver(id: WebhookId, body: &RedeliverBody) -> Answer<()> {
    nothing(
        Method::Post,
        &format!("/api/v1/webhooks/{id}/redeliver"),
        json_body(body),
    )
    .await
}
