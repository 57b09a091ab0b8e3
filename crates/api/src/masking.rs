//! Phone numbers are masked for the `operator` role wherever they appear,
//! and for that role a search matches a phone only by the whole number.

use crate::auth::Caller;
use dialogdesk_domain::wire::{DialogListItem, RecordRow};
use dialogdesk_domain::{mask_phone, Message};
use dialogdesk_store::listing::PhoneMatch;

fn mask(phone: &mut Option<String>) {
    if let Some(p) = phone {
        *p = mask_phone(p);
    }
}

/// Masks a dialog for the caller.
pub fn dialog(caller: &Caller, mut item: DialogListItem) -> DialogListItem {
    if caller.masks_phones() {
        mask(&mut item.client.phone);
    }
    item
}

/// Removes what a channel identifies a message by: a WhatsApp message or
/// chat id can hold the lead's number. Returns whether anything was removed.
pub fn strip_channel_ids(message: &mut Message) -> bool {
    message.external_id.take().is_some()
}

/// Masks a message for the caller.
pub fn message(caller: &Caller, mut message: Message) -> Message {
    if caller.masks_phones() {
        strip_channel_ids(&mut message);
    }
    message
}

/// Masks a records row for the caller.
pub fn record(caller: &Caller, mut row: RecordRow) -> RecordRow {
    if caller.masks_phones() {
        mask(&mut row.client.phone);
        mask(&mut row.number);
    }
    row
}

/// How the caller's searches may match phones: by any fragment for those
/// who see phones whole, by the whole number only for the masked role.
pub fn phone_match(caller: &Caller) -> PhoneMatch {
    if caller.masks_phones() {
        PhoneMatch::WholeNumber
    } else {
        PhoneMatch::Fragment
    }
}
