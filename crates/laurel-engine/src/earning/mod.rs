//! Earning: purchases and custom events (checked in `validate`, executed in `execute`, what
//! they earn in `credit`) and the read-only purchase preview.

pub(crate) mod credit;
pub(crate) mod execute;
pub(crate) mod guest;
mod preview;
pub(crate) mod validate;

pub use preview::{ApplicableCoupon, PreviewOutcome};

use crate::error::Result;
use crate::outcomes::{EventOutcome, GuestPurchaseOutcome, PurchaseOutcome};
use crate::requests::{EventRequest, GuestPurchaseRequest, PurchaseRequest};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;

impl Engine {
    /// Records a purchase and earns its points; the same order again answers the same.
    pub async fn purchase(&self, request: PurchaseRequest) -> Result<PurchaseOutcome> {
        let valid = validate::purchase(
            &self.definition().program,
            self.config.backdating,
            request,
            Timestamp::now(),
        )?;
        match self.writer.submit(Command::Purchase(valid)).await? {
            Outcome::Purchase(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// Records a purchase by a customer who is not a member (no points: it is counted only
    /// to compare members' spending with others'); the same order again answers the same.
    pub async fn guest_purchase(
        &self,
        request: GuestPurchaseRequest,
    ) -> Result<GuestPurchaseOutcome> {
        let valid = validate::guest_purchase(
            &self.definition().program,
            self.config.backdating,
            request,
            Timestamp::now(),
        )?;
        match self.writer.submit(Command::GuestPurchase(valid)).await? {
            Outcome::GuestPurchase(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// Records a custom event and earns what the program's event rules grant for it; the same
    /// event id again (for the member) answers the same.
    pub async fn record_event(&self, request: EventRequest) -> Result<EventOutcome> {
        let definition = self.definition();
        let valid = validate::event(
            &definition.program,
            self.config.backdating,
            |kind| definition.knows_event(kind),
            request,
            Timestamp::now(),
        )?;
        match self.writer.submit(Command::Event(valid)).await? {
            Outcome::Event(e) => Ok(e),
            other => Err(unexpected(other)),
        }
    }
}
