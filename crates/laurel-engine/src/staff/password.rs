//! Password hashing with argon2id (the crate's recommended parameters), off the async
//! threads: a hash takes tens of milliseconds of CPU by design.

use crate::error::{EngineError, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// A new PHC string for `password`, with a random salt.
pub(super) async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    blocking(move || {
        let mut salt = [0_u8; 16];
        rand::fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(internal)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(internal)
    })
    .await
}

/// Whether `password` matches the stored PHC string.
pub(super) async fn verify(password: &str, phc: &str) -> Result<bool> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// The same work as a verification, for an email nobody has: an unknown account takes as
/// long to refuse as a wrong password.
pub(super) async fn verify_nothing(password: &str) {
    let _ = hash(password).await;
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| EngineError::Internal(format!("password hashing stopped: {e}")))?
}

fn internal(e: impl std::fmt::Display) -> EngineError {
    EngineError::Internal(format!("password hashing: {e}"))
}
