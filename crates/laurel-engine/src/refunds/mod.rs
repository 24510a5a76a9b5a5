//! Refunds: (part of) a purchase given back, its points reversed in proportion (the core
//! decides how much; `execute` stores it).

pub(crate) mod execute;
pub(crate) mod validate;

use crate::error::Result;
use crate::outcomes::RefundOutcome;
use crate::requests::RefundRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};

impl Engine {
    /// Refunds (part of) a purchase, reversing its points in proportion.
    pub async fn refund(&self, request: RefundRequest) -> Result<RefundOutcome> {
        let valid = validate::refund(&self.definition().program, request)?;
        match self.writer.submit(Command::Refund(valid)).await? {
            Outcome::Refund(r) => Ok(r),
            other => Err(unexpected(other)),
        }
    }
}
