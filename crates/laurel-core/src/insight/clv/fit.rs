//! Maximum likelihood over positive parameters, shared by the BG/NBD and Gamma-Gamma fits: the
//! search runs on the parameters' logarithms, so it is unconstrained and moves in proportion.

use super::ClvError;
use super::nelder_mead::{Tolerance, minimize};

/// Fewest members with a repeat purchase a fit accepts. Below this the likelihood is too flat
/// for the parameters to mean anything (the dropout and spend parameters are learnt only from
/// repeat buyers); a useful fit wants hundreds.
pub const REPEAT_BUYERS_MIN: usize = 30;

/// Widest a parameter's logarithm may range: e^±20 is 2·10⁻⁹ to 5·10⁸, far past any value a
/// purchase history in days and minor units supports. A fit that ends near this edge has a
/// parameter the data cannot bound (the likelihood keeps rising towards 0 or ∞), and is refused.
const LOG_PARAMETER_MAX: f64 = 20.0;

/// How near the edge a fitted logarithm counts as pushed against it.
const LOG_PARAMETER_EDGE: f64 = 1.0;

/// Steps of the first simplex, in logarithms (a factor of e^0.5 ≈ 1.65 per parameter).
const LOG_STEP: f64 = 0.5;

/// Done when the mean log-likelihood per member moves less than 10⁻¹⁰ across the simplex and the
/// parameters less than 10⁻⁶ relatively: far inside their sampling error at any data size. The
/// fits take a few hundred to about two thousand iterations; ten times that is a fit that wanders.
const TOLERANCE: Tolerance = Tolerance {
    value: 1e-10,
    point: 1e-6,
    iterations_max: 20_000,
};

/// A fitted model and how the fit went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit<M> {
    /// The parameters that maximise the likelihood.
    pub model: M,
    /// The log-likelihood of the members fitted on, at those parameters.
    pub log_likelihood: f64,
    /// Members the model was fitted on.
    pub members: usize,
    /// Iterations the optimiser took.
    pub iterations: usize,
}

/// The maximum of a mean log-likelihood over N positive parameters, searched from `start`.
pub(crate) struct Maximum<const N: usize> {
    /// The parameters (not their logarithms).
    pub parameters: [f64; N],
    /// The mean log-likelihood there.
    pub mean_log_likelihood: f64,
    /// Iterations taken.
    pub iterations: usize,
}

/// Maximises `mean_log_likelihood` over positive parameters named `names`, from `start`.
pub(crate) fn maximise<const N: usize>(
    mean_log_likelihood: impl Fn(&[f64; N]) -> f64,
    start: [f64; N],
    names: [&'static str; N],
) -> Result<Maximum<N>, ClvError> {
    let objective = |logs: &[f64; N]| {
        if logs.iter().any(|l| l.abs() > LOG_PARAMETER_MAX) {
            return f64::INFINITY;
        }
        -mean_log_likelihood(&logs.map(f64::exp))
    };
    let found = minimize(objective, start.map(f64::ln), LOG_STEP, TOLERANCE)?;
    for (log, name) in found.point.iter().zip(names) {
        if log.abs() > LOG_PARAMETER_MAX - LOG_PARAMETER_EDGE {
            return Err(ClvError::ParameterUnbounded {
                name,
                value: log.exp(),
            });
        }
    }
    Ok(Maximum {
        parameters: found.point.map(f64::exp),
        mean_log_likelihood: -found.value,
        iterations: found.iterations,
    })
}

/// ln(eᵘ + eᵛ) without overflow.
pub(crate) fn ln_add_exp(u: f64, v: f64) -> f64 {
    let (high, low) = if u >= v { (u, v) } else { (v, u) };
    if low == f64::NEG_INFINITY {
        return high;
    }
    high + (low - high).exp().ln_1p()
}

/// A positive finite parameter, or the error naming it.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, ClvError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ClvError::InvalidParameter { name, value })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_likelihood_is_maximised_over_positive_parameters() {
        // The log-likelihood of an exponential sample with mean 4: maximised at rate 1/4.
        let found = maximise(|[rate]| rate.ln() - 4.0 * rate, [1.0], ["rate"]).unwrap();
        assert!((found.parameters[0] - 0.25).abs() < 1e-6);
        assert!((found.mean_log_likelihood - (0.25f64.ln() - 1.0)).abs() < 1e-10);
    }

    #[test]
    fn a_parameter_the_data_cannot_bound_is_refused() {
        // Rising for ever as the parameter grows.
        let result = maximise(|[k]| -1.0 / k, [1.0], ["k"]);
        assert!(matches!(
            result,
            Err(ClvError::ParameterUnbounded { name: "k", .. })
        ));
    }

    #[test]
    fn logs_add_without_overflow() {
        assert!((ln_add_exp(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(ln_add_exp(-5.0, f64::NEG_INFINITY), -5.0);
    }
}
