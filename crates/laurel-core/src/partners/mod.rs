//! Coalition partners: other businesses where members earn and spend the program's points.
//! `[[partners]]` is `Partners` (each one's code, name and the prices its points settle at);
//! `settlement.rs` what a partner and the program owe each other for a period.

mod partner;
mod settlement;

pub use partner::{PARTNER_CODE_MAX, PRICE_DIGITS_MAX, Partner, PartnerSpec, Partners};
pub use settlement::{EntryKind, Settlement, SettlementLine};
