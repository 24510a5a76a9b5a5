//! Enrollment: the request checked before the write path, and the member stored in it (with
//! a referral when enrolled with a code, and the starting tier).
//!
//! A member may be enrolled with the instant they actually joined (`enrolled_at`, brought from
//! another platform): reports count them then, the referral's window runs from then, and the
//! welcome series and automations judge them by it (a member who joined long ago is not new).
//! What Laurel decides now is still decided now: the starting tier comes from the program in
//! force, and the `member.enrolled` event is told when it is written.

use crate::checks::{attributes, not_in_future, optional_text, stored_precision, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::events::emit::emit;
use crate::events::payload::{EventMember, MemberEnrolledData};
use crate::fraud::judge::{self as fraud, Operation, Shared};
use crate::requests::EnrollRequest;
use crate::write::context::Context;
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::events::EventKind;
use laurel_store::NewMember;
use laurel_store::{Member, Tx};

/// An enrollment checked before the write path.
#[derive(Debug, Clone)]
pub(crate) struct ValidEnrollment {
    /// The member to store.
    pub(crate) member: NewMember,
    /// The referral code they joined with, normalized.
    pub(crate) referred_by: Option<String>,
    /// The hash of the device they join from.
    pub(crate) device_key: Option<String>,
}

/// A validated enrollment.
pub(crate) fn validate(request: EnrollRequest, now: Timestamp) -> Result<ValidEnrollment> {
    text("external_id", &request.external_id)?;
    optional_text("email", &request.email)?;
    optional_text("phone", &request.phone)?;
    optional_text("name", &request.name)?;
    optional_text("device", &request.device)?;
    attributes(&request.attributes)?;
    if let Some(email) = &request.email
        && !email.contains('@')
    {
        return Err(EngineError::invalid(
            "email",
            ErrorCode::InvalidField,
            "is not an email address",
        ));
    }
    if let Some(code) = &request.referral_code {
        text("referral_code", code)?;
    }
    let enrolled_at = match request.enrolled_at {
        // A few minutes ahead is a till's clock, taken as now: no member counts as joined in
        // the future.
        Some(at) => {
            not_in_future("enrolled_at", at, now)?;
            at.min(now)
        }
        None => now,
    };
    let member = NewMember {
        external_id: request.external_id,
        email: request.email,
        phone: request.phone,
        name: request.name,
        birthday: request.birthday,
        channel: request.channel.as_str().to_owned(),
        attributes: request.attributes,
        enrolled_at: stored_precision(enrolled_at),
        referral_code: Some(crate::codes::random_code(3)),
    };
    Ok(ValidEnrollment {
        member,
        referred_by: request
            .referral_code
            .as_deref()
            .map(crate::codes::normalize),
        device_key: request.device.as_deref().map(device_key),
    })
}

/// A device's SHA-256, its ends trimmed: a pseudonym, not anonymous (an address can be found
/// again by hashing every one), so erasure clears it.
fn device_key(device: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(device.trim().as_bytes()))
}

/// Stores a new member in the write path: referred by the holder of the code they give
/// (checked before anything is written), with the starting tier; then judged by the fraud
/// rules on who joins, which may flag them or freeze them (they join suspended).
pub(crate) async fn execute(
    tx: &mut Tx,
    ctx: &Context<'_>,
    enrollment: &ValidEnrollment,
) -> Result<Member> {
    let member = &enrollment.member;
    let referred_by = enrollment.referred_by.as_deref();
    let referrer = match referred_by {
        Some(code) => {
            Some(crate::referrals::execute::check_enrollment(tx, ctx, member, code).await?)
        }
        None => None,
    };
    // The referrer's referrals are judged by the program's fraud rules before anything is
    // written; the case (if a rule was breached) is theirs, naming the new member.
    let judged = match &referrer {
        Some(referrer) => {
            let referral = Operation::Referral {
                joined: member.enrolled_at,
            };
            let judged = fraud::judge(tx, ctx, referrer.id, referral, &member.external_id).await?;
            judged.refusal(ctx.now)?;
            Some(judged)
        }
        None => None,
    };
    let id = tx
        .insert_member(member, ctx.now)
        .await?
        .ok_or_else(|| EngineError::MemberExists(member.external_id.clone()))?;
    // The referral is dated when the member joined: its window to qualify runs from then, a
    // purchase from before never pays it, and their history recorded afterwards (an import of
    // their purchases) pays it as it would have paid at the time.
    let pending_referral = match &referrer {
        Some(referrer) => Some(
            tx.insert_referral(referrer.id, id, member.enrolled_at)
                .await?,
        ),
        None => None,
    };
    if let Some(judged) = judged {
        judged.let_through(tx, None, None, ctx.now).await?;
    }
    // Kept only while a rule compares devices, as the privacy notice then says.
    let device_key = enrollment
        .device_key
        .as_deref()
        .filter(|_| ctx.fraud.judges(&[laurel_core::fraud::Measure::SameDevice]));
    if let Some(key) = device_key {
        tx.set_member_device(id, key).await?;
    }
    let whose = crate::tiers::execute::Whose(id, &member.external_id);
    let tier = crate::tiers::execute::enrolled(tx, ctx, whose, member.enrolled_at).await?;
    emit(tx, ctx, EventKind::MemberEnrolled, Some(id.0), || {
        MemberEnrolledData {
            member: EventMember {
                id: id.0,
                external_id: member.external_id.clone(),
            },
            channel: member.channel.clone(),
            enrolled_at: member.enrolled_at,
            referred: referred_by.is_some(),
        }
    })
    .await?;
    let joined = Member {
        id,
        profile: member.clone(),
        status: MemberStatus::Active,
        available: 0,
        pending: 0,
        tier,
        plan: None,
        pending_referral,
    };
    judge_joining(tx, ctx, joined, device_key).await
}

/// Judges who joined by what they share with others who joined lately: a case if a rule was
/// breached, and suspended when it says to freeze (`member.suspended`, by `fraud:<rule>`).
async fn judge_joining(
    tx: &mut Tx,
    ctx: &Context<'_>,
    mut joined: Member,
    device_key: Option<&str>,
) -> Result<Member> {
    // Most programs judge nobody as they join: no keys worked out for them on every enrollment.
    if !ctx.fraud.rules().iter().any(|r| r.measure.joins()) {
        return Ok(joined);
    }
    let profile = &joined.profile;
    let email = profile.email.as_deref().map(laurel_core::referrals::email);
    let phone = profile.phone.as_deref().map(laurel_core::search::phone_key);
    let shared = Shared {
        email_domain: email
            .as_deref()
            .and_then(laurel_core::referrals::email_domain),
        phone_digits: phone.as_deref(),
        device_key,
    };
    let joining = Operation::Join {
        joined: profile.enrolled_at,
        shared,
    };
    let judged = fraud::judge(tx, ctx, joined.id, joining, &profile.external_id).await?;
    if let Some(rule) = judged.freezing_rule() {
        let actor = format!("fraud:{rule}");
        crate::members::Standing::in_write(ctx, &actor)
            .change(tx, &joined, MemberStatus::Suspended)
            .await?;
        joined.status = MemberStatus::Suspended;
    }
    judged.let_through(tx, None, None, ctx.now).await?;
    Ok(joined)
}
