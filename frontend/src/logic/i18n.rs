//! Translations: every user-visible string lives in `locales/<lang>.json`.
//! Russian is the product's own language; English is the other.

use std::collections::HashMap;
use std::sync::OnceLock;

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
        let first = preferred
            .first()
            .map(|l| l.to_lowercase())
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

    /// The other language (the header's switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }
}

fn table(lang: Lang) -> &'static HashMap<String, String> {
    static RU: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    let (cell, text) = match lang {
        Lang::Ru => (&RU, include_str!("../../locales/ru.json")),
        Lang::En => (&EN, include_str!("../../locales/en.json")),
    };
    // The files are ours and checked by a test; an unreadable one shows keys.
    cell.get_or_init(|| serde_json::from_str(text).unwrap_or_default())
}

/// The text of `key` in `lang`; the key itself when missing, so a gap is
/// visible rather than silent.
pub fn tr(lang: Lang, key: &str) -> String {
    table(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_no_empty_text() {
        let ru = table(Lang::Ru);
        let en = table(Lang::En);
        assert!(ru.len() > 100);
        let mut missing: Vec<_> = ru
            .keys()
            .filter(|k| !en.contains_key(*k))
            .chain(en.keys().filter(|k| !ru.contains_key(*k)))
            .collect();
        missing.sort();
        assert!(missing.is_empty(), "keys in one language only: {missing:?}");
        assert!(ru.values().chain(en.values()).all(|v| !v.trim().is_empty()));
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
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        for entry in std::fs::read_dir(ui).unwrap() {
            let path = entry.unwrap().path();
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
