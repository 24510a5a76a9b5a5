//! Who is due which notice at an instant: the store finds the candidates (lots expiring
//! within the window, birthdays today, members who joined on a welcome step's day, reviews
//! within the window), the core decides, and each becomes a [`Due`] letter with its values.

use super::{Due, Says, letters};
use crate::Engine;
use crate::error::Result;
use crate::program_file::ProgramDefinition;
use crate::requests::AdjustRequest;
use crate::staff::Role;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use laurel_core::MemberStatus;
use laurel_core::notices::{NoticeKind, birthday_year, expiring_batches, welcome_steps_due};
use laurel_store::Addressee;
use minijinja::context;
use std::collections::HashMap;

/// A day, as letters write it: "31 January 2027", "2027年1月31日".
pub(crate) fn long_date(date: Date, language: &str) -> String {
    match letters::language_of(language) {
        "zh-CN" => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        _ => date.strftime("%-d %B %Y").to_string(),
    }
}

/// `n` whole days.
pub(super) fn days(n: u32) -> SignedDuration {
    SignedDuration::from_hours(24 * i64::from(n))
}

/// The language a member is written to: theirs, else the program's.
pub(super) fn language<'a>(member: &'a Addressee, definition: &'a ProgramDefinition) -> &'a str {
    member
        .language
        .as_deref()
        .unwrap_or(&definition.notices.language)
}

impl Engine {
    /// A letter per member and day on which some of their points expire, within the
    /// program's `days_before`.
    pub(super) async fn expiring_due(
        &self,
        definition: &ProgramDefinition,
        now: Timestamp,
    ) -> Result<Vec<Due>> {
        let Some(before) = definition.notices.expiring_days_before else {
            return Ok(Vec::new());
        };
        let tz = &definition.program.time_zone;
        let lots = self.store.expiring_lots(now, now + days(before)).await?;
        let batches = expiring_batches(&lots, tz);
        let mut ids: Vec<i64> = batches.iter().map(|b| b.member).collect();
        ids.dedup();
        let members: HashMap<i64, Addressee> = self
            .active_addressees(&ids)
            .await?
            .into_iter()
            .map(|m| (m.id.0, m))
            .collect();
        Ok(batches
            .into_iter()
            .filter_map(|batch| {
                let member = members.get(&batch.member)?.clone();
                let on = long_date(batch.expires_on, language(&member, definition));
                Some(Due {
                    key: batch.expires_on.to_string(),
                    says: Says::Notice(NoticeKind::PointsExpiring),
                    values: context! { points => batch.points.get(), expires_on => on },
                    addressee: member,
                })
            })
            .collect())
    }

    /// Active members whose birthday it is at `now`, with the year.
    pub(super) async fn birthdays(
        &self,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Result<Vec<(Addressee, i16)>> {
        let today = tz.to_datetime(now).date();
        let mut days = vec![(today.month(), today.day())];
        if today.month() == 2 && today.day() == 28 && !today.in_leap_year() {
            // Born on 29 February: celebrated on the 28th in common years.
            days.push((2, 29));
        }
        let born = self.store.members_born_on(&days).await?;
        Ok(born
            .into_iter()
            .filter(|m| m.status == MemberStatus::Active)
            .filter_map(|m| {
                let year = birthday_year(m.birthday?, now, tz)?;
                Some((m, year))
            })
            .collect())
    }

    /// Gives each member their birthday points, once a year (the year is the gift's
    /// idempotency key: a later run that meets the same birthday replays the gift);
    /// returns how many members have their gift.
    pub(super) async fn birthday_gifts(
        &self,
        birthdays: &[(Addressee, i16)],
        definition: &ProgramDefinition,
    ) -> Result<usize> {
        let points = definition.notices.birthday_points;
        if !points.is_positive() {
            return Ok(0);
        }
        let mut given = 0;
        for (member, year) in birthdays {
            let gift = AdjustRequest {
                member_id: member.id.0,
                points: points.get(),
                reason: "birthday gift".into(),
                note: None,
                idempotency_key: format!("birthday:{year}"),
            };
            self.adjust_as(gift, "program", Role::Admin).await?;
            given += 1;
        }
        Ok(given)
    }

    /// A welcome letter for each step due: members who joined on a step's day or the day
    /// before it.
    pub(super) async fn welcome_due(
        &self,
        definition: &ProgramDefinition,
        now: Timestamp,
    ) -> Result<Vec<Due>> {
        let steps = &definition.notices.welcome_days;
        let Some(last) = steps.last() else {
            return Ok(Vec::new());
        };
        let tz = &definition.program.time_zone;
        let joined = self
            .store
            .members_enrolled_between(now - days(last + 2), now)
            .await?;
        let mut due = Vec::new();
        for member in joined
            .into_iter()
            .filter(|m| m.status == MemberStatus::Active)
        {
            for step in welcome_steps_due(member.enrolled_at, now, tz, steps) {
                let points = member.available;
                due.push(Due {
                    addressee: member.clone(),
                    says: Says::Notice(NoticeKind::Welcome),
                    key: (step + 1).to_string(),
                    values: context! { step => step + 1, points => points },
                });
            }
        }
        Ok(due)
    }

    /// A letter to each member whose review falls within `days_before` and who, measured
    /// now, would lose their tier at it.
    pub(super) async fn tier_at_risk_due(
        &self,
        definition: &ProgramDefinition,
        now: Timestamp,
    ) -> Result<Vec<Due>> {
        let (Some(policy), Some(before)) = (
            definition.tiers.as_ref(),
            definition.notices.tier_at_risk_days_before,
        ) else {
            return Ok(Vec::new());
        };
        let program = &definition.program;
        let tz = &program.time_zone;
        let ids = self
            .store
            .members_reviewed_between(now, now + days(before))
            .await?;
        let mut due = Vec::new();
        for id in ids {
            let Some(member) = self.store.member(id).await? else {
                continue;
            };
            let (Some(review_at), Some(tier)) = (member.tier.review_at, &member.tier.tier) else {
                continue;
            };
            let window = policy.review_window(review_at, tz);
            let value =
                crate::tiers::measure(&self.store, program, policy, member.id, window).await?;
            if !policy.at_risk(&member.tier, value, review_at, tz) {
                continue;
            }
            let Some(addressee) = self.active_addressees(&[id.0]).await?.pop() else {
                continue;
            };
            let language = language(&addressee, definition).to_owned();
            let review_on = tz.to_datetime(review_at).date();
            let name = policy
                .tier(tier)
                .map_or(tier.clone(), |t| t.name.get(&language).to_owned());
            due.push(Due {
                addressee,
                says: Says::Notice(NoticeKind::TierAtRisk),
                key: review_on.to_string(),
                values: context! { tier => name, review_on => long_date(review_on, &language) },
            });
        }
        Ok(due)
    }

    /// A warning to each member inactive long enough to be erased within the warning's days
    /// (`[privacy] retention_days`), once per spell of inactivity, saying when and what they
    /// would lose.
    pub(super) async fn retention_due(
        &self,
        definition: &ProgramDefinition,
        now: Timestamp,
    ) -> Result<Vec<Due>> {
        let Some(retention) = definition.privacy.retention else {
            return Ok(Vec::new());
        };
        let tz = &definition.program.time_zone;
        let inactive = self
            .store
            .inactive_members(retention.warned_before(now))
            .await?;
        let mut due = Vec::new();
        for chunk in inactive.chunks(laurel_store::ADDRESSEES_MAX) {
            let ids: Vec<i64> = chunk.iter().map(|(id, _)| id.0).collect();
            let addressees = self.active_addressees(&ids).await?;
            for (id, last_active) in chunk {
                let Some(addressee) = addressees.iter().find(|a| a.id == *id) else {
                    continue;
                };
                let language = language(addressee, definition).to_owned();
                let erase_on = tz
                    .to_datetime(retention.erase_at(*last_active, Some(now)))
                    .date();
                due.push(Due {
                    addressee: addressee.clone(),
                    says: Says::Notice(NoticeKind::RetentionWarning),
                    key: laurel_store::retention_key(*last_active),
                    values: context! {
                        erase_on => long_date(erase_on, &language),
                        points => addressee.available,
                    },
                });
            }
        }
        Ok(due)
    }

    /// The active members among `ids`.
    async fn active_addressees(&self, ids: &[i64]) -> Result<Vec<Addressee>> {
        Ok(self
            .store
            .addressees(ids)
            .await?
            .into_iter()
            .filter(|m| m.status == MemberStatus::Active)
            .collect())
    }
}

/// A greeting to each member whose birthday it is (the year is the key), saying the gift.
pub(super) fn birthday_letters(
    birthdays: Vec<(Addressee, i16)>,
    definition: &ProgramDefinition,
) -> Vec<Due> {
    let gift = definition.notices.birthday_points.get();
    birthdays
        .into_iter()
        .map(|(addressee, year)| Due {
            addressee,
            says: Says::Notice(NoticeKind::Birthday),
            key: year.to_string(),
            values: context! { gift_points => gift },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_day_is_written_as_each_language_writes_it() {
        assert_eq!(long_date(date(2027, 1, 31), "en"), "31 January 2027");
        assert_eq!(long_date(date(2027, 1, 31), "zh-CN"), "2027年1月31日");
    }
}
