//! Settings: operators, channels, flows and steps, tags, API tokens.

use super::{get, json, json_body, nothing, Answer, Method};
use dialogdesk_domain::wire::{
    ApiToken, CreateChannelBody, CreateFlowBody, CreateOperatorBody, CreateTagBody,
    CreateTokenBody, CreatedToken, Items, PasswordBody, RenameBody, StepBody, StepOrderBody,
    UpdateChannelBody, UpdateOperatorBody, UpdateStepBody, UpdateTagBody,
};
use dialogdesk_domain::ApiTokenId;

/// A change Settings makes whose answer it does not read: the page shows
/// the fresh catalog afterwards instead.
#[derive(Debug, Clone)]
pub enum Change {
    /// `POST /api/v1/operators`.
    CreateOperator(CreateOperatorBody),
    /// `PATCH /api/v1/operators/{id}` (e.g. deactivate).
    UpdateOperator(i64, UpdateOperatorBody),
    /// `PUT /api/v1/operators/{id}/password`.
    SetPassword(i64, PasswordBody),
    /// `POST /api/v1/channels`.
    CreateChannel(CreateChannelBody),
    /// `PATCH /api/v1/channels/{id}` (rename).
    UpdateChannel(i64, UpdateChannelBody),
    /// `DELETE /api/v1/channels/{id}` (refused while dialogs point at it).
    DeleteChannel(i64),
    /// `POST /api/v1/flows`.
    CreateFlow(CreateFlowBody),
    /// `PATCH /api/v1/flows/{id}` (rename).
    RenameFlow(i64, RenameBody),
    /// `POST /api/v1/flows/{id}/steps`.
    AddStep(i64, StepBody),
    /// `PATCH /api/v1/flows/{flow}/steps/{step}`.
    UpdateStep(i64, i64, UpdateStepBody),
    /// `DELETE /api/v1/flows/{flow}/steps/{step}`.
    DeleteStep(i64, i64),
    /// `PUT /api/v1/flows/{id}/steps/order`.
    OrderSteps(i64, StepOrderBody),
    /// `POST /api/v1/tags`.
    CreateTag(CreateTagBody),
    /// `PATCH /api/v1/tags/{id}`.
    UpdateTag(i64, UpdateTagBody),
    /// `DELETE /api/v1/tags/{id}`.
    DeleteTag(i64),
    /// `DELETE /api/v1/api-tokens/{id}`.
    RevokeToken(ApiTokenId),
}

/// Makes a change.
pub async fn change(change: Change) -> Answer<()> {
    use Change::*;
    let (method, path, body) = match &change {
        CreateOperator(b) => (Method::Post, "/api/v1/operators".into(), json_body(b)),
        UpdateOperator(id, b) => (
            Method::Patch,
            format!("/api/v1/operators/{id}"),
            json_body(b),
        ),
        SetPassword(id, b) => (
            Method::Put,
            format!("/api/v1/operators/{id}/password"),
            json_body(b),
        ),
        CreateChannel(b) => (Method::Post, "/api/v1/channels".into(), json_body(b)),
        UpdateChannel(id, b) => (
            Method::Patch,
            format!("/api/v1/channels/{id}"),
            json_body(b),
        ),
        DeleteChannel(id) => (Method::Delete, format!("/api/v1/channels/{id}"), None),
        CreateFlow(b) => (Method::Post, "/api/v1/flows".into(), json_body(b)),
        RenameFlow(id, b) => (Method::Patch, format!("/api/v1/flows/{id}"), json_body(b)),
        AddStep(flow, b) => (
            Method::Post,
            format!("/api/v1/flows/{flow}/steps"),
            json_body(b),
        ),
        UpdateStep(flow, step, b) => (
            Method::Patch,
            format!("/api/v1/flows/{flow}/steps/{step}"),
            json_body(b),
        ),
        DeleteStep(flow, step) => (
            Method::Delete,
            format!("/api/v1/flows/{flow}/steps/{step}"),
            None,
        ),
        OrderSteps(flow, b) => (
            Method::Put,
            format!("/api/v1/flows/{flow}/steps/order"),
            json_body(b),
        ),
        CreateTag(b) => (Method::Post, "/api/v1/tags".into(), json_body(b)),
        UpdateTag(id, b) => (Method::Patch, format!("/api/v1/tags/{id}"), json_body(b)),
        DeleteTag(id) => (Method::Delete, format!("/api/v1/tags/{id}"), None),
        RevokeToken(id) => (Method::Delete, format!("/api/v1/api-tokens/{id}"), None),
    };
    nothing(method, &path, body).await
}

/// `GET /api/v1/api-tokens`.
pub async fn tokens() -> Answer<Vec<ApiToken>> {
    get::<Items<ApiToken>>("/api/v1/api-tokens")
        .await
        .map(|i| i.items)
}

/// `POST /api/v1/api-tokens`: the answer carries the secret, once.
pub async fn create_token(body: &CreateTokenBody) -> Answer<CreatedToken> {
    json(Method::Post, "/api/v1/api-tokens", json_body(body)).await
}
