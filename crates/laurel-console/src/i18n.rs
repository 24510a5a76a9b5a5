//! Languages: the translation files compiled in, picking a locale from the `lang` cookie or
//! Accept-Language, and numbers, money and dates written the way each locale writes them.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A language the console speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Locale {
    /// Every locale, in the switcher's order.
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// BCP 47 tag, as in `lang` attributes and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// A program author's words (a name, a description) in this language, or their fallback.
    pub fn text(self, words: &laurel_core::Localized) -> &str {
        words.get(self.tag())
    }

    /// The language's own name.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }

    /// A tag as the cookie or a link gives it.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The first language of an Accept-Language header the console speaks (any Chinese is
    /// Simplified Chinese); English otherwise.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .into_iter()
            .find_map(|(_, tag)| {
                let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
                match primary.as_str() {
                    "zh" => Some(Locale::ZhCn),
                    "en" => Some(Locale::En),
                    _ => None,
                }
            })
            .unwrap_or(Locale::En)
    }

    /// The locale's strings.
    pub fn strings(self) -> &'static Strings {
        static EN: OnceLock<Strings> = OnceLock::new();
        static ZH: OnceLock<Strings> = OnceLock::new();
        match self {
            Locale::En => EN.get_or_init(|| Strings::parse(include_str!("../i18n/en.toml"), None)),
            Locale::ZhCn => ZH.get_or_init(|| {
                Strings::parse(
                    include_str!("../i18n/zh-CN.toml"),
                    Some(Locale::En.strings()),
                )
            }),
        }
    }

    /// An integer with thousands separators.
    pub fn integer(self, n: i64) -> String {
        let sign = if n < 0 { "-" } else { "" };
        format!("{sign}{}", grouped(&n.unsigned_abs().to_string()))
    }

    /// A change of points: `+1,200` for a gain, `-300` for a loss.
    pub fn signed(self, n: i64) -> String {
        if n > 0 {
            format!("+{}", self.integer(n))
        } else {
            self.integer(n)
        }
    }

    /// A decimal figure to `places` places (halves away from zero), thousands grouped:
    /// `1,234.50`. Both locales write numbers alike.
    pub fn fixed(self, n: Decimal, places: u32) -> String {
        let rounded = n.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
        // A change that rounds away is none, not "-0.0".
        let rounded = if rounded.is_zero() {
            Decimal::ZERO
        } else {
            rounded
        };
        grouped_decimal(&format!("{:.*}", places as usize, rounded))
    }

    /// A change of a figure: `+1.5` up, `-1.5` down, `0.0` none, to `places` places.
    pub fn signed_fixed(self, n: Decimal, places: u32) -> String {
        let text = self.fixed(n, places);
        if n.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero) > Decimal::ZERO
        {
            format!("+{text}")
        } else {
            text
        }
    }

    /// A percentage to one place, as both locales write it: `12.5%`.
    pub fn percent(self, n: Decimal) -> String {
        self.percent_to(n, 1)
    }

    /// A percentage to `places` places: `13%` to none (the cohort heat map's cells).
    pub fn percent_to(self, n: Decimal, places: u32) -> String {
        format!("{}%", self.fixed(n, places))
    }

    /// A change in percent to one place: `+12.5%`, `-3.0%`.
    pub fn signed_percent(self, n: Decimal) -> String {
        format!("{}%", self.signed_fixed(n, 1))
    }

    /// An amount of money: `¥1,234.50` in Chinese for yuan, `CNY 1,234.50` otherwise.
    pub fn money(self, money: Money) -> String {
        let digits = money.currency().minor_digits();
        let text = format!("{:.*}", digits as usize, money.amount().round_dp(digits));
        let number = grouped_decimal(&text);
        let code = money.currency().code();
        match (self, code) {
            (Locale::ZhCn, "CNY") => format!("¥{number}"),
            _ => format!("{code} {number}"),
        }
    }

    /// A change of money given in minor units: `+¥50.00` in, `-¥20.00` out, `¥0.00` none (a
    /// wallet move's share), the sign before the currency as people write a change.
    pub fn signed_money(self, minor: i64, currency: laurel_core::Currency) -> String {
        let size = self.money(Money::from_minor(minor.saturating_abs(), currency));
        match minor.signum() {
            1 => format!("+{size}"),
            -1 => format!("-{size}"),
            _ => size,
        }
    }

    /// The word for one unit of `currency` in a rate ("1 point per CNY", "每 1 元积 1 分"):
    /// 元 for yuan in Chinese, the ISO code otherwise.
    pub fn currency_unit(self, currency: laurel_core::Currency) -> &'static str {
        match (self, currency.code()) {
            (Locale::ZhCn, "CNY") => "元",
            (_, code) => code,
        }
    }

    /// An amount in `currency` as [`Locale::money`] writes it, or the bare number when it
    /// has more decimals than the currency's minor unit (a point's value of ¥0.005).
    pub fn amount(self, amount: rust_decimal::Decimal, currency: laurel_core::Currency) -> String {
        match Money::new(amount, currency) {
            Ok(money) => self.money(money),
            Err(_) => format!("{} {}", amount.normalize(), currency.code()),
        }
    }

    /// An instant in the program's time zone: `2026年11月24日 14:05` or `24 Nov 2026, 14:05`.
    pub fn date_time(self, at: Timestamp, tz: &TimeZone) -> String {
        let local = at.to_zoned_datetime(tz.clone());
        match self {
            Locale::ZhCn => local.strftime("%Y年%-m月%-d日 %H:%M").to_string(),
            Locale::En => local.strftime("%-d %b %Y, %H:%M").to_string(),
        }
    }

    /// A day of the year without the year, for chart axes: `11月24日` or `24 Nov`.
    pub fn day_month(self, date: jiff::civil::Date) -> String {
        match self {
            Locale::ZhCn => date.strftime("%-m月%-d日").to_string(),
            Locale::En => date.strftime("%-d %b").to_string(),
        }
    }

    /// A calendar month (of the date given): `2026年11月` or `Nov 2026`.
    pub fn month(self, date: jiff::civil::Date) -> String {
        match self {
            Locale::ZhCn => date.strftime("%Y年%-m月").to_string(),
            Locale::En => date.strftime("%b %Y").to_string(),
        }
    }

    /// A calendar date: `2026年11月24日` or `24 Nov 2026`.
    pub fn date(self, date: jiff::civil::Date) -> String {
        match self {
            Locale::ZhCn => date.strftime("%Y年%-m月%-d日").to_string(),
            Locale::En => date.strftime("%-d %b %Y").to_string(),
        }
    }
}

/// The translation key naming a kind of ledger posting (`kind.earn`…).
pub fn posting_kind_key(kind: laurel_core::ledger::PostingKind) -> &'static str {
    use laurel_core::ledger::PostingKind;
    match kind {
        PostingKind::Earn => "kind.earn",
        PostingKind::Release => "kind.release",
        PostingKind::Redeem => "kind.redeem",
        PostingKind::Expire => "kind.expire",
        PostingKind::Forfeit => "kind.forfeit",
        PostingKind::Reverse => "kind.reverse",
        PostingKind::AdjustCredit => "kind.adjust_credit",
        PostingKind::AdjustDebit => "kind.adjust_debit",
        PostingKind::Restore => "kind.restore",
        PostingKind::TransferOut => "kind.transfer_out",
        PostingKind::TransferIn => "kind.transfer_in",
        PostingKind::TransferFee => "kind.transfer_fee",
        PostingKind::Hold => "kind.hold",
        PostingKind::HoldCapture => "kind.hold_capture",
        PostingKind::HoldRelease => "kind.hold_release",
    }
}

/// One locale's strings, by dotted key (`nav.members`).
#[derive(Debug)]
pub struct Strings {
    map: HashMap<String, String>,
    fallback: Option<&'static Strings>,
}

impl Strings {
    fn parse(text: &str, fallback: Option<&'static Strings>) -> Strings {
        let mut map = HashMap::new();
        match text.parse::<toml::Table>() {
            Ok(table) => flatten("", &table, &mut map),
            // The files are compiled in and checked by a test; a broken one shows keys.
            Err(e) => tracing::error!(error = %e, "a translation file does not parse"),
        }
        Strings { map, fallback }
    }

    /// The string for `key`; the English one when this locale lacks it; the key itself when
    /// neither has it (visible, never a crash).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map
            .get(key)
            .map(String::as_str)
            .or_else(|| self.fallback.map(|f| f.get(key)))
            .unwrap_or(key)
    }

    /// The string for `key`, the English one when this locale lacks it, or `None`.
    pub fn find(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .map(String::as_str)
            .or_else(|| self.fallback.and_then(|f| f.find(key)))
    }

    /// Whether this locale itself (not its fallback) has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The string for `key` with `{name}` replaced by `value`.
    pub fn with(&self, key: &str, name: &str, value: &str) -> String {
        self.get(key).replace(&format!("{{{name}}}"), value)
    }

    /// The string for `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.get(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// Every key, for the test that both files have the same ones.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }
}

/// A number as `format!` writes it (`-1234.50`) with its whole part grouped (`-1,234.50`).
fn grouped_decimal(text: &str) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, format!(".{fraction}")),
        None => (unsigned, String::new()),
    };
    format!("{sign}{}{fraction}", grouped(whole))
}

/// Digits with a comma every three from the right.
fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, into: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, into),
            toml::Value::String(s) => {
                into.insert(full, s.clone());
            }
            other => {
                into.insert(full, other.to_string());
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn figures_are_grouped_rounded_half_away_and_signed_when_they_are_changes() {
        let l = Locale::ZhCn;
        assert_eq!(l.fixed(dec("1234.5"), 2), "1,234.50");
        assert_eq!(l.fixed(dec("-1234567.25"), 1), "-1,234,567.3");
        assert_eq!(l.percent(dec("66.66")), "66.7%");
        assert_eq!(l.percent(dec("20")), "20.0%");
        assert_eq!(l.percent_to(dec("66.5"), 0), "67%");
        assert_eq!(l.signed_percent(dec("115.38")), "+115.4%");
        assert_eq!(l.signed_percent(dec("-0.04")), "0.0%");
        assert_eq!(Locale::En.signed_fixed(dec("-2.05"), 1), "-2.1");
    }

    #[test]
    fn money_keeps_its_minor_unit_and_its_locale_sign() {
        let cny: laurel_core::Currency = "CNY".parse().unwrap();
        let money = Money::from_minor(-123_456, cny);
        assert_eq!(Locale::ZhCn.money(money), "¥-1,234.56");
        assert_eq!(Locale::En.money(money), "CNY -1,234.56");
        assert_eq!(Locale::ZhCn.signed_money(-123_456, cny), "-¥1,234.56");
        assert_eq!(Locale::En.signed_money(5_000, cny), "+CNY 50.00");
        assert_eq!(Locale::ZhCn.signed_money(0, cny), "¥0.00");
    }

    #[test]
    fn every_kind_of_posting_and_every_roll_forward_line_has_words_in_both_languages() {
        for locale in Locale::ALL {
            let t = locale.strings();
            for kind in laurel_core::ledger::PostingKind::ALL {
                let key = posting_kind_key(kind);
                assert!(t.has(key), "no `{key}` in {}", locale.tag());
            }
            for line in laurel_core::ledger::Line::ALL {
                let key = format!("staff_pages.roll_{}", line.as_str());
                assert!(t.has(&key), "no `{key}` in {}", locale.tag());
            }
        }
    }
}
