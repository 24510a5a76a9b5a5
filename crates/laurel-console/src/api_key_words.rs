//! How the API keys page tells a key: its expiry (never, a date and how far off it is, or
//! expired) and where it stands (works, rotated to another key, expired, revoked).

use crate::i18n::Locale;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_engine::ApiKey;

/// Seconds in a day, to say how many days off an expiry is.
const DAY_SECS: i64 = 24 * 60 * 60;

/// One key as the list shows it.
pub(crate) struct KeyRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    /// The partner a partner's key speaks for, by name.
    pub partner: Option<String>,
    pub prefix: String,
    pub created: String,
    /// When it expires, and how far off that is: "never", a date with "in 12 days", or
    /// "expired" with the date.
    pub expires: String,
    /// When it was revoked.
    pub revoked: Option<String>,
    /// Past its expiry (and not revoked).
    pub expired: bool,
    /// The prefix of the key it was rotated to.
    pub rotated_to: Option<String>,
    /// Whether it may be rotated now: it works and was not rotated.
    pub rotatable: bool,
}

/// What the page says of a key's expiry at `now`.
pub(crate) fn expiry_words(
    l: Locale,
    tz: &TimeZone,
    at: Option<Timestamp>,
    now: Timestamp,
) -> String {
    let t = l.strings();
    let Some(at) = at else {
        return t.get("keys.expires_never").to_owned();
    };
    let date = l.date_time(at, tz);
    if at <= now {
        return t.with("keys.expired_at", "at", &date);
    }
    let secs = at.duration_since(now).as_secs();
    // To the nearest day: a key made to last 90 days reads "in 90 days", not 89.
    let off = match (secs + DAY_SECS / 2) / DAY_SECS {
        _ if secs < DAY_SECS => t.get("keys.expires_within_a_day").to_owned(),
        1 => t.get("keys.expires_in_a_day").to_owned(),
        n => t.with("keys.expires_in_days", "days", &l.integer(n)),
    };
    t.fill("keys.expires_on", &[("at", &date), ("off", &off)])
}

impl KeyRow {
    /// `key` as it stands at `now`, among `all` (to name the key it was rotated to); its
    /// scope and partner as the page words them.
    pub(crate) fn of(
        key: ApiKey,
        all: &[ApiKey],
        (scope, partner): (String, Option<String>),
        l: Locale,
        tz: &TimeZone,
        now: Timestamp,
    ) -> KeyRow {
        let expired = key.revoked_at.is_none() && key.expires_at.is_some_and(|at| at <= now);
        let rotated_to = key.rotated_to.map(|id| {
            all.iter()
                .find(|k| k.id == id)
                .map_or_else(|| format!("#{id}"), |k| k.prefix.clone())
        });
        KeyRow {
            id: key.id,
            scope,
            partner,
            created: l.date_time(key.created_at, tz),
            expires: expiry_words(l, tz, key.expires_at, now),
            revoked: key.revoked_at.map(|at| l.date_time(at, tz)),
            rotatable: key.revoked_at.is_none() && !expired && rotated_to.is_none(),
            expired,
            rotated_to,
            name: key.name,
            prefix: key.prefix,
        }
    }

    /// Whether it still works (so may be revoked).
    pub(crate) fn works(&self) -> bool {
        self.revoked.is_none() && !self.expired
    }
}
