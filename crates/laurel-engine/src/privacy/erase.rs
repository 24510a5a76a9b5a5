//! Erasing a member in the write path, in one transaction under the member's lock: refused
//! before anything is written while they hold what cannot be forfeited; else they leave their
//! household, their points are forfeited as breakage, their profile and what only they wrote
//! are destroyed, their requests waiting for approval are rejected (and every request about
//! them loses its free text), and their values are replaced wherever other rows repeat them.

use super::views::ErasureOutcome;
use crate::approvals::Proposal;
use crate::error::{EngineError, Result};
use crate::events::emit::emit;
use crate::events::payload::{EventMember, MemberStandingData};
use crate::requests::MemberRef;
use crate::write::context::Context;
use crate::write::steps::{lock, meta, post};
use laurel_core::MemberStatus;
use laurel_core::events::EventKind;
use laurel_core::ledger::Account;
use laurel_core::privacy::{ERASED, Redaction};
use laurel_store::{Member, MemberId, Tx};

/// Why a member cannot be erased yet: each is money or goods still owed one way or the other,
/// which an erasure may not silently settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureBlock {
    /// Their wallet holds stored value (paid in, or held at a checkout): pay it out first.
    StoredValue,
    /// Points are held at a checkout: capture or void the hold first.
    PointsHeld,
    /// A paid membership has not ended: cancel it first.
    Membership,
}

impl ErasureBlock {
    /// Its stable name, as error arguments tell it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErasureBlock::StoredValue => "stored_value",
            ErasureBlock::PointsHeld => "points_held",
            ErasureBlock::Membership => "membership",
        }
    }
}

/// Erases `member` for `actor`. Asked again, answers the erasure made. With
/// `inactive_before` (the retention policy's), erases only an active member who did nothing
/// since: `None` otherwise.
pub(crate) async fn erase(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    actor: &str,
    inactive_before: Option<jiff::Timestamp>,
) -> Result<Option<ErasureOutcome>> {
    let found = lock(tx, &MemberRef::Id(member.0)).await?;
    if let Some(cutoff) = inactive_before
        && (found.status != MemberStatus::Active || tx.last_active(member).await? >= cutoff)
    {
        return Ok(None);
    }
    if found.status == MemberStatus::Erased {
        return made(tx, &found).await.map(Some);
    }
    if let Some(block) = blocked(tx, &found).await? {
        return Err(EngineError::ErasureBlocked {
            member: member.0,
            block,
        });
    }
    let now = crate::as_stored(ctx.now);
    leave_household(tx, member, now).await?;
    let pseudonym = format!("erased-{}", &crate::codes::random_token()[..16]);
    let (everywhere, own) = redactions(&found, &pseudonym);
    tx.erase_member_row(member, &pseudonym, now).await?;
    let mut erased = found.clone();
    erased.profile.external_id = pseudonym.clone();
    let ledger = tx.ledger_of(&erased).await?;
    let mut forfeited = 0;
    if let Some(posting) = ledger.forfeit() {
        forfeited = -(posting.delta(Account::MemberAvailable)
            + posting.delta(Account::MemberPending))
        .get();
        let m = meta(ctx, "erasure", "erasure", Some(actor.to_owned()), ctx.now);
        post(tx, ctx, &erased, &ledger, &posting, m).await?;
    }
    let addresses: Vec<&str> = [&found.profile.email, &found.profile.phone]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    tx.erase_member_text(member, &addresses).await?;
    erase_approvals(tx, member, actor, now).await?;
    tx.redact_member_values(member, &everywhere, &own).await?;
    if tx
        .decide_erasure_requests(member, "erased", actor, now, Some(forfeited))
        .await?
        == 0
    {
        tx.insert_erasure_request(member, actor, now, Some(forfeited))
            .await?;
    }
    emit(tx, ctx, EventKind::MemberErased, Some(member.0), || {
        MemberStandingData {
            member: EventMember::of(&erased),
            status: MemberStatus::Erased.as_str().to_owned(),
            actor: actor.to_owned(),
        }
    })
    .await?;
    Ok(Some(ErasureOutcome {
        member_id: member.0,
        pseudonym,
        forfeited,
        erased_at: now,
    }))
}

/// Rejects the member's requests still waiting for approval (by `actor`), and erases the free
/// text of every request about them — an adjustment's reason and note, a tier assignment's
/// reason — which their values elsewhere would not find.
async fn erase_approvals(
    tx: &mut Tx,
    member: MemberId,
    actor: &str,
    now: jiff::Timestamp,
) -> Result<()> {
    tx.reject_member_approvals(member, actor, now).await?;
    for (id, request) in tx.member_approval_requests(member).await? {
        let erased = Proposal::read(&request)?.erased(ERASED).write()?;
        if erased != request {
            tx.replace_approval_request(id, &erased).await?;
        }
    }
    Ok(())
}

/// What the member still holds that an erasure may not forfeit, if anything.
async fn blocked(tx: &mut Tx, member: &Member) -> Result<Option<ErasureBlock>> {
    let wallet = tx.member_wallet(member.id).await?;
    if wallet.balance.total() != 0 || wallet.held.total() != 0 {
        return Ok(Some(ErasureBlock::StoredValue));
    }
    if tx.points_held(member.id).await?.is_positive() {
        return Ok(Some(ErasureBlock::PointsHeld));
    }
    if tx.open_membership(member.id).await?.is_some() {
        return Ok(Some(ErasureBlock::Membership));
    }
    Ok(None)
}

/// Takes the member out of their household: the owner's ends with them.
async fn leave_household(tx: &mut Tx, member: MemberId, now: jiff::Timestamp) -> Result<()> {
    let Some(id) = tx.household_id_of(member).await? else {
        return Ok(());
    };
    match tx.lock_household(id).await? {
        Some(h) if h.owner == member => tx.dissolve_household(id, now).await?,
        Some(_) => {
            tx.remove_household_member(id, member, now).await?;
        }
        None => {}
    }
    Ok(())
}

/// What is replaced wherever it stands, and what besides in the member's own JSON rows.
///
/// Everywhere only what names them distinctly enough not to be another member's word: their
/// email, their phone (as written and as digits), their external id unless it is a bare
/// number (`10042` is a figure in other rows), their name only when it has several words (a
/// one-word name may be "Gold" or "Will"). In their own rows besides, every value of theirs —
/// name, birthday, attributes' values, a numeric external id — only where it stands as a whole
/// JSON string, so a document stays a document (`"purchase"`, `true` and numbers elsewhere in
/// it are left alone).
fn redactions(member: &Member, pseudonym: &str) -> (Redaction, Redaction) {
    let p = &member.profile;
    let external = p.external_id.trim();
    let numeric = external.chars().all(|c| c.is_ascii_digit());
    let mut everywhere = Redaction::new();
    if !numeric {
        everywhere = everywhere.replace(external, pseudonym);
    }
    for value in [&p.email, &p.phone].into_iter().flatten() {
        everywhere = everywhere.erase(value);
    }
    if let Some(digits) = p.phone.as_deref().map(laurel_core::search::phone_key)
        && digits.len() >= 7
    {
        everywhere = everywhere.erase(&digits);
    }
    if let Some(name) = p
        .name
        .as_deref()
        .filter(|n| n.split_whitespace().count() > 1)
    {
        everywhere = everywhere.erase(name);
    }
    let quoted = |v: &str| format!("\"{}\"", v.trim());
    let mut own = everywhere
        .clone()
        .replace(&quoted(external), &quoted(pseudonym));
    let birthday = p.birthday.map(|b| b.to_string());
    for value in p.name.iter().chain(&birthday).chain(p.attributes.values()) {
        own = own.replace(&quoted(value), &quoted(ERASED));
    }
    (everywhere, own)
}

/// The erasure made, answered again.
async fn made(tx: &mut Tx, member: &Member) -> Result<ErasureOutcome> {
    let erased = tx.erasure_made(member.id).await?.ok_or_else(|| {
        EngineError::Internal(format!("member {} erased unrecorded", member.id.0))
    })?;
    Ok(ErasureOutcome {
        member_id: member.id.0,
        pseudonym: member.profile.external_id.clone(),
        forfeited: erased.forfeited.unwrap_or(0),
        erased_at: erased.decided_at.unwrap_or(erased.requested_at),
    })
}
