//! Dates and numbers as each language writes them.

use super::i18n::{plural_form, tr, Lang};
use chrono::{DateTime, Datelike, FixedOffset, Offset, Timelike, Utc};

const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `12 345` in Russian (narrow no-break space), `12,345` in English.
pub fn number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Ru => "\u{202f}",
        Lang::En => ",",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Two digits: `05`. Dates and times are written by hand rather than with
/// chrono's `format("%H:%M")`: its strftime interpreter is compiled into the
/// first load for four fixed patterns (BENCHMARKS.md, the SPA's size).
fn two(n: u32) -> String {
    if n < 10 {
        format!("0{n}")
    } else {
        n.to_string()
    }
}

/// `14:05`.
pub fn time(at: DateTime<FixedOffset>) -> String {
    format!("{}:{}", two(at.hour()), two(at.minute()))
}

/// `21 ноября 2026` / `21 Nov 2026`.
pub fn date(lang: Lang, at: DateTime<FixedOffset>) -> String {
    let m = at.month0() as usize;
    match lang {
        Lang::Ru => format!("{} {} {}", at.day(), MONTHS_RU[m], at.year()),
        Lang::En => format!("{} {} {}", at.day(), MONTHS_EN[m], at.year()),
    }
}

/// `21.11.2026 14:05` / `21 Nov 2026, 14:05`.
pub fn date_time(lang: Lang, at: DateTime<FixedOffset>) -> String {
    match lang {
        Lang::Ru => format!(
            "{}.{}.{} {}",
            two(at.day()),
            two(at.month()),
            at.year(),
            time(at)
        ),
        Lang::En => format!("{}, {}", date(lang, at), time(at)),
    }
}

/// What a dialog list shows for the last message: the time today, the date otherwise.
pub fn short(lang: Lang, at: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    if at.date_naive() == now.date_naive() {
        time(at)
    } else {
        match lang {
            Lang::Ru => format!("{}.{}", two(at.day()), two(at.month())),
            Lang::En => format!("{} {}", at.day(), MONTHS_EN[at.month0() as usize]),
        }
    }
}

/// The label of a day separator in the chat.
pub fn day_separator(lang: Lang, at: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    if at.date_naive() == now.date_naive() {
        tr(lang, "chats.today")
    } else {
        date(lang, at)
    }
}

/// A UTC time in the browser's offset (minutes east of UTC).
pub fn local(at: DateTime<Utc>, offset_minutes: i32) -> DateTime<FixedOffset> {
    // An offset beyond ±24 h cannot come from a browser; show UTC then.
    let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap_or(Utc.fix());
    at.with_timezone(&offset)
}

/// Initials for an avatar: `Анна Кузнецова` → `АК`.
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters.chars().map(capital).collect()
    }
}

/// The capital of a Latin or Cyrillic letter (names are written in those
/// two here); any other character as it is. `char::to_uppercase` would bring
/// Unicode's whole case table into the first load for an avatar's letters.
fn capital(c: char) -> char {
    match c {
        'a'..='z' => c.to_ascii_uppercase(),
        'а'..='я' => char::from_u32(c as u32 - 0x20).unwrap_or(c),
        'ѐ'..='џ' => char::from_u32(c as u32 - 0x50).unwrap_or(c),
        _ => c,
    }
}

/// The plural `key` in the form that goes with `n` ([`plural_form`]), with
/// `{n}` replaced by the number as the language writes it: "5 диалогов".
pub fn plural(lang: Lang, key: &str, n: i64) -> String {
    tr(lang, &format!("{key}.{}", plural_form(lang, n))).replace("{n}", &number(lang, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_counts_take_their_three_forms() {
        let said = |n| plural(Lang::Ru, "chats.dialogs", n);
        assert_eq!(said(1), "1 диалог");
        assert_eq!(said(2), "2 диалога");
        assert_eq!(said(5), "5 диалогов");
        assert_eq!(said(11), "11 диалогов");
        assert_eq!(said(12), "12 диалогов");
        assert_eq!(said(21), "21 диалог");
        assert_eq!(said(24), "24 диалога");
        assert_eq!(said(111), "111 диалогов");
        assert_eq!(said(0), "0 диалогов");
        assert_eq!(said(1001), "1\u{202f}001 диалог");
        assert_eq!(plural(Lang::En, "chats.dialogs", 1), "1 dialog");
        assert_eq!(plural(Lang::En, "chats.dialogs", 2), "2 dialogs");
        assert_eq!(plural(Lang::Ru, "chats.messages", 3), "3 сообщения");
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(number(Lang::En, 1234567), "1,234,567");
        assert_eq!(number(Lang::Ru, 12345), "12\u{202f}345");
        assert_eq!(number(Lang::En, 999), "999");
        assert_eq!(number(Lang::En, -1000), "-1,000");
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let t = at("2026-11-21T14:05:00+03:00");
        assert_eq!(date(Lang::Ru, t), "21 ноября 2026");
        assert_eq!(date(Lang::En, t), "21 Nov 2026");
        assert_eq!(date_time(Lang::Ru, t), "21.11.2026 14:05");
        assert_eq!(
            date_time(Lang::Ru, at("2026-01-02T03:04:00+03:00")),
            "02.01.2026 03:04"
        );
        assert_eq!(date_time(Lang::En, t), "21 Nov 2026, 14:05");
        assert_eq!(short(Lang::Ru, at("2026-03-09T09:00:00+03:00"), t), "09.03");
        assert_eq!(short(Lang::Ru, t, at("2026-11-21T20:00:00+03:00")), "14:05");
        assert_eq!(short(Lang::Ru, t, at("2026-11-22T10:00:00+03:00")), "21.11");
        assert_eq!(
            day_separator(Lang::Ru, t, at("2026-11-21T23:00:00+03:00")),
            "Сегодня"
        );
    }

    #[test]
    fn utc_is_shown_in_the_browsers_offset() {
        let utc = DateTime::parse_from_rfc3339("2026-11-21T22:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(local(utc, 180)), "01:30");
        assert_eq!(local(utc, 180).day(), 22);
    }

    #[test]
    fn initials_come_from_the_first_two_words() {
        assert_eq!(initials("Анна Кузнецова"), "АК");
        assert_eq!(initials("emma"), "E");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("ёлка юрий"), "ЁЮ");
        assert_eq!(initials("яна zoe"), "ЯZ");
        assert_eq!(initials("Ωmega 李"), "Ω李");
    }
}
