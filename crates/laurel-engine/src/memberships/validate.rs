//! A membership request's checks before the write path, and the commands' shapes.

use crate::checks::{fingerprint, optional_text, text};
use crate::error::Result;
use crate::requests::{JoinMembershipRequest, RenewMembershipRequest};
use laurel_core::membership::When;
use laurel_store::MemberId;
use serde::Serialize;

/// A membership bought, after its checks.
#[derive(Debug, Clone)]
pub(crate) struct ValidJoin {
    pub request: JoinMembershipRequest,
    pub print: String,
}

/// A renewal, after its checks, with the membership's member (for the write path's lock).
#[derive(Debug, Clone)]
pub(crate) struct ValidRenew {
    pub request: RenewMembershipRequest,
    pub member: MemberId,
    pub print: String,
}

/// What a membership command does to a membership that exists.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MembershipAsk {
    /// Cancel it.
    Cancel(When),
    /// What the memberships job finds due as of its run.
    Due(jiff::Timestamp),
}

#[derive(Serialize)]
struct Asked<'a> {
    member_id: Option<i64>,
    membership_id: Option<i64>,
    plan: Option<&'a str>,
    pay_with: Option<&'a str>,
    payment_reference: Option<&'a str>,
}

pub(crate) fn join(request: JoinMembershipRequest) -> Result<ValidJoin> {
    text("idempotency_key", &request.idempotency_key)?;
    text("plan", &request.plan)?;
    optional_text("payment_reference", &request.payment_reference)?;
    let print = fingerprint(&Asked {
        member_id: Some(request.member_id),
        membership_id: None,
        plan: Some(&request.plan),
        pay_with: Some(request.pay_with.as_str()),
        payment_reference: request.payment_reference.as_deref(),
    })?;
    Ok(ValidJoin { request, print })
}

pub(crate) fn renew(request: RenewMembershipRequest, member: MemberId) -> Result<ValidRenew> {
    text("idempotency_key", &request.idempotency_key)?;
    optional_text("payment_reference", &request.payment_reference)?;
    let print = fingerprint(&Asked {
        member_id: None,
        membership_id: Some(request.membership_id),
        plan: None,
        pay_with: None,
        payment_reference: request.payment_reference.as_deref(),
    })?;
    Ok(ValidRenew {
        request,
        member,
        print,
    })
}
