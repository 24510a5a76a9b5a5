//! Time-based one-time passwords (RFC 6238) as authenticator apps make them: HMAC-SHA-1, six
//! digits, 30-second steps, a code of the step before or after the current one taken too (a
//! phone's clock drifts, and a code typed at the end of its step arrives in the next). Pure:
//! the secret's randomness and the time are given.

use crate::error::{EngineError, Result};
use jiff::Timestamp;
use totp_rs::{Builder, Secret, Totp};

/// Seconds each code lasts.
pub const TOTP_STEP_SECS: u64 = 30;
/// Digits in a code.
const DIGITS: u8 = 6;
/// Steps either side of now a code may be of.
const SKEW: u16 = 1;

/// A secret (base32, as apps take it) from 20 random bytes: the 160 bits RFC 4226 recommends.
pub(crate) fn secret_from(bytes: [u8; 20]) -> String {
    Secret::from(bytes).to_base32()
}

/// Whether `code` has the shape of a TOTP code (six digits, spaces aside), rather than a
/// recovery code.
pub(crate) fn looks_like_totp(code: &str) -> bool {
    let digits = digits_of(code);
    digits.len() == usize::from(DIGITS) && digits.chars().all(|c| c.is_ascii_digit())
}

/// The time step `code` was made for, if it is `secret`'s code for a step within one of
/// `now`'s; none for a wrong code.
pub(crate) fn step_of(secret: &str, code: &str, now: Timestamp) -> Result<Option<i64>> {
    let totp = totp(secret, None)?;
    let Ok(now) = u64::try_from(now.as_second()) else {
        return Ok(None);
    };
    Ok(totp
        .check(&digits_of(code), now)
        .and_then(|step| i64::try_from(step).ok()))
}

/// The `otpauth://` URI an authenticator app reads (as a QR code, or pasted): the secret, and
/// the account and issuer it is listed under (a colon, which the URI's label reserves, is
/// written as a space).
pub(crate) fn uri(secret: &str, account: &str, issuer: &str) -> Result<String> {
    let label = |text: &str| text.replace(':', " ").trim().to_owned();
    totp(secret, Some((label(account), label(issuer))))?
        .to_url()
        .map_err(internal)
}

/// The code for `secret` at `at` (the tests' authenticator, and the check's other side).
pub fn totp_code(secret: &str, at: Timestamp) -> Result<String> {
    let at = u64::try_from(at.as_second()).map_err(internal)?;
    Ok(totp(secret, None)?.generate(at).to_string())
}

fn totp(secret: &str, names: Option<(String, String)>) -> Result<Totp> {
    let secret = Secret::try_from_base32(secret).map_err(internal)?;
    let builder = Builder::new()
        .with_secret(secret)
        .with_digits(DIGITS)
        .with_skew(SKEW)
        .with_step_duration(TOTP_STEP_SECS);
    let builder = match names {
        Some((account, issuer)) => builder.with_account_name(account).with_issuer(Some(issuer)),
        None => builder,
    };
    builder.build().map_err(internal)
}

/// What was typed, without the spaces apps show codes with (`123 456`).
fn digits_of(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

fn internal(e: impl std::fmt::Display) -> EngineError {
    EngineError::Internal(format!("TOTP: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 6238's SHA-1 key, "12345678901234567890", in base32.
    const RFC_KEY: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn codes_are_rfc_6238s_test_vectors_in_six_digits() {
        // Appendix B's eight-digit values, of which an app shows the last six.
        for (seconds, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(totp_code(RFC_KEY, at(seconds)).unwrap(), code, "{seconds}");
        }
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_of_now_and_no_further() {
        let now = at(1_234_567_890);
        let step = 1_234_567_890 / 30;
        for offset in -1..=1 {
            let code = totp_code(RFC_KEY, at((step + offset) * 30)).unwrap();
            assert_eq!(step_of(RFC_KEY, &code, now).unwrap(), Some(step + offset));
        }
        for offset in [-2, 2] {
            let code = totp_code(RFC_KEY, at((step + offset) * 30)).unwrap();
            assert_eq!(step_of(RFC_KEY, &code, now).unwrap(), None, "{offset}");
        }
        let spaced = format!("{} {}", &"005924"[..3], &"005924"[3..]);
        assert_eq!(step_of(RFC_KEY, &spaced, now).unwrap(), Some(step));
        assert_eq!(step_of(RFC_KEY, "+05924", now).unwrap(), None);
    }

    #[test]
    fn only_six_digits_look_like_a_totp_code() {
        assert!(looks_like_totp("123 456"));
        assert!(!looks_like_totp("12345"));
        assert!(!looks_like_totp("ABCD-EFGH-JKMN"));
    }

    #[test]
    fn the_uri_names_the_account_and_issuer_without_colons() {
        let uri = uri(RFC_KEY, "li@example.com", "Tea: House").unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={RFC_KEY}")), "{uri}");
        assert!(uri.contains("li%40example.com"), "{uri}");
        assert!(uri.contains("issuer=Tea%20%20House"), "{uri}");
    }
}
