//! Program-wide figures for the console's dashboard: members and activity, the points members
//! hold rolled forward over a period, and what moved per bucket of time.

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{instant, micros};
use jiff::{SignedDuration, Timestamp};
use laurel_core::Points;
use laurel_core::ledger::{Account, Held, PostingKind, RollForward};
use std::collections::BTreeMap;

/// Members and their activity since an instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramTotals {
    /// Members enrolled, ever.
    pub members: i64,
    /// Members enrolled since the instant.
    pub enrolled: i64,
    /// Members who bought in the last 30 days.
    pub active_30: i64,
    /// Members who bought in the last 90 days.
    pub active_90: i64,
}

impl Store {
    /// The program's member counts: those enrolled since `since`, activity windows ending `now`.
    pub async fn program_totals(&self, since: Timestamp, now: Timestamp) -> Result<ProgramTotals> {
        let mut db = self;
        let row = db
            .row(
                "SELECT COUNT(*) AS members, \
                        CAST(COALESCE(SUM(CASE WHEN enrolled_at >= $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS enrolled \
                 FROM members",
                args![micros(since)],
            )
            .await?;
        let mut totals = ProgramTotals {
            members: row.get("members")?,
            enrolled: row.get("enrolled")?,
            ..ProgramTotals::default()
        };
        let day = jiff::SignedDuration::from_hours(24);
        let (active_30, active_90) = tokio::try_join!(
            self.buyers_between(now - day * 30, now),
            self.buyers_between(now - day * 90, now)
        )?;
        totals.active_30 = active_30;
        totals.active_90 = active_90;
        Ok(totals)
    }

    /// The points members hold rolled forward from `since` to now: their balances now, and
    /// what each kind of posting written since moved on the member accounts' entries. One statement reads both, so on either backend they are of the same moment and
    /// the opening the core works out is exactly the balance before the period's postings.
    pub async fn points_roll_forward(&self, since: Timestamp) -> Result<RollForward> {
        let (available, pending) = (
            Account::MemberAvailable.as_str(),
            Account::MemberPending.as_str(),
        );
        let mut db = self;
        // The closing rows have no kind. They are the members' balances, which equal their
        // accounts' entries (the ledger's invariant, `check_consistency`): a scan of a million
        // members, where summing the entries would read one index entry per posting.
        let rows = db
            .rows(
                "SELECT CAST(NULL AS TEXT) AS kind, CAST($2 AS TEXT) AS account, \
                        CAST(COALESCE(SUM(available), 0) AS BIGINT) AS points FROM members \
                 UNION ALL \
                 SELECT CAST(NULL AS TEXT), CAST($3 AS TEXT), \
                        CAST(COALESCE(SUM(pending), 0) AS BIGINT) FROM members \
                 UNION ALL \
                 SELECT j.kind, e.account, CAST(SUM(e.amount) AS BIGINT) AS points \
                 FROM journal j JOIN entries e ON e.journal_id = j.id \
                 WHERE j.posted_at >= $1 AND e.account IN ($2, $3) GROUP BY j.kind, e.account",
                args![micros(since), available, pending],
            )
            .await?;
        let mut closing = Held::default();
        let mut period = Vec::new();
        for row in rows {
            let name: String = row.get("account")?;
            let account = Account::parse(&name)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown ledger account `{name}`")))?;
            let points = Points(row.get("points")?);
            match row.get::<Option<String>>("kind")? {
                None if account == Account::MemberAvailable => closing.available = points,
                None => closing.pending = points,
                Some(kind) => {
                    let kind = PostingKind::parse(&kind).ok_or_else(|| {
                        StoreError::Corrupt(format!("unknown posting kind `{kind}`"))
                    })?;
                    period.push((kind, account, points));
                }
            }
        }
        Ok(RollForward::new(closing, &period))
    }
}

/// What happened in a span of time, each thing counted when it happened: a purchase when it
/// occurred, a posting when it took effect, a member when they enrolled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    /// Points earned (pending and available).
    pub issued: i64,
    /// Points spent, less those restored.
    pub redeemed: i64,
    /// Points expired.
    pub expired: i64,
    /// Members enrolled.
    pub enrolled: i64,
    /// Members' purchases.
    pub purchases: i64,
    /// Their totals, in minor units.
    pub sales_minor: i64,
    /// Purchases of customers who are not members.
    pub guest_purchases: i64,
    /// Their totals, in minor units.
    pub guest_sales_minor: i64,
}

impl Activity {
    /// Adds `other` to this.
    pub fn add(&mut self, other: &Activity) {
        self.issued += other.issued;
        self.redeemed += other.redeemed;
        self.expired += other.expired;
        self.enrolled += other.enrolled;
        self.purchases += other.purchases;
        self.sales_minor += other.sales_minor;
        self.guest_purchases += other.guest_purchases;
        self.guest_sales_minor += other.guest_sales_minor;
    }
}

/// What happened in one bucket of time (`start` up to `start` plus the bucket's width).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityBucket {
    /// Where the bucket starts: a whole multiple of its width since the Unix epoch.
    pub start: Timestamp,
    /// What happened in it.
    pub activity: Activity,
}

/// The narrowest bucket [`Store::activity_buckets`] groups by: keeps a long period from
/// coming back as one row per journal row.
pub const BUCKET_WIDTH_MIN: SignedDuration = SignedDuration::from_mins(1);

impl Store {
    /// Points moved, members enrolled and purchases from `from` until `to`, summed per bucket of `width`
    /// (at least [`BUCKET_WIDTH_MIN`]) aligned on the Unix epoch, oldest first; buckets where
    /// nothing happened are left out. The database sums, so the answer is one row per bucket
    /// however many journal rows the period holds; the caller folds buckets into calendar days
    /// in its time zone, which SQL could not do across daylight-saving changes on both backends.
    pub async fn activity_buckets(
        &self,
        from: Timestamp,
        to: Timestamp,
        width: SignedDuration,
    ) -> Result<Vec<ActivityBucket>> {
        let width = i64::try_from(width.max(BUCKET_WIDTH_MIN).as_micros()).unwrap_or(i64::MAX);
        let mut buckets: BTreeMap<i64, ActivityBucket> = BTreeMap::new();
        // Integer division of BIGINTs truncates on both backends; instants are after 1970.
        let (from, to) = (micros(from), micros(to));
        let sales = |table: &'static str| async move {
            let sql = format!(
                "SELECT occurred_at / $3 AS bucket, COUNT(*) AS purchases, \
                        CAST(SUM(total_minor) AS BIGINT) AS total \
                 FROM {table} WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1"
            );
            let mut db = self;
            db.rows(&sql, args![from, to, width]).await
        };
        let points = async {
            let mut db = self;
            db.rows(
                "SELECT effective_at / $3 AS bucket, kind, \
                        CAST(SUM(available_delta + pending_delta) AS BIGINT) AS points \
                 FROM journal WHERE effective_at >= $1 AND effective_at < $2 \
                   AND kind IN ('earn', 'redeem', 'restore', 'expire', 'forfeit', 'transfer_fee', \
                                'hold', 'hold_release') \
                 GROUP BY 1, 2",
                args![from, to, width],
            )
            .await
        };
        let enrolled = async {
            let mut db = self;
            db.rows(
                "SELECT enrolled_at / $3 AS bucket, COUNT(*) AS enrolled FROM members \
                 WHERE enrolled_at >= $1 AND enrolled_at < $2 GROUP BY 1",
                args![from, to, width],
            )
            .await
        };
        // Four scans of four indexes, at once on the pool's connections.
        let (points, enrolled, members, guests) = tokio::try_join!(
            points,
            enrolled,
            sales("purchases"),
            sales("guest_purchases")
        )?;
        for row in points {
            let bucket = &mut bucket_at(&mut buckets, row.get("bucket")?, width)?.activity;
            let kind: String = row.get("kind")?;
            let points: i64 = row.get("points")?;
            match kind.as_str() {
                "earn" => bucket.issued += points,
                // An erased member's forfeited points are lost as expired ones are.
                "expire" | "forfeit" => bucket.expired -= points,
                // Spent: redemptions less cancelled ones, transfer fees, and points held at
                // checkouts less those given back (held points count as spent when held).
                _ => bucket.redeemed -= points,
            }
        }
        for row in enrolled {
            bucket_at(&mut buckets, row.get("bucket")?, width)?
                .activity
                .enrolled += row.get::<i64>("enrolled")?;
        }
        for (rows, guest) in [(members, false), (guests, true)] {
            for row in rows {
                let bucket = &mut bucket_at(&mut buckets, row.get("bucket")?, width)?.activity;
                let (count, total): (i64, i64) = (row.get("purchases")?, row.get("total")?);
                if guest {
                    bucket.guest_purchases += count;
                    bucket.guest_sales_minor += total;
                } else {
                    bucket.purchases += count;
                    bucket.sales_minor += total;
                }
            }
        }
        Ok(buckets.into_values().collect())
    }
}

/// The bucket numbered `index` (its start over the width), created empty the first time.
fn bucket_at(
    buckets: &mut BTreeMap<i64, ActivityBucket>,
    index: i64,
    width: i64,
) -> Result<&mut ActivityBucket> {
    let start = instant(index.saturating_mul(width))?;
    Ok(buckets.entry(index).or_insert_with(|| ActivityBucket {
        start,
        ..ActivityBucket::default()
    }))
}
