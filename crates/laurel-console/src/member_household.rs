//! A member's household as staff read it: the member page's section — the household's name,
//! who spends whose points, this member's role, every member (each linked to their page) with
//! their role and points, those asking to join, and the points they have together — or that
//! the member is in none. Read only: members make, join and leave households in the portal.
//! No section when the program offers no households.

use crate::household_words::{HouseholdWords, role_of, role_words, staff_name};
use crate::i18n::Locale;
use laurel_engine::{Engine, EngineError};

/// The member page's household section.
pub(crate) struct HouseholdBox {
    /// The member's household, if they are in one (or asked to join one).
    pub household: Option<HouseholdWords>,
    /// The member's role in it, in words.
    pub role: String,
    /// The member's role in it: `owner`, `member` or `requested`.
    pub role_code: String,
}

/// The member page's section, or `None` when the program offers no households.
pub(crate) async fn read(
    engine: &Engine,
    l: Locale,
    id: i64,
) -> Result<Option<HouseholdBox>, EngineError> {
    let view = engine.household_of(id).await?;
    // A household made while the program offered them is shown until it is left.
    if engine.household_policy().is_none() && view.is_none() {
        return Ok(None);
    }
    let tz = &engine.definition().program.time_zone;
    let role_code = view
        .as_ref()
        .and_then(|v| role_of(v, id))
        .unwrap_or_default()
        .to_owned();
    Ok(Some(HouseholdBox {
        household: view
            .as_ref()
            .map(|v| HouseholdWords::of(l, tz, v, staff_name)),
        role: role_words(l, &role_code),
        role_code,
    }))
}
