//! The catalog every page offers: managers, channels, flows with steps, tags.

use super::api;
use dialogdesk_domain::wire::Items;
use dialogdesk_domain::{Channel, Flow, Operator, Tag};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The catalog the filters and the User Data panel offer.
#[derive(Clone, Default)]
pub struct Catalog {
    /// Managers.
    pub operators: Vec<Operator>,
    /// Channels.
    pub channels: Vec<Channel>,
    /// Flows with steps.
    pub flows: Vec<Flow>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// Loads the catalog into a signal.
pub fn load_catalog(into: RwSignal<Catalog>) {
    spawn_local(async move {
        let operators = api::get::<Items<Operator>>("/api/v1/operators")
            .await
            .map(|i| i.items)
            .unwrap_or_default();
        let channels = api::get::<Items<Channel>>("/api/v1/channels")
            .await
            .map(|i| i.items)
            .unwrap_or_default();
        let flows = api::get::<Items<Flow>>("/api/v1/flows")
            .await
            .map(|i| i.items)
            .unwrap_or_default();
        let tags = api::get::<Items<Tag>>("/api/v1/tags")
            .await
            .map(|i| i.items)
            .unwrap_or_default();
        into.set(Catalog {
            operators,
            channels,
            flows,
            tags,
        });
    });
}
