//! The stored history a simulation replays: every member, purchase, refund, custom event,
//! staff posting, reward redemption, manual tier assignment and job run, each with the instant
//! it was written (what the write path decided it at) — and the writes that keep what a replay
//! needs and the ledger does not (events that earned nothing, job runs).
//!
//! Read whole, one statement per table: a replay needs every row, in the order they were
//! written, and sorting them is the caller's.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::tables::members::{attributes_from, birthday_from};
use crate::types::{MemberId, PurchaseId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// A member as a replay enrolls them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryMember {
    /// The member.
    pub id: MemberId,
    /// When they joined (given from the past for a member brought from elsewhere).
    pub enrolled_at: Timestamp,
    /// When they were written; their join date for members written before it was kept.
    pub recorded_at: Timestamp,
    /// Their birthday, as rules read it now.
    pub birthday: Option<Date>,
    /// Their profile attributes, as rules read them now.
    pub attributes: BTreeMap<String, String>,
    /// The saved segments they are in, as of each one's last refresh.
    pub segments: Vec<String>,
    /// Who referred them, if anyone.
    pub referred_by: Option<MemberId>,
}

/// A purchase line as rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    /// SKU.
    pub sku: String,
    /// Category.
    pub category: Option<String>,
    /// Units bought.
    pub quantity: i64,
    /// Price of one unit, minor units.
    pub unit_price_minor: i64,
}

/// A member's purchase as it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPurchase {
    /// The purchase.
    pub id: PurchaseId,
    /// The buyer.
    pub member: MemberId,
    /// The channel's stable name.
    pub channel: String,
    /// The store, if given.
    pub store: Option<String>,
    /// Total paid, minor units.
    pub total_minor: i64,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was written.
    pub recorded_at: Timestamp,
    /// Its lines, in order.
    pub lines: Vec<HistoryLine>,
    /// The coalition partner it was made at.
    pub partner: Option<String>,
}

/// A refund of part or all of a purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRefund {
    /// The refund's row.
    pub id: i64,
    /// The purchase refunded.
    pub purchase: PurchaseId,
    /// Amount given back, minor units.
    pub amount_minor: i64,
    /// Its posting, when it took points back.
    pub journal_id: Option<i64>,
    /// When it was written.
    pub recorded_at: Timestamp,
}

/// A custom event as it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    /// The event's row.
    pub id: i64,
    /// Whose.
    pub member: MemberId,
    /// Its kind.
    pub kind: String,
    /// Its attributes.
    pub attributes: BTreeMap<String, String>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was written.
    pub recorded_at: Timestamp,
}

/// A posting made by people rather than decided by the program's rules: a redemption of
/// points (not of a reward), or a staff adjustment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPosting {
    /// The journal row.
    pub id: i64,
    /// Whose.
    pub member: MemberId,
    /// `redeem`, `adjust_credit` or `adjust_debit`.
    pub kind: String,
    /// Points moved, above zero.
    pub points: i64,
    /// Who made it (a staff member, the notices' birthday gift, an automation).
    pub actor: Option<String>,
    /// When it was written.
    pub posted_at: Timestamp,
}

/// A reward redeemed, and its cancellation if it was cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRedemption {
    /// The redemption.
    pub id: i64,
    /// Whose.
    pub member: MemberId,
    /// The reward's id.
    pub reward_id: String,
    /// Units.
    pub quantity: i64,
    /// Points it cost.
    pub points: i64,
    /// Its posting in the journal.
    pub journal_id: i64,
    /// When it was written.
    pub redeemed_at: Timestamp,
    /// When it was cancelled, if it was.
    pub cancelled_at: Option<Timestamp>,
    /// The posting that gave its points back, if it was cancelled.
    pub restore_journal_id: Option<i64>,
}

/// A tier assigned by staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryAssignment {
    /// The history row.
    pub id: i64,
    /// Whose.
    pub member: MemberId,
    /// The tier given.
    pub tier: String,
    /// The reason given.
    pub reason: String,
    /// Until when, if an end was given.
    pub until: Option<Timestamp>,
    /// When it was written.
    pub at: Timestamp,
}

/// A paid membership's term begun or cut: its plan in force from `at` until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryMembership {
    /// An order for the changes of one instant: the membership and term, a cut after its
    /// term's start.
    pub id: i64,
    /// Whose.
    pub member: MemberId,
    /// The plan.
    pub plan: Option<String>,
    /// When the membership began.
    pub from: Timestamp,
    /// When the term's benefits end.
    pub until: Timestamp,
    /// When it was decided.
    pub at: Timestamp,
}

/// Points one member sent another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryTransfer {
    /// The transfer.
    pub id: i64,
    /// Who sent.
    pub from: MemberId,
    /// Who received.
    pub to: MemberId,
    /// Points sent.
    pub points: i64,
    /// Whether it lent points within a household (no fee).
    pub in_household: bool,
    /// Whether it gave a lend back, its reward cancelled: owed whatever the program offers.
    pub gives_back: bool,
    /// Its first posting (the fee's, or the sender's when there was none): where it stands
    /// among the postings of its instant.
    pub journal_id: i64,
    /// When.
    pub at: Timestamp,
}

/// Points held at a checkout, and how the hold closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPointHold {
    /// The hold.
    pub id: i64,
    /// Whose points.
    pub member: MemberId,
    /// Points held.
    pub points: i64,
    /// Its posting.
    pub journal_id: i64,
    /// When it was placed.
    pub at: Timestamp,
    /// How it closed, if it has: points captured, its first closing posting, when.
    pub closed: Option<(i64, i64, Timestamp)>,
}

/// A run of a scheduled job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryJobRun {
    /// The run.
    pub id: i64,
    /// `expiry`, `release` or `tiers`.
    pub job: String,
    /// The instant it acted as of.
    pub as_of: Timestamp,
    /// When it began.
    pub started_at: Timestamp,
}

/// Everything a replay reads, each table's rows in the order they were written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredHistory {
    /// Members.
    pub members: Vec<HistoryMember>,
    /// Members' purchases.
    pub purchases: Vec<HistoryPurchase>,
    /// Refunds.
    pub refunds: Vec<HistoryRefund>,
    /// Custom events.
    pub events: Vec<HistoryEvent>,
    /// Redemptions of points and staff adjustments.
    pub postings: Vec<HistoryPosting>,
    /// Reward redemptions.
    pub redemptions: Vec<HistoryRedemption>,
    /// Manual tier assignments.
    pub assignments: Vec<HistoryAssignment>,
    /// Paid membership terms begun and cut.
    pub memberships: Vec<HistoryMembership>,
    /// Transfers between members.
    pub transfers: Vec<HistoryTransfer>,
    /// Points held at checkouts.
    pub point_holds: Vec<HistoryPointHold>,
    /// Job runs.
    pub job_runs: Vec<HistoryJobRun>,
}

impl Tx {
    /// Keeps a custom event as it was sent, whatever it earned.
    pub async fn record_event(
        &mut self,
        member: MemberId,
        event_id: &str,
        kind: &str,
        attributes: &BTreeMap<String, String>,
        occurred_at: Timestamp,
        recorded_at: Timestamp,
    ) -> Result<()> {
        let attributes = serde_json::to_string(attributes)
            .map_err(|e| StoreError::Corrupt(format!("event attributes: {e}")))?;
        self.run(
            "INSERT INTO activity_events (member_id, event_id, kind, attributes, occurred_at, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            args![
                member.0,
                event_id,
                kind,
                &attributes,
                micros(occurred_at),
                micros(recorded_at),
            ],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// Records that a job began at `started_at`, acting as of `as_of`.
    pub async fn record_job_run(
        &self,
        job: &str,
        as_of: Timestamp,
        started_at: Timestamp,
    ) -> Result<()> {
        let mut db = self;
        db.run(
            "INSERT INTO job_runs (job, as_of, started_at) VALUES ($1, $2, $3)",
            args![job, micros(as_of), micros(started_at)],
        )
        .await?;
        Ok(())
    }

    /// The whole stored history, each table's rows in the order they were written, read in
    /// one snapshot so that every row's member and purchase are in it.
    pub async fn history(&self) -> Result<StoredHistory> {
        let mut tx = self.begin_snapshot().await?;
        let redemptions = redemptions(&mut tx).await?;
        // A reward redemption's posting is told by the redemption, not again as a posting.
        let of_rewards: std::collections::HashSet<i64> =
            redemptions.iter().map(|r| r.journal_id).collect();
        let mut postings = postings(&mut tx).await?;
        postings.retain(|p| !of_rewards.contains(&p.id));
        let history = StoredHistory {
            members: members(&mut tx).await?,
            purchases: purchases(&mut tx).await?,
            refunds: refunds(&mut tx).await?,
            events: events(&mut tx).await?,
            postings,
            redemptions,
            assignments: assignments(&mut tx).await?,
            memberships: memberships(&mut tx).await?,
            transfers: transfers(&mut tx).await?,
            point_holds: point_holds(&mut tx).await?,
            job_runs: job_runs(&mut tx).await?,
        };
        tx.rollback().await?;
        Ok(history)
    }
}

async fn members<S: Sql>(db: &mut S) -> Result<Vec<HistoryMember>> {
    let rows = db
        .rows(
            "SELECT m.id, m.enrolled_at, m.recorded_at, m.birthday, m.attributes, r.referrer_id \
             FROM members m LEFT JOIN referrals r ON r.referee_id = m.id ORDER BY m.id",
            args![],
        )
        .await?;
    let mut segments: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for r in db
        .rows(
            "SELECT member_id, segment_id FROM segment_members ORDER BY member_id, segment_id",
            args![],
        )
        .await?
    {
        segments
            .entry(r.get("member_id")?)
            .or_default()
            .push(r.get("segment_id")?);
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.get("id")?;
            let enrolled_at = instant(r.get("enrolled_at")?)?;
            Ok(HistoryMember {
                id: MemberId(id),
                enrolled_at,
                recorded_at: instant_opt(r.get("recorded_at")?)?.unwrap_or(enrolled_at),
                birthday: birthday_from(r.get("birthday")?)?,
                attributes: attributes_from(r.get("attributes")?)?,
                segments: segments.remove(&id).unwrap_or_default(),
                referred_by: r.get::<Option<i64>>("referrer_id")?.map(MemberId),
            })
        })
        .collect()
}

async fn purchases<S: Sql>(db: &mut S) -> Result<Vec<HistoryPurchase>> {
    let rows = db
        .rows(
            "SELECT id, member_id, channel, store, total_minor, occurred_at, recorded_at, \
             partner FROM purchases ORDER BY id",
            args![],
        )
        .await?;
    let mut purchases = rows
        .iter()
        .map(|r| {
            Ok(HistoryPurchase {
                id: PurchaseId(r.get("id")?),
                member: MemberId(r.get("member_id")?),
                channel: r.get("channel")?,
                store: r.get("store")?,
                total_minor: r.get("total_minor")?,
                occurred_at: instant(r.get("occurred_at")?)?,
                recorded_at: instant(r.get("recorded_at")?)?,
                lines: Vec::new(),
                partner: r.get("partner")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let lines = db
        .rows(
            "SELECT purchase_id, sku, category, quantity, unit_price_minor FROM purchase_lines \
             ORDER BY purchase_id, line_no",
            args![],
        )
        .await?;
    // Both in purchase id order: one walk pairs them.
    let mut at = 0;
    for r in &lines {
        let purchase: i64 = r.get("purchase_id")?;
        while purchases.get(at).is_some_and(|p| p.id.0 < purchase) {
            at += 1;
        }
        let Some(p) = purchases.get_mut(at).filter(|p| p.id.0 == purchase) else {
            return Err(StoreError::Corrupt(format!(
                "purchase line of unknown purchase {purchase}"
            )));
        };
        p.lines.push(line(r)?);
    }
    Ok(purchases)
}

fn line(r: &Row) -> Result<HistoryLine> {
    Ok(HistoryLine {
        sku: r.get("sku")?,
        category: r.get("category")?,
        quantity: r.get("quantity")?,
        unit_price_minor: r.get("unit_price_minor")?,
    })
}

async fn refunds<S: Sql>(db: &mut S) -> Result<Vec<HistoryRefund>> {
    let rows = db
        .rows(
            "SELECT id, purchase_id, amount_minor, journal_id, recorded_at FROM refunds ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryRefund {
                id: r.get("id")?,
                purchase: PurchaseId(r.get("purchase_id")?),
                amount_minor: r.get("amount_minor")?,
                journal_id: r.get("journal_id")?,
                recorded_at: instant(r.get("recorded_at")?)?,
            })
        })
        .collect()
}

async fn events<S: Sql>(db: &mut S) -> Result<Vec<HistoryEvent>> {
    let rows = db
        .rows(
            "SELECT id, member_id, kind, attributes, occurred_at, recorded_at \
             FROM activity_events ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryEvent {
                id: r.get("id")?,
                member: MemberId(r.get("member_id")?),
                kind: r.get("kind")?,
                attributes: attributes_from(r.get("attributes")?)?,
                occurred_at: instant(r.get("occurred_at")?)?,
                recorded_at: instant(r.get("recorded_at")?)?,
            })
        })
        .collect()
}

/// Redemptions (of points and of rewards) and staff adjustments: the postings of those kinds.
async fn postings<S: Sql>(db: &mut S) -> Result<Vec<HistoryPosting>> {
    let rows = db
        .rows(
            "SELECT j.id, j.member_id, j.kind, j.available_delta, j.pending_delta, j.actor, \
             j.posted_at FROM journal j \
             WHERE j.kind IN ('redeem', 'adjust_credit', 'adjust_debit') ORDER BY j.id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let moved: i64 = r.get::<i64>("available_delta")? + r.get::<i64>("pending_delta")?;
            Ok(HistoryPosting {
                id: r.get("id")?,
                member: MemberId(r.get("member_id")?),
                kind: r.get("kind")?,
                points: moved.abs(),
                actor: r.get("actor")?,
                posted_at: instant(r.get("posted_at")?)?,
            })
        })
        .collect()
}

async fn redemptions<S: Sql>(db: &mut S) -> Result<Vec<HistoryRedemption>> {
    let rows = db
        .rows(
            "SELECT id, member_id, reward_id, quantity, points, journal_id, redeemed_at, status, \
             closed_at, restore_journal_id \
             FROM reward_redemptions ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.get("status")?;
            let closed_at = instant_opt(r.get("closed_at")?)?;
            Ok(HistoryRedemption {
                id: r.get("id")?,
                member: MemberId(r.get("member_id")?),
                reward_id: r.get("reward_id")?,
                quantity: r.get("quantity")?,
                points: r.get("points")?,
                journal_id: r.get("journal_id")?,
                redeemed_at: instant(r.get("redeemed_at")?)?,
                cancelled_at: closed_at.filter(|_| status == "cancelled"),
                restore_journal_id: r.get("restore_journal_id")?,
            })
        })
        .collect()
}

async fn assignments<S: Sql>(db: &mut S) -> Result<Vec<HistoryAssignment>> {
    let rows = db
        .rows(
            "SELECT id, member_id, to_tier, note, manual_until, changed_at FROM tier_history \
             WHERE reason = 'manual' AND to_tier IS NOT NULL ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryAssignment {
                id: r.get("id")?,
                member: MemberId(r.get("member_id")?),
                tier: r.get("to_tier")?,
                reason: r.get::<Option<String>>("note")?.unwrap_or_default(),
                until: instant_opt(r.get("manual_until")?)?,
                at: instant(r.get("changed_at")?)?,
            })
        })
        .collect()
}

async fn transfers<S: Sql>(db: &mut S) -> Result<Vec<HistoryTransfer>> {
    let rows = db
        .rows(
            "SELECT id, sender_id, receiver_id, points, household_id, gives_back_journal_id, \
             COALESCE(fee_journal_id, out_journal_id) AS journal_id, created_at \
             FROM transfers ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryTransfer {
                id: r.get("id")?,
                from: MemberId(r.get("sender_id")?),
                to: MemberId(r.get("receiver_id")?),
                points: r.get("points")?,
                in_household: r.get::<Option<i64>>("household_id")?.is_some(),
                gives_back: r.get::<Option<i64>>("gives_back_journal_id")?.is_some(),
                journal_id: r.get("journal_id")?,
                at: instant(r.get("created_at")?)?,
            })
        })
        .collect()
}

async fn point_holds<S: Sql>(db: &mut S) -> Result<Vec<HistoryPointHold>> {
    let rows = db
        .rows(
            "SELECT id, member_id, points, hold_journal_id, held_at, captured, \
             COALESCE(capture_journal_id, release_journal_id) AS closing_journal_id, closed_at \
             FROM point_holds ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let closed = match (
                r.get::<Option<i64>>("closing_journal_id")?,
                instant_opt(r.get("closed_at")?)?,
            ) {
                (Some(journal), Some(at)) => Some((r.get("captured")?, journal, at)),
                _ => None,
            };
            Ok(HistoryPointHold {
                id: r.get("id")?,
                member: MemberId(r.get("member_id")?),
                points: r.get("points")?,
                journal_id: r.get("hold_journal_id")?,
                at: instant(r.get("held_at")?)?,
                closed,
            })
        })
        .collect()
}

async fn memberships<S: Sql>(db: &mut S) -> Result<Vec<HistoryMembership>> {
    let rows = db
        .rows(
            "SELECT t.membership_id, t.number, t.ends_at, t.paid_at, t.cut_at, m.member_id, \
             m.plan, m.started_at, m.ended_at FROM membership_terms t \
             JOIN memberships m ON m.id = t.membership_id ORDER BY t.membership_id, t.number",
            args![],
        )
        .await?;
    let mut changes = Vec::with_capacity(rows.len());
    for r in &rows {
        let membership: i64 = r.get("membership_id")?;
        let number: i64 = r.get("number")?;
        let member = MemberId(r.get("member_id")?);
        let from = instant(r.get("started_at")?)?;
        let until = instant(r.get("ends_at")?)?;
        // Two entries per term at most, in the order they happened.
        let id = membership * 2_000 + number * 2;
        changes.push(HistoryMembership {
            id,
            member,
            plan: Some(r.get("plan")?),
            from,
            until,
            at: instant(r.get("paid_at")?)?,
        });
        // A cut was decided when the membership was cancelled (at once), which ended it.
        let ended = instant_opt(r.get("ended_at")?)?;
        if let (Some(cut), Some(at)) = (instant_opt(r.get("cut_at")?)?, ended) {
            changes.push(HistoryMembership {
                id: id + 1,
                member,
                plan: Some(r.get("plan")?),
                from,
                until: cut,
                at,
            });
        }
    }
    Ok(changes)
}

async fn job_runs<S: Sql>(db: &mut S) -> Result<Vec<HistoryJobRun>> {
    let rows = db
        .rows(
            "SELECT id, job, as_of, started_at FROM job_runs ORDER BY id",
            args![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryJobRun {
                id: r.get("id")?,
                job: r.get("job")?,
                as_of: instant(r.get("as_of")?)?,
                started_at: instant(r.get("started_at")?)?,
            })
        })
        .collect()
}
