//! Fraud controls: the program's velocity rules judge operations in the write path
//! (`judge.rs`); what they catch becomes a case a reviewer works (`review.rs`): the points held
//! released or taken back, the member frozen, or the case dismissed. Refusals are recorded by
//! the writer once their batch commits (`record_refusals`).

pub(crate) mod judge;
pub(crate) mod review;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::events::EventKinds;
use laurel_store::{FRAUD_CASES_MAX, MemberId, NewFraudCase, Store};
use review::ReviewAction;
use views::FraudCaseView;

impl Engine {
    /// Fraud cases, newest first: the open ones when `open`, else all (at most 200).
    pub async fn fraud_cases(&self, open: bool) -> Result<Vec<FraudCaseView>> {
        let cases = self.store.fraud_cases(open, FRAUD_CASES_MAX).await?;
        Ok(cases.into_iter().map(FraudCaseView::of).collect())
    }

    /// One case.
    pub async fn fraud_case(&self, id: i64) -> Result<FraudCaseView> {
        self.store
            .fraud_case(id)
            .await?
            .map(FraudCaseView::of)
            .ok_or(EngineError::UnknownFraudCase(id))
    }

    /// A member's cases, newest first.
    pub async fn member_fraud_cases(&self, member: i64) -> Result<Vec<FraudCaseView>> {
        let cases = self.store.member_fraud_cases(MemberId(member)).await?;
        Ok(cases.into_iter().map(FraudCaseView::of).collect())
    }

    /// A reviewer (`actor`) closes an open case: releases the points it held, takes them
    /// back, freezes the member, or dismisses it (held points released). Audited. A case
    /// closed already is `fraud_case_closed`.
    pub async fn review_fraud_case(
        &self,
        id: i64,
        action: ReviewAction,
        actor: &str,
    ) -> Result<FraudCaseView> {
        let command = Command::ReviewFraud {
            case: id,
            action,
            actor: actor.to_owned(),
        };
        let case = match self.writer.submit(command).await? {
            Outcome::FraudCase(case) => case,
            other => return Err(unexpected(other)),
        };
        if action == ReviewAction::Freeze {
            self.store
                .delete_member_sessions(MemberId(case.member_id))
                .await?;
        }
        let entry = crate::Actor::named(actor).audit(
            &format!("fraud.{}", action.as_str()),
            format!("member:{}", case.member_id),
            Some(serde_json::json!({ "case": id, "state": "open" })),
            serde_json::json!({ "case": id, "state": case.state }),
            crate::as_stored(Timestamp::now()),
        );
        self.store.insert_audit(&entry).await?;
        Ok(case)
    }
}

/// Records the cases of operations the rules refused, once their batch committed, and
/// freezes the members a rule said to (`member.suspended`, by `fraud:<rule>`): in one
/// transaction of their own.
pub(crate) async fn record_refusals(
    store: &Store,
    listening: EventKinds,
    cases: &[NewFraudCase],
) -> Result<()> {
    if cases.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    for case in cases {
        // A till retrying what was refused is one attempt, not a new case each time; a freeze
        // is still made (the member may have been reactivated since).
        if !tx.fraud_case_open_like(case).await? {
            tx.insert_fraud_case(case).await?;
            metrics::counter!("laurel_fraud_cases_total", "action" => case.action.clone())
                .increment(1);
        }
        if case.action == laurel_core::fraud::FraudAction::Freeze.as_str()
            && let Some(member) = tx.lock_member(Some(case.member), None).await?
            && member.status == MemberStatus::Active
        {
            let actor = format!("fraud:{}", case.rule);
            let standing = crate::members::Standing {
                listening,
                at: case.at,
                actor: &actor,
            };
            standing
                .change(&mut tx, &member, MemberStatus::Suspended)
                .await?;
        }
    }
    tx.commit().await?;
    for case in cases
        .iter()
        .filter(|c| c.action == laurel_core::fraud::FraudAction::Freeze.as_str())
    {
        store.delete_member_sessions(case.member).await?;
    }
    Ok(())
}
