//! Gauss's hypergeometric function ₂F₁(a, b; c; z) by its power series, which the BG/NBD
//! forecasts need (Fader, Hardie & Lee 2005, eqs. 9 and 10).
//!
//! Only the series is implemented, and only for 0 ≤ z < 1, which is where the forecasts ask
//! (z = t / (α + T + t)); negative z would need a different stopping rule (alternating terms). Near z = 1 the series is slow, so it is summed under a limit of
//! terms and reports when it did not settle rather than return a truncated sum.

use super::ClvError;

/// Most terms one series may take: z = 0.9999 settles in about 4·10⁵ terms at double
/// precision, which covers a forecast ten years ahead with α of a fraction of a day.
pub(crate) const SERIES_TERMS_MAX: usize = 1_000_000;

/// Relative size of the tail at which the sum is taken as settled (a few ulps).
const SETTLED_RELATIVE: f64 = 1e-16;

/// ₂F₁(a, b; c; z) = Σₙ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1 and c not 0, −1, −2, ….
///
/// The forecasts need only [`hyp2f1_excess_over_b`]; the whole function is what the series is
/// checked against known values by.
#[cfg(test)]
pub(crate) fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, ClvError> {
    check_domain(a, b, c, z)?;
    series(1.0, 0, a, b, c, z)
}

/// (₂F₁(a, b; c; z) − 1) / b, summed without dividing by b, so it holds at b = 0 (its limit).
///
/// Every term after the first carries (b)ₙ = b·(b+1)ₙ₋₁, so dividing by b only drops that
/// factor from the first term; the forecast uses this where b = a − 1 of the BG/NBD model may
/// be arbitrarily close to zero and (F − 1) / b would lose every digit.
pub(crate) fn hyp2f1_excess_over_b(a: f64, b: f64, c: f64, z: f64) -> Result<f64, ClvError> {
    check_domain(a, b, c, z)?;
    series(a * z / c, 1, a, b, c, z)
}

fn check_domain(a: f64, b: f64, c: f64, z: f64) -> Result<(), ClvError> {
    if !(a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite()) {
        return Err(ClvError::SeriesOutOfDomain {
            reason: "an argument is not a finite number",
        });
    }
    if !(0.0..1.0).contains(&z) {
        return Err(ClvError::SeriesOutOfDomain {
            reason: "the series is summed only for 0 ≤ z < 1",
        });
    }
    if c <= 0.0 && c == c.round() {
        return Err(ClvError::SeriesOutOfDomain {
            reason: "c is zero or a negative integer (a pole)",
        });
    }
    Ok(())
}

/// Σ tₙ from n = `first_n` on, with t_{first_n} = `first` and
/// tₙ₊₁ = tₙ · ρₙ, ρₙ = (a+n)(b+n) / ((c+n)(n+1)) · z.
///
/// When to stop: once every factor of ρₙ is positive, ρₙ − 1 has the sign of a quadratic in n
/// that opens downwards, so the terms may shrink at first and grow again before they shrink for
/// good. Past that quadratic's vertex they cannot, and ρₙ tends to z, so the rest of the sum is
/// bounded by the geometric series of max(ρₙ, z) and the sum is settled when that bound is below
/// its precision.
fn series(first: f64, first_n: usize, a: f64, b: f64, c: f64, z: f64) -> Result<f64, ClvError> {
    let vertex = ((a + b) * z - c - 1.0) / (2.0 * (1.0 - z));
    let steady_from = vertex.max(-a).max(-b).max(-c).max(0.0);
    let mut term = first;
    let mut sum = first;
    for n in first_n..SERIES_TERMS_MAX {
        let k = n as f64;
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        term *= ratio;
        sum += term;
        if term == 0.0 {
            // a or b is a non-positive integer (or z = 0): the series is a polynomial and ended.
            return Ok(sum);
        }
        let bound = ratio.max(z);
        if k >= steady_from
            && bound < 1.0
            && term.abs() * bound / (1.0 - bound) <= SETTLED_RELATIVE * sum.abs()
        {
            return Ok(sum);
        }
    }
    Err(ClvError::SeriesNotConverged {
        terms: SERIES_TERMS_MAX,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Reference values computed with mpmath's `hyp2f1` at 30 significant digits.
    fn check(a: f64, b: f64, c: f64, z: f64, expected: f64) {
        let got = hyp2f1(a, b, c, z).unwrap();
        let error = (got - expected).abs() / expected.abs();
        assert!(
            error < 1e-13,
            "2F1({a}, {b}; {c}; {z}) = {got}, expected {expected} (relative error {error:e})"
        );
    }

    #[test]
    fn the_series_meets_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        check(1.0, 1.0, 2.0, 0.5, 2.0 * std::f64::consts::LN_2);
        // ₂F₁(a, b; b; z) = (1 − z)^(−a).
        check(0.7, 3.2, 3.2, 0.3, 0.7f64.powf(-0.7));
        // ₂F₁(½, ½; 3/2; z²) = arcsin(z) / z.
        check(0.5, 0.5, 1.5, 0.25, 0.5f64.asin() / 0.5);
    }

    #[test]
    fn the_series_meets_reference_values() {
        check(2.24, 4.43, 5.22, 0.5, 3.612_116_637_971_373_5);
        check(0.5, -0.3, 2.2, 0.9, 0.924_365_010_999_990_5);
        check(-0.21, 2.98, 1.22, 0.8, -0.567_815_584_147_098_5);
        // Close to z = 1 the terms shrink slowly; the guard must not stop early.
        check(1.5, 2.5, 4.0, 0.99, 14.520_358_060_671_332);
    }

    #[test]
    fn terms_that_shrink_before_they_grow_are_not_taken_as_settled() {
        // The second term is 10⁻⁸ of the first, yet the terms later grow by 10⁴⁶.
        check(1e-9, 60.0, 5.0, 0.9, 6.835_886_065_861_221e38);
    }

    #[test]
    fn a_negative_integer_parameter_ends_the_series_as_a_polynomial() {
        // ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
        let (b, c, z) = (1.5, 2.5, 0.4);
        let expected = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        check(-2.0, b, c, z, expected);
    }

    #[test]
    fn the_excess_over_b_is_the_series_less_one_over_b_and_holds_at_b_zero() {
        let (a, b, c, z) = (2.24, 0.3, 5.22, 0.7);
        let direct = (hyp2f1(a, b, c, z).unwrap() - 1.0) / b;
        let excess = hyp2f1_excess_over_b(a, b, c, z).unwrap();
        assert!((direct - excess).abs() < 1e-13 * direct.abs());
        // As b → 0, (F − 1)/b → Σₙ≥₁ (a)ₙ (n−1)! / ((c)ₙ n!) zⁿ; for a = c it is −ln(1 − z).
        let limit = hyp2f1_excess_over_b(1.7, 0.0, 1.7, 0.5).unwrap();
        assert!((limit - 2.0f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn outside_the_unit_disc_or_at_a_pole_it_refuses() {
        assert!(matches!(
            hyp2f1(1.0, 1.0, 2.0, 1.0),
            Err(ClvError::SeriesOutOfDomain { .. })
        ));
        assert!(matches!(
            hyp2f1(1.0, 1.0, 2.0, -0.5),
            Err(ClvError::SeriesOutOfDomain { .. })
        ));
        assert!(matches!(
            hyp2f1(1.0, 1.0, -2.0, 0.5),
            Err(ClvError::SeriesOutOfDomain { .. })
        ));
        assert!(matches!(
            hyp2f1(f64::NAN, 1.0, 2.0, 0.5),
            Err(ClvError::SeriesOutOfDomain { .. })
        ));
    }

    #[test]
    fn a_series_too_slow_for_the_limit_is_reported_not_truncated() {
        // At z = 1 − 10⁻⁷ the terms of ₂F₁(1, 1; 2; z) fall like zⁿ/n: far beyond the limit.
        assert_eq!(
            hyp2f1(1.0, 1.0, 2.0, 1.0 - 1e-7),
            Err(ClvError::SeriesNotConverged {
                terms: SERIES_TERMS_MAX
            })
        );
    }
}
