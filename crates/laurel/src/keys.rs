//! `laurel keys create`: a key made at the command line, optionally expiring, printed once.

use crate::cli::KeyExpiry;
use anyhow::{Result, bail};
use jiff::{SignedDuration, Timestamp};
use laurel_engine::{Scope, Store};

/// Reads `--expires-in`: a whole number of days (`90d`) or hours (`12h`), more than none.
pub fn parse_expires_in(text: &str) -> Result<SignedDuration> {
    let (number, hours_per) = match text.trim() {
        t if t.ends_with('d') => (&t[..t.len() - 1], 24),
        t if t.ends_with('h') => (&t[..t.len() - 1], 1),
        _ => bail!("`{text}` is not a time such as 90d (days) or 12h (hours)"),
    };
    match number.parse::<i64>() {
        Ok(n) if n > 0 && n <= 100 * 366 => Ok(SignedDuration::from_hours(n * hours_per)),
        _ => bail!("`{text}` is not a time such as 90d (days) or 12h (hours)"),
    }
}

/// Makes a `scope` key named `name` expiring as `expiry` says, prints it on standard output
/// (and when it expires on standard error, which scripts do not capture with the key).
pub async fn create(store: &Store, scope: &str, name: &str, expiry: &KeyExpiry) -> Result<()> {
    let scope: Scope = scope.parse()?;
    let now = Timestamp::now();
    let expires_at = match (expiry.expires_in, expiry.expires_at) {
        (Some(span), _) => Some(now.checked_add(span)?),
        (None, at) => at,
    };
    let key = laurel_engine::create_key_expiring(store, name, scope, expires_at).await?;
    println!("{key}");
    match expires_at {
        Some(at) => {
            eprintln!("Store this {scope} key now: it is not shown again. It expires at {at}.")
        }
        None => eprintln!("Store this {scope} key now: it is not shown again. It never expires."),
    }
    Ok(())
}
