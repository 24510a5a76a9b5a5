//! The churn-risk list: the members the last refresh put at risk of having lapsed, high risk
//! first, then medium, within a level those least likely still active first; a keyset page at
//! a time (the store's, one level after the other), so staff and the API can walk a million
//! members' list page by page.

use crate::Engine;
use crate::error::Result;
use jiff::Timestamp;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_store::{AtRiskMember, CHURN_PAGE_MAX, ChurnCursor, MemberId};
use std::fmt;
use std::str::FromStr;

/// Which members the churn-risk list holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ChurnFilter {
    /// High risk only.
    High,
    /// Medium risk only.
    Medium,
    /// Everyone at risk: high, then medium.
    #[default]
    AtRisk,
}

impl ChurnFilter {
    /// The levels it holds, in the list's order.
    pub fn levels(self) -> &'static [ChurnRiskLevel] {
        match self {
            ChurnFilter::High => &[ChurnRiskLevel::High],
            ChurnFilter::Medium => &[ChurnRiskLevel::Medium],
            ChurnFilter::AtRisk => &[ChurnRiskLevel::High, ChurnRiskLevel::Medium],
        }
    }

    /// The filter a `level` parameter names: `high`, `medium`, or none (or empty) for
    /// everyone at risk; `None` for anything else.
    pub fn parse(level: Option<&str>) -> Option<ChurnFilter> {
        match level.unwrap_or("") {
            "" => Some(ChurnFilter::AtRisk),
            "high" => Some(ChurnFilter::High),
            "medium" => Some(ChurnFilter::Medium),
            _ => None,
        }
    }

    /// The `level` parameter naming it (empty for everyone at risk).
    pub fn as_str(self) -> &'static str {
        match self {
            ChurnFilter::High => "high",
            ChurnFilter::Medium => "medium",
            ChurnFilter::AtRisk => "",
        }
    }
}

/// Where a page of the churn-risk list starts: after this member, at this level. Written
/// `high.5000.42` (level, P(alive) in millionths, member id) for links and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChurnKey {
    /// The last member shown's level.
    pub level: ChurnRiskLevel,
    /// Their place within it.
    pub cursor: ChurnCursor,
}

/// Text that is not a [`ChurnKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a place in the churn-risk list (a `next` of an earlier page)")]
pub struct BadChurnKey;

impl fmt::Display for ChurnKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ChurnCursor {
            p_alive_ppm,
            member,
        } = self.cursor;
        write!(f, "{}.{p_alive_ppm}.{}", self.level.as_str(), member.0)
    }
}

impl FromStr for ChurnKey {
    type Err = BadChurnKey;

    fn from_str(text: &str) -> std::result::Result<ChurnKey, BadChurnKey> {
        let mut parts = text.splitn(3, '.');
        let level = parts
            .next()
            .and_then(ChurnRiskLevel::parse)
            .ok_or(BadChurnKey)?;
        let mut number = || -> std::result::Result<i64, BadChurnKey> {
            parts.next().and_then(|n| n.parse().ok()).ok_or(BadChurnKey)
        };
        let (p_alive_ppm, member) = (number()?, number()?);
        Ok(ChurnKey {
            level,
            cursor: ChurnCursor {
                p_alive_ppm,
                member: MemberId(member),
            },
        })
    }
}

/// A member on the list, with their level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtRisk {
    /// Their level of risk.
    pub level: ChurnRiskLevel,
    /// Who they are and what the refresh worked out for them.
    pub member: AtRiskMember,
}

/// One page of the churn-risk list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnPage {
    /// The members, in the list's order.
    pub members: Vec<AtRisk>,
    /// Where the next page starts, if there is one.
    pub next: Option<ChurnKey>,
    /// When the refresh the list comes from ran; none before the first.
    pub refreshed_at: Option<Timestamp>,
}

impl Engine {
    /// Up to `limit` (1 to the store's page maximum) members of the churn-risk list `filter`
    /// names, after `after`. A key is a place in the whole list's order (high, medium, then
    /// low), so one of a level the filter does not hold starts its list from the beginning
    /// when that level comes before, and ends it when after.
    pub async fn churn_risk(
        &self,
        filter: ChurnFilter,
        after: Option<ChurnKey>,
        limit: u32,
    ) -> Result<ChurnPage> {
        let limit = limit.clamp(1, CHURN_PAGE_MAX);
        // One more than asked for tells whether another page follows.
        let wanted = limit as usize + 1;
        let mut members = Vec::new();
        for &level in filter.levels() {
            // The core orders levels low to high and the list runs high to low: a key at a
            // higher level lies before this one, at a lower level after it.
            let cursor = match after {
                Some(key) if key.level > level => None,
                Some(key) if key.level == level => Some(key.cursor),
                Some(_) => continue,
                None => None,
            };
            let need = u32::try_from(wanted - members.len()).unwrap_or(CHURN_PAGE_MAX);
            let page = self.store.churn_page(level.as_str(), cursor, need).await?;
            members.extend(page.into_iter().map(|member| AtRisk { level, member }));
            if members.len() >= wanted {
                break;
            }
        }
        let more = members.len() > limit as usize;
        members.truncate(limit as usize);
        let next = members.last().filter(|_| more).map(|last| ChurnKey {
            level: last.level,
            cursor: last.member.cursor(),
        });
        let refreshed_at = self.store.latest_refresh().await?.map(|r| r.refreshed_at);
        Ok(ChurnPage {
            members,
            next,
            refreshed_at,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_as_written_and_nothing_else_is_one() {
        let key = ChurnKey {
            level: ChurnRiskLevel::Medium,
            cursor: ChurnCursor {
                p_alive_ppm: 412_000,
                member: MemberId(42),
            },
        };
        assert_eq!(key.to_string(), "medium.412000.42");
        assert_eq!("medium.412000.42".parse::<ChurnKey>(), Ok(key));
        for bad in ["", "high", "high.1", "high.x.2", "urgent.1.2", "high.1.2.3"] {
            assert_eq!(bad.parse::<ChurnKey>(), Err(BadChurnKey), "{bad}");
        }
    }

    #[test]
    fn the_filters_hold_high_risk_before_medium() {
        assert_eq!(ChurnFilter::parse(None), Some(ChurnFilter::AtRisk));
        assert_eq!(
            ChurnFilter::AtRisk.levels(),
            [ChurnRiskLevel::High, ChurnRiskLevel::Medium]
        );
        assert_eq!(ChurnFilter::parse(Some("low")), None);
        for f in [ChurnFilter::High, ChurnFilter::Medium, ChurnFilter::AtRisk] {
            assert_eq!(ChurnFilter::parse(Some(f.as_str())), Some(f));
        }
    }
}
