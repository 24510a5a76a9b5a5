//! Paid memberships: each membership with where it stands, the terms it ran (what each cost,
//! any cut and refund, how it was paid), those due for the memberships job, and the
//! membership in force on the member row (read with the member on every purchase).

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::membership::{Membership, Term};

/// A membership as stored, with the term it is in (its last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMembership {
    /// Its id.
    pub id: i64,
    /// Whose.
    pub member: MemberId,
    /// Where it stands and its last term.
    pub membership: Membership,
}

/// A term as stored: the term and how its fee was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTerm {
    /// The membership it belongs to.
    pub membership: i64,
    /// The plan's id.
    pub plan: String,
    /// The term.
    pub term: Term,
    /// When its fee was charged.
    pub paid_at: Timestamp,
    /// The caller's payment reference, when the business's billing paid.
    pub payment_reference: Option<String>,
    /// The wallet move that paid it, when the wallet did.
    pub wallet_move: Option<i64>,
    /// The wallet move that refunded it, when a refund went back to the wallet.
    pub refund_move: Option<i64>,
    /// When the cancellation that cut it was decided (a term renewed ahead is cut at its
    /// start, later than that): when its refund was given.
    pub cancelled_at: Option<Timestamp>,
}

/// How a term's fee was paid.
#[derive(Debug, Clone, Copy)]
pub struct TermPayment<'a> {
    /// When.
    pub paid_at: Timestamp,
    /// The caller's reference.
    pub reference: Option<&'a str>,
    /// The wallet move that paid it.
    pub wallet_move: Option<i64>,
}

/// The membership in force on a member row: its plan and when its benefits hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPlan {
    /// The plan's id.
    pub plan: String,
    /// When the membership began.
    pub from: Timestamp,
    /// When its current term ends (or was cut).
    pub until: Timestamp,
}

impl MemberPlan {
    /// Whether its benefits hold at `at`.
    pub fn holds_at(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.until
    }
}

/// Reads the membership in force from a member row.
pub(crate) fn plan_from_row(row: &Row) -> Result<Option<MemberPlan>> {
    let plan: Option<String> = row.get("membership_plan")?;
    let from = instant_opt(row.get("membership_from")?)?;
    let until = instant_opt(row.get("membership_until")?)?;
    Ok(match (plan, from, until) {
        (Some(plan), Some(from), Some(until)) => Some(MemberPlan { plan, from, until }),
        _ => None,
    })
}

const COLUMNS: &str = "m.id, m.member_id, m.plan, m.state, m.pay_with, m.started_at, m.ended_at, \
    m.end_reason, t.number, t.starts_at, t.ends_at, t.fee_minor, t.trial, t.cut_at, \
    t.refund_minor";

/// The membership joined with its last term.
const FROM_LAST_TERM: &str = "FROM memberships m JOIN membership_terms t ON t.membership_id = m.id \
    AND t.number = (SELECT MAX(number) FROM membership_terms WHERE membership_id = m.id)";

fn term(row: &Row) -> Result<Term> {
    Ok(Term {
        number: u32::try_from(row.get::<i64>("number")?).unwrap_or(u32::MAX),
        starts_at: instant(row.get("starts_at")?)?,
        ends_at: instant(row.get("ends_at")?)?,
        fee: row.get("fee_minor")?,
        trial: row.get::<i64>("trial")? == 1,
        cut_at: instant_opt(row.get("cut_at")?)?,
        refund: row.get("refund_minor")?,
    })
}

fn membership(row: &Row) -> Result<StoredMembership> {
    let ended_at = instant_opt(row.get("ended_at")?)?;
    let reason: Option<String> = row.get("end_reason")?;
    let ended = match (ended_at, reason) {
        (Some(at), Some(reason)) => Some((
            at,
            reason.parse().map_err(|e: laurel_core::UnknownState| {
                crate::error::StoreError::Corrupt(e.to_string())
            })?,
        )),
        _ => None,
    };
    Ok(StoredMembership {
        id: row.get("id")?,
        member: MemberId(row.get("member_id")?),
        membership: Membership {
            plan: row.get("plan")?,
            state: row.state("state")?,
            pay_with: row.state("pay_with")?,
            started_at: instant(row.get("started_at")?)?,
            term: term(row)?,
            ended,
        },
    })
}

/// Reads memberships by a condition on `m`, newest first.
async fn memberships<S: Sql>(
    db: &mut S,
    condition: &str,
    arg: i64,
    lock: &str,
) -> Result<Vec<StoredMembership>> {
    let sql =
        format!("SELECT {COLUMNS} {FROM_LAST_TERM} WHERE {condition} ORDER BY m.id DESC{lock}");
    db.rows(&sql, args![arg])
        .await?
        .iter()
        .map(membership)
        .collect()
}

impl Tx {
    /// Stores a new membership with its first term; its id.
    pub async fn insert_membership(
        &mut self,
        member: MemberId,
        m: &Membership,
        due_at: Option<Timestamp>,
        actor: &str,
        payment: TermPayment<'_>,
    ) -> Result<i64> {
        let id: i64 = self
            .row(
                "INSERT INTO memberships (member_id, plan, state, pay_with, started_at, due_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                args![
                    member.0,
                    &m.plan,
                    m.state.as_str(),
                    m.pay_with.as_str(),
                    micros(m.started_at),
                    due_at.map(micros),
                    actor
                ],
            )
            .await?
            .get(0)?;
        self.insert_term(id, &m.term, payment).await?;
        Ok(id)
    }

    /// Stores a term of a membership.
    pub async fn insert_term(
        &mut self,
        membership: i64,
        term: &Term,
        payment: TermPayment<'_>,
    ) -> Result<()> {
        self.run(
            "INSERT INTO membership_terms (membership_id, number, starts_at, ends_at, fee_minor, \
             trial, paid_at, payment_reference, wallet_move_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            args![
                membership,
                i64::from(term.number),
                micros(term.starts_at),
                micros(term.ends_at),
                term.fee,
                i64::from(term.trial),
                micros(payment.paid_at),
                payment.reference,
                payment.wallet_move
            ],
        )
        .await?;
        Ok(())
    }

    /// The membership, locked until the transaction ends.
    pub async fn lock_membership(&mut self, id: i64) -> Result<Option<StoredMembership>> {
        let lock = self.backend.lock_rows();
        Ok(memberships(self, "m.id = $1", id, lock).await?.pop())
    }

    /// The member's membership not yet ended, if any (the member's lock serialises them).
    pub async fn open_membership(&mut self, member: MemberId) -> Result<Option<StoredMembership>> {
        Ok(memberships(
            self,
            "m.member_id = $1 AND m.state <> 'ended'",
            member.0,
            "",
        )
        .await?
        .into_iter()
        .next())
    }

    /// Whether the member ever held `plan`.
    pub async fn held_plan(&mut self, member: MemberId, plan: &str) -> Result<bool> {
        let n: i64 = self
            .row(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM memberships WHERE member_id = $1 AND plan = $2",
                args![member.0, plan],
            )
            .await?
            .get(0)?;
        Ok(n > 0)
    }

    /// Stores where a membership stands after a decision: its state, end, when it is next
    /// due, and its last term's cut and refund (`refund_move`: the wallet move that refunded
    /// it).
    pub async fn update_membership(
        &mut self,
        id: i64,
        m: &Membership,
        due_at: Option<Timestamp>,
        refund_move: Option<i64>,
    ) -> Result<()> {
        self.run(
            "UPDATE memberships SET state = $2, ended_at = $3, end_reason = $4, due_at = $5 \
             WHERE id = $1",
            args![
                id,
                m.state.as_str(),
                m.ended.map(|(at, _)| micros(at)),
                m.ended.map(|(_, why)| why.as_str()),
                due_at.map(micros)
            ],
        )
        .await?;
        self.run(
            "UPDATE membership_terms SET cut_at = $3, refund_minor = $4, refund_move_id = $5 \
             WHERE membership_id = $1 AND number = $2",
            args![
                id,
                i64::from(m.term.number),
                m.term.cut_at.map(micros),
                m.term.refund,
                refund_move
            ],
        )
        .await?;
        Ok(())
    }

    /// Stores the membership in force on the member row (`None`: none is).
    pub async fn set_member_plan(
        &mut self,
        member: MemberId,
        plan: Option<&MemberPlan>,
    ) -> Result<()> {
        self.run(
            "UPDATE members SET membership_plan = $2, membership_from = $3, membership_until = $4 \
             WHERE id = $1",
            args![
                member.0,
                plan.map(|p| p.plan.as_str()),
                plan.map(|p| micros(p.from)),
                plan.map(|p| micros(p.until))
            ],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// Checks every membership: its terms follow one another, each term the wallet paid
    /// has the wallet payment of its fee, no member holds two not yet ended, and the plan a
    /// member row names in force is one of theirs.
    pub async fn check_memberships(&self) -> Result<crate::types::MembershipCheck> {
        let mut db = self;
        let mut ids = async |sql: &str| -> Result<Vec<i64>> {
            db.rows(sql, args![])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        Ok(crate::types::MembershipCheck {
            broken_terms: ids(
                "SELECT DISTINCT a.membership_id FROM membership_terms a JOIN membership_terms b \
                 ON b.membership_id = a.membership_id AND b.number = a.number + 1 \
                 WHERE b.starts_at <> a.ends_at ORDER BY 1",
            )
            .await?,
            unpaid_terms: ids("SELECT DISTINCT t.membership_id FROM membership_terms t \
                 JOIN memberships m ON m.id = t.membership_id \
                 LEFT JOIN wallet_moves w ON w.id = t.wallet_move_id AND w.kind = 'payment' \
                 WHERE m.pay_with = 'wallet' AND t.fee_minor > 0 \
                 AND (w.id IS NULL OR w.amount_minor <> t.fee_minor) ORDER BY 1")
            .await?,
            held_twice: ids(
                "SELECT member_id FROM memberships WHERE state <> 'ended' GROUP BY member_id \
                 HAVING COUNT(*) > 1 ORDER BY 1",
            )
            .await?,
            plan_mismatches: ids(
                "SELECT p.id FROM members p WHERE p.membership_plan IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM memberships m WHERE m.member_id = p.id \
                  AND m.plan = p.membership_plan AND m.started_at = p.membership_from) ORDER BY 1",
            )
            .await?,
        })
    }

    /// A membership, if there is one with that id.
    pub async fn membership(&self, id: i64) -> Result<Option<StoredMembership>> {
        let mut db = self;
        Ok(memberships(&mut db, "m.id = $1", id, "").await?.pop())
    }

    /// A member's memberships, newest first.
    pub async fn memberships_of(&self, member: MemberId) -> Result<Vec<StoredMembership>> {
        let mut db = self;
        memberships(&mut db, "m.member_id = $1", member.0, "").await
    }

    /// Every term of a membership, first first.
    pub async fn membership_terms(&self, membership: i64) -> Result<Vec<StoredTerm>> {
        self.terms("t.membership_id = $1", membership).await
    }

    /// Every term that cost a fee, for the books.
    pub async fn fee_terms(&self) -> Result<Vec<StoredTerm>> {
        self.terms("t.fee_minor > $1", 0).await
    }

    async fn terms(&self, condition: &str, arg: i64) -> Result<Vec<StoredTerm>> {
        let mut db = self;
        let sql = format!(
            "SELECT t.*, m.plan, m.ended_at FROM membership_terms t JOIN memberships m ON m.id = t.membership_id \
             WHERE {condition} ORDER BY t.membership_id, t.number"
        );
        db.rows(&sql, args![arg])
            .await?
            .iter()
            .map(|row| {
                Ok(StoredTerm {
                    membership: row.get("membership_id")?,
                    plan: row.get("plan")?,
                    term: term(row)?,
                    paid_at: instant(row.get("paid_at")?)?,
                    payment_reference: row.get("payment_reference")?,
                    wallet_move: row.get("wallet_move_id")?,
                    refund_move: row.get("refund_move_id")?,
                    cancelled_at: match term(row)?.cut_at {
                        Some(_) => instant_opt(row.get("ended_at")?)?,
                        None => None,
                    },
                })
            })
            .collect()
    }

    /// Memberships due for the memberships job as of `now`, soonest first, at most `limit`:
    /// each with its member.
    pub async fn due_memberships(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, MemberId)>> {
        let mut db = self;
        db.rows(
            "SELECT id, member_id FROM memberships WHERE due_at <= $1 ORDER BY due_at, id LIMIT $2",
            args![micros(now), i64::from(limit)],
        )
        .await?
        .iter()
        .map(|r| Ok((r.get("id")?, MemberId(r.get("member_id")?))))
        .collect()
    }
}

impl Tx {
    /// Whether a wallet move paid a membership's fee (given back only by cancelling it).
    pub async fn pays_membership(&mut self, wallet_move: i64) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM membership_terms WHERE wallet_move_id = $1",
                args![wallet_move],
            )
            .await?
            .is_some())
    }

    /// The wallet move that paid a term, if the wallet paid it.
    pub async fn term_wallet_move(&mut self, membership: i64, number: u32) -> Result<Option<i64>> {
        let row = self
            .row_opt(
                "SELECT wallet_move_id FROM membership_terms WHERE membership_id = $1 AND number = $2",
                args![membership, i64::from(number)],
            )
            .await?;
        Ok(match row {
            Some(row) => row.get("wallet_move_id")?,
            None => None,
        })
    }
}

/// How many memberships of a plan stand in a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipCount {
    /// The plan's id.
    pub plan: String,
    /// `active`, `ending` or `ended`.
    pub state: String,
    /// How many.
    pub count: i64,
}

impl Store {
    /// Memberships counted by plan and state, by plan then state.
    pub async fn membership_counts(&self) -> Result<Vec<MembershipCount>> {
        let mut db = self;
        db.rows(
            "SELECT plan, state, CAST(COUNT(*) AS BIGINT) AS n FROM memberships \
             GROUP BY plan, state ORDER BY plan, state",
            args![],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(MembershipCount {
                plan: r.get("plan")?,
                state: r.get("state")?,
                count: r.get("n")?,
            })
        })
        .collect()
    }
}
