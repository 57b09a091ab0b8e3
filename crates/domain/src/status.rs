//! The closed vocabularies of the domain: statuses, views, finish statuses,
//! authors, message kinds, roles and channel kinds.
//!
//! Each is stored and sent on the wire as its lower-case name; `as_str` and
//! `FromStr` are the one place that spelling lives.

/// The word was not one of the allowed names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a valid {what}; expected one of: {expected}")]
pub struct UnknownName {
    /// What was being parsed, e.g. "status".
    pub what: &'static str,
    /// The rejected input.
    pub given: String,
    /// The allowed names, comma separated.
    pub expected: String,
}

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal $(, default $default:ident)? { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// Every value, in the order the product lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored and wire spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        $(impl Default for $name {
            fn default() -> $name {
                $name::$default
            }
        })?

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::status::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)*
                    _ => Err($crate::status::UnknownName {
                        what: $what,
                        given: s.to_owned(),
                        expected: [$($text),*].join(", "),
                    }),
                }
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// The stored status of a dialog: says who acts next. Exactly one at a time.
    Status, "status" {
        /// The lead wrote; the dialog is not yet launched into a flow.
        Start = "start",
        /// The AI handles it inside a flow.
        Auto = "auto",
        /// A human manager handles it.
        Manual = "manual",
        /// We wait for the lead.
        Waiting = "waiting",
        /// The lead wrote last and nobody answers: parked.
        Ignore = "ignore",
        /// The AI failed technically.
        Error = "error",
        /// The lead blocked the bot (or set by hand).
        Blocked = "blocked",
        /// The platform refuses our messages.
        Stopped = "stopped",
        /// Done.
        Finished = "finished",
    }
);

impl Status {
    /// Whether an operator may choose this status in the chat settings.
    /// `error` is set only by the AI engine.
    pub fn settable_by_hand(self) -> bool {
        self != Status::Error
    }

    /// Whether a dialog in this status must stand on a step of a flow.
    pub fn needs_step(self) -> bool {
        matches!(self, Status::Auto | Status::Waiting)
    }

    /// Whether nobody can write to the lead in this status.
    pub fn closed_for_replies(self) -> bool {
        matches!(self, Status::Blocked | Status::Stopped)
    }
}

named_enum!(
    /// A tab of the chats page: the two views plus one per status.
    View, "view" {
        /// Every dialog.
        All = "all",
        /// The operator's own favourites.
        Favourites = "favourites",
        /// Status `auto`.
        Auto = "auto",
        /// Status `manual`.
        Manual = "manual",
        /// Status `ignore`.
        Ignore = "ignore",
        /// Status `waiting`.
        Waiting = "waiting",
        /// Status `start`.
        Start = "start",
        /// Status `error`.
        Error = "error",
        /// Status `blocked`.
        Blocked = "blocked",
        /// Status `stopped`.
        Stopped = "stopped",
        /// Status `finished`.
        Finished = "finished",
    }
);

impl View {
    /// The status this tab shows, or `None` for the two views.
    pub fn status(self) -> Option<Status> {
        match self {
            View::All | View::Favourites => None,
            other => other.as_str().parse().ok(),
        }
    }
}

named_enum!(
    /// What reaching a step does to the dialog's status.
    FinishStatus, "finish status" {
        /// Keep working: `auto`.
        None = "none",
        /// Wait for the lead: `waiting`.
        Waiting = "waiting",
        /// The dialog is done: `finished`.
        Finished = "finished",
    }
);

impl FinishStatus {
    /// The status a dialog takes on a step with this finish status.
    pub fn status(self) -> Status {
        match self {
            FinishStatus::None => Status::Auto,
            FinishStatus::Waiting => Status::Waiting,
            FinishStatus::Finished => Status::Finished,
        }
    }
}

named_enum!(
    /// Who wrote a message.
    Author, "author" {
        /// The client.
        Lead = "lead",
        /// The AI engine.
        Bot = "bot",
        /// A human manager.
        Operator = "operator",
    }
);

named_enum!(
    /// What a message carries.
    MessageKind, "message kind" {
        /// Plain text.
        Text = "text",
        /// A picture.
        Image = "image",
        /// An audio file.
        Audio = "audio",
        /// A voice note.
        Voice = "voice",
        /// A video.
        Video = "video",
        /// Any other file.
        File = "file",
        /// A sticker.
        Sticker = "sticker",
        /// A shared location.
        Location = "location",
    }
);

named_enum!(
    /// What an operator may do. Each role includes the ones below it.
    Role, "role" {
        /// Manages operators, channels, flows, tags and tokens.
        Admin = "admin",
        /// Also reads records and analytics.
        Head = "head",
        /// Works dialogs.
        Operator = "operator",
    }
);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Operator => 0,
            Role::Head => 1,
            Role::Admin => 2,
        }
    }

    /// Whether this role may do what `needed` may do.
    pub fn includes(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }

    /// Whether this role sees phone numbers unmasked.
    pub fn sees_full_phones(self) -> bool {
        self.includes(Role::Head)
    }
}

named_enum!(
    /// What an integration's API token may do.
    Scope, "scope" {
        /// Deliver leads' messages (`POST /api/v1/inbound`).
        Inbound = "inbound",
        /// Report the AI engine's events (`POST /api/v1/dialogs/{id}/bot`).
        Bot = "bot",
        /// Read dialogs, records and analytics.
        Read = "read",
        /// Manage operators, channels, flows and tags.
        Admin = "admin",
    }
);

named_enum!(
    /// The messenger or platform a channel lives on.
    ChannelKind, "channel kind" {
        /// WhatsApp.
        Whatsapp = "whatsapp",
        /// Telegram.
        Telegram = "telegram",
        /// Instagram Direct.
        Instagram = "instagram",
        /// VK.
        Vk = "vk",
        /// A chat widget on a web site.
        Web = "web",
        /// Viber.
        Viber = "viber",
        /// Facebook Messenger.
        Facebook = "facebook",
        /// E-mail.
        Email = "email",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_itself() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(*s));
        }
        for v in View::ALL {
            assert_eq!(v.as_str().parse::<View>(), Ok(*v));
        }
        assert_eq!(View::ALL.len(), 11);
        assert_eq!(Status::ALL.len(), 9);
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_allowed_ones() {
        let err = "closed".parse::<Status>().unwrap_err();
        assert!(err.to_string().contains("`closed` is not a valid status"));
        assert!(err.to_string().contains("finished"));
    }

    #[test]
    fn each_status_view_shows_that_status() {
        assert_eq!(View::All.status(), None);
        assert_eq!(View::Favourites.status(), None);
        for s in Status::ALL {
            let view: View = s.as_str().parse().unwrap();
            assert_eq!(view.status(), Some(*s));
        }
    }

    #[test]
    fn roles_include_the_roles_below_them() {
        assert!(Role::Admin.includes(Role::Head));
        assert!(Role::Head.includes(Role::Operator));
        assert!(!Role::Operator.includes(Role::Head));
        assert!(!Role::Head.includes(Role::Admin));
        assert!(!Role::Operator.sees_full_phones());
    }
}

named_enum!(
    /// How far the channel got with an operator's message, as its connector
    /// reports it. Only moves forward: `pending` → `sent` → `delivered` →
    /// `read`; `failed` from `pending` or `sent`.
    DeliveryStatus, "delivery status" {
        /// Stored; not yet handed to the channel.
        Pending = "pending",
        /// The channel accepted it (one tick).
        Sent = "sent",
        /// It reached the lead's device (two ticks).
        Delivered = "delivered",
        /// The lead read it.
        Read = "read",
        /// The channel refused it (see the reason).
        Failed = "failed",
    }
);

impl DeliveryStatus {
    /// Whether a report of `next` moves a message that is in this status:
    /// never backwards (a late `sent` after `read` changes nothing), and a
    /// message the lead received cannot have failed.
    pub fn moves_to(self, next: DeliveryStatus) -> bool {
        use DeliveryStatus::*;
        matches!(
            (self, next),
            (Pending, Sent | Delivered | Read | Failed)
                | (Sent, Delivered | Read | Failed)
                | (Delivered, Read)
        )
    }
}

/// What an outbound webhook can be sent. Written out rather than by
/// `named_enum!`: the wire names have a dot, which no `rename_all` makes,
/// and the spec generator reads a per-variant rename only when it is
/// written literally.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    ::serde::Serialize,
    ::serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEventType {
    /// A message was stored (any author; operators' replies are what a
    /// channel connector sends to the lead).
    #[serde(rename = "message.created")]
    MessageCreated,
    /// The channel connector reported how far a reply got.
    #[serde(rename = "message.delivery_updated")]
    MessageDeliveryUpdated,
    /// A dialog's status changed.
    #[serde(rename = "dialog.status_changed")]
    DialogStatusChanged,
    /// A dialog was given to a manager, or taken back.
    #[serde(rename = "dialog.assigned")]
    DialogAssigned,
    /// A dialog's flow, step or tags changed.
    #[serde(rename = "dialog.settings_changed")]
    DialogSettingsChanged,
    /// A dialog was finished.
    #[serde(rename = "dialog.finished")]
    DialogFinished,
}

impl WebhookEventType {
    /// Every type.
    pub const ALL: &'static [WebhookEventType] = &[
        WebhookEventType::MessageCreated,
        WebhookEventType::MessageDeliveryUpdated,
        WebhookEventType::DialogStatusChanged,
        WebhookEventType::DialogAssigned,
        WebhookEventType::DialogSettingsChanged,
        WebhookEventType::DialogFinished,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEventType::MessageCreated => "message.created",
            WebhookEventType::MessageDeliveryUpdated => "message.delivery_updated",
            WebhookEventType::DialogStatusChanged => "dialog.status_changed",
            WebhookEventType::DialogAssigned => "dialog.assigned",
            WebhookEventType::DialogSettingsChanged => "dialog.settings_changed",
            WebhookEventType::DialogFinished => "dialog.finished",
        }
    }
}

impl ::std::fmt::Display for WebhookEventType {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ::std::str::FromStr for WebhookEventType {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WebhookEventType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "webhook event type",
                given: s.to_owned(),
                expected: WebhookEventType::ALL
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}
