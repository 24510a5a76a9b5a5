//! Members: enrollment (with the keys searches compare), lookup, and the row lock that
//! serialises a member's postings. The staff's list and search are `member_list.rs`.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::tables::memberships::plan_from_row;
use crate::tables::tiers::{TIER_COLUMNS, tier_from_row};
use crate::types::{Member, MemberId, NewMember, instant, micros, numbered_list};
use crate::write::tx::Tx;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::MemberStatus;
use laurel_core::search;
use std::collections::BTreeMap;

/// The member columns every read of a member selects (with the tier's).
pub(crate) const COLUMNS: &str = "id, external_id, email, phone, name, birthday, channel, attributes, status, available, pending, enrolled_at, referral_code, pending_referral_id, membership_plan, membership_from, membership_until";

/// A stored birthday (`YYYY-MM-DD`), if one is.
pub(crate) fn birthday_from(text: Option<String>) -> Result<Option<Date>> {
    text.map(|b| {
        b.parse::<Date>()
            .map_err(|e| StoreError::Corrupt(format!("birthday {b}: {e}")))
    })
    .transpose()
}

/// A member from a row of [`COLUMNS`] and the tier's.
pub(crate) fn member_from_row(row: &Row) -> Result<Member> {
    let birthday = birthday_from(row.get("birthday")?)?;
    Ok(Member {
        id: MemberId(row.get("id")?),
        profile: NewMember {
            external_id: row.get("external_id")?,
            email: row.get("email")?,
            phone: row.get("phone")?,
            name: row.get("name")?,
            birthday,
            channel: row.get("channel")?,
            attributes: attributes_from(row.get("attributes")?)?,
            enrolled_at: instant(row.get("enrolled_at")?)?,
            referral_code: row.get("referral_code")?,
        },
        status: row.state("status")?,
        available: row.get("available")?,
        pending: row.get("pending")?,
        tier: tier_from_row(row)?,
        plan: plan_from_row(row)?,
        pending_referral: row.get("pending_referral_id")?,
    })
}

/// Attributes as stored: a JSON object, or NULL when there are none.
fn attributes_text(attributes: &BTreeMap<String, String>) -> Result<Option<String>> {
    if attributes.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(attributes)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("attributes: {e}")))
}

pub(crate) fn attributes_from(text: Option<String>) -> Result<BTreeMap<String, String>> {
    text.map_or(Ok(BTreeMap::new()), |t| {
        serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("attributes {t}: {e}")))
    })
}

/// Which column a lookup goes by.
#[derive(Clone, Copy)]
enum Key<'a> {
    Id(MemberId),
    External(&'a str),
}

impl<'a> Key<'a> {
    /// The id when given, else the external id; `None` when neither is.
    fn of(id: Option<MemberId>, external_id: Option<&'a str>) -> Option<Key<'a>> {
        match (id, external_id) {
            (Some(id), _) => Some(Key::Id(id)),
            (None, Some(ext)) => Some(Key::External(ext)),
            (None, None) => None,
        }
    }
}

async fn fetch(db: &mut impl Sql, key: Key<'_>, lock: &str) -> Result<Option<Member>> {
    let column = match key {
        Key::Id(_) => "id",
        Key::External(_) => "external_id",
    };
    let sql = format!("SELECT {COLUMNS}, {TIER_COLUMNS} FROM members WHERE {column} = $1{lock}");
    let row = match key {
        Key::Id(id) => db.row_opt(&sql, args![id.0]).await?,
        Key::External(ext) => db.row_opt(&sql, args![ext]).await?,
    };
    row.as_ref().map(member_from_row).transpose()
}

impl Store {
    /// A member by id.
    pub async fn member(&self, id: MemberId) -> Result<Option<Member>> {
        let mut db = self;
        fetch(&mut db, Key::Id(id), "").await
    }

    /// A member by the business's customer id.
    pub async fn member_by_external_id(&self, external_id: &str) -> Result<Option<Member>> {
        let mut db = self;
        fetch(&mut db, Key::External(external_id), "").await
    }
}

impl Tx {
    /// Enrolls a member; `None` when the external id is taken (nothing is written then).
    pub async fn insert_member(
        &mut self,
        member: &NewMember,
        recorded_at: Timestamp,
    ) -> Result<Option<MemberId>> {
        let birthday = member.birthday.map(|d| d.to_string());
        let attributes = attributes_text(&member.attributes)?;
        let email_key = member.email.as_deref().map(laurel_core::referrals::email);
        let email_domain = email_key
            .as_deref()
            .and_then(laurel_core::referrals::email_domain);
        let phone_key = member.phone.as_deref().map(search::phone_key);
        let external_key = search::fold(&member.external_id);
        let name_key = member.name.as_deref().map(search::fold);
        let row = self
            .row_opt(
                "INSERT INTO members (external_id, email, phone, name, birthday, channel, attributes, status, available, pending, enrolled_at, referral_code, email_key, phone_key, external_key, name_key, recorded_at, email_domain) \
                 VALUES ($1, $2, $3, $4, $5, $6, $8, 'active', 0, 0, $7, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (external_id) DO NOTHING RETURNING id",
                args![
                    &member.external_id,
                    &member.email,
                    &member.phone,
                    &member.name,
                    &birthday,
                    &member.channel,
                    micros(member.enrolled_at),
                    &attributes,
                    &member.referral_code,
                    &email_key,
                    &phone_key,
                    &external_key,
                    &name_key,
                    micros(recorded_at),
                    email_domain,
                ],
            )
            .await?;
        row.map(|r| r.get::<i64>(0).map(MemberId)).transpose()
    }

    /// A member by id or external id, locked until the transaction ends so that concurrent
    /// writers (other API nodes on PostgreSQL) post to one member one at a time.
    pub async fn lock_member(
        &mut self,
        id: Option<MemberId>,
        external_id: Option<&str>,
    ) -> Result<Option<Member>> {
        let Some(key) = Key::of(id, external_id) else {
            return Ok(None);
        };
        let known = match key {
            Key::Id(id) => self.known.member(id),
            Key::External(ext) => self.known.member_by_external(ext),
        };
        if let Some(known) = known {
            return Ok(known.cloned());
        }
        let found = fetch(self, key, self.backend.lock_rows()).await?;
        match (&found, key) {
            (Some(member), _) => self.known.remember_member(member.clone()),
            (None, Key::Id(id)) => self.known.remember_no_member(id),
            (None, Key::External(ext)) => self.known.remember_no_external(ext),
        }
        Ok(found)
    }

    /// A member by id or external id, read without a lock (for read-only transactions).
    pub async fn read_member(
        &mut self,
        id: Option<MemberId>,
        external_id: Option<&str>,
    ) -> Result<Option<Member>> {
        let Some(key) = Key::of(id, external_id) else {
            return Ok(None);
        };
        fetch(self, key, "").await
    }

    /// Locks several members, by id or external id, and reads them ahead, so that the
    /// transaction's [`Tx::lock_member`] of any of them asks nothing (one that does not exist
    /// is known not to). Each statement locks its rows in id order. A batch of more than 128
    /// members takes several statements, so two transactions may then wait on each other;
    /// PostgreSQL detects the deadlock and the writer runs the batch again.
    pub async fn lock_members(&mut self, ids: &[MemberId], external_ids: &[&str]) -> Result<()> {
        let mut ids: Vec<MemberId> = ids
            .iter()
            .copied()
            .filter(|id| self.known.member(*id).is_none())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut external: Vec<&str> = external_ids
            .iter()
            .copied()
            .filter(|ext| self.known.member_by_external(ext).is_none())
            .collect();
        external.sort_unstable();
        external.dedup();
        let (mut id_chunks, mut external_chunks) = (
            ids.chunks(LOCKS_PER_STATEMENT),
            external.chunks(LOCKS_PER_STATEMENT),
        );
        loop {
            let (by_id, by_external) = (id_chunks.next(), external_chunks.next());
            if by_id.is_none() && by_external.is_none() {
                break;
            }
            // Each list is padded with its last value to a power of two, so a few statement
            // texts serve every batch.
            let mut values: Vec<Arg> = Vec::new();
            let mut wheres = Vec::new();
            if let Some(chunk) = by_id {
                let padded = chunk.len().next_power_of_two();
                let last = chunk[chunk.len() - 1];
                wheres.push(format!("id IN ({})", numbered_list(1, padded)));
                values.extend((0..padded).map(|i| Arg::from(chunk.get(i).unwrap_or(&last).0)));
            }
            if let Some(chunk) = by_external {
                let padded = chunk.len().next_power_of_two();
                let last = chunk[chunk.len() - 1];
                let list = numbered_list(values.len() + 1, padded);
                wheres.push(format!("external_id IN ({list})"));
                values.extend((0..padded).map(|i| Arg::from(*chunk.get(i).unwrap_or(&last))));
            }
            let sql = format!(
                "SELECT {COLUMNS}, {TIER_COLUMNS} FROM members WHERE {} ORDER BY id{}",
                wheres.join(" OR "),
                self.backend.lock_rows()
            );
            for row in self.rows(&sql, &values).await? {
                self.known.remember_member(member_from_row(&row)?);
            }
        }
        for id in ids {
            self.known.remember_no_member(id);
        }
        for ext in external {
            self.known.remember_no_external(ext);
        }
        Ok(())
    }
}

/// Members locked per statement by [`Tx::lock_members`].
const LOCKS_PER_STATEMENT: usize = 128;

/// What a member may change about themselves in the portal (their consents are written with
/// their history by `tables/consents.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChange {
    /// Display name.
    pub name: Option<String>,
    /// Birthday: stored only when none is stored (a birthday bonus is not to be had twice by
    /// changing it; staff correct mistakes).
    pub birthday: Option<Date>,
}

impl Store {
    /// A member's consents, as stored (a JSON object), if ever given.
    pub async fn member_consents(&self, id: MemberId) -> Result<Option<String>> {
        let mut db = self;
        let row = db
            .row_opt("SELECT consents FROM members WHERE id = $1", args![id.0])
            .await?;
        Ok(row.map(|r| r.get(0)).transpose()?.flatten())
    }
}

impl Tx {
    /// Applies a member's own profile change; none to an erased member (a change racing
    /// their erasure must not bring their name back).
    pub async fn change_profile(&mut self, id: MemberId, change: &ProfileChange) -> Result<()> {
        let birthday = change.birthday.map(|d| d.to_string());
        let name_key = change.name.as_deref().map(search::fold);
        self.run(
            "UPDATE members SET name = $1, birthday = COALESCE(birthday, $2), name_key = $4 \
             WHERE id = $3 AND status <> 'erased'",
            args![&change.name, &birthday, id.0, &name_key],
        )
        .await?;
        Ok(())
    }
}

impl Tx {
    /// Sets a member's status; false when it already was.
    pub async fn set_member_status(&mut self, id: MemberId, status: MemberStatus) -> Result<bool> {
        let done = self
            .run(
                "UPDATE members SET status = $1 WHERE id = $2 AND status <> $1 \
                 AND status <> 'erased'",
                args![status.as_str(), id.0],
            )
            .await?;
        Ok(done == 1)
    }
}
