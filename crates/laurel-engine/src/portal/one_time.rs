//! One-time codes sent by email — to sign in, to confirm a new email or phone. A code is six
//! digits, lives ten minutes and allows five guesses; a member is sent at most five an hour;
//! only its hash (salted with the member id) is stored.

use crate::codes::{random_digits, sha256_hex};
use crate::error::EngineError;
use crate::error_code::ErrorCode;
use jiff::{SignedDuration, Timestamp};
use laurel_core::notices::NoticeKind;
use laurel_store::{MemberId, NewMessage};

/// The email that carries a code, in the member's language: `{code}` in the body is
/// replaced by the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInLetter {
    /// Subject line.
    pub subject: String,
    /// Body, with `{code}` where the code goes.
    pub body: String,
}

/// How long a code works.
pub(super) const CODE_LIFETIME: SignedDuration = SignedDuration::from_mins(10);
/// Codes a member may be sent per [`CODE_WINDOW`].
const CODES_PER_WINDOW: usize = 5;
/// The window the codes sent are counted over.
pub(super) const CODE_WINDOW: SignedDuration = SignedDuration::from_hours(1);
/// Guesses at one code.
pub(super) const GUESSES_MAX: i64 = 5;

/// When another code may be sent to a member who was sent codes at `sent` within the last
/// [`CODE_WINDOW`] (oldest first): `None` while fewer than [`CODES_PER_WINDOW`] were; else
/// when the oldest of the last [`CODES_PER_WINDOW`] leaves the window.
pub(super) fn next_code_at(sent: &[Timestamp]) -> Option<Timestamp> {
    let over = sent.len().checked_sub(CODES_PER_WINDOW)?;
    sent.get(over).map(|&oldest| oldest + CODE_WINDOW)
}

/// What is stored of `member`'s `code`.
pub(super) fn code_hash(member: MemberId, code: &str) -> String {
    sha256_hex(&format!("{}:{}", member.0, code.trim()))
}

/// `Ok` while a code may be sent; else the refusal saying when one may be (`sent` as for
/// [`next_code_at`]).
pub(super) fn may_send(sent: &[Timestamp]) -> Result<(), EngineError> {
    match next_code_at(sent) {
        Some(retry_at) => Err(EngineError::Throttled {
            code: ErrorCode::TooManyCodes,
            message: format!("too many codes asked for: try again at {retry_at}"),
            retry_at: Some(retry_at),
        }),
        None => Ok(()),
    }
}

/// A fresh code and the e-mail of `kind` that carries it to `member` at `recipient`,
/// written at `now`.
pub(super) fn new_code(
    kind: NoticeKind,
    (member, recipient): (MemberId, String),
    letter: &SignInLetter,
    now: Timestamp,
) -> (String, NewMessage) {
    let code = random_digits(6);
    let message = NewMessage {
        channel: "email".into(),
        recipient,
        subject: letter.subject.clone(),
        body: letter.body.replace("{code}", &code),
        html: None,
        kind: Some(kind.as_str().to_owned()),
        member_id: Some(member.0),
        unsubscribe_url: None,
        created_at: now,
    };
    (code, message)
}

/// Whether a code sent can no longer be tried at `now`: used, expired or guessed at too often.
pub(super) fn spent(
    used_at: Option<Timestamp>,
    expires_at: Timestamp,
    attempts: i64,
    now: Timestamp,
) -> bool {
    used_at.is_some() || expires_at <= now || attempts >= GUESSES_MAX
}
