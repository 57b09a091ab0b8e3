//! Sessions: who is logged in, login, logout, tickets of the live stream.

use super::{json, json_body, nothing, Answer, Method};
use dialogdesk_domain::wire::{LoginRequest, LoginResponse, Me, StreamTicket};

/// `GET /api/v1/me`: the operator of the session cookie.
pub async fn me() -> Answer<Me> {
    json(Method::Get, "/api/v1/me", None).await
}

/// `POST /api/v1/auth/login`: sets the session cookie.
pub async fn login(body: &LoginRequest) -> Answer<LoginResponse> {
    json(Method::Post, "/api/v1/auth/login", json_body(body)).await
}

/// `POST /api/v1/auth/logout`: ends every token of this operator and the cookie.
pub async fn logout() -> Answer<()> {
    nothing(Method::Post, "/api/v1/auth/logout", None).await
}

/// `POST /api/v1/stream/ticket`: a single-use ticket for one stream connection.
pub async fn stream_ticket() -> Answer<StreamTicket> {
    json(Method::Post, "/api/v1/stream/ticket", None).await
}
