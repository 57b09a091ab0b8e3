//! URL state: the active tab lives in the path (`/chats/manual`), the open
//! dialog in the query (`?dialog=42`), so a link or a reload restores them.

use dialogdesk_domain::View;

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
}
