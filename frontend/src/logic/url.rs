//! URL state: the active tab lives in the path (`/chats/manual`), the open
//! dialog in the query (`?dialog=42`), so a link or a reload restores them.

use dialogdesk_domain::View;
use serde::Serialize;
use serde_json::Value;

/// The tab a path segment names; `all` for anything unknown.
pub fn view_from_segment(segment: Option<&str>) -> View {
    segment.and_then(|s| s.parse().ok()).unwrap_or(View::All)
}

/// The path of a tab.
pub fn chats_path(view: View, dialog: Option<i64>) -> String {
    match dialog {
        Some(id) => format!("/chats/{}?dialog={id}", view.as_str()),
        None => format!("/chats/{}", view.as_str()),
    }
}

/// Percent-encodes a query value (UTF-8 bytes).
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The query pairs of a wire parameters struct (`DialogFilter`,
/// `RecordParams`, …): one per field that is set.
pub fn pairs_of(params: &impl Serialize) -> Vec<(String, String)> {
    let Ok(Value::Object(fields)) = serde_json::to_value(params) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::Null => None,
            Value::String(text) => Some((key, text)),
            other => Some((key, other.to_string())),
        })
        .collect()
}

/// A query string from pairs, leaving out empty values.
pub fn query<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> String {
    let parts: Vec<String> = pairs
        .into_iter()
        .filter(|(_, v)| !v.as_ref().is_empty())
        .map(|(k, v)| format!("{}={}", k.as_ref(), encode(v.as_ref())))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_round_trips_through_the_path() {
        for view in View::ALL {
            let path = chats_path(*view, None);
            let segment = path.rsplit('/').next();
            assert_eq!(view_from_segment(segment), *view);
        }
        assert_eq!(view_from_segment(Some("closed")), View::All);
        assert_eq!(chats_path(View::Manual, Some(7)), "/chats/manual?dialog=7");
    }

    #[test]
    fn queries_are_encoded_and_skip_empty_values() {
        assert_eq!(
            query([("q", "Анна +7"), ("limit", "50"), ("tag_id", "")]),
            "?q=%D0%90%D0%BD%D0%BD%D0%B0%20%2B7&limit=50"
        );
        assert_eq!(query([("q", "")]), "");
    }

    #[test]
    fn wire_parameters_become_pairs_of_the_fields_that_are_set() {
        use dialogdesk_domain::wire::{DialogFilter, DialogListParams, DialogSort};
        use dialogdesk_domain::TagId;
        let filter = DialogFilter {
            q: Some("Анна".into()),
            tag_id: Some(TagId(3)),
            ..DialogFilter::default()
        };
        let params = DialogListParams {
            view: Some(View::Manual),
            sort: Some(DialogSort::ClientName),
            limit: Some(50),
            ..DialogListParams::default()
        };
        let mut pairs = pairs_of(&filter);
        pairs.extend(pairs_of(&params));
        // Field order follows serde_json's map, which features can change.
        pairs.sort();
        let expected = [
            ("limit", "50"),
            ("q", "Анна"),
            ("sort", "client_name"),
            ("tag_id", "3"),
            ("view", "manual"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
    }
}
