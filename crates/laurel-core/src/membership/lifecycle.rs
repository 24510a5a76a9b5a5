//! A member's membership of a plan: its state, the term it is in, and the decisions that move
//! it — start, renew, cancel, and what the memberships job finds due.

use super::plan::{CancelRefund, MembershipPlan, add_in_zone};
use super::term::Term;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Days after a term's end within which a membership paid by the business's billing may
/// still be renewed (the new term starts where the last ended); after them it has lapsed.
pub const LAPSE_AFTER_DAYS: i64 = 3;

/// Days before a term's end from which a membership may be renewed.
pub const RENEWAL_OPENS_DAYS: i64 = 7;

crate::states! {
    /// Where a membership stands.
    pub enum MembershipState ("membership state") {
        /// Runs and renews at the end of each term.
        Active = "active",
        /// Runs to the end of its term and stops (cancelled at the term's end, or a plan
        /// that does not renew by itself).
        Ending = "ending",
        /// Over: gives nothing.
        Ended = "ended",
    }
}

crate::states! {
    /// How a membership's fees are paid.
    pub enum PayWith ("payment method") {
        /// By the business's own billing, which tells Laurel of each payment (a renewal call).
        External = "external",
        /// From the member's wallet of stored value, which Laurel draws at each renewal.
        Wallet = "wallet",
    }
}

crate::states! {
    /// Why a membership ended.
    pub enum EndReason ("membership end") {
        /// Cancelled at once.
        Cancelled = "cancelled",
        /// Its last term ran out without a renewal.
        NotRenewed = "not_renewed",
        /// The wallet could not pay for the renewal.
        Unpaid = "unpaid",
    }
}

/// When a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// At the end of the term it is in: no renewal, no refund.
    TermEnd,
    /// Now: the term is cut, with a refund where the plan gives one.
    Now,
}

/// Why a membership decision was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipRefusal {
    /// The membership has ended.
    #[error("the membership has ended")]
    Ended,
    /// It was cancelled at its term's end (or does not renew): it cannot be renewed.
    #[error("the membership runs out at its term's end and cannot be renewed")]
    NotRenewing,
    /// A renewal before its window opens, at this instant.
    #[error("renewals open at {opens_at}")]
    RenewalNotOpen {
        /// When renewals open.
        opens_at: Timestamp,
    },
    /// Cancelled at the term's end already.
    #[error("the membership is cancelled at its term's end already")]
    AlreadyEnding,
}

/// What the memberships job finds to do with a membership at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// Renew it from the member's wallet (ending it `Unpaid` if the wallet cannot pay).
    FromWallet,
    /// End it at this instant for this reason.
    End(Timestamp, EndReason),
}

/// A membership of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The plan's id.
    pub plan: String,
    /// Where it stands.
    pub state: MembershipState,
    /// How its fees are paid.
    pub pay_with: PayWith,
    /// When its first term began.
    pub started_at: Timestamp,
    /// The term it is in (or ended in).
    pub term: Term,
    /// When it ended and why, once it has.
    pub ended: Option<(Timestamp, EndReason)>,
}

impl Membership {
    /// A membership of `plan` begun at `now`: a trial first when the plan has one and the
    /// member never held the plan (`held_before`).
    pub fn start(
        plan: &MembershipPlan,
        pay_with: PayWith,
        held_before: bool,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Membership {
        Membership {
            plan: plan.id.clone(),
            state: if plan.auto_renew {
                MembershipState::Active
            } else {
                MembershipState::Ending
            },
            pay_with,
            started_at: now,
            term: Term::first(plan, !held_before, now, tz),
            ended: None,
        }
    }

    /// Whether its benefits hold at `at`: from its start to the end of its last term (terms
    /// follow one another without a gap), or to the instant that term was cut.
    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.started_at <= at && at < self.term.ends()
    }

    /// The next term, paid at `now`: open from [`RENEWAL_OPENS_DAYS`] before the term's end
    /// until it has lapsed ([`LAPSE_AFTER_DAYS`] after it, or at once for a membership the
    /// wallet pays). The new term begins where the last ends, so none is lost or paid twice.
    pub fn renew(
        &self,
        plan: &MembershipPlan,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Result<Membership, MembershipRefusal> {
        match self.state {
            MembershipState::Ended => return Err(MembershipRefusal::Ended),
            MembershipState::Ending => return Err(MembershipRefusal::NotRenewing),
            MembershipState::Active => {}
        }
        let opens_at = add_in_zone(self.term.ends_at, (-RENEWAL_OPENS_DAYS).days(), tz);
        if now < opens_at {
            return Err(MembershipRefusal::RenewalNotOpen { opens_at });
        }
        if now >= self.lapses_at(tz) {
            return Err(MembershipRefusal::Ended);
        }
        Ok(Membership {
            term: self.term.next(plan, tz),
            ..self.clone()
        })
    }

    /// The instant after which a term not renewed has lapsed.
    fn lapses_at(&self, tz: &TimeZone) -> Timestamp {
        match self.pay_with {
            PayWith::Wallet => self.term.ends_at,
            PayWith::External => add_in_zone(self.term.ends_at, LAPSE_AFTER_DAYS.days(), tz),
        }
    }

    /// Cancels at `now`: at the term's end (no renewal, nothing given back) or at once (the
    /// term cut now, with the fee's share of the time left given back where `plan` says;
    /// a trial gives nothing back). A term renewed ahead and not yet begun is cut at its
    /// start and given back whole, so the term running now still runs to its end. Returns
    /// the membership and the refund in minor units.
    pub fn cancel(
        &self,
        plan: Option<&MembershipPlan>,
        when: When,
        now: Timestamp,
    ) -> Result<(Membership, i64), MembershipRefusal> {
        if self.state == MembershipState::Ended {
            return Err(MembershipRefusal::Ended);
        }
        match when {
            When::TermEnd if self.state == MembershipState::Ending => {
                Err(MembershipRefusal::AlreadyEnding)
            }
            When::TermEnd => Ok((
                Membership {
                    state: MembershipState::Ending,
                    ..self.clone()
                },
                0,
            )),
            When::Now => {
                let pro_rata = plan.is_some_and(|p| p.cancel_refund == CancelRefund::ProRata);
                let refund = if pro_rata { self.term.pro_rata(now) } else { 0 };
                let mut term = self.term.clone();
                if now < term.ends_at {
                    term.cut_at = Some(now.max(term.starts_at));
                    term.refund = refund;
                }
                Ok((
                    Membership {
                        state: MembershipState::Ended,
                        term,
                        ended: Some((now, EndReason::Cancelled)),
                        ..self.clone()
                    },
                    refund,
                ))
            }
        }
    }

    /// The membership ended at `at` for `reason`.
    pub fn end(&self, at: Timestamp, reason: EndReason) -> Membership {
        Membership {
            state: MembershipState::Ended,
            ended: Some((at, reason)),
            ..self.clone()
        }
    }

    /// What the memberships job should do at `now`, if anything: end a membership whose
    /// last term ran out (at the term's end), or renew one the wallet pays for.
    pub fn due(&self, now: Timestamp, tz: &TimeZone) -> Option<Renewal> {
        let ends = self.term.ends_at;
        match (self.state, self.pay_with) {
            (MembershipState::Ended, _) => None,
            (MembershipState::Ending, _) if now >= ends => {
                Some(Renewal::End(ends, EndReason::NotRenewed))
            }
            (MembershipState::Active, PayWith::Wallet) if now >= ends => Some(Renewal::FromWallet),
            (MembershipState::Active, PayWith::External) if now >= self.lapses_at(tz) => {
                Some(Renewal::End(ends, EndReason::NotRenewed))
            }
            _ => None,
        }
    }

    /// When the memberships job should next look at it: its term's end, or for billing's
    /// renewals the end of the days they may still come in; `None` once ended.
    pub fn due_at(&self, tz: &TimeZone) -> Option<Timestamp> {
        match self.state {
            MembershipState::Ended => None,
            MembershipState::Ending => Some(self.term.ends_at),
            MembershipState::Active => Some(self.lapses_at(tz)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::membership::plan::tests::plus;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn tz() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn joined(pay_with: PayWith) -> Membership {
        Membership::start(&plus(), pay_with, false, at("2026-12-31T16:00:00Z"), &tz())
    }

    #[test]
    fn benefits_hold_from_the_first_instant_of_a_term_to_just_before_its_end() {
        let m = joined(PayWith::External);
        assert_eq!(m.state, MembershipState::Active);
        assert!(!m.in_force_at(at("2026-12-31T15:59:59Z")));
        assert!(m.in_force_at(at("2026-12-31T16:00:00Z")));
        assert!(m.in_force_at(at("2027-12-31T15:59:59Z")));
        assert!(!m.in_force_at(at("2027-12-31T16:00:00Z")));
    }

    #[test]
    fn a_renewal_opens_a_week_before_the_end_and_the_next_term_starts_where_the_last_ends() {
        let m = joined(PayWith::External);
        let early = at("2027-12-24T15:59:59Z");
        assert_eq!(
            m.renew(&plus(), early, &tz()),
            Err(MembershipRefusal::RenewalNotOpen {
                opens_at: at("2027-12-24T16:00:00Z")
            })
        );
        let renewed = m.renew(&plus(), at("2027-12-30T00:00:00Z"), &tz()).unwrap();
        assert_eq!(renewed.term.number, 2);
        assert_eq!(renewed.term.starts_at, m.term.ends_at);
        assert_eq!(renewed.term.ends_at, at("2028-12-31T16:00:00Z"));
        // Billing may renew up to three days late; the term still starts at the old end.
        let late = m.renew(&plus(), at("2028-01-03T15:59:59Z"), &tz()).unwrap();
        assert_eq!(late.term.starts_at, m.term.ends_at);
        assert_eq!(
            m.renew(&plus(), at("2028-01-03T16:00:00Z"), &tz()),
            Err(MembershipRefusal::Ended)
        );
    }

    #[test]
    fn cancelling_at_the_term_end_stops_renewal_and_cancelling_now_cuts_the_term_pro_rata() {
        let m = joined(PayWith::External);
        let (ending, refund) = m
            .cancel(Some(&plus()), When::TermEnd, at("2027-03-14T16:00:00Z"))
            .unwrap();
        assert_eq!((ending.state, refund), (MembershipState::Ending, 0));
        assert_eq!(
            ending.renew(&plus(), at("2027-12-30T00:00:00Z"), &tz()),
            Err(MembershipRefusal::NotRenewing)
        );
        assert_eq!(
            ending.cancel(Some(&plus()), When::TermEnd, at("2027-03-15T00:00:00Z")),
            Err(MembershipRefusal::AlreadyEnding)
        );
        // Ending still cancels at once: 73 of 365 days used, four fifths back.
        let now = at("2027-03-14T16:00:00Z");
        let (ended, refund) = ending.cancel(Some(&plus()), When::Now, now).unwrap();
        assert_eq!(refund, 9_600);
        assert_eq!(ended.state, MembershipState::Ended);
        assert_eq!(ended.term.cut_at, Some(now));
        assert_eq!(ended.ended, Some((now, EndReason::Cancelled)));
        assert!(!ended.in_force_at(now));
        assert_eq!(
            ended.cancel(Some(&plus()), When::Now, now),
            Err(MembershipRefusal::Ended)
        );
        // A plan without refunds, or one no longer offered, gives nothing back.
        let mut strict = plus();
        strict.cancel_refund = CancelRefund::None;
        assert_eq!(m.cancel(Some(&strict), When::Now, now).unwrap().1, 0);
        assert_eq!(m.cancel(None, When::Now, now).unwrap().1, 0);
    }

    #[test]
    fn cancelling_now_a_term_renewed_ahead_gives_it_back_whole_and_the_running_term_runs_out() {
        let m = joined(PayWith::External);
        let renewed = m.renew(&plus(), at("2027-12-30T00:00:00Z"), &tz()).unwrap();
        let now = at("2027-12-30T01:00:00Z");
        let (ended, refund) = renewed.cancel(Some(&plus()), When::Now, now).unwrap();
        assert_eq!(refund, 12_000);
        assert_eq!(ended.term.cut_at, Some(m.term.ends_at));
        assert_eq!(ended.ended, Some((now, EndReason::Cancelled)));
        assert!(ended.in_force_at(now));
        assert!(ended.in_force_at(at("2027-12-31T15:59:59Z")));
        assert!(!ended.in_force_at(m.term.ends_at));
    }

    #[test]
    fn the_job_renews_wallet_memberships_at_the_end_and_lets_billing_s_lapse_after_three_days() {
        let wallet = joined(PayWith::Wallet);
        let end = wallet.term.ends_at;
        assert_eq!(wallet.due(at("2027-12-31T15:59:59Z"), &tz()), None);
        assert_eq!(wallet.due(end, &tz()), Some(Renewal::FromWallet));
        assert_eq!(wallet.due_at(&tz()), Some(end));
        let billing = joined(PayWith::External);
        assert_eq!(billing.due(end, &tz()), None);
        let lapse = at("2028-01-03T16:00:00Z");
        assert_eq!(billing.due_at(&tz()), Some(lapse));
        assert_eq!(
            billing.due(lapse, &tz()),
            Some(Renewal::End(end, EndReason::NotRenewed))
        );
        let (ending, _) = billing
            .cancel(None, When::TermEnd, at("2027-06-01T00:00:00Z"))
            .unwrap();
        assert_eq!(ending.due_at(&tz()), Some(end));
        assert_eq!(
            ending.due(end, &tz()),
            Some(Renewal::End(end, EndReason::NotRenewed))
        );
        assert_eq!(
            ending.end(end, EndReason::NotRenewed).due(lapse, &tz()),
            None
        );
    }
}
