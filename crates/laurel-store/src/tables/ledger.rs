//! The ledger tables: loading a member's state for the core, storing the postings it decides,
//! reading history, finding due work, and checking the books.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{ConsistencyReport, JournalId, MemberId, instant, instant_opt, micros};
use crate::write::appends::Table;
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::ledger::{
    Account, Lot, LotEffect, LotId, LotState, MemberLedger, Posting, PostingKind,
};

/// Who, why and when of a posting: what the core does not decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalMeta {
    /// Human-readable reason ("purchase", "expired", or a staff member's words).
    pub reason: String,
    /// What the posting refers to (an order id, a redemption key, a lot).
    pub reference: String,
    /// The API key or job that caused it.
    pub actor: Option<String>,
    /// When the underlying event happened (a purchase's occurred_at).
    pub effective_at: Timestamp,
    /// When it was written.
    pub posted_at: Timestamp,
    /// The program version it was decided under, if the program is versioned.
    pub program_version: Option<i64>,
}

/// One posting as a member's history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Journal id; also the pagination cursor.
    pub id: JournalId,
    /// What it records.
    pub kind: PostingKind,
    /// Change to the available balance.
    pub available_delta: Points,
    /// Change to the pending balance.
    pub pending_delta: Points,
    /// Points a refund could not take back.
    pub shortfall: Points,
    /// Reason and reference, actor and times.
    pub meta: JournalMeta,
    /// For an earn, what each rule granted, in order; empty otherwise.
    pub grants: Vec<crate::tables::grants::StoredGrant>,
}

/// A page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPage {
    /// The entries.
    pub entries: Vec<LedgerEntry>,
    /// Cursor for the next (older) page, if there is one.
    pub next_cursor: Option<JournalId>,
}

/// An open lot from a row of `id, remaining, earned_at, expires_at, pending_until`.
fn lot_from_row(row: &Row) -> Result<Lot> {
    let state = match instant_opt(row.get("pending_until")?)? {
        Some(until) => LotState::Pending { until },
        None => LotState::Available,
    };
    Ok(Lot {
        id: LotId(row.get("id")?),
        remaining: Points(row.get("remaining")?),
        earned_at: instant(row.get("earned_at")?)?,
        expires_at: instant_opt(row.get("expires_at")?)?,
        state,
    })
}

async fn load_ledger(
    db: &mut impl Sql,
    member: MemberId,
    available: i64,
    pending: i64,
) -> Result<MemberLedger> {
    let rows = db
        .rows(
            "SELECT id, remaining, earned_at, expires_at, pending_until FROM lots WHERE member_id = $1 AND remaining > 0",
            args![member.0],
        )
        .await?;
    let lots = rows.iter().map(lot_from_row).collect::<Result<_>>()?;
    Ok(MemberLedger {
        available: Points(available),
        pending: Points(pending),
        lots,
    })
}

impl Tx {
    /// The member's ledger state as the core needs it. Call after [`Tx::lock_member`].
    pub async fn load_ledger(&mut self, member: MemberId) -> Result<MemberLedger> {
        let row = self
            .row(
                "SELECT available, pending FROM members WHERE id = $1",
                args![member.0],
            )
            .await?;
        let (available, pending) = (row.get("available")?, row.get("pending")?);
        load_ledger(self, member, available, pending).await
    }

    /// The ledger state of a member just locked with [`Tx::lock_member`], whose row already
    /// carries the balances: one query fewer than [`Tx::load_ledger`] on the hot path.
    pub async fn ledger_of(&mut self, member: &crate::types::Member) -> Result<MemberLedger> {
        load_ledger(self, member.id, member.available, member.pending).await
    }

    /// Stores a posting the core decided for `member`: the journal row, its balanced entries,
    /// lot changes and their moves, and the member's balances. Returns the journal id and the
    /// ids of lots it opened, in order.
    pub async fn post(
        &mut self,
        member: MemberId,
        posting: &Posting,
        meta: &JournalMeta,
    ) -> Result<(JournalId, Vec<LotId>)> {
        let available = posting.delta(Account::MemberAvailable);
        let pending = posting.delta(Account::MemberPending);
        let journal = self.next_id(Table::Journal).await?;
        self.append(
            Table::Journal,
            args![
                journal,
                member.0,
                posting.kind.as_str(),
                available.get(),
                pending.get(),
                posting.shortfall.get(),
                &meta.reason,
                &meta.reference,
                &meta.actor,
                micros(meta.effective_at),
                micros(meta.posted_at),
                meta.program_version,
            ],
        )
        .await?;
        // A refund of points already spent under cap-at-zero moves nothing: its journal row
        // records the shortfall.
        for (account, amount) in posting.entries() {
            self.append(
                Table::Entries,
                args![
                    journal,
                    account.as_str(),
                    account.is_member().then_some(member.0),
                    amount.get(),
                ],
            )
            .await?;
        }
        let mut opened = Vec::new();
        for effect in &posting.lots {
            let (lot, kind, amount) = match *effect {
                LotEffect::Open(new) => {
                    let pending_until = match new.state {
                        LotState::Pending { until } => Some(micros(until)),
                        LotState::Available => None,
                    };
                    let id = self.next_id(Table::Lots).await?;
                    self.append(
                        Table::Lots,
                        args![
                            id,
                            member.0,
                            journal,
                            new.amount.get(),
                            new.remaining.get(),
                            micros(new.earned_at),
                            new.expires_at.map(micros),
                            pending_until,
                            new.carried_from.map(|l| l.0),
                        ],
                    )
                    .await?;
                    opened.push(LotId(id));
                    (id, "open", new.remaining.get())
                }
                LotEffect::Draw { lot, amount } => {
                    self.run(
                        "UPDATE lots SET remaining = remaining - $1 WHERE id = $2",
                        args![amount.get(), lot.0],
                    )
                    .await?;
                    (lot.0, "draw", amount.get())
                }
                LotEffect::Release { lot, repaid } => {
                    self.run(
                        "UPDATE lots SET pending_until = NULL, remaining = remaining - $1 WHERE id = $2",
                        args![repaid.get(), lot.0],
                    )
                    .await?;
                    (lot.0, "release", repaid.get())
                }
                LotEffect::Refill(drawn) => {
                    self.run(
                        "UPDATE lots SET remaining = remaining + $1 WHERE id = $2",
                        args![drawn.amount.get(), drawn.lot.0],
                    )
                    .await?;
                    (drawn.lot.0, "refill", drawn.amount.get())
                }
            };
            self.append(Table::LotMoves, args![journal, lot, kind, amount])
                .await?;
        }
        self.add_to_balance(member, available.get(), pending.get());
        Ok((JournalId(journal), opened))
    }
}

/// The largest page of history one call returns.
pub const LEDGER_PAGE_MAX: u32 = 200;

impl Store {
    /// A member's ledger state, read outside any write (for balance displays).
    pub async fn member_ledger(&self, member: MemberId) -> Result<Option<MemberLedger>> {
        let Some(m) = self.member(member).await? else {
            return Ok(None);
        };
        let mut db = self;
        load_ledger(&mut db, member, m.available, m.pending)
            .await
            .map(Some)
    }

    /// A page of a member's open lots, soonest to expire first (never-expiring last), from
    /// the `skip`th: an offset page, since a member's open lots are few enough (they close as
    /// they are spent or expire) that skipping some costs nothing, and the order has no unique
    /// key to seek to. One more than `limit` is read, so the caller knows whether more follow.
    pub async fn open_lots_page(
        &self,
        member: MemberId,
        skip: u32,
        limit: u32,
    ) -> Result<Vec<Lot>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id, remaining, earned_at, expires_at, pending_until FROM lots \
                 WHERE member_id = $1 AND remaining > 0 \
                 ORDER BY expires_at IS NULL, expires_at, earned_at, id LIMIT $2 OFFSET $3",
                args![
                    member.0,
                    i64::from(limit.clamp(1, LEDGER_PAGE_MAX)) + 1,
                    i64::from(skip)
                ],
            )
            .await?;
        rows.iter().map(lot_from_row).collect()
    }

    /// A member's postings, newest first, older than `before` when given.
    pub async fn ledger_page(
        &self,
        member: MemberId,
        before: Option<JournalId>,
        limit: u32,
    ) -> Result<LedgerPage> {
        self.ledger_page_of(member, before, &[], limit).await
    }

    /// [`Store::ledger_page`] of only the postings of `kinds` (all when empty).
    pub async fn ledger_page_of(
        &self,
        member: MemberId,
        before: Option<JournalId>,
        kinds: &[PostingKind],
        limit: u32,
    ) -> Result<LedgerPage> {
        let limit = limit.clamp(1, LEDGER_PAGE_MAX);
        let filter = if kinds.is_empty() {
            String::new()
        } else {
            let marks: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 3)).collect();
            format!(" AND kind IN ({})", marks.join(", "))
        };
        let sql = format!(
            "SELECT id, kind, available_delta, pending_delta, shortfall, reason, reference, actor, effective_at, posted_at, program_version \
             FROM journal WHERE member_id = $1 AND id < $2{filter} ORDER BY id DESC LIMIT ${}",
            kinds.len() + 3
        );
        let mut values: Vec<Arg> = args![member.0, before.map_or(i64::MAX, |c| c.0)].to_vec();
        values.extend(kinds.iter().map(|k| Arg::from(k.as_str())));
        values.push(Arg::from(i64::from(limit) + 1));
        let mut db = self;
        let rows = db.rows(&sql, &values).await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let kind: String = row.get("kind")?;
            entries.push(LedgerEntry {
                id: JournalId(row.get("id")?),
                kind: PostingKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("posting kind {kind}")))?,
                available_delta: Points(row.get("available_delta")?),
                pending_delta: Points(row.get("pending_delta")?),
                shortfall: Points(row.get("shortfall")?),
                meta: JournalMeta {
                    reason: row.get("reason")?,
                    reference: row.get("reference")?,
                    actor: row.get("actor")?,
                    effective_at: instant(row.get("effective_at")?)?,
                    posted_at: instant(row.get("posted_at")?)?,
                    program_version: row.get("program_version")?,
                },
                grants: Vec::new(),
            });
        }
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        // One read of the page's grants, not one per entry.
        let earns: Vec<JournalId> = entries
            .iter()
            .filter(|e| e.kind == PostingKind::Earn)
            .map(|e| e.id)
            .collect();
        if !earns.is_empty() {
            for grant in crate::tables::grants::grants_of(&mut db, member, &earns).await? {
                if let Some(entry) = entries.iter_mut().find(|e| e.id == grant.journal) {
                    entry.grants.push(grant);
                }
            }
        }
        let next_cursor = if more {
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(LedgerPage {
            entries,
            next_cursor,
        })
    }

    /// Members with points due to expire (or to leave the return window) at or before `now`,
    /// at most `limit` of them: the work list of the expiry and release jobs.
    pub async fn members_with_due_lots(
        &self,
        due: DueWork,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<MemberId>> {
        let sql = match due {
            DueWork::Expiry => {
                "SELECT DISTINCT member_id FROM lots WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1 LIMIT $2"
            }
            DueWork::Release => {
                "SELECT DISTINCT member_id FROM lots WHERE remaining > 0 AND pending_until IS NOT NULL AND pending_until <= $1 LIMIT $2"
            }
        };
        let mut db = self;
        let rows = db.rows(sql, args![micros(now), i64::from(limit)]).await?;
        rows.iter().map(|r| Ok(MemberId(r.get(0)?))).collect()
    }

    /// Sum of every program account, by account: what finance reads as issued, redeemed…
    pub async fn account_totals(&self) -> Result<Vec<(Account, Points)>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT account, CAST(SUM(amount) AS BIGINT) AS total FROM entries GROUP BY account",
                &[],
            )
            .await?;
        let mut out = Vec::new();
        for row in rows {
            let name: String = row.get("account")?;
            let account = Account::parse(&name)
                .ok_or_else(|| StoreError::Corrupt(format!("account {name}")))?;
            out.push((account, Points(row.get("total")?)));
        }
        out.sort_by_key(|(a, _)| *a);
        Ok(out)
    }

    /// Checks the whole ledger: every posting balances, every member's balances equal the sum
    /// of their entries and their open lots, and no lot is overdrawn. Run after tests.
    pub async fn check_consistency(&self) -> Result<ConsistencyReport> {
        let mut db = self;
        let ids = |rows: Vec<Row>| -> Result<Vec<i64>> { rows.iter().map(|r| r.get(0)).collect() };
        let unbalanced = db
            .rows(
                "SELECT journal_id FROM entries GROUP BY journal_id HAVING SUM(amount) <> 0",
                &[],
            )
            .await?;
        let balance = db.rows(
            "SELECT m.id FROM members m \
             LEFT JOIN (SELECT member_id, \
                 CAST(SUM(CASE WHEN account = 'member_available' THEN amount ELSE 0 END) AS BIGINT) AS a, \
                 CAST(SUM(CASE WHEN account = 'member_pending' THEN amount ELSE 0 END) AS BIGINT) AS p \
               FROM entries WHERE member_id IS NOT NULL GROUP BY member_id) e ON e.member_id = m.id \
             WHERE m.available <> COALESCE(e.a, 0) OR m.pending <> COALESCE(e.p, 0)",
            &[],
        )
        .await?;
        let lots = db.rows(
            "SELECT m.id FROM members m \
             LEFT JOIN (SELECT member_id, \
                 CAST(SUM(CASE WHEN pending_until IS NULL THEN remaining ELSE 0 END) AS BIGINT) AS a, \
                 CAST(SUM(CASE WHEN pending_until IS NOT NULL THEN remaining ELSE 0 END) AS BIGINT) AS p \
               FROM lots WHERE remaining > 0 GROUP BY member_id) l ON l.member_id = m.id \
             WHERE CASE WHEN m.available > 0 THEN m.available ELSE 0 END <> COALESCE(l.a, 0) OR m.pending <> COALESCE(l.p, 0)",
            &[],
        )
        .await?;
        let bad_lots = db
            .rows(
                "SELECT id FROM lots WHERE remaining < 0 OR remaining > amount",
                &[],
            )
            .await?;
        let postings: i64 = db.row("SELECT COUNT(*) FROM journal", &[]).await?.get(0)?;
        Ok(ConsistencyReport {
            unbalanced_postings: ids(unbalanced)?,
            balance_mismatches: ids(balance)?,
            lot_mismatches: ids(lots)?,
            bad_lots: ids(bad_lots)?,
            postings,
            wallets: self.check_wallets().await?,
            memberships: self.check_memberships().await?,
            transfers: self.check_transfers().await?,
            point_holds: self.check_point_holds().await?,
            partner_entries: self.check_partner_entries().await?,
        })
    }
}

/// Which scheduled work [`Store::members_with_due_lots`] looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueWork {
    /// Lots past their expiry.
    Expiry,
    /// Pending lots past their return window.
    Release,
}
