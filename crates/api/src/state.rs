//! What every handler can reach.

use dialogdesk_store::Store;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
}
