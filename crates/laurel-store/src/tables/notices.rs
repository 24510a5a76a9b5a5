//! What the notice job reads and writes: open lots about to expire, the members a notice may
//! be due to (by birthday, enrollment, review), who they are to a letter (address, language,
//! consent, unsubscribe token), and the notices sent — once per member, kind and key.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{MemberId, instant, micros, numbered_list};
use crate::write::tx::Tx;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::notices::ExpiringLot;
use laurel_core::{MemberStatus, Points};

/// A member as a letter needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    /// Their id.
    pub id: MemberId,
    /// The business's id for them.
    pub external_id: String,
    /// Where e-mail goes, if they gave an address.
    pub email: Option<String>,
    /// Their phone number, if they gave one.
    pub phone: Option<String>,
    /// What to call them.
    pub name: Option<String>,
    /// Their consent per channel, as stored (a JSON object), if ever given.
    pub consents: Option<String>,
    /// The language they read, if they chose one.
    pub language: Option<String>,
    /// Active or suspended: a suspended member is sent no notice.
    pub status: MemberStatus,
    /// Points they may spend.
    pub available: i64,
    /// Their birthday.
    pub birthday: Option<Date>,
    /// When they joined.
    pub enrolled_at: Timestamp,
    /// The token of their unsubscribe links, once made.
    pub unsubscribe_token: Option<String>,
}

/// A notice sent, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSent<'a> {
    /// To whom.
    pub member: MemberId,
    /// Its kind (`points_expiring`).
    pub kind: &'a str,
    /// What makes it one of a kind for the member (the expiry day, the year…).
    pub key: &'a str,
    /// The channel it went out on.
    pub channel: &'a str,
    /// When.
    pub at: Timestamp,
}

const ADDRESSEE_COLUMNS: &str = "id, external_id, email, phone, name, consents, language, status, available, \
     birthday, enrolled_at, unsubscribe_token";

/// The most members one read of addressees returns.
pub const ADDRESSEES_MAX: usize = 500;

fn addressee_from(row: &Row) -> Result<Addressee> {
    let status: String = row.get("status")?;
    let birthday: Option<String> = row.get("birthday")?;
    Ok(Addressee {
        id: MemberId(row.get("id")?),
        external_id: row.get("external_id")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        name: row.get("name")?,
        consents: row.get("consents")?,
        language: row.get("language")?,
        status: status
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("member status: {e}")))?,
        available: row.get("available")?,
        birthday: birthday
            .map(|b| {
                b.parse()
                    .map_err(|e| StoreError::Corrupt(format!("birthday {b}: {e}")))
            })
            .transpose()?,
        enrolled_at: instant(row.get("enrolled_at")?)?,
        unsubscribe_token: row.get("unsubscribe_token")?,
    })
}

impl Store {
    /// Open lots expiring after `after` and up to `until`, soonest first.
    pub async fn expiring_lots(
        &self,
        after: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<ExpiringLot>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT member_id, expires_at, remaining FROM lots \
                 WHERE remaining > 0 AND expires_at IS NOT NULL \
                 AND expires_at > $1 AND expires_at <= $2 ORDER BY expires_at",
                args![micros(after), micros(until)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ExpiringLot {
                    member: row.get("member_id")?,
                    expires_at: instant(row.get("expires_at")?)?,
                    remaining: Points(row.get("remaining")?),
                })
            })
            .collect()
    }

    /// Members born on any of `days` (month and day), whatever the year.
    pub async fn members_born_on(&self, days: &[(i8, i8)]) -> Result<Vec<Addressee>> {
        if days.is_empty() {
            return Ok(Vec::new());
        }
        let patterns: Vec<String> = days
            .iter()
            .map(|(month, day)| format!("%-{month:02}-{day:02}"))
            .collect();
        let sql = format!(
            "SELECT {ADDRESSEE_COLUMNS} FROM members WHERE {}",
            (1..=patterns.len())
                .map(|i| format!("birthday LIKE ${i}"))
                .collect::<Vec<_>>()
                .join(" OR ")
        );
        let values: Vec<Arg> = patterns.iter().map(Arg::from).collect();
        let mut db = self;
        db.rows(&sql, &values)
            .await?
            .iter()
            .map(addressee_from)
            .collect()
    }

    /// Members who joined after `after` and up to `until`.
    pub async fn members_enrolled_between(
        &self,
        after: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<Addressee>> {
        let mut db = self;
        let rows = db
            .rows(
                &format!(
                    "SELECT {ADDRESSEE_COLUMNS} FROM members \
                     WHERE enrolled_at > $1 AND enrolled_at <= $2 ORDER BY id"
                ),
                args![micros(after), micros(until)],
            )
            .await?;
        rows.iter().map(addressee_from).collect()
    }

    /// The members whose tier review falls after `after` and up to `until`.
    pub async fn members_reviewed_between(
        &self,
        after: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<MemberId>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id FROM members WHERE tier_review_at > $1 AND tier_review_at <= $2 \
                 ORDER BY id",
                args![micros(after), micros(until)],
            )
            .await?;
        rows.iter().map(|r| Ok(MemberId(r.get("id")?))).collect()
    }

    /// The members `ids` as letters need them (up to [`ADDRESSEES_MAX`] at once).
    pub async fn addressees(&self, ids: &[i64]) -> Result<Vec<Addressee>> {
        let mut all = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ADDRESSEES_MAX) {
            let sql = format!(
                "SELECT {ADDRESSEE_COLUMNS} FROM members WHERE id IN ({}) ORDER BY id",
                numbered_list(1, chunk.len())
            );
            let values: Vec<Arg> = chunk.iter().map(|id| Arg::from(*id)).collect();
            let mut db = self;
            for row in db.rows(&sql, &values).await? {
                all.push(addressee_from(&row)?);
            }
        }
        Ok(all)
    }

    /// The member whose unsubscribe links carry `token`.
    pub async fn member_by_unsubscribe_token(&self, token: &str) -> Result<Option<Addressee>> {
        let mut db = self;
        let row = db
            .row_opt(
                &format!("SELECT {ADDRESSEE_COLUMNS} FROM members WHERE unsubscribe_token = $1"),
                args![token],
            )
            .await?;
        row.as_ref().map(addressee_from).transpose()
    }
}

impl Tx {
    /// Records a notice unless one of its kind and key was sent to the member already;
    /// true if this is the first.
    pub async fn record_notice(&mut self, notice: &NoticeSent<'_>) -> Result<bool> {
        let row = self
            .row_opt(
                "INSERT INTO notices_sent (member_id, kind, notice_key, channel, sent_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (member_id, kind, notice_key) DO NOTHING RETURNING id",
                args![
                    notice.member.0,
                    notice.kind,
                    notice.key,
                    notice.channel,
                    micros(notice.at)
                ],
            )
            .await?;
        Ok(row.is_some())
    }

    /// How many notices went out to a member on `channel` since `since`.
    pub async fn notices_since(
        &mut self,
        member: MemberId,
        channel: &str,
        since: Timestamp,
    ) -> Result<u32> {
        let count: i64 = self
            .row(
                "SELECT COUNT(*) FROM notices_sent \
                 WHERE member_id = $1 AND channel = $2 AND sent_at > $3",
                args![member.0, channel, micros(since)],
            )
            .await?
            .get(0)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// The member's unsubscribe token: `fresh` stored if they had none.
    pub async fn unsubscribe_token(&mut self, member: MemberId, fresh: &str) -> Result<String> {
        self.run(
            "UPDATE members SET unsubscribe_token = $1 WHERE id = $2 AND unsubscribe_token IS NULL",
            args![fresh, member.0],
        )
        .await?;
        self.row(
            "SELECT unsubscribe_token FROM members WHERE id = $1",
            args![member.0],
        )
        .await?
        .get(0)
    }
}
