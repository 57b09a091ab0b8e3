//! Typed ids: a `DialogId` can never be passed where a `TagId` is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw database key.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }
    )*};
}

id_type!(
    /// An operator (a person who logs in).
    OperatorId,
    /// A channel (WhatsApp number, Telegram bot, …).
    ChannelId,
    /// A client (the lead).
    ClientId,
    /// A sales flow.
    FlowId,
    /// A step of a sales flow.
    StepId,
    /// A tag.
    TagId,
    /// A dialog: one client on one channel.
    DialogId,
    /// A message of a dialog.
    MessageId,
    /// An entry of a dialog's timeline.
    EventId,
    /// An integration's API token.
    ApiTokenId,
    /// An outbound webhook subscription.
    WebhookId,
);
