//! A staff member's own two-factor sign-in — setting it up (a new secret, confirmed by a code
//! from it, which brings recovery codes), new recovery codes, turning it off — and an admin
//! resetting another's. Every change is audited in the transaction that makes it; every one a
//! signed-in staff member makes with their own account asks a current code, so a session left
//! open is not enough to change how the account signs in.

use super::{StaffAccount, recovery, totp};
use crate::error::{EngineError, Result};
use crate::{AdminTwoFactor, Engine};
use jiff::Timestamp;
use laurel_store::{AuditEntry, Enrolment, Sessions, StaffUser};
use serde_json::json;

/// A secret being set up, as a staff member copies it into their authenticator app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSetup {
    /// The secret in base32, to type in.
    pub secret: String,
    /// The `otpauth://` URI, to scan as a QR code.
    pub uri: String,
}

/// Where a staff member's two-factor sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactor {
    /// On since then, if it is on.
    pub since: Option<Timestamp>,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
    /// The secret being set up, if it is.
    pub setup: Option<TotpSetup>,
    /// Whether they may turn it off (an admin who must have it may not).
    pub may_turn_off: bool,
}

impl Engine {
    /// Where `staff`'s two-factor sign-in stands.
    pub async fn two_factor(&self, staff: &StaffAccount) -> Result<TwoFactor> {
        let state = self.store.staff_two_factor(staff.id).await?;
        let setup = match &state.pending_secret {
            Some(secret) => Some(self.setup_of(staff, secret)?),
            None => None,
        };
        Ok(TwoFactor {
            since: state.enrolled_at,
            recovery_codes_left: state.recovery_codes_left,
            setup,
            may_turn_off: !self.keeps_two_factor(staff),
        })
    }

    /// Starts setting two-factor up: a new secret, or the one already being set up (so a page
    /// shown again shows what the app was given). Refused when it is on (`two_factor_on`).
    pub async fn start_two_factor(&self, staff: &StaffAccount) -> Result<TotpSetup> {
        let state = self.store.staff_two_factor(staff.id).await?;
        if state.enrolled_at.is_some() {
            return Err(EngineError::TwoFactorOn);
        }
        let secret = match state.pending_secret {
            Some(secret) => secret,
            None => {
                let mut bytes = [0_u8; 20];
                rand::fill(&mut bytes);
                let secret = totp::secret_from(bytes);
                if !self
                    .store
                    .set_staff_pending_secret(staff.id, &secret)
                    .await?
                {
                    return Err(EngineError::TwoFactorOn);
                }
                secret
            }
        };
        self.setup_of(staff, &secret)
    }

    /// Turns two-factor on with a code from the secret being set up (`two_factor_code_wrong`
    /// otherwise; none being set up is `two_factor_off`): the recovery codes, shown only now.
    /// Audited as `staff.two_factor_on`.
    pub async fn confirm_two_factor(
        &self,
        staff: &StaffAccount,
        code: &str,
    ) -> Result<Vec<String>> {
        let now = crate::as_stored(Timestamp::now());
        let state = self.store.staff_two_factor(staff.id).await?;
        if state.enrolled_at.is_some() {
            return Err(EngineError::TwoFactorOn);
        }
        let secret = state.pending_secret.ok_or(EngineError::TwoFactorOff)?;
        let step = totp::step_of(&secret, code, now)?.ok_or(EngineError::TwoFactorCodeWrong)?;
        let (codes, hashes) = recovery::fresh();
        let enrolment = Enrolment {
            secret: &secret,
            step,
            at: now,
            recovery_hashes: &hashes,
        };
        let audit = audited(staff, "staff.two_factor_on", staff, now);
        if !self
            .store
            .enrol_staff_two_factor(staff.id, &enrolment, &audit)
            .await?
        {
            // Another request confirmed or restarted it meanwhile.
            return Err(EngineError::TwoFactorOff);
        }
        Ok(codes)
    }

    /// New recovery codes, the old ones no longer taken, for a current code (a recovery code
    /// will do): shown only now. Audited as `staff.recovery_codes_new`.
    pub async fn renew_recovery_codes(
        &self,
        staff: &StaffAccount,
        code: &str,
    ) -> Result<Vec<String>> {
        let now = crate::as_stored(Timestamp::now());
        let user = self.staff_user(staff.id).await?;
        self.check_second_factor(&user, code, now).await?;
        let (codes, hashes) = recovery::fresh();
        let audit = audited(staff, "staff.recovery_codes_new", staff, now);
        self.store
            .replace_staff_recovery_codes(staff.id, &hashes, &audit)
            .await?;
        Ok(codes)
    }

    /// Turns `staff`'s own two-factor off, for a current code; refused to an admin who must
    /// keep it (`two_factor_required`). A setup not confirmed is dropped without a code.
    /// Audited as `staff.two_factor_off`.
    pub async fn turn_off_two_factor(&self, staff: &StaffAccount, code: &str) -> Result<()> {
        let now = crate::as_stored(Timestamp::now());
        let user = self.staff_user(staff.id).await?;
        if user.two_factor_since.is_some() {
            if self.keeps_two_factor(staff) {
                return Err(EngineError::TwoFactorRequired);
            }
            self.check_second_factor(&user, code, now).await?;
        }
        let audit = audited(staff, "staff.two_factor_off", staff, now);
        if !self
            .store
            .remove_staff_two_factor(staff.id, Sessions::Kept, &audit)
            .await?
        {
            return Err(EngineError::TwoFactorOff);
        }
        Ok(())
    }

    /// An admin resets another staff member's two-factor (a lost phone): it is off, their
    /// recovery codes and sessions are gone, and they sign in with the password again (an
    /// admin who must have it then sets it up). The caller checked that `admin` may manage
    /// staff. Refused for oneself (`two_factor_own_reset`), an unknown account
    /// (`unknown_staff`) or one without it (`two_factor_off`). Audited as
    /// `staff.two_factor_reset`.
    pub async fn reset_two_factor(&self, admin: &StaffAccount, staff: i64) -> Result<()> {
        if admin.id == staff {
            return Err(EngineError::TwoFactorOwnReset);
        }
        let now = crate::as_stored(Timestamp::now());
        let target = StaffAccount::from_stored(&self.staff_user(staff).await?)?;
        let audit = audited(admin, "staff.two_factor_reset", &target, now);
        if !self
            .store
            .remove_staff_two_factor(staff, Sessions::Ended, &audit)
            .await?
        {
            return Err(EngineError::TwoFactorOff);
        }
        Ok(())
    }

    /// Checks a second factor of `user`, who has two-factor on: a current TOTP code of a later
    /// step than the last taken, or an unused recovery code (then used). A locked account is
    /// refused whatever the code; a wrong one counts toward the lock.
    pub(super) async fn check_second_factor(
        &self,
        user: &StaffUser,
        code: &str,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            return Err(EngineError::AccountLocked(until));
        }
        let state = self.store.staff_two_factor(user.id).await?;
        let secret = state.secret.ok_or(EngineError::TwoFactorOff)?;
        let taken = if totp::looks_like_totp(code) {
            match totp::step_of(&secret, code, now)? {
                Some(step) => self.store.accept_staff_totp_step(user.id, step).await?,
                None => false,
            }
        } else {
            self.store
                .use_staff_recovery_code(user.id, &recovery::hash(code), now)
                .await?
        };
        if taken {
            Ok(())
        } else {
            Err(self
                .failed(user, now, EngineError::TwoFactorCodeWrong)
                .await?)
        }
    }

    /// Whether `staff` must keep two-factor on: an admin while it is required.
    fn keeps_two_factor(&self, staff: &StaffAccount) -> bool {
        self.config.admin_two_factor == AdminTwoFactor::Required && staff.role == super::Role::Admin
    }

    /// A staff account by id (`unknown_staff` when there is none).
    async fn staff_user(&self, id: i64) -> Result<StaffUser> {
        self.store
            .staff_user(id)
            .await?
            .ok_or(EngineError::UnknownStaff(id))
    }

    /// The setup of `secret` for `staff`, listed in the app under the program's name.
    fn setup_of(&self, staff: &StaffAccount, secret: &str) -> Result<TotpSetup> {
        let definition = self.definition();
        let issuer = definition.program.name.fallback();
        Ok(TotpSetup {
            secret: secret.to_owned(),
            uri: totp::uri(secret, &staff.email, issuer)?,
        })
    }
}

/// The audit entry of `actor` doing `action` to `staff`'s two-factor sign-in: the account by
/// email and name, and never a code, secret or hash.
fn audited(actor: &StaffAccount, action: &str, staff: &StaffAccount, at: Timestamp) -> AuditEntry {
    AuditEntry {
        staff_user_id: Some(actor.id),
        actor: format!("staff:{}", actor.email),
        action: action.to_owned(),
        subject: format!("staff:{}", staff.id),
        before: None,
        after: Some(json!({ "email": staff.email, "name": staff.name }).to_string()),
        at,
    }
}
