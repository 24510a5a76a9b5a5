//! The JSON API under `/api/v1`.

pub mod members;
pub mod points;
pub mod purchases;
