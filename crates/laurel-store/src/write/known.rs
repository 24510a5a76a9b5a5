//! What a write transaction knows without asking the database again: the members, idempotent
//! answers and rule usage it read ahead for a batch of commands, kept current by its own writes.
//!
//! Why: each command of a batch reads its member, its idempotent answer and, under a rule with
//! limits, its usage. Asked one command at a time that is a statement each, and on PostgreSQL a
//! round trip each: most of a batch's time. Read ahead, it is one statement per kind per batch
//! (`Tx::lock_members`, `Tx::read_answers`, `Tx::read_usage`).
//!
//! What keeps it right:
//! - members are read under the lock the transaction holds until it ends (PostgreSQL's row
//!   lock, SQLite's write lock), so no other transaction changes them meanwhile. That a
//!   member does not exist holds no lock on PostgreSQL: another node may enroll them
//!   meanwhile, and the batch answers as if it ran first, a valid order of the two;
//! - the transaction's own writes update what it knows: a balance change is applied to the
//!   known row, a stored answer and a recorded grant are added;
//! - any other statement of the transaction that may change members (one that names the table
//!   and is not a `SELECT`) makes it forget the members it knew (see `Tx::before`).

use crate::types::Member;
use crate::types::{IdempotentResponse, MemberId};
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::rules::{Periods, RuleUsage, UsageTotals};
use std::collections::HashMap;

/// What the transaction knows; a key it does not know is asked of the database.
#[derive(Debug, Default)]
pub(crate) struct Known {
    /// Members by id: `None` when the member was looked for and does not exist.
    members: HashMap<MemberId, Option<Member>>,
    /// Member ids by external id, likewise.
    external: HashMap<String, Option<MemberId>>,
    /// Idempotent answers by scope, then key: `None` when no answer is stored.
    answers: HashMap<String, HashMap<String, Option<IdempotentResponse>>>,
    /// Rule usage per member, per (rules, periods) it was read for.
    usage: HashMap<MemberId, Vec<KnownUsage>>,
    /// When each member's latest purchase happened (microseconds): `None` when they have
    /// none. Only purchases change it, and only through `Tx::insert_purchase`.
    last_purchases: HashMap<MemberId, Option<i64>>,
}

/// One member's usage of some rules in the periods of one instant.
#[derive(Debug)]
struct KnownUsage {
    rules: Vec<String>,
    periods: Periods,
    usage: RuleUsage,
}

impl Known {
    /// True when some member is known (present or not).
    pub(crate) fn knows_members(&self) -> bool {
        !self.members.is_empty() || !self.external.is_empty()
    }

    /// The member with `id` if known: `Some(None)` when known not to exist.
    pub(crate) fn member(&self, id: MemberId) -> Option<Option<&Member>> {
        self.members.get(&id).map(Option::as_ref)
    }

    /// The member with `external_id` if known: `Some(None)` when known not to exist.
    pub(crate) fn member_by_external(&self, external_id: &str) -> Option<Option<&Member>> {
        match self.external.get(external_id)? {
            Some(id) => self.member(*id),
            None => Some(None),
        }
    }

    /// Remembers a member as read.
    pub(crate) fn remember_member(&mut self, member: Member) {
        self.external
            .insert(member.profile.external_id.clone(), Some(member.id));
        self.members.insert(member.id, Some(member));
    }

    /// Remembers that no member has `id`.
    pub(crate) fn remember_no_member(&mut self, id: MemberId) {
        self.members.entry(id).or_insert(None);
    }

    /// Remembers that no member has `external_id`.
    pub(crate) fn remember_no_external(&mut self, external_id: &str) {
        if !self.external.contains_key(external_id) {
            self.external.insert(external_id.to_owned(), None);
        }
    }

    /// Forgets every member: something other than a balance change may have changed them.
    pub(crate) fn forget_members(&mut self) {
        self.members.clear();
        self.external.clear();
    }

    /// Applies a balance change to the member, if known.
    pub(crate) fn add_to_balance(&mut self, id: MemberId, available: i64, pending: i64) {
        if let Some(Some(member)) = self.members.get_mut(&id) {
            member.available += available;
            member.pending += pending;
        }
    }

    /// The answer stored for `(scope, key)` if known: `Some(None)` when known to be none.
    pub(crate) fn answer(&self, scope: &str, key: &str) -> Option<Option<&IdempotentResponse>> {
        self.answers.get(scope)?.get(key).map(Option::as_ref)
    }

    /// Remembers the answer for `(scope, key)`, or that there is none.
    pub(crate) fn remember_answer(
        &mut self,
        scope: &str,
        key: &str,
        answer: Option<IdempotentResponse>,
    ) {
        let scoped = match self.answers.get_mut(scope) {
            Some(scoped) => scoped,
            None => self.answers.entry(scope.to_owned()).or_default(),
        };
        scoped.insert(key.to_owned(), answer);
    }

    /// The member's usage of exactly `rules` in `periods`, if known.
    pub(crate) fn usage(
        &self,
        member: MemberId,
        rules: &[String],
        periods: &Periods,
    ) -> Option<&RuleUsage> {
        self.usage
            .get(&member)?
            .iter()
            .find(|known| known.rules == rules && known.periods == *periods)
            .map(|known| &known.usage)
    }

    /// Remembers the member's usage of `rules` in `periods`.
    pub(crate) fn remember_usage(
        &mut self,
        member: MemberId,
        rules: &[String],
        periods: Periods,
        usage: RuleUsage,
    ) {
        let known = self.usage.entry(member).or_default();
        known.retain(|k| !(k.rules == rules && k.periods == periods));
        known.push(KnownUsage {
            rules: rules.to_vec(),
            periods,
            usage,
        });
    }

    /// Counts a grant just recorded in every usage known of its member and rule.
    pub(crate) fn count_grant(&mut self, member: MemberId, rule: &str, points: i64, at: Timestamp) {
        for known in self.usage.get_mut(&member).into_iter().flatten() {
            if known.rules.iter().any(|r| r == rule) {
                count(
                    &mut known.usage,
                    &known.periods,
                    rule,
                    points,
                    at,
                    true,
                    false,
                );
            }
        }
    }

    /// When the member's latest purchase happened, if known: `Some(None)` when they have none.
    pub(crate) fn last_purchase(&self, member: MemberId) -> Option<Option<i64>> {
        self.last_purchases.get(&member).copied()
    }

    /// Remembers when the member's latest purchase happened.
    pub(crate) fn remember_last_purchase(&mut self, member: MemberId, at: Option<i64>) {
        self.last_purchases.insert(member, at);
    }

    /// Forgets everything (the transaction rolled back to a savepoint).
    pub(crate) fn clear(&mut self) {
        *self = Known::default();
    }
}

/// Adds a grant of `points` to `rule` at `at` to `usage`: to the member's figures (those of
/// the periods `at` falls in) when it is `mine`, to the campaign total when `campaign`.
pub(crate) fn count(
    usage: &mut RuleUsage,
    periods: &Periods,
    rule: &str,
    points: i64,
    at: Timestamp,
    mine: bool,
    campaign: bool,
) {
    let mut totals: UsageTotals = usage.of(rule);
    let add = |total: &mut Points, counts: bool| {
        if counts {
            *total = Points(total.get() + points);
        }
    };
    add(&mut totals.member_lifetime, mine);
    add(&mut totals.member_day, mine && periods.day.contains(at));
    add(&mut totals.member_week, mine && periods.week.contains(at));
    add(&mut totals.member_month, mine && periods.month.contains(at));
    add(&mut totals.campaign, campaign);
    usage.set(rule.to_owned(), totals);
}
