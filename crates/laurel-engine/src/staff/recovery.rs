//! Recovery codes: what a staff member types when their authenticator app is out of reach.
//! Each is shown once, kept only as the SHA-256 of its normal form, and taken once.

use crate::codes::{normalize, random_code, sha256_hex};

/// How many recovery codes a staff member gets at a time.
pub const RECOVERY_CODES: usize = 10;
/// Groups of four characters in a code: 60 random bits, beyond guessing in the handful of
/// tries the sign-in lock allows.
const GROUPS: usize = 3;

/// A fresh set of codes, as shown, with the hashes that are stored.
pub(crate) fn fresh() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| random_code(GROUPS)).collect();
    let hashes = codes.iter().map(|code| hash(code)).collect();
    (codes, hashes)
}

/// The hash a code is stored as: of its normal form, so one typed in lower case, without its
/// dashes or with an O for a zero still matches.
pub(crate) fn hash(code: &str) -> String {
    sha256_hex(&normalize(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_match_however_typed() {
        let (codes, hashes) = fresh();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let typed = codes[0].to_lowercase().replace('-', " ");
        assert_eq!(hash(&typed), hashes[0]);
    }
}
