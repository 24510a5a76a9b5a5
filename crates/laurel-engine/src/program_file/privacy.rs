//! The program file's `[privacy]`: who answers for members' data, where members write about
//! it, and how long an inactive member is kept (warned, then erased). Without the section the
//! privacy notice names no controller and members are kept however long they are inactive.

use laurel_core::issue::Issue;
use laurel_core::privacy::{PrivacyPolicy, PrivacySpec};
use serde::Deserialize;

/// `[privacy]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PrivacySection {
    controller: Option<String>,
    contact: Option<String>,
    retention_days: Option<i64>,
    retention_warning_days: Option<i64>,
}

/// The section as a checked policy, or every problem with its key.
pub(super) fn convert(section: Option<PrivacySection>) -> Result<PrivacyPolicy, Vec<Issue>> {
    let Some(s) = section else {
        return Ok(PrivacyPolicy::default());
    };
    PrivacyPolicy::new(&PrivacySpec {
        controller: s.controller,
        contact: s.contact,
        retention_days: s.retention_days,
        retention_warning_days: s.retention_warning_days,
    })
}
