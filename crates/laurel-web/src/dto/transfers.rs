//! The JSON shapes of transfers between members: sending points and the transfers answered.

use super::shared::{BalanceBody, named_member};
use super::whole;
use crate::error::ApiError;
use laurel_engine::{TransferOutcome, TransferRequest, TransferSide, TransferView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Send points to another member: name them by exactly one of `to_member_id` and
/// `to_external_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// Laurel's id of the member receiving.
    #[serde(default, deserialize_with = "whole::deserialize_option")]
    pub to_member_id: Option<i64>,
    /// The business's customer id of the member receiving.
    #[schema(min_length = 1, max_length = 200)]
    pub to_external_id: Option<String>,
    /// Points to send; the program's fee is paid on top.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64, example = 500)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub points: i64,
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// A few words to the receiver.
    #[schema(max_length = 500)]
    pub message: Option<String>,
}

impl TransferBody {
    /// The engine's request from `member_id`.
    pub fn request(self, member_id: i64) -> Result<TransferRequest, ApiError> {
        Ok(TransferRequest {
            member_id,
            to: named_member(
                ("to_member_id", "to_external_id"),
                self.to_member_id,
                self.to_external_id,
            )?,
            points: self.points,
            idempotency_key: self.idempotency_key,
            message: self.message,
        })
    }
}

/// One side of a transfer.
#[derive(Serialize, ToSchema)]
pub struct TransferSideBody {
    /// Laurel's member id.
    pub member_id: i64,
    /// The business's customer id.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
}

impl From<&TransferSide> for TransferSideBody {
    fn from(s: &TransferSide) -> TransferSideBody {
        TransferSideBody {
            member_id: s.member_id,
            external_id: s.external_id.clone(),
            name: s.name.clone(),
        }
    }
}

/// A transfer.
#[derive(Serialize, ToSchema)]
pub struct TransferBodyOut {
    /// Its id.
    pub id: i64,
    /// Who sent.
    pub from: TransferSideBody,
    /// Who received.
    pub to: TransferSideBody,
    /// Points moved.
    pub points: i64,
    /// Points the sender paid for it.
    pub fee: i64,
    /// The sender's words to the receiver.
    pub message: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
}

impl From<&TransferView> for TransferBodyOut {
    fn from(t: &TransferView) -> TransferBodyOut {
        TransferBodyOut {
            id: t.id,
            from: (&t.from).into(),
            to: (&t.to).into(),
            points: t.points,
            fee: t.fee,
            message: t.message.clone(),
            created_at: t.created_at.to_string(),
        }
    }
}

/// A transfer made, with the sender's balances after it.
#[derive(Serialize, ToSchema)]
pub struct TransferResponse {
    /// The transfer.
    pub transfer: TransferBodyOut,
    /// The sender's balances after it.
    pub balance: BalanceBody,
}

impl From<&TransferOutcome> for TransferResponse {
    fn from(o: &TransferOutcome) -> TransferResponse {
        TransferResponse {
            transfer: (&o.transfer).into(),
            balance: o.balance.into(),
        }
    }
}

/// A page of a member's transfers, sent and received, newest first.
#[derive(Serialize, ToSchema)]
pub struct TransfersResponse {
    /// The transfers.
    pub transfers: Vec<TransferBodyOut>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}
