//! Member-to-member point transfers: the program's `[transfers]` policy (limits and fee) and
//! whether a transfer may be made. The ledger's side — the points drawn from the sender and
//! the lots opened for the receiver — is `ledger::MemberLedger::send` and `receive`.

mod check;
mod policy;

pub use check::{TransferAsk, TransferRefusal, day_around};
pub use policy::{TransferFee, TransferPolicy, TransferSpec};
