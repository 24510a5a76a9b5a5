//! Referrals: members' codes, each referral from enrollment to payout, and the lookups that
//! decide whether a person may be referred.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::Member;
use crate::types::{MemberId, PurchaseId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// A referral as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// Its id.
    pub id: i64,
    /// Who referred.
    pub referrer: MemberId,
    /// Who was referred.
    pub referee: MemberId,
    /// Pending, rewarded, or reversed (its purchase was wholly refunded).
    pub status: laurel_core::ReferralStatus,
    /// When the referee enrolled.
    pub enrolled_at: Timestamp,
    /// The purchase that paid it out.
    pub purchase: Option<PurchaseId>,
    /// Points the referrer got.
    pub referrer_points: Option<i64>,
    /// Points the referee got.
    pub referee_points: Option<i64>,
    /// When it paid out.
    pub rewarded_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, referrer_id, referee_id, status, enrolled_at, purchase_id, referrer_points, referee_points, rewarded_at";

fn referral_from(row: &Row) -> Result<Referral> {
    Ok(Referral {
        id: row.get("id")?,
        referrer: MemberId(row.get("referrer_id")?),
        referee: MemberId(row.get("referee_id")?),
        status: row.state("status")?,
        enrolled_at: instant(row.get("enrolled_at")?)?,
        purchase: row.get::<Option<i64>>("purchase_id")?.map(PurchaseId),
        referrer_points: row.get("referrer_points")?,
        referee_points: row.get("referee_points")?,
        rewarded_at: instant_opt(row.get("rewarded_at")?)?,
    })
}

async fn fetch_referral(db: &mut impl Sql, id: i64) -> Result<Option<Referral>> {
    let sql = format!("SELECT {COLUMNS} FROM referrals WHERE id = $1");
    db.row_opt(&sql, args![id])
        .await?
        .as_ref()
        .map(referral_from)
        .transpose()
}

impl Store {
    /// The member whose referral code (their member code, as stored) is `code`, if any.
    pub async fn member_by_referral_code(&self, code: &str) -> Result<Option<MemberId>> {
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT id FROM members WHERE referral_code = $1",
                args![code],
            )
            .await?;
        row.map(|r| r.get(0).map(MemberId)).transpose()
    }
}

/// The most referrals one listing returns.
pub const REFERRALS_PAGE_MAX: u32 = 200;

impl Tx {
    /// The member whose referral code this is, locked until the transaction ends so that
    /// concurrent enrollments with one code count the referrer's referrals one at a time.
    pub async fn lock_referrer(&mut self, code: &str) -> Result<Option<Member>> {
        let row = self
            .row_opt(
                "SELECT id FROM members WHERE referral_code = $1",
                args![code],
            )
            .await?;
        match row {
            Some(row) => {
                let id = MemberId(row.get(0)?);
                self.lock_member(Some(id), None).await
            }
            None => Ok(None),
        }
    }

    /// Whether a member with this email or phone (as compared) is enrolled.
    pub async fn contact_enrolled(
        &mut self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<bool> {
        let email = email
            .map(laurel_core::referrals::email)
            .filter(|e| !e.is_empty());
        let phone = phone
            .map(laurel_core::referrals::phone)
            .filter(|p| !p.is_empty());
        for (column, key) in [("email_key", email), ("phone_key", phone)] {
            let Some(key) = key else { continue };
            let sql = format!("SELECT 1 FROM members WHERE {column} = $1 LIMIT 1");
            let found = self.row_opt(&sql, args![&key]).await?;
            if found.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Referrals a member has made that stand (a reversed one no longer counts).
    pub async fn referrals_made(&mut self, referrer: MemberId) -> Result<u64> {
        count_standing(self, referrer).await
    }

    /// Records that `referee`, enrolling at `at`, was referred by `referrer`, pending on the
    /// referee's row; returns the referral's id.
    pub async fn insert_referral(
        &mut self,
        referrer: MemberId,
        referee: MemberId,
        at: Timestamp,
    ) -> Result<i64> {
        let id: i64 = self
            .row(
                "INSERT INTO referrals (referrer_id, referee_id, status, enrolled_at) VALUES ($1, $2, 'pending', $3) RETURNING id",
                args![referrer.0, referee.0, micros(at)],
            )
            .await?
            .get(0)?;
        self.run(
            "UPDATE members SET pending_referral_id = $1 WHERE id = $2",
            args![id, referee.0],
        )
        .await?;
        Ok(id)
    }

    /// A referral by id (a member's `pending_referral`).
    pub async fn referral(&mut self, id: i64) -> Result<Option<Referral>> {
        fetch_referral(self, id).await
    }

    /// Marks a referral paid out by `purchase`, the referrer's bonus in `referrer_lot`; it is
    /// no longer pending for `referee`.
    #[allow(clippy::too_many_arguments)]
    pub async fn reward_referral(
        &mut self,
        id: i64,
        referee: MemberId,
        purchase: PurchaseId,
        referrer_points: i64,
        referrer_lot: Option<i64>,
        referee_points: i64,
        at: Timestamp,
    ) -> Result<()> {
        self.run(
            "UPDATE referrals SET status = 'rewarded', purchase_id = $1, referrer_points = $2, referee_points = $3, rewarded_at = $4, referrer_lot_id = $5 WHERE id = $6",
            args![
                purchase.0,
                referrer_points,
                referee_points,
                micros(at),
                referrer_lot,
                id
            ],
        )
        .await?;
        self.run(
            "UPDATE members SET pending_referral_id = NULL WHERE id = $1",
            args![referee.0],
        )
        .await?;
        Ok(())
    }

    /// The referral `purchase` paid out, while it stands (not yet reversed), with the lot its
    /// referrer's bonus opened (unknown for referrals paid before that was recorded).
    pub async fn referral_paid_by(
        &mut self,
        purchase: PurchaseId,
    ) -> Result<Option<(Referral, Option<i64>)>> {
        let sql = format!(
            "SELECT {COLUMNS}, referrer_lot_id FROM referrals WHERE purchase_id = $1 AND status = 'rewarded'"
        );
        let Some(row) = self.row_opt(&sql, args![purchase.0]).await? else {
            return Ok(None);
        };
        let lot: Option<i64> = row.get("referrer_lot_id")?;
        Ok(Some((referral_from(&row)?, lot)))
    }

    /// Marks a paid referral taken back (its purchase was wholly refunded): it no longer
    /// counts against the referrer's limit.
    pub async fn reverse_referral(&mut self, id: i64) -> Result<()> {
        self.run(
            "UPDATE referrals SET status = 'reversed' WHERE id = $1",
            args![id],
        )
        .await?;
        Ok(())
    }

    /// Gives a member their referral code if they have none yet; false when they had one.
    pub async fn set_referral_code(&mut self, member: MemberId, code: &str) -> Result<bool> {
        let done = self
            .run(
                "UPDATE members SET referral_code = $1 WHERE id = $2 AND referral_code IS NULL",
                args![code, member.0],
            )
            .await?;
        Ok(done == 1)
    }
}

impl Store {
    /// A referral by id (what a referrer's bonus in their history was for).
    pub async fn referral(&self, id: i64) -> Result<Option<Referral>> {
        let mut db = self;
        fetch_referral(&mut db, id).await
    }

    /// Referrals a member has made that stand, however many (a reversed one no longer
    /// counts).
    pub async fn referrals_made(&self, referrer: MemberId) -> Result<u64> {
        let mut db = self;
        count_standing(&mut db, referrer).await
    }

    /// The referrals a member made, newest first, at most `limit`.
    pub async fn referrals_by(&self, referrer: MemberId, limit: u32) -> Result<Vec<Referral>> {
        let mut db = self;
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals WHERE referrer_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = db
            .rows(
                &sql,
                args![referrer.0, i64::from(limit.clamp(1, REFERRALS_PAGE_MAX))],
            )
            .await?;
        rows.iter().map(referral_from).collect()
    }

    /// [`Store::referrals_by`] older than the referral `before` (the id of the last of the
    /// previous page), to read them all page by page.
    pub async fn referrals_by_before(
        &self,
        referrer: MemberId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Referral>> {
        let mut db = self;
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals WHERE referrer_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        );
        let values = args![
            referrer.0,
            before.unwrap_or(i64::MAX),
            i64::from(limit.clamp(1, REFERRALS_PAGE_MAX))
        ];
        let rows = db.rows(&sql, values).await?;
        rows.iter().map(referral_from).collect()
    }

    /// How a member was referred, if they were.
    pub async fn referral_of(&self, referee: MemberId) -> Result<Option<Referral>> {
        let mut db = self;
        let sql = format!("SELECT {COLUMNS} FROM referrals WHERE referee_id = $1");
        db.row_opt(&sql, args![referee.0])
            .await?
            .as_ref()
            .map(referral_from)
            .transpose()
    }
}

/// How many of `referrer`'s referrals stand.
async fn count_standing(db: &mut impl Sql, referrer: MemberId) -> Result<u64> {
    let n: i64 = db
        .row(
            "SELECT COUNT(*) FROM referrals WHERE referrer_id = $1 AND status <> 'reversed'",
            args![referrer.0],
        )
        .await?
        .get(0)?;
    Ok(u64::try_from(n).unwrap_or(0))
}
