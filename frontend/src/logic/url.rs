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

/// The page a path shows: the shell's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/chats/:view`: the status tabs, the dialog list, the open chat.
    Chats,
    /// `/records`: Records → Dialog list.
    Records,
    /// `/records/dialog/:id`: one finished dialog.
    RecordDialog,
    /// `/settings`.
    Settings,
    /// Anything else (`/` too): sent on to [`HOME`].
    Elsewhere,
}

/// Where `/` and an unknown path lead.
pub const HOME: &str = "/chats/all";

impl Page {
    /// The page of `path` (without the query).
    pub fn of(path: &str) -> Page {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["chats", _] => Page::Chats,
            ["records"] => Page::Records,
            ["records", "dialog", _] => Page::RecordDialog,
            ["settings"] => Page::Settings,
            _ => Page::Elsewhere,
        }
    }

    /// Whether a link to `href` (a top bar link) belongs to this page's
    /// section: `/chats/all` for any tab, `/records` for a record too.
    pub fn in_section_of(self, href: &str) -> bool {
        match Page::of(href) {
            Page::Chats => self == Page::Chats,
            Page::Records => matches!(self, Page::Records | Page::RecordDialog),
            other => other == self && other != Page::Elsewhere,
        }
    }
}

/// The `n`-th segment of a path (0 is the first after `/`).
pub fn segment(path: &str, n: usize) -> Option<&str> {
    path.trim_start_matches('/')
        .split('/')
        .nth(n)
        .filter(|s| !s.is_empty())
}

/// The value of `key` in a query string (with or without its `?`),
/// percent-decoded; `+` is a space, as a browser's form encoding writes it.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| decode(v))
}

/// Undoes [`encode`] (and a form's `+`); a malformed escape stays as it is.
pub fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|&b| (b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
            (b'+', ..) => out.push(b' '),
            (b, ..) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

    #[test]
    fn paths_name_their_page() {
        assert_eq!(Page::of("/chats/manual"), Page::Chats);
        assert_eq!(Page::of("/chats/manual/"), Page::Chats);
        assert_eq!(Page::of("/records"), Page::Records);
        assert_eq!(Page::of("/records/dialog/7"), Page::RecordDialog);
        assert_eq!(Page::of("/settings"), Page::Settings);
        for elsewhere in ["/", "", "/chats", "/records/7", "/settings/x", "/api/v1/me"] {
            assert_eq!(Page::of(elsewhere), Page::Elsewhere, "{elsewhere}");
        }
        assert_eq!(segment("/records/dialog/7", 2), Some("7"));
        assert_eq!(segment("/chats/", 1), None);
        assert!(Page::Chats.in_section_of(HOME));
        assert!(Page::RecordDialog.in_section_of("/records"));
        assert!(!Page::Settings.in_section_of("/records"));
        assert!(!Page::Elsewhere.in_section_of("/nowhere"));
    }

    #[test]
    fn query_values_are_found_and_decoded() {
        let q = format!("?dialog=42&q={}&flag&bad=%zz%4", encode("Анна +7"));
        assert_eq!(query_value(&q, "dialog").as_deref(), Some("42"));
        assert_eq!(query_value(&q, "q").as_deref(), Some("Анна +7"));
        assert_eq!(query_value(&q, "flag").as_deref(), Some(""));
        assert_eq!(query_value(&q, "bad").as_deref(), Some("%zz%4"));
        assert_eq!(query_value("a=1+2", "a").as_deref(), Some("1 2"));
        assert_eq!(query_value(&q, "missing"), None);
        assert_eq!(query_value("", "dialog"), None);
    }
}
