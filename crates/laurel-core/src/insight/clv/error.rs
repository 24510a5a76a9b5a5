//! Why a summary, a fit or a forecast cannot be had: one error for the CLV models, so the shell
//! maps them in one place.

/// Why the CLV models could not answer.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum ClvError {
    /// A summary's figures cannot describe a purchase history.
    #[error("a purchase summary is impossible: {reason}")]
    InvalidSummary {
        /// Which figure is wrong, in English.
        reason: &'static str,
    },
    /// A model parameter is not a positive finite number.
    #[error("the model parameter {name} must be positive and finite, not {value}")]
    InvalidParameter {
        /// The parameter's name as the papers write it (`r`, `alpha`, `a`, `b`, `p`, `q`, `v`).
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A forecast's horizon is not a finite number of days at or above zero.
    #[error("a forecast's horizon must be a finite number of days at or above zero, not {days}")]
    InvalidHorizon {
        /// The horizon given.
        days: f64,
    },
    /// Too few members bought more than once for a fit to mean anything.
    #[error("{found} members with repeat purchases; a fit needs at least {needed}")]
    TooFewRepeatBuyers {
        /// Members with at least one repeat purchase (and, for spend, a positive mean spend).
        found: usize,
        /// The least a fit accepts ([`super::REPEAT_BUYERS_MIN`]).
        needed: usize,
    },
    /// The likelihood's maximum was not found within the optimiser's limit.
    #[error("the fit did not converge in {iterations} iterations")]
    NotConverged {
        /// Iterations spent.
        iterations: usize,
    },
    /// The likelihood keeps rising as a parameter heads to 0 or ∞: the data cannot pin it down
    /// (for example, no member seems to have lapsed, or every member spends alike).
    #[error("the data cannot bound the parameter {name} (the fit pushed it to {value:e})")]
    ParameterUnbounded {
        /// The parameter's name as the papers write it.
        name: &'static str,
        /// Where the fit left it.
        value: f64,
    },
    /// The fit ended where the likelihood is not a finite number (the data cannot be fitted).
    #[error("the fit found no parameters with a finite likelihood")]
    NoFiniteLikelihood,
    /// The hypergeometric series a forecast needs did not settle within its limit of terms.
    #[error("the hypergeometric series did not converge in {terms} terms")]
    SeriesNotConverged {
        /// Terms summed.
        terms: usize,
    },
    /// The hypergeometric series is asked for where it does not converge or is not defined.
    #[error("the hypergeometric series is not defined here: {reason}")]
    SeriesOutOfDomain {
        /// Why, in English.
        reason: &'static str,
    },
    /// Under the fitted Gamma-Gamma parameters the mean spend is unbounded (q ≤ 1).
    #[error("the mean spend per purchase is unbounded when q ≤ 1 (q = {q})")]
    UnboundedSpend {
        /// The fitted q.
        q: f64,
    },
}
