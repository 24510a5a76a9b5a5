//! Customer lifetime value: for each member with a purchase history, the probability they are
//! still active, their expected purchases ahead and their value over the next twelve months,
//! from two buy-till-you-die models fitted on the program's own history.
//!
//! - [`BgNbd`] (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way") for when and
//!   how often members buy, and when they lapse;
//! - [`GammaGamma`] (Fader, Hardie & Lee 2005, "RFM and CLV") for what they spend per purchase.
//!
//! A member enters as a [`CustomerSummary`] (built from purchases with
//! [`CustomerSummary::from_purchases`]); the models are fitted on every member's summary as of
//! one instant and a [`ClvModel`] gives each member's [`Forecast`]. Times are in days, money in
//! minor units. Pure: the shell reads the purchases and stores the answers.

mod bgnbd;
mod error;
mod fit;
mod gamma_gamma;
mod hyp2f1;
mod nelder_mead;
mod risk;
mod summary;
mod value;

pub use bgnbd::BgNbd;
pub use error::ClvError;
pub use fit::{Fit, REPEAT_BUYERS_MIN};
pub use gamma_gamma::GammaGamma;
pub use risk::{ChurnRisk, ChurnRiskLevel, P_ALIVE_HIGH_RISK_BELOW, P_ALIVE_LOW_RISK_FROM};
pub use summary::{CustomerSummary, Purchase};
pub use value::{ClvModel, Forecast, PURCHASES_HORIZON_DAYS, VALUE_HORIZON_DAYS};
