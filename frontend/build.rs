//! A build-time check of the translation keys: every literal key the UI
//! passes to `t("…")`, `.tr("…")`, `.tr_untracked("…")` or `.plural("…", n)`
//! must be in both `locales/ru.json` and `locales/en.json` (a plural key
//! with each of its forms: `.one`/`.few`/`.many` in Russian, `.one`/`.other`
//! in English). A typo or a forgotten translation fails the build instead
//! of showing a raw key to an operator. Keys made at run time
//! (`format!("status.{}", …)`) are checked by the tests of `logic`.
//!
//! Our own check rather than `leptos_i18n`: the locales stay plain JSON
//! files, and nothing is added to the bundle.
//!
//! It also writes the two tables `logic::i18n` reads (`$OUT_DIR/locales.rs`):
//! each language's (key, text) pairs sorted by key, as Rust literals, so
//! the app looks a text up by binary search instead of parsing JSON into a
//! map at start-up (no JSON text and no map code in the first load).

use std::collections::HashMap;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=src");
    let locale = |name: &str| -> HashMap<String, String> {
        let path = Path::new("locales").join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let (ru, en) = (locale("ru.json"), locale("en.json"));
    write_tables(&[("RU", &ru), ("EN", &en)]);
    let mut missing = Vec::new();
    let mut sources = Vec::new();
    collect_sources(Path::new("src"), &mut sources);
    for path in sources {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for (call, plural) in [
            ("t(\"", false),
            (".tr(\"", false),
            ("tr_untracked(\"", false),
            (".plural(\"", true),
        ] {
            for key in literal_keys(&source, call) {
                let wanted: Vec<(String, &HashMap<String, String>)> = if plural {
                    ["one", "few", "many"]
                        .iter()
                        .map(|form| (format!("{key}.{form}"), &ru))
                        .chain(
                            ["one", "other"]
                                .iter()
                                .map(|form| (format!("{key}.{form}"), &en)),
                        )
                        .collect()
                } else {
                    vec![(key.clone(), &ru), (key.clone(), &en)]
                };
                for (key, table) in wanted {
                    if !table.contains_key(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "translation keys missing from locales/ru.json or locales/en.json:\n  {}",
        missing.join("\n  ")
    );
}

/// `static RU: &[(&str, &str)] = &[…];` per language, sorted by key.
fn write_tables(tables: &[(&str, &HashMap<String, String>)]) {
    let mut out = String::new();
    for (name, table) in tables {
        let mut pairs: Vec<_> = table.iter().collect();
        pairs.sort();
        out.push_str(&format!("static {name}: &[(&str, &str)] = &[\n"));
        for (key, text) in pairs {
            out.push_str(&format!("    ({key:?}, {text:?}),\n"));
        }
        out.push_str("];\n");
    }
    let dir = std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"));
    let path = Path::new(&dir).join("locales.rs");
    std::fs::write(&path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Every `.rs` file under `dir`.
fn collect_sources(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The literal keys after each `call` in `source` (up to the closing quote);
/// only dotted lower-case keys count, so other calls named alike do not.
fn literal_keys(source: &str, call: &str) -> Vec<String> {
    source
        .match_indices(call)
        .filter_map(|(at, _)| {
            let rest = &source[at + call.len()..];
            let key = &rest[..rest.find('"')?];
            let is_key = key.contains('.')
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
            is_key.then(|| key.to_owned())
        })
        .collect()
}
