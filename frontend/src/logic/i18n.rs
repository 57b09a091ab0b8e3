//! Translations: every user-visible string lives in `locales/<lang>.json`.
//! Russian is the product's own language; English is the other.

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Русский.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// `ru` when the browser prefers Russian, `en` otherwise.
    pub fn from_browser(preferred: &[String]) -> Lang {
        // Language tags are ASCII: no Unicode case table needed.
        let first = preferred
            .first()
            .map(|l| l.to_ascii_lowercase())
            .unwrap_or_default();
        if first.starts_with("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    /// The code kept in local storage and in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// From a stored code.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The code as the language switch shows it: `RU`, `EN`.
    pub fn label(self) -> &'static str {
        match self {
            Lang::Ru => "RU",
            Lang::En => "EN",
        }
    }

    /// The other language (the header's switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }
}

// `RU` and `EN`: (key, text) sorted by key, written by build.rs from the
// locale files it has just checked.
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

fn table(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Ru => RU,
        Lang::En => EN,
    }
}

/// The text of `key` in `lang`; the key itself when missing, so a gap is
/// visible rather than silent.
pub fn tr(lang: Lang, key: &str) -> String {
    let table = table(lang);
    match table.binary_search_by(|(k, _)| (*k).cmp(key)) {
        Ok(at) => table[at].1.to_owned(),
        Err(_) => key.to_owned(),
    }
}

/// The plural form that goes with the count `n`: Russian has three
/// (`one` 1, 21, 101; `few` 2–4, 22–24; `many` 0, 5–20, 25–30, 111),
/// English two (`one`, `other`). A plural key has one text per form
/// (`chats.dialogs.few`); build.rs checks every form is translated.
pub fn plural_form(lang: Lang, n: i64) -> &'static str {
    match lang {
        Lang::Ru => {
            let (last, last_two) = (n.unsigned_abs() % 10, n.unsigned_abs() % 100);
            if last == 1 && last_two != 11 {
                "one"
            } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
                "few"
            } else {
                "many"
            }
        }
        Lang::En if n == 1 => "one",
        Lang::En => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_no_empty_text() {
        // A plural's forms differ by language (one/few/many, one/other):
        // its key without the form is what both must have.
        let keys = |lang| -> std::collections::BTreeSet<String> {
            table(lang)
                .iter()
                .map(|(k, _)| {
                    for form in [".one", ".few", ".many", ".other"] {
                        if let Some(family) = k.strip_suffix(form) {
                            return format!("{family} (plural)");
                        }
                    }
                    k.to_string()
                })
                .collect()
        };
        let (ru, en) = (keys(Lang::Ru), keys(Lang::En));
        assert!(ru.len() > 100);
        let mut missing: Vec<_> = ru.symmetric_difference(&en).collect();
        missing.sort();
        assert!(missing.is_empty(), "keys in one language only: {missing:?}");
        assert!(table(Lang::Ru)
            .iter()
            .chain(table(Lang::En))
            .all(|(_, v)| !v.trim().is_empty()));
    }

    #[test]
    fn the_dialog_list_uses_the_products_own_russian_words() {
        for (key, word) in [
            ("records.client", "Клиент"),
            ("records.channel", "Канал"),
            ("records.number", "Номер"),
            ("records.finished_by", "Кто завершил"),
            ("records.finished_at", "Дата завершения"),
            ("records.messages", "Сообщений"),
            ("nav.records", "Список диалогов"),
        ] {
            assert_eq!(tr(Lang::Ru, key), word);
        }
    }

    /// Every `aria-label` and `title` of the components goes through the
    /// translations: a literal one would speak English to a Russian screen
    /// reader.
    #[test]
    fn no_component_has_a_literal_label_or_title() {
        fn sources(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, into);
                } else {
                    into.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"),
            &mut files,
        );
        assert!(files.len() > 20, "the components were found");
        for path in files {
            let source = std::fs::read_to_string(&path).unwrap();
            for literal in ["aria-label=\"", "title=\""] {
                assert!(
                    !source.contains(literal),
                    "{}: a literal {literal}…\" (use t(…))",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn russian_when_the_browser_prefers_it() {
        assert_eq!(Lang::from_browser(&["ru-RU".into(), "en".into()]), Lang::Ru);
        assert_eq!(Lang::from_browser(&["en-GB".into(), "ru".into()]), Lang::En);
        assert_eq!(Lang::from_browser(&[]), Lang::En);
        assert_eq!(tr(Lang::En, "no.such.key"), "no.such.key");
    }
}
