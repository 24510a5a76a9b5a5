//! Households: who owns each, who asked to join and who belongs, and whose household a
//! member is in (a member is in one at a time, asked or active: a unique index says so).

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// Where a member stands in a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdRole {
    /// Asked to join; waits for the owner's consent.
    Requested,
    /// Belongs, their points pooled.
    Active,
}

impl HouseholdRole {
    fn as_str(self) -> &'static str {
        match self {
            HouseholdRole::Requested => "requested",
            HouseholdRole::Active => "active",
        }
    }
}

/// A member of a household as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdMember {
    /// The member.
    pub member: MemberId,
    /// Their id in the business's systems.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
    /// Asked or belonging.
    pub role: HouseholdRole,
    /// Their spendable points.
    pub available: i64,
    /// Whether staff suspended them (a suspended member lends nothing).
    pub suspended: bool,
    /// When they asked (the owner: when they made it).
    pub requested_at: Timestamp,
    /// When the owner consented.
    pub joined_at: Option<Timestamp>,
}

/// A household as stored, with everyone in it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHousehold {
    /// Its id.
    pub id: i64,
    /// Whose.
    pub owner: MemberId,
    /// What its members call it.
    pub name: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// Everyone in it (asked or belonging), the owner first, then in the order they asked.
    pub members: Vec<HouseholdMember>,
}

impl StoredHousehold {
    /// Those who belong (the owner first), not those who wait.
    pub fn active(&self) -> impl Iterator<Item = &HouseholdMember> {
        self.members
            .iter()
            .filter(|m| m.role == HouseholdRole::Active)
    }

    /// Where `member` stands in it, if they are in it.
    pub fn role_of(&self, member: MemberId) -> Option<HouseholdRole> {
        self.members
            .iter()
            .find(|m| m.member == member)
            .map(|m| m.role)
    }
}

impl Tx {
    /// Makes a household owned by `owner`, who belongs to it at once; its id. `None` when the
    /// owner is in another household already.
    pub async fn insert_household(
        &mut self,
        owner: MemberId,
        name: &str,
        at: Timestamp,
    ) -> Result<Option<i64>> {
        if self.household_id_of(owner).await?.is_some() {
            return Ok(None);
        }
        let id: i64 = self
            .row(
                "INSERT INTO households (owner_id, name, created_at) VALUES ($1, $2, $3) \
                 RETURNING id",
                args![owner.0, name, micros(at)],
            )
            .await?
            .get(0)?;
        self.add_household_member(id, owner, HouseholdRole::Active, at)
            .await?;
        Ok(Some(id))
    }

    /// Puts `member` in household `id` as `role`; false when they are in one already (asked
    /// or active), nothing written.
    pub async fn add_household_member(
        &mut self,
        id: i64,
        member: MemberId,
        role: HouseholdRole,
        at: Timestamp,
    ) -> Result<bool> {
        // Asked first under the member's lock, so the unique index never has to refuse.
        if self.household_id_of(member).await?.is_some() {
            return Ok(false);
        }
        let joined_at = (role == HouseholdRole::Active).then(|| micros(at));
        self.run(
            "INSERT INTO household_members (household_id, member_id, state, requested_at, \
             joined_at) VALUES ($1, $2, $3, $4, $5)",
            args![id, member.0, role.as_str(), micros(at), joined_at],
        )
        .await?;
        Ok(true)
    }

    /// Makes a member who asked to join belong; false when they had not asked.
    pub async fn approve_household_member(
        &mut self,
        id: i64,
        member: MemberId,
        at: Timestamp,
    ) -> Result<bool> {
        let changed = self
            .run(
                "UPDATE household_members SET state = 'active', joined_at = $3 \
                 WHERE household_id = $1 AND member_id = $2 AND state = 'requested'",
                args![id, member.0, micros(at)],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Takes `member` out of household `id` (a request declined, a member leaving or
    /// removed); false when they were not in it.
    pub async fn remove_household_member(
        &mut self,
        id: i64,
        member: MemberId,
        at: Timestamp,
    ) -> Result<bool> {
        let changed = self
            .run(
                "UPDATE household_members SET state = 'left', left_at = $3 \
                 WHERE household_id = $1 AND member_id = $2 AND state <> 'left'",
                args![id, member.0, micros(at)],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Ends household `id`: everyone leaves it.
    pub async fn dissolve_household(&mut self, id: i64, at: Timestamp) -> Result<()> {
        self.run(
            "UPDATE household_members SET state = 'left', left_at = $2 \
             WHERE household_id = $1 AND state <> 'left'",
            args![id, micros(at)],
        )
        .await?;
        self.run(
            "UPDATE households SET dissolved_at = $2 WHERE id = $1",
            args![id, micros(at)],
        )
        .await?;
        Ok(())
    }

    /// The other members who belong to the household `member` belongs to (none when they
    /// belong to none, or only ask to join one): whose rows a redemption of theirs may lend
    /// from, to lock with the batch's others.
    pub async fn household_others(&mut self, member: MemberId) -> Result<Vec<MemberId>> {
        self.rows(
            "SELECT o.member_id FROM household_members m JOIN household_members o \
             ON o.household_id = m.household_id AND o.state = 'active' \
             WHERE m.member_id = $1 AND m.state = 'active' AND o.member_id <> $1",
            args![member.0],
        )
        .await?
        .iter()
        .map(|r| Ok(MemberId(r.get(0)?)))
        .collect()
    }

    /// The household `member` is in (asked or active), if any.
    pub async fn household_id_of(&mut self, member: MemberId) -> Result<Option<i64>> {
        household_id_of(self, member).await
    }

    /// Household `id` if it stands (not dissolved), its row locked until the transaction
    /// ends: changes to one household run one after another.
    pub async fn lock_household(&mut self, id: i64) -> Result<Option<StoredHousehold>> {
        let lock = self.backend.lock_rows();
        household(self, id, lock).await
    }
}

impl Store {
    /// Household `id`, if it stands.
    pub async fn household(&self, id: i64) -> Result<Option<StoredHousehold>> {
        let mut db = self;
        household(&mut db, id, "").await
    }

    /// The household `member` is in (asked or active), if any.
    pub async fn household_of(&self, member: MemberId) -> Result<Option<StoredHousehold>> {
        let mut db = self;
        match household_id_of(&mut db, member).await? {
            Some(id) => household(&mut db, id, "").await,
            None => Ok(None),
        }
    }
}

async fn household_id_of<S: Sql>(db: &mut S, member: MemberId) -> Result<Option<i64>> {
    let row = db
        .row(
            "SELECT MIN(household_id) FROM household_members \
             WHERE member_id = $1 AND state <> 'left'",
            args![member.0],
        )
        .await?;
    row.get(0)
}

async fn household<S: Sql>(db: &mut S, id: i64, lock: &str) -> Result<Option<StoredHousehold>> {
    let sql = format!(
        "SELECT id, owner_id, name, created_at FROM households \
         WHERE id = $1 AND dissolved_at IS NULL{lock}"
    );
    let Some(row) = db.rows(&sql, args![id]).await?.into_iter().next() else {
        return Ok(None);
    };
    let owner = MemberId(row.get("owner_id")?);
    let mut members = db
        .rows(
            "SELECT h.member_id, m.external_id, m.name, h.state, m.available, m.status, \
             h.requested_at, \
             h.joined_at FROM household_members h JOIN members m ON m.id = h.member_id \
             WHERE h.household_id = $1 AND h.state <> 'left' ORDER BY h.id",
            args![id],
        )
        .await?
        .iter()
        .map(member)
        .collect::<Result<Vec<_>>>()?;
    members.sort_by_key(|m| m.member != owner);
    Ok(Some(StoredHousehold {
        id: row.get("id")?,
        owner,
        name: row.get("name")?,
        created_at: instant(row.get("created_at")?)?,
        members,
    }))
}

fn member(r: &Row) -> Result<HouseholdMember> {
    let state: String = r.get("state")?;
    let role = match state.as_str() {
        "requested" => HouseholdRole::Requested,
        "active" => HouseholdRole::Active,
        other => {
            return Err(StoreError::Corrupt(format!(
                "household member state {other}"
            )));
        }
    };
    Ok(HouseholdMember {
        member: MemberId(r.get("member_id")?),
        external_id: r.get("external_id")?,
        name: r.get("name")?,
        role,
        available: r.get("available")?,
        suspended: r.get::<String>("status")? == laurel_core::MemberStatus::Suspended.as_str(),
        requested_at: instant(r.get("requested_at")?)?,
        joined_at: instant_opt(r.get("joined_at")?)?,
    })
}
