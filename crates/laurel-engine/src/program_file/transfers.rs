//! The program file's `[transfers]`: whether members may send each other points, and within
//! what limits and at what fee. Without the section they may not.

use crate::decimal;
use laurel_core::issue::Issue;
use laurel_core::transfers::{TransferPolicy, TransferSpec};
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[transfers]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TransfersSection {
    min_points: Option<i64>,
    daily_max: Option<i64>,
    min_member_days: Option<i64>,
    fee_points: Option<i64>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    fee_percent: Option<Decimal>,
}

/// The section as a checked policy, or every problem with its key.
pub(super) fn convert(section: TransfersSection) -> Result<TransferPolicy, Vec<Issue>> {
    TransferPolicy::new(&TransferSpec {
        min_points: section.min_points,
        daily_max: section.daily_max,
        min_member_days: section.min_member_days,
        fee_points: section.fee_points,
        fee_percent: section.fee_percent,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use crate::program_file::{MINIMAL_PROGRAM, ProgramDefinition, ProgramFileError};
    use laurel_core::Points;
    use std::path::Path;

    fn parse_program(text: &str) -> Result<ProgramDefinition, ProgramFileError> {
        crate::program_file::parse_program(text, Path::new("p.toml"))
    }

    #[test]
    fn a_program_without_the_section_offers_no_transfers() {
        let definition = parse_program(MINIMAL_PROGRAM).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(definition.transfers.is_none());
    }

    #[test]
    fn the_section_sets_the_limits_and_the_fee() {
        let text = format!(
            "{MINIMAL_PROGRAM}[transfers]\nmin_points = 100\ndaily_max = 5000\n\
             min_member_days = 30\nfee_points = 5\nfee_percent = \"2.5\"\n"
        );
        let policy = parse_program(&text)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .transfers
            .unwrap_or_else(|| panic!("transfers"));
        assert_eq!(policy.min_points, Points(100));
        assert_eq!(policy.daily_max, Some(Points(5_000)));
        assert_eq!(policy.min_member_days, 30);
        assert_eq!(policy.fee.on(Points(1_000)), Points(30));
    }

    #[test]
    fn a_bad_limit_is_reported_at_its_key() {
        let text = format!("{MINIMAL_PROGRAM}[transfers]\nmin_points = 0\n");
        let problems = parse_program(&text)
            .err()
            .map(|e| e.problems)
            .unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("transfers.min_points"), "{problems:?}");
    }
}
