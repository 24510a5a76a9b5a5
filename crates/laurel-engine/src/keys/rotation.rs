//! Rotating a key: a new key with the old one's name, scope and partner, shown once, while
//! the old one works on beside it for an overlap and then expires — so whoever holds the old
//! key can swap it without a moment when neither works.

use super::{IssuedKey, Minted, Scope, audit_entry, checked_expiry};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::{Actor, Engine, as_stored};
use jiff::{SignedDuration, Timestamp};
use laurel_store::ApiKey;
use serde_json::json;

/// How long the old key works on beside the new one unless the rotation says: a week.
pub const ROTATION_OVERLAP_DEFAULT: SignedDuration = SignedDuration::from_hours(7 * 24);
/// The longest overlap a rotation may ask for: 90 days.
pub const ROTATION_OVERLAP_MAX: SignedDuration = SignedDuration::from_hours(90 * 24);

/// What a rotation asks for; the default is a week's overlap and a new key that lives as
/// long as the old one did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RotationAsk {
    /// How long the old key works on beside the new one (none to [`ROTATION_OVERLAP_MAX`];
    /// default [`ROTATION_OVERLAP_DEFAULT`]), never past its own expiry.
    pub overlap: Option<SignedDuration>,
    /// When the new key expires (ahead); default: as long from now as the old key was made to
    /// last, or never when the old one never expires.
    pub expires_at: Option<Timestamp>,
}

/// A rotation done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The new key, shown this once.
    pub key: IssuedKey,
    /// The key rotated.
    pub old_id: i64,
    /// When the old key stops working.
    pub old_expires_at: Timestamp,
}

impl Engine {
    /// Rotates key `id` at `now`, audited as `by`'s: a new key with its name, scope and
    /// partner, and the old one set to expire after the overlap. Refused for a key that is
    /// revoked, expired or rotated already ([`EngineError::KeyNotRotatable`]), and for a
    /// partner the program no longer has.
    pub async fn rotate_api_key(
        &self,
        id: i64,
        ask: RotationAsk,
        now: Timestamp,
        by: &Actor,
    ) -> Result<Rotation> {
        let old = self.api_key(id).await?;
        let now = as_stored(now);
        if !rotatable(&old, now) {
            return Err(EngineError::KeyNotRotatable(id));
        }
        let scope: Scope = old
            .scope
            .parse()
            .map_err(|e| EngineError::Internal(format!("api key {id}: {e}")))?;
        if let Some(partner) = &old.partner {
            self.refuse_former_partner(partner)?;
        }
        let overlap_end = later(now, checked_overlap(ask.overlap)?, "overlap")?;
        let old_expires_at = old.expires_at.map_or(overlap_end, |at| at.min(overlap_end));
        let expires_at = match ask.expires_at {
            Some(at) => Some(at),
            None => old
                .expires_at
                .map(|at| later(now, at.duration_since(old.created_at), "expires_at"))
                .transpose()?,
        };
        let expires_at = checked_expiry(expires_at, now)?;
        let key = Minted::new(scope);
        let stored = key.stored(&old.name, old.partner.as_deref(), now, expires_at);
        let before =
            json!({ "prefix": old.prefix, "expires_at": old.expires_at.map(|at| at.to_string()) });
        let after = |new_id: i64| {
            let new = json!({ "id": new_id, "prefix": key.prefix, "expires_at": expires_at.map(|at| at.to_string()) });
            let after = json!({ "prefix": old.prefix, "expires_at": old_expires_at.to_string(), "rotated_to": new });
            audit_entry(by, "api_key.rotate", id, Some(before), after, now)
        };
        let new_id = self
            .store
            .rotate_api_key(id, &stored, old_expires_at, after)
            .await?
            .ok_or(EngineError::KeyNotRotatable(id))?;
        // This node sees the old key's new expiry at once; others once their cache runs out.
        self.keys.forget(id);
        Ok(Rotation {
            key: key.issued(new_id, expires_at),
            old_id: id,
            old_expires_at,
        })
    }
}

/// Whether `key` may be rotated at `now`: it works (not revoked, not expired) and was not
/// rotated before.
fn rotatable(key: &ApiKey, now: Timestamp) -> bool {
    key.revoked_at.is_none() && key.rotated_to.is_none() && key.expires_at.is_none_or(|at| at > now)
}

/// The overlap asked for, checked; the default when none is asked.
fn checked_overlap(overlap: Option<SignedDuration>) -> Result<SignedDuration> {
    let overlap = overlap.unwrap_or(ROTATION_OVERLAP_DEFAULT);
    if overlap.is_negative() || overlap > ROTATION_OVERLAP_MAX {
        return Err(EngineError::invalid(
            "overlap",
            ErrorCode::InvalidField,
            format!(
                "must be between none and {} days",
                ROTATION_OVERLAP_MAX.as_hours() / 24
            ),
        ));
    }
    Ok(overlap)
}

/// `span` after `at`; refused (as `field`) past the last instant there is.
fn later(at: Timestamp, span: SignedDuration, field: &str) -> Result<Timestamp> {
    at.checked_add(span).map_err(|_| {
        EngineError::invalid(field, ErrorCode::InvalidDate, "is too far in the future")
    })
}
