//! Random codes people read, type and say (coupon and referral codes), and the random tokens
//! machines keep (API keys, sessions, forms) with the hash that is stored instead of them.

use sha2::{Digest, Sha256};

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud is not misheard.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new code of `groups` groups of four characters (`7KQ2-MX9D-…`), 20 random bits a group:
/// four groups (a coupon) are 80 bits, unguessable; three (a referral code) are 60 bits,
/// unique among many millions.
pub(crate) fn random_code(groups: usize) -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    let mut bits = u128::from_le_bytes(bytes);
    let mut code = String::with_capacity(groups * 5);
    for i in 0..groups * 4 {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    code
}

/// A code as given, in the form codes are issued: letters upper-cased, separators dropped and
/// put back every four characters, and the letters Crockford reads as digits (O as 0, I and L
/// as 1) read so — a code typed in lower case, without dashes or with an O for a zero still
/// matches.
pub(crate) fn normalize(code: &str) -> String {
    let chars: Vec<char> = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// 32 random bytes, hex: API key secrets, session and form tokens.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

/// A webhook signing secret as the Standard Webhooks convention writes them: `whsec_` and 24
/// random bytes in base64.
pub(crate) fn webhook_secret() -> String {
    use base64::Engine as _;
    let mut bytes = [0_u8; 24];
    rand::fill(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// SHA-256, hex. A sound hash for 32 random bytes (no dictionary to attack), and the
/// fingerprint of a program text.
pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// `digits` random decimal digits (`048213`): a one-time code to type from an email.
pub(crate) fn random_digits(digits: u32) -> String {
    let mut bytes = [0_u8; 8];
    rand::fill(&mut bytes);
    // 64 random bits modulo 10^digits: the bias is below 10^-12 for six digits.
    let n = u64::from_le_bytes(bytes) % 10_u64.pow(digits);
    format!("{n:0width$}", width = digits as usize)
}

/// Compares two secrets (tokens, hashes) without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
