//! The catalog: managers, channels, flows with steps, tags.

use super::{get, Answer};
use dialogdesk_domain::wire::Items;
use dialogdesk_domain::{Channel, Flow, Operator, Tag};

/// `GET /api/v1/operators`.
pub async fn operators() -> Answer<Vec<Operator>> {
    get::<Items<Operator>>("/api/v1/operators")
        .await
        .map(|i| i.items)
}

/// `GET /api/v1/channels`.
pub async fn channels() -> Answer<Vec<Channel>> {
    get::<Items<Channel>>("/api/v1/channels")
        .await
        .map(|i| i.items)
}

/// `GET /api/v1/flows`.
pub async fn flows() -> Answer<Vec<Flow>> {
    get::<Items<Flow>>("/api/v1/flows").await.map(|i| i.items)
}

/// `GET /api/v1/tags`.
pub async fn tags() -> Answer<Vec<Tag>> {
    get::<Items<Tag>>("/api/v1/tags").await.map(|i| i.items)
}
