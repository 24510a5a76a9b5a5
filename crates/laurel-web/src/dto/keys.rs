//! API keys as admins list, make, rotate and revoke them.

use crate::error::ApiError;
use jiff::{SignedDuration, Timestamp};
use laurel_engine::{ApiKey, IssuedKey, Rotation, RotationAsk};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The expiry a request gives (RFC 3339), if any.
pub(crate) fn expiry(value: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    value.map(|at| super::instant("expires_at", at)).transpose()
}

/// Where a key stands now.
#[derive(Serialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// It works.
    Active,
    /// It is past its expiry.
    Expired,
    /// It was revoked.
    Revoked,
}

impl KeyStatus {
    /// Where `key` stands at `now`.
    pub fn of(key: &ApiKey, now: Timestamp) -> KeyStatus {
        if key.revoked_at.is_some() {
            KeyStatus::Revoked
        } else if key.expires_at.is_some_and(|at| at <= now) {
            KeyStatus::Expired
        } else {
            KeyStatus::Active
        }
    }
}

/// A key as listings show it: never the key itself.
#[derive(Serialize, ToSchema)]
pub struct ApiKeyBody {
    /// Its id.
    pub id: i64,
    /// What it is called.
    pub name: String,
    /// `admin`, `pos` or `partner`.
    pub scope: String,
    /// The partner a partner's key speaks for.
    pub partner: Option<String>,
    /// Its first characters, to tell it by.
    pub prefix: String,
    /// When it was made.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When it stops (or stopped) working; never when absent.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// When it was revoked.
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
    /// The key a rotation of which made this one.
    pub rotated_from: Option<i64>,
    /// The key this one was rotated to.
    pub rotated_to: Option<i64>,
    /// Where it stands now.
    pub status: KeyStatus,
}

impl ApiKeyBody {
    /// `key` as it stands at `now`.
    pub fn of(key: ApiKey, now: Timestamp) -> ApiKeyBody {
        ApiKeyBody {
            status: KeyStatus::of(&key, now),
            id: key.id,
            name: key.name,
            scope: key.scope,
            partner: key.partner,
            prefix: key.prefix,
            created_at: key.created_at.to_string(),
            expires_at: key.expires_at.map(|at| at.to_string()),
            revoked_at: key.revoked_at.map(|at| at.to_string()),
            rotated_from: key.rotated_from,
            rotated_to: key.rotated_to,
        }
    }
}

/// Every key, newest first.
#[derive(Serialize, ToSchema)]
pub struct ApiKeysResponse {
    /// The keys, revoked and expired ones too.
    pub keys: Vec<ApiKeyBody>,
}

/// The scopes a key is made with here (a partner's is made for its partner, under
/// `/api/v1/admin/partners/{code}/keys`).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum KeyScopeName {
    /// Everything, including adjustments and the program.
    Admin,
    /// Tills and shops: members, purchases, refunds, redemptions, reads.
    Pos,
}

/// A new key.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyBody {
    /// What the key is called in listings.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What it may do.
    #[schema(value_type = KeyScopeName)]
    pub scope: String,
    /// When it stops working (RFC 3339, ahead); never when left out.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

/// A key just made: shown this once.
#[derive(Serialize, ToSchema)]
pub struct IssuedKeyResponse {
    /// Its id.
    pub id: i64,
    /// The key: send it as `Authorization: Bearer …`. Laurel keeps only its hash.
    pub key: String,
    /// Its visible prefix, as listings show it.
    pub prefix: String,
    /// When it stops working; never when absent.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

impl From<IssuedKey> for IssuedKeyResponse {
    fn from(key: IssuedKey) -> IssuedKeyResponse {
        IssuedKeyResponse {
            id: key.id,
            key: key.key,
            prefix: key.prefix,
            expires_at: key.expires_at.map(|at| at.to_string()),
        }
    }
}

/// How to rotate a key; every field may be left out.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RotationBody {
    /// Days the old key works on beside the new one (0–90; default 7), never past its own
    /// expiry.
    #[schema(minimum = 0, maximum = 90)]
    pub overlap_days: Option<i64>,
    /// When the new key stops working (RFC 3339, ahead); default: as long from now as the old
    /// key was made to last, or never when it never expires.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

impl RotationBody {
    /// The engine's ask.
    pub fn ask(&self) -> Result<RotationAsk, ApiError> {
        Ok(RotationAsk {
            // Out of range days are left for the engine to refuse with its bounds.
            overlap: self
                .overlap_days
                .map(|days| SignedDuration::from_hours(days.clamp(-1, 100_000) * 24)),
            expires_at: expiry(self.expires_at.as_deref())?,
        })
    }
}

/// A rotation done: the new key, shown this once, and until when the old one works.
#[derive(Serialize, ToSchema)]
pub struct RotationResponse {
    /// The new key, with the old one's name, scope and partner.
    pub key: IssuedKeyResponse,
    /// The key rotated.
    pub old_key_id: i64,
    /// When the old key stops working.
    #[schema(format = DateTime)]
    pub old_key_expires_at: String,
}

impl From<Rotation> for RotationResponse {
    fn from(r: Rotation) -> RotationResponse {
        RotationResponse {
            key: r.key.into(),
            old_key_id: r.old_id,
            old_key_expires_at: r.old_expires_at.to_string(),
        }
    }
}
