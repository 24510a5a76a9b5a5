//! Households in words for the console and the portal alike: how the program's households
//! spend their points (who spends whose), a household with its owner, members and those who
//! asked to join — each with their role and points — and the points they pool, and what a
//! member may spend with the household's help (their own, then what the others would lend).

use crate::i18n::Locale;
use jiff::tz::TimeZone;
use laurel_core::households::{HouseholdMode, lenders};
use laurel_engine::{HouseholdMemberView, HouseholdView};

/// Who spends whose points under `mode` (`pooled` or `owner_pays`), in a sentence.
pub(crate) fn mode_words(l: Locale, mode: &str) -> String {
    let t = l.strings();
    match HouseholdMode::parse(mode) {
        Some(HouseholdMode::Pooled) => t.get("households.mode_pooled").to_owned(),
        Some(HouseholdMode::OwnerPays) => t.get("households.mode_owner_pays").to_owned(),
        None => t.get("households.mode_none").to_owned(),
    }
}

/// A member's role in a household (`owner`, `member`, `requested`) in words.
pub(crate) fn role_words(l: Locale, role: &str) -> String {
    l.strings()
        .find(&format!("households.role_{role}"))
        .map_or_else(|| role.to_owned(), str::to_owned)
}

/// One member of a household as a page lists them.
pub(crate) struct HouseholdMemberLine {
    pub id: i64,
    /// What they are called here (staff: their name or external id; members: a name or a
    /// masked id).
    pub name: String,
    pub external_id: String,
    /// `owner`, `member` or `requested`.
    pub role: String,
    pub role_words: String,
    /// Their spendable points.
    pub points: String,
    /// When they joined or asked to (the owner: when they made it).
    pub joined: String,
}

/// A household as a page shows it.
pub(crate) struct HouseholdWords {
    pub id: i64,
    pub name: String,
    /// `pooled` or `owner_pays`.
    pub mode: String,
    /// Who spends whose points, in a sentence.
    pub mode_words: String,
    /// The owner as called here.
    pub owner: String,
    /// The owner, then the members who belong, in the order they joined.
    pub members: Vec<HouseholdMemberLine>,
    /// Those who asked to join and wait for the owner's consent.
    pub waiting: Vec<HouseholdMemberLine>,
    /// The points the members who belong have together.
    pub pooled: String,
    pub created: String,
}

impl HouseholdWords {
    /// `view` in the page's language, each member called as `named` says.
    pub(crate) fn of(
        l: Locale,
        tz: &TimeZone,
        view: &HouseholdView,
        named: fn(&HouseholdMemberView) -> String,
    ) -> HouseholdWords {
        let line = |m: &HouseholdMemberView| HouseholdMemberLine {
            id: m.member_id,
            name: named(m),
            external_id: m.external_id.clone(),
            role: m.role.clone(),
            role_words: role_words(l, &m.role),
            points: l.integer(m.available),
            joined: m
                .joined_at
                .map(|at| l.date_time(at, tz))
                .unwrap_or_default(),
        };
        let (waiting, members): (Vec<_>, Vec<_>) =
            view.members.iter().partition(|m| m.role == "requested");
        HouseholdWords {
            id: view.id,
            name: view.name.clone(),
            mode: view.mode.clone(),
            mode_words: mode_words(l, &view.mode),
            owner: view
                .members
                .iter()
                .find(|m| m.member_id == view.owner_id)
                .map(named)
                .unwrap_or_default(),
            members: members.into_iter().map(line).collect(),
            waiting: waiting.into_iter().map(line).collect(),
            pooled: l.integer(view.pooled),
            created: l.date_time(view.created_at, tz),
        }
    }
}

/// How staff call a household member: their name, else their external id.
pub(crate) fn staff_name(m: &HouseholdMemberView) -> String {
    m.name.clone().unwrap_or_else(|| m.external_id.clone())
}

/// How a member is called to the others in the household: their name, else their external
/// id masked as transfers mask it.
pub(crate) fn member_name(m: &HouseholdMemberView) -> String {
    match &m.name {
        Some(name) => name.clone(),
        None => crate::transfer_words::mask(&m.external_id),
    }
}

/// `member`'s role in `view`, if they are in it.
pub(crate) fn role_of(view: &HouseholdView, member: i64) -> Option<&str> {
    view.members
        .iter()
        .find(|m| m.member_id == member)
        .map(|m| m.role.as_str())
}

/// The most `member` may spend with the household's help: their own points and what the
/// others would lend them (pooled: every member's; owner pays: the owner's, and nothing for
/// the owner) — `None` unless they belong (those waiting borrow nothing).
pub(crate) fn spendable(view: &HouseholdView, member: i64) -> Option<i64> {
    let mode = HouseholdMode::parse(&view.mode)?;
    let active = |m: &&HouseholdMemberView| m.role != "requested";
    let own = view
        .members
        .iter()
        .filter(active)
        .find(|m| m.member_id == member)?
        .available;
    let members: Vec<i64> = view
        .members
        .iter()
        .filter(active)
        .map(|m| m.member_id)
        .collect();
    // A suspended member lends nothing, as the engine decides.
    let lent: i64 = lenders(mode, member, view.owner_id, &members)
        .into_iter()
        .filter_map(|id| view.members.iter().find(|m| m.member_id == id))
        .filter(|m| !m.suspended)
        .map(|m| m.available.max(0))
        .sum();
    Some((own + lent).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64, role: &str, available: i64) -> HouseholdMemberView {
        HouseholdMemberView {
            member_id: id,
            external_id: format!("CUST-{id:02}"),
            name: (id == 1).then(|| "Wang Mei".to_owned()),
            role: role.into(),
            available,
            suspended: false,
            joined_at: None,
        }
    }

    fn household(mode: &str) -> HouseholdView {
        HouseholdView {
            id: 7,
            name: "The Wangs".into(),
            owner_id: 1,
            mode: mode.into(),
            members: vec![
                member(1, "owner", 120),
                member(2, "member", 30),
                member(3, "member", -5),
                member(4, "requested", 500),
            ],
            pooled: 150,
            created_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn pooled_members_spend_everyones_points_and_under_owner_pays_the_owners() {
        let pooled = household("pooled");
        assert_eq!(spendable(&pooled, 2), Some(150));
        assert_eq!(spendable(&pooled, 1), Some(150));
        assert_eq!(spendable(&pooled, 3), Some(145), "a debt is repaid first");
        assert_eq!(spendable(&pooled, 4), None, "those waiting borrow nothing");
        let owner_pays = household("owner_pays");
        assert_eq!(spendable(&owner_pays, 2), Some(150));
        assert_eq!(
            spendable(&owner_pays, 1),
            Some(120),
            "the owner spends their own"
        );
        assert_eq!(spendable(&owner_pays, 9), None);
    }

    #[test]
    fn a_suspended_member_lends_nothing() {
        let mut pooled = household("pooled");
        let full = spendable(&pooled, 2);
        let owner = pooled.members.iter_mut().find(|m| m.member_id == 1);
        let lent = owner.map(|m| {
            m.suspended = true;
            m.available
        });
        assert_eq!(
            spendable(&pooled, 2),
            full.zip(lent).map(|(all, theirs)| all - theirs)
        );
    }

    #[test]
    fn a_household_reads_with_its_waiting_apart_in_both_languages() {
        let words = HouseholdWords::of(
            Locale::En,
            &TimeZone::UTC,
            &household("pooled"),
            member_name,
        );
        assert_eq!(words.owner, "Wang Mei");
        assert_eq!(words.members.len(), 3);
        assert_eq!(words.members[1].name, "C•••02");
        assert_eq!(words.members[0].role_words, "Owner");
        assert_eq!(words.waiting[0].role_words, "Asked to join");
        assert_eq!(words.pooled, "150");
        assert!(words.mode_words.starts_with("Pooled"));
        let zh = HouseholdWords::of(
            Locale::ZhCn,
            &TimeZone::UTC,
            &household("owner_pays"),
            staff_name,
        );
        assert_eq!(zh.members[0].role_words, "户主");
        assert_eq!(zh.members[1].name, "CUST-02");
        assert!(zh.mode_words.starts_with("户主支付"));
    }
}
