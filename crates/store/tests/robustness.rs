//! Whatever a client sends, the parsers that read it never panic and never
//! let something through that they should stop: the cursor decoder, the
//! search normaliser, the phone parser and masker. (The transition
//! function's properties are in the domain crate's `invariants` test.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use chrono::DateTime;
use dialogdesk_domain::{mask_phone, Phone};
use dialogdesk_store::cursor::{Cursor, CursorKey};
use dialogdesk_store::listing::{PhoneMatch, Search};
use proptest::prelude::*;

fn any_key() -> impl Strategy<Value = CursorKey> {
    prop_oneof![
        any::<i64>().prop_map(CursorKey::Int),
        any::<String>().prop_map(CursorKey::Text),
        (0i64..4_000_000_000)
            .prop_map(|s| CursorKey::Time(DateTime::from_timestamp(s, 0).unwrap().naive_utc())),
    ]
}

/// Any text, or text that looks like a phone number (so the paths past the
/// first check are exercised too).
fn texts() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\+?[0-9 ()-]{0,24}",
        "[a-zа-я0-9%_ -]{0,12}"
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any text as a cursor: an answer, never a panic; only cursors of the
    /// asked sort are accepted.
    #[test]
    fn the_cursor_decoder_takes_any_text(text in texts(), sort in "[a-z_]{1,12}") {
        let _ = Cursor::decode(&text, &sort);
    }

    /// Base64 of arbitrary bytes (past the first check) is refused cleanly too.
    #[test]
    fn the_cursor_decoder_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        use base64::Engine;
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let _ = Cursor::decode(&text, "last_message_at_desc");
    }

    /// What a list gives out, it takes back — for its own sort only.
    #[test]
    fn cursors_round_trip(key in any_key(), id in any::<i64>(), sort in "[a-z_]{1,12}") {
        let cursor = Cursor { sort: sort.clone(), key, id };
        prop_assert_eq!(Cursor::decode(&cursor.encode(), &sort).unwrap(), cursor.clone());
        let other = format!("{sort}x");
        prop_assert!(Cursor::decode(&cursor.encode(), &other).is_err());
    }

    /// A search never carries a wildcard of its own into LIKE: the only
    /// `%` are the two around it, and `_` never appears.
    #[test]
    fn the_search_normaliser_escapes_every_wildcard(q in texts()) {
        for phones in [PhoneMatch::Fragment, PhoneMatch::WholeNumber] {
            if let Some(search) = Search::new(&q, phones) {
                let inner = &search.name_pattern[1..search.name_pattern.len() - 1];
                prop_assert!(search.name_pattern.starts_with('%') && search.name_pattern.ends_with('%'));
                prop_assert!(!inner.contains(['%', '_', '\\']), "{:?}", search.name_pattern);
                if let Some(digits) = &search.digits_pattern {
                    prop_assert!(digits.trim_matches('%').chars().all(|c| c.is_ascii_digit()), "{digits:?}");
                }
            }
        }
    }

    /// The masked role's search matches phones only by a whole number:
    /// never a wildcard pattern over digits.
    #[test]
    fn a_masked_search_never_matches_a_fragment(q in texts()) {
        if let Some(search) = Search::new(&q, PhoneMatch::WholeNumber) {
            prop_assert!(search.digits_pattern.is_none_or(|d| !d.contains('%')));
        }
    }

    /// Any stored text masks without panicking, and a mask shows at most the
    /// country code and the last two digits of the number.
    #[test]
    fn the_phone_masker_hides_all_but_the_ends(text in texts()) {
        let masked = mask_phone(&text);
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let shown: String = masked.chars().filter(char::is_ascii_digit).collect();
        prop_assert!(shown.len() <= 4, "{masked:?} shows {shown}");
        if digits.len() >= 5 {
            prop_assert!(digits.ends_with(&shown[shown.len() - 2..]));
        }
    }

    /// The phone parser takes any text: a number in E.164, or a refusal.
    #[test]
    fn the_phone_parser_takes_any_text(text in texts()) {
        if let Ok(phone) = Phone::parse(&text) {
            prop_assert!(phone.as_str().starts_with('+'));
            prop_assert!(phone.digits().chars().all(|c| c.is_ascii_digit()));
            prop_assert!(!phone.masked().contains(&phone.digits()[..phone.digits().len() - 2]));
        }
    }
}
