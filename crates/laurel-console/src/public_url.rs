//! The address members reach Laurel at, for the links pages hand out (a referral link):
//! behind a proxy or on a shared host, the address a request arrived on (127.0.0.1, an
//! internal name) is not one a friend can open.

use std::fmt;
use std::str::FromStr;

/// An absolute `http://` or `https://` address with a host, no query or fragment, kept
/// without a trailing slash so paths append to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

/// Why a text is not a usable public address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a public address: give one like https://loyalty.example.com")]
pub struct BadPublicUrl(String);

impl FromStr for PublicUrl {
    type Err = BadPublicUrl;

    fn from_str(text: &str) -> Result<PublicUrl, BadPublicUrl> {
        let bad = || BadPublicUrl(text.to_owned());
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(bad)?;
        let host = rest.split('/').next().unwrap_or_default();
        let printable = text.chars().all(|c| c.is_ascii_graphic());
        if host.is_empty() || !printable || text.contains(['?', '#']) {
            return Err(bad());
        }
        Ok(PublicUrl(text.trim_end_matches('/').to_owned()))
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_web_address_is_kept_without_its_trailing_slash_and_anything_else_is_refused() {
        let ok = |t: &str| t.parse::<PublicUrl>().map(|u| u.to_string());
        assert_eq!(
            ok("https://loyalty.example.com/"),
            Ok("https://loyalty.example.com".into())
        );
        assert_eq!(
            ok("http://10.0.0.5:8080/club"),
            Ok("http://10.0.0.5:8080/club".into())
        );
        for bad in [
            "loyalty.example.com",
            "ftp://x",
            "https://",
            "https://x/?a=1",
            "https://a b",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad}");
        }
    }
}
