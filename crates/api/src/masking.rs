//! Phone numbers are masked for the `operator` role wherever they appear;
//! search still matches the full number in the database.

use crate::auth::Caller;
use dialogdesk_domain::mask_phone;
use dialogdesk_domain::wire::{DialogListItem, RecordRow};

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

/// Masks a records row for the caller.
pub fn record(caller: &Caller, mut row: RecordRow) -> RecordRow {
    if caller.masks_phones() {
        mask(&mut row.client.phone);
        mask(&mut row.number);
    }
    row
}
