//! Bearer API keys: every `/api/v1` call names a key; its scope decides what it may do.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use laurel_engine::{Actor, ErrorCode, Principal, Scope};

/// The authenticated caller.
pub struct Caller(pub Principal);

impl Caller {
    /// How the records name who acted: `key:` and the key's prefix.
    pub fn actor(&self) -> String {
        format!("key:{}", self.0.prefix)
    }

    /// Who acts, as the audit log records an API call: by its key.
    pub fn acting(&self) -> Actor {
        Actor {
            staff_user_id: None,
            name: self.actor(),
        }
    }

    /// Refuses callers whose key lacks `scope` (admin keys may do everything).
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.0.scope == Scope::Admin || self.0.scope == scope {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "this call needs a key with the {scope} scope; this key has {}",
                self.0.scope
            ),
        ))
    }

    /// Lets till, admin and partner keys through, and says which partner the call is made at:
    /// a partner's key speaks for its own partner alone (naming another is refused); the
    /// others may name any partner (`asked`), or none for the program's own.
    pub fn at_partner(&self, asked: Option<String>) -> Result<Option<String>, ApiError> {
        match self.0.scope {
            Scope::Admin | Scope::Pos => Ok(asked),
            Scope::Partner => {
                let own = self.partner_key()?;
                match asked {
                    Some(other) if other != own => Err(ApiError::new(
                        ErrorCode::Forbidden,
                        format!("this key is partner {own}'s and acts at no other partner"),
                    )),
                    _ => Ok(Some(own.to_owned())),
                }
            }
        }
    }

    /// The partner a partner's key speaks for; `None` for till and admin keys, which see
    /// every partner's data.
    pub fn own_partner(&self) -> Result<Option<String>, ApiError> {
        self.at_partner(None)
    }

    /// Refuses every key but a partner's; the partner it speaks for.
    pub fn require_partner(&self) -> Result<&str, ApiError> {
        match self.0.scope {
            Scope::Partner => self.partner_key(),
            _ => Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "this call needs a partner's key; this key has the {} scope",
                    self.0.scope
                ),
            )),
        }
    }

    fn partner_key(&self) -> Result<&str, ApiError> {
        self.0.partner.as_deref().ok_or_else(|| {
            ApiError::new(ErrorCode::Forbidden, "this partner's key names no partner")
        })
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, message)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| unauthorized("send an API key as Authorization: Bearer <key>"))?;
        let key = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| unauthorized("the Authorization header must be Bearer <key>"))?;
        match state.engine.authenticate(key).await? {
            Some(principal) => Ok(Caller(principal)),
            None => Err(unauthorized("unknown or revoked API key")),
        }
    }
}
