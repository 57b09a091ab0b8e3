//! The catalog every page offers — managers, channels, flows with steps,
//! tags — loaded once by the shell and shared as context. It is loaded
//! again when the live stream says it changed (`catalog.changed`, from any
//! admin's change), on a resync, and after Settings changes it here.

use super::api;
use super::ctx::Ctx;
use dialogdesk_domain::{Channel, Flow, Operator, Tag};
use leptos::prelude::*;

/// The catalog the filters, the User Data panel and Settings offer.
#[derive(Clone, Default, PartialEq)]
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

/// The shared catalog.
#[derive(Clone, Copy)]
pub struct SharedCatalog(LocalResource<Result<Catalog, dialogdesk_domain::wire::Problem>>);

impl SharedCatalog {
    /// The catalog (empty while it loads or when it could not be read), tracked.
    pub fn get(&self) -> Catalog {
        self.0
            .map(|loaded| loaded.clone().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Reads part of it without cloning the rest, tracked.
    pub fn with<U>(&self, f: impl FnOnce(&Catalog) -> U) -> U {
        let empty = Catalog::default();
        self.0.with(|loaded| match loaded {
            Some(Ok(catalog)) => f(catalog),
            _ => f(&empty),
        })
    }

    /// Loads it again (after a change).
    pub fn refresh(&self) {
        self.0.refetch();
    }
}

/// Loads the catalog for the logged-in shell and shares it.
pub fn provide_catalog(ctx: Ctx) {
    let resource = LocalResource::new(move || {
        ctx.live.catalog.track();
        ctx.live.resync.track();
        load()
    });
    provide_context(SharedCatalog(resource));
}

/// The shared catalog.
#[expect(clippy::expect_used, reason = "the shell provides it before any page")]
pub fn use_catalog() -> SharedCatalog {
    use_context::<SharedCatalog>().expect("the shell provides the catalog")
}

async fn load() -> api::Answer<Catalog> {
    let (operators, channels, flows, tags) = futures::join!(
        api::catalog::operators(),
        api::catalog::channels(),
        api::catalog::flows(),
        api::catalog::tags()
    );
    Ok(Catalog {
        operators: operators?,
        channels: channels?,
        flows: flows?,
        tags: tags?,
    })
}
