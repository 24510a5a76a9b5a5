//! Earning rules: conditions, effects, limits, stacking, the calendar, events, validation, and
//! the properties every evaluation keeps.

#[path = "rules/conditions.rs"]
mod conditions;

#[path = "rules/calendar.rs"]
mod calendar;

#[path = "rules/effects.rs"]
mod effects;

#[path = "rules/limits.rs"]
mod limits;

#[path = "rules/stacking.rs"]
mod stacking;

#[path = "rules/events.rs"]
mod events;

#[path = "rules/validation.rs"]
mod validation;

#[path = "rules/props.rs"]
mod props;

#[path = "rules/partners.rs"]
mod partners;
