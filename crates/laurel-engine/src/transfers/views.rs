//! What transfer calls answer: a transfer with both sides, and the sender's balances after it.

use crate::outcomes::Balances;
use jiff::Timestamp;
use laurel_store::{StoredTransfer, TransferParty};
use serde::{Deserialize, Serialize};

/// One side of a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferSide {
    /// Laurel's member id.
    pub member_id: i64,
    /// The business's customer id.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
}

impl From<TransferParty> for TransferSide {
    fn from(p: TransferParty) -> TransferSide {
        TransferSide {
            member_id: p.id.0,
            external_id: p.external_id,
            name: p.name,
        }
    }
}

/// A transfer as told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferView {
    /// Its id.
    pub id: i64,
    /// Who sent.
    pub from: TransferSide,
    /// Who received.
    pub to: TransferSide,
    /// Points moved.
    pub points: i64,
    /// Points the sender paid for it.
    pub fee: i64,
    /// The sender's words to the receiver.
    pub message: Option<String>,
    /// Who made it on the sender's behalf (`staff:…`), if not the sender.
    #[serde(default)]
    pub actor: Option<String>,
    /// The household it lent points within, for the receiver's spending (no fee, no
    /// message): a household lend rather than a member's transfer.
    #[serde(default)]
    pub household: Option<i64>,
    /// When.
    pub created_at: Timestamp,
}

impl From<StoredTransfer> for TransferView {
    fn from(t: StoredTransfer) -> TransferView {
        TransferView {
            id: t.id,
            from: t.sender.into(),
            to: t.receiver.into(),
            points: t.points.get(),
            fee: t.fee.get(),
            message: t.message,
            actor: t.actor,
            household: t.household,
            created_at: t.created_at,
        }
    }
}

/// A transfer made, with the sender's balances after it (the receiver's are theirs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferOutcome {
    /// The transfer.
    pub transfer: TransferView,
    /// The sender's balances after it.
    pub balance: Balances,
}

/// A page of a member's transfers, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPage {
    /// The transfers.
    pub transfers: Vec<TransferView>,
    /// The `before` of the next page, when more follow.
    pub next: Option<i64>,
}
