//! Purchases, events and checkout baskets, checked before the write path: the program's
//! currency, amounts in minor units, lines, dates (not in the future; too late for the
//! backdating window decided after the retry check).

use crate::Backdating;
use crate::checks::{
    amount_minor, attributes, count, not_in_future, optional_text, program_currency,
    stored_precision, text,
};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{
    CheckoutRequest, EventRequest, GuestPurchaseRequest, LINES_MAX, LineRequest, MemberRef,
    POINTS_MAX, PurchaseRequest, QUANTITY_MAX,
};
use jiff::Timestamp;
use laurel_core::Program;
use laurel_core::earn::base_points;
use laurel_core::rules::Basket;
use laurel_store::NewPurchaseLine;
use rust_decimal::Decimal;

/// A purchase after validation: money in minor units, currency checked.
#[derive(Debug, Clone)]
pub(crate) struct ValidPurchase {
    pub request: PurchaseRequest,
    pub total_minor: i64,
    pub lines: Vec<NewPurchaseLine>,
    /// Reported too late: refused unless a retry.
    pub late: Option<TooLate>,
}

/// A non-member's purchase after validation.
#[derive(Debug, Clone)]
pub(crate) struct ValidGuestPurchase {
    pub request: GuestPurchaseRequest,
    pub total_minor: i64,
    /// Reported too late: refused unless a retry.
    pub late: Option<TooLate>,
}

/// An event after validation.
#[derive(Debug, Clone)]
pub(crate) struct ValidEvent {
    pub request: EventRequest,
    /// Reported too late: refused unless a retry.
    pub late: Option<TooLate>,
}

/// A purchase or event reported later than the program's backdating window allows. It is
/// refused, unless it is a retry of one already recorded: a retry always gets its first
/// answer, so the refusal is decided in the write path, after the replay check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TooLate {
    window_days: u32,
}

impl TooLate {
    /// The refusal a new activity gets.
    pub fn refusal(self) -> EngineError {
        EngineError::invalid(
            "occurred_at",
            ErrorCode::BackdatedTooFar,
            format!(
                "is more than {} days ago: the program accepts late reports for that long",
                self.window_days
            ),
        )
    }
}

/// When a purchase or event happened, at the store's precision, and whether it is reported
/// too late (see [`TooLate`]). Refused at once when in the future.
pub(crate) fn occurred_at(
    program: &Program,
    backdating: Backdating,
    at: Timestamp,
    now: Timestamp,
) -> Result<(Timestamp, Option<TooLate>)> {
    not_in_future("occurred_at", at, now)?;
    let late = (backdating == Backdating::Window && at < program.earliest_reportable(now))
        .then_some(TooLate {
            window_days: program.backdating_days,
        });
    Ok((stored_precision(at), late))
}

pub(crate) fn purchase(
    program: &Program,
    backdating: Backdating,
    mut request: PurchaseRequest,
    now: Timestamp,
) -> Result<ValidPurchase> {
    text("order_id", &request.order_id)?;
    optional_text("store", &request.store)?;
    if let MemberRef::External(ext) = &request.member {
        text("member.external_id", ext)?;
    }
    let late;
    (request.occurred_at, late) = occurred_at(program, backdating, request.occurred_at, now)?;
    let (total_minor, lines) = basket_amounts(
        program,
        &request.currency,
        &mut request.total,
        &mut request.lines,
    )?;
    // The base earn alone must be within bounds; what rules add depends on the member's
    // usage, so the total is checked again when the purchase executes.
    base_points(program, request.total)
        .ok()
        .filter(|p| p.get() <= POINTS_MAX)
        .ok_or_else(|| {
            EngineError::invalid(
                "total",
                ErrorCode::InvalidAmount,
                format!("earns more than {POINTS_MAX} points"),
            )
        })?;
    Ok(ValidPurchase {
        request,
        total_minor,
        lines,
        late,
    })
}

/// Checks a non-member's purchase as a member's is checked, but for the points.
pub(crate) fn guest_purchase(
    program: &Program,
    backdating: Backdating,
    mut request: GuestPurchaseRequest,
    now: Timestamp,
) -> Result<ValidGuestPurchase> {
    text("order_id", &request.order_id)?;
    optional_text("store", &request.store)?;
    let late;
    (request.occurred_at, late) = occurred_at(program, backdating, request.occurred_at, now)?;
    let (total_minor, _) = basket_amounts(
        program,
        &request.currency,
        &mut request.total,
        &mut request.lines,
    )?;
    Ok(ValidGuestPurchase {
        request,
        total_minor,
        late,
    })
}

/// Checks a basket's currency (the program's), total and lines, normalizing the amounts;
/// returns the total and the lines in minor units.
pub(crate) fn basket_amounts(
    program: &Program,
    currency: &str,
    total: &mut Decimal,
    lines: &mut [LineRequest],
) -> Result<(i64, Vec<NewPurchaseLine>)> {
    let currency = program_currency(program, currency)?;
    *total = total.normalize();
    let total_minor = amount_minor("total", *total, currency)?;
    if lines.len() > LINES_MAX {
        return Err(EngineError::invalid(
            "lines",
            ErrorCode::InvalidField,
            format!("at most {LINES_MAX} lines"),
        ));
    }
    let mut minor_lines = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter_mut().enumerate() {
        text(&format!("lines[{i}].sku"), &line.sku)?;
        optional_text(&format!("lines[{i}].category"), &line.category)?;
        count(&format!("lines[{i}].quantity"), line.quantity, QUANTITY_MAX)?;
        line.unit_price = line.unit_price.normalize();
        let field = format!("lines[{i}].unit_price");
        let unit_price_minor = amount_minor(&field, line.unit_price, currency)?;
        minor_lines.push(NewPurchaseLine {
            sku: line.sku.clone(),
            category: line.category.clone(),
            quantity: line.quantity,
            unit_price_minor,
        });
    }
    Ok((total_minor, minor_lines))
}

/// Checks a checkout basket as a purchase's would be checked, and gives it as rules and
/// coupons see it.
pub(crate) fn checkout(program: &Program, mut request: CheckoutRequest) -> Result<Basket> {
    optional_text("store", &request.store)?;
    basket_amounts(
        program,
        &request.currency,
        &mut request.total,
        &mut request.lines,
    )?;
    Ok(Basket {
        channel: request.channel,
        store: request.store,
        partner: None,
        total: request.total,
        lines: request
            .lines
            .iter()
            .map(crate::earning::credit::line)
            .collect(),
    })
}

/// Checks an event: `known` says whether the program knows its kind.
pub(crate) fn event(
    program: &Program,
    backdating: Backdating,
    known: impl Fn(&str) -> bool,
    mut request: EventRequest,
    now: Timestamp,
) -> Result<ValidEvent> {
    text("event_id", &request.event_id)?;
    if let MemberRef::External(ext) = &request.member {
        text("member.external_id", ext)?;
    }
    text("kind", &request.kind)?;
    if !known(&request.kind) {
        return Err(EngineError::invalid(
            "kind",
            ErrorCode::UnknownEventKind,
            format!(
                "`{}` is neither a standard event kind nor declared in the program's [events]",
                request.kind
            ),
        ));
    }
    attributes(&request.attributes)?;
    let late;
    (request.occurred_at, late) = occurred_at(program, backdating, request.occurred_at, now)?;
    Ok(ValidEvent { request, late })
}
