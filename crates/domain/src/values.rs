//! Value types that can only hold valid values ("parse, don't validate").

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused; the message is meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

/// A phone number in E.164: `+` and 8 to 15 digits, the first not zero.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts the usual ways people write numbers (`+7 (912) 345-67-89`,
    /// `79123456789`) and keeps only `+` and the digits.
    pub fn parse(raw: &str) -> Result<Phone, InvalidValue> {
        let trimmed = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || " ()-.".contains(c);
        let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if body.is_empty() || !body.chars().all(allowed) {
            return Err(InvalidValue(format!(
                "`{raw}` is not a phone number: use digits with an optional leading +"
            )));
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(InvalidValue(format!(
                "`{raw}` is not an international (E.164) number: 8 to 15 digits, country code first"
            )));
        }
        Ok(Phone(format!("+{digits}")))
    }

    /// `+79123456789`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits alone, as search matches them.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// The number as an `operator` sees it: country code and the last two
    /// digits, e.g. `+7 *** ***-**-67`.
    pub fn masked(&self) -> String {
        mask_phone(self.as_str())
    }
}

/// Masks any stored phone text for the `operator` role. Works on whatever is
/// stored (also numbers written before validation was strict): everything but
/// the country code and the last two digits becomes `*`.
///
/// The country code is taken as one digit for the North American (`1`) and
/// Russian/Kazakh (`7`) plans and two digits otherwise; an approximation that
/// only decides how many leading digits stay visible.
pub fn mask_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 {
        return "*".repeat(digits.len());
    }
    let cc_len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else {
        2
    };
    let (cc, national) = digits.split_at(cc_len);
    let last_two = &national[national.len() - 2..];
    let hidden = national.len() - 2;
    let stars = if hidden == 8 {
        "*** ***-**".to_owned()
    } else {
        "*".repeat(hidden)
    };
    format!("+{cc} {stars}-{last_two}")
}

impl TryFrom<String> for Phone {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Phone::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The digits of a search text, for matching phone fragments ("digits only
/// matter": `912-34` finds `+79123456789`).
pub fn search_digits(query: &str) -> String {
    query.chars().filter(char::is_ascii_digit).collect()
}

/// A trimmed, non-empty name of at most `max` characters.
fn parse_name(raw: &str, what: &str, max: usize) -> Result<String, InvalidValue> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(InvalidValue(format!("{what} must not be empty")));
    }
    if name.chars().count() > max {
        return Err(InvalidValue(format!(
            "{what} must be at most {max} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(InvalidValue(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(name.to_owned())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Trims and checks the name.
            pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
                parse_name(raw, $what, $max).map($name)
            }

            /// The name.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A person's or client's display name.
    PersonName, "name", 200
);
name_type!(
    /// The name of a channel, flow, step or tag.
    Label, "name", 100
);

/// An e-mail address, stored lower-case (logins are case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// A deliberately simple check: one `@`, something on both sides, a dot
    /// in the domain. Real verification is sending mail, which we do not do.
    pub fn parse(raw: &str) -> Result<Email, InvalidValue> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && matches!(email.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if valid {
            Ok(Email(email))
        } else {
            Err(InvalidValue(format!("`{raw}` is not an e-mail address")))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// A link the SPA may render as an image or a link: `http` or `https`
/// only (no `javascript:`, `data:` or `file:`), at most 2,048 characters,
/// no spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl(String);

impl WebUrl {
    /// Checks `raw`, trimmed.
    pub fn parse(raw: &str) -> Result<WebUrl, InvalidValue> {
        let url = raw.trim();
        let lower = url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or_else(|| InvalidValue(format!("`{url}` is not an http or https URL")))?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(InvalidValue(format!("`{url}` names no host")));
        }
        if url.chars().count() > 2048 {
            return Err(InvalidValue("a URL is at most 2048 characters".into()));
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidValue(
                "a URL has no spaces or control characters".into(),
            ));
        }
        Ok(WebUrl(url.to_owned()))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A tag colour as `#rrggbb`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Color(String);

impl Color {
    /// Accepts `#rgb` and `#rrggbb`.
    pub fn parse(raw: &str) -> Result<Color, InvalidValue> {
        let hex = raw.trim().strip_prefix('#').unwrap_or("");
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(InvalidValue(format!(
                "`{raw}` is not a colour like #1e88e5"
            )));
        }
        let full = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            6 => hex.to_owned(),
            _ => {
                return Err(InvalidValue(format!(
                    "`{raw}` is not a colour like #1e88e5"
                )))
            }
        };
        Ok(Color(format!("#{}", full.to_lowercase())))
    }

    /// `#rrggbb`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Color {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Color::parse(&value)
    }
}

impl From<Color> for String {
    fn from(c: Color) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_e164() {
        assert_eq!(
            Phone::parse("+7 (912) 345-67-89").unwrap().as_str(),
            "+79123456789"
        );
        assert_eq!(
            Phone::parse("79123456789").unwrap().as_str(),
            "+79123456789"
        );
        assert_eq!(
            Phone::parse("+1 415 555 0100").unwrap().digits(),
            "14155550100"
        );
    }

    #[test]
    fn a_phone_with_letters_or_too_few_digits_is_refused() {
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("+7 912").is_err());
        assert!(Phone::parse("+0123456789").is_err());
        assert!(Phone::parse("+12345678901234567").is_err());
        assert!(Phone::parse("").is_err());
    }

    #[test]
    fn a_russian_number_is_masked_like_the_product_shows_it() {
        assert_eq!(
            Phone::parse("+79123456767").unwrap().masked(),
            "+7 *** ***-**-67"
        );
        assert_eq!(mask_phone("+380441234567"), "+38 *** ***-**-67");
        assert_eq!(mask_phone("+4915112345678"), "+49 *********-78");
        assert_eq!(mask_phone("123"), "***");
    }

    #[test]
    fn search_keeps_only_digits() {
        assert_eq!(search_digits("912-34"), "91234");
        assert_eq!(search_digits("Anna"), "");
    }

    #[test]
    fn names_are_trimmed_and_must_not_be_empty() {
        assert_eq!(PersonName::parse("  Анна ").unwrap().as_str(), "Анна");
        assert!(PersonName::parse("   ").is_err());
        assert!(Label::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Admin@Demo.Local ").unwrap().as_str(),
            "admin@demo.local"
        );
        assert!(Email::parse("admin").is_err());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.d").is_err());
    }

    #[test]
    fn colours_are_normalised() {
        assert_eq!(Color::parse("#ABC").unwrap().as_str(), "#aabbcc");
        assert_eq!(Color::parse("#1E88E5").unwrap().as_str(), "#1e88e5");
        assert!(Color::parse("red").is_err());
        assert!(Color::parse("#12345").is_err());
    }
}

#[cfg(test)]
mod web_url_tests {
    use super::WebUrl;

    #[test]
    fn only_http_and_https_links_with_a_host_pass() {
        for good in [
            "https://cdn.example/a.png",
            " http://x.y/z?q=1 ",
            "HTTPS://A.B",
        ] {
            assert!(WebUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
            "https://",
            "https:///path",
            "//cdn.example/a.png",
            "https://a.b/x y",
            "ftp://a.b",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(WebUrl::parse(&format!("https://a.b/{}", "x".repeat(2048))).is_err());
    }
}
