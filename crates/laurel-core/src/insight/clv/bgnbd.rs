//! The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "'Counting Your Customers'
//! the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2)).
//!
//! While active, a member buys as a Poisson process of rate λ; after each repeat purchase they
//! lapse for good with probability p. Across members λ ~ Gamma(r, α) (α a rate, in days) and
//! p ~ Beta(a, b). The four parameters are fitted to every member's (x, tₓ, T); each member's
//! forecast is then conditioned on their own history.

use libm::lgamma;

use super::fit::{Fit, REPEAT_BUYERS_MIN, ln_add_exp, maximise, positive};
use super::hyp2f1::hyp2f1_excess_over_b;
use super::{ClvError, CustomerSummary};

/// The BG/NBD parameters; times in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbd {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

/// Members who share (x, tₓ, T), counted: the likelihood is summed once per pattern, and with
/// whole days many members share one (every one-time buyer of a day has the same).
#[derive(Debug, Clone, Copy)]
struct Pattern {
    x: u32,
    t_x: f64,
    t: f64,
    members: f64,
}

/// The largest dropout shape (a or b) a fit may end at: beyond it the data cannot tell members'
/// dropout probabilities apart, and the forecasts' series would not settle within its terms.
pub const DROPOUT_SHAPE_MAX: f64 = 1e5;

impl BgNbd {
    /// The model with shape r and rate α (per day) of the purchase rates' gamma, and the
    /// shapes a and b of the dropout probabilities' beta; each positive and finite.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<BgNbd, ClvError> {
        Ok(BgNbd {
            r: positive("r", r)?,
            alpha: positive("alpha", alpha)?,
            a: positive("a", a)?,
            b: positive("b", b)?,
        })
    }

    /// r: the shape of the purchase rates' gamma (small: rates differ widely between members).
    pub fn r(&self) -> f64 {
        self.r
    }

    /// α: the rate of the purchase rates' gamma, in days (mean purchase rate is r / α per day).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// a: the first shape of the dropout probabilities' beta (mean dropout is a / (a + b)).
    pub fn a(&self) -> f64 {
        self.a
    }

    /// b: the second shape of the dropout probabilities' beta.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// The parameters that maximise the likelihood of the members' summaries.
    ///
    /// Needs [`REPEAT_BUYERS_MIN`] members with a repeat purchase. The cost is one likelihood
    /// per distinct (x, tₓ, T) per iteration (a few hundred to two thousand iterations).
    pub fn fit(summaries: &[CustomerSummary]) -> Result<Fit<BgNbd>, ClvError> {
        let repeat_buyers = summaries.iter().filter(|s| s.frequency() > 0).count();
        if repeat_buyers < REPEAT_BUYERS_MIN {
            return Err(ClvError::TooFewRepeatBuyers {
                found: repeat_buyers,
                needed: REPEAT_BUYERS_MIN,
            });
        }
        let patterns = patterns(summaries);
        let members = summaries.len() as f64;
        // Start where the rates' mean is one purchase over the members' mean age and the
        // dropout probability is uniform: the right order of magnitude for α whatever the
        // program's rhythm, which is what the search needs (it moves in proportions).
        let mean_age = summaries.iter().map(|s| s.age()).sum::<f64>() / members;
        let start = [1.0, mean_age.max(1.0), 1.0, 1.0];
        let found = maximise(
            |&[r, alpha, a, b]| log_likelihood(BgNbd { r, alpha, a, b }, &patterns) / members,
            start,
            ["r", "alpha", "a", "b"],
        )?;
        let [r, alpha, a, b] = found.parameters;
        // a and b that large make the dropout probability the same for every member (the
        // beta distribution a point): the likelihood is flat along a/(a+b) fixed, so the fit
        // drifts outwards, and the forecast's series would need about a·z terms.
        for (name, value) in [("a", a), ("b", b)] {
            if value > DROPOUT_SHAPE_MAX {
                return Err(ClvError::ParameterUnbounded { name, value });
            }
        }
        Ok(Fit {
            model: BgNbd { r, alpha, a, b },
            log_likelihood: found.mean_log_likelihood * members,
            members: summaries.len(),
            iterations: found.iterations,
        })
    }

    /// The log-likelihood of the members' summaries under these parameters (eq. 6, summed).
    pub fn log_likelihood(&self, summaries: &[CustomerSummary]) -> f64 {
        log_likelihood(*self, &patterns(summaries))
    }

    /// The probability the member is still active (has not lapsed) as of their summary.
    ///
    /// 1 for a member without repeat purchases: the model lets members lapse only just after a
    /// repeat purchase. Otherwise 1 / (1 + a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)), the denominator
    /// of eq. 10 (derived in Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD
    /// model"); it falls as the silence since the last purchase grows against the member's
    /// rhythm. A member who bought today is still below 1 (they may lapse right after any
    /// repeat purchase), the less so the more they have bought.
    pub fn p_alive(&self, summary: &CustomerSummary) -> f64 {
        if summary.frequency() == 0 {
            return 1.0;
        }
        let x = f64::from(summary.frequency());
        let ln_odds_lapsed = self.a.ln() - (self.b + x - 1.0).ln()
            + (self.r + x)
                * ((self.alpha + summary.age()).ln() - (self.alpha + summary.recency()).ln());
        // exp may overflow to ∞ for a long silence: the probability is then 0, as it should be.
        1.0 / (1.0 + ln_odds_lapsed.exp())
    }

    /// The member's expected purchases in the next `days` days, given their history (eq. 10).
    pub fn expected_purchases(
        &self,
        summary: &CustomerSummary,
        days: f64,
    ) -> Result<f64, ClvError> {
        let conditional = self.expected_if_alive(summary.frequency(), summary.age(), days)?;
        Ok(self.p_alive(summary) * conditional)
    }

    /// A new member's expected repeat purchases in their first `days` days (eq. 9): the
    /// population's rhythm, for a member with no history yet.
    pub fn population_expected_purchases(&self, days: f64) -> Result<f64, ClvError> {
        // Eq. 9 is eq. 10's numerator for a member with x = 0 at T = 0.
        self.expected_if_alive(0, 0.0, days)
    }

    /// Eq. 10's numerator: (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)]
    /// with z = t/(α+T+t), the expected purchases of a member still active.
    ///
    /// Computed in a form that holds for every a, and for a member of any frequency:
    /// Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z) turns the
    /// product into (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose sum no longer grows
    /// like (1−z)^(−x) (10⁹¹ for 400 purchases a year ahead; past f64's range near 1,500).
    /// Then writing that ₂F₁ as 1 + (a−1)·G leaves
    /// [1 − (1−z)^(a−1)(1 + (a−1)G)] / (a−1) = −expm1((a−1) ln(1−z)) / (a−1) − (1−z)^(a−1) G,
    /// with no division of two small numbers as a approaches 1 (where the paper's form is 0/0).
    fn expected_if_alive(&self, frequency: u32, age: f64, days: f64) -> Result<f64, ClvError> {
        if !(days.is_finite() && days >= 0.0) {
            return Err(ClvError::InvalidHorizon { days });
        }
        let BgNbd { r, alpha, a, b } = *self;
        let x = f64::from(frequency);
        let z = days / (alpha + age + days);
        let ln_one_minus_z = -(days / (alpha + age)).ln_1p();
        let shape = a - 1.0;
        let g = hyp2f1_excess_over_b(a + b - 1.0 - r, shape, a + b + x - 1.0, z)?;
        let w = shape * ln_one_minus_z;
        let head = if w == 0.0 {
            // Either a = 1, where −expm1(w)/(a−1) tends to −ln(1−z), or t = 0 and both are 0.
            -ln_one_minus_z
        } else {
            -w.exp_m1() / shape
        };
        Ok((a + b + x - 1.0) * (head - w.exp() * g))
    }
}

/// The members' summaries as counted patterns, sorted by frequency.
fn patterns(summaries: &[CustomerSummary]) -> Vec<Pattern> {
    let mut keys: Vec<(u32, f64, f64)> = summaries
        .iter()
        .map(|s| (s.frequency(), s.recency(), s.age()))
        .collect();
    keys.sort_unstable_by(|p, q| {
        p.0.cmp(&q.0)
            .then(p.1.total_cmp(&q.1))
            .then(p.2.total_cmp(&q.2))
    });
    let mut patterns: Vec<Pattern> = Vec::new();
    for (x, t_x, t) in keys {
        match patterns.last_mut() {
            Some(last) if last.x == x && last.t_x == t_x && last.t == t => last.members += 1.0,
            _ => patterns.push(Pattern {
                x,
                t_x,
                t,
                members: 1.0,
            }),
        }
    }
    patterns
}

/// Σ ln L(r, α, a, b | x, tₓ, T) over the patterns, each times its members (eq. 6):
/// L = A₁·A₂·(A₃ + [x > 0]·A₄) with A₁ = Γ(r+x) αʳ / Γ(r), A₂ = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x)),
/// A₃ = (α+T)^−(r+x), A₄ = a/(b+x−1) · (α+tₓ)^−(r+x).
fn log_likelihood(model: BgNbd, patterns: &[Pattern]) -> f64 {
    let BgNbd { r, alpha, a, b } = model;
    let (ln_gamma_r, ln_gamma_b, ln_gamma_ab) = (lgamma(r), lgamma(b), lgamma(a + b));
    let r_ln_alpha = r * alpha.ln();
    let mut total = 0.0;
    // A₁·A₂ and ln(a/(b+x−1)) depend on x only; the patterns come sorted by x.
    let mut current: Option<(u32, f64, f64)> = None;
    for pattern in patterns {
        let x = f64::from(pattern.x);
        let (ln_a1_a2, ln_dropout) = match current {
            Some((seen, ln_a1_a2, ln_dropout)) if seen == pattern.x => (ln_a1_a2, ln_dropout),
            _ => {
                let ln_a1_a2 =
                    lgamma(r + x) - ln_gamma_r + r_ln_alpha + ln_gamma_ab + lgamma(b + x)
                        - ln_gamma_b
                        - lgamma(a + b + x);
                let ln_dropout = if pattern.x > 0 {
                    a.ln() - (b + x - 1.0).ln()
                } else {
                    f64::NEG_INFINITY
                };
                current = Some((pattern.x, ln_a1_a2, ln_dropout));
                (ln_a1_a2, ln_dropout)
            }
        };
        let ln_a3 = -(r + x) * (alpha + pattern.t).ln();
        let ln_a4 = ln_dropout - (r + x) * (alpha + pattern.t_x).ln();
        total += pattern.members * (ln_a1_a2 + ln_add_exp(ln_a3, ln_a4));
    }
    total
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The paper's CDNOW estimates, α turned from per week to per day.
    fn cdnow_in_days() -> BgNbd {
        BgNbd::new(0.243, 4.414 * 7.0, 0.793, 2.426).unwrap()
    }

    fn summary(x: u32, t_x: f64, t: f64) -> CustomerSummary {
        CustomerSummary::new(x, t_x, t, if x > 0 { 1.0 } else { 0.0 }).unwrap()
    }

    fn close(got: f64, expected: f64, relative: f64) {
        let error = (got - expected).abs() / expected.abs();
        assert!(
            error < relative,
            "{got} against {expected} (relative error {error:e})"
        );
    }

    #[test]
    fn the_likelihood_of_a_tiny_case_is_the_one_worked_by_hand() {
        // r = α = a = b = 1: λ ~ Exp(1), p ~ U(0, 1).
        let model = BgNbd::new(1.0, 1.0, 1.0, 1.0).unwrap();
        // No repeat purchase in T = 1: ∫ e^−λ e^−λ dλ = 1/2.
        close(
            model.log_likelihood(&[summary(0, 0.0, 1.0)]),
            0.5f64.ln(),
            1e-14,
        );
        // One at tₓ = 1, seen to T = 2: ∫∫ [(1−p) λ e^−2λ + p λ e^−λ] e^−λ dλ dp
        // = ½·⅑ + ½·¼ = 13/72.
        let one_repeat = summary(1, 1.0, 2.0);
        close(
            model.log_likelihood(&[one_repeat]),
            (13.0f64 / 72.0).ln(),
            1e-14,
        );
        // Members add up, however they are ordered.
        close(
            model.log_likelihood(&[one_repeat, summary(0, 0.0, 1.0), one_repeat]),
            2.0 * (13.0f64 / 72.0).ln() + 0.5f64.ln(),
            1e-14,
        );
    }

    #[test]
    fn a_member_without_repeat_purchases_is_alive() {
        assert_eq!(cdnow_in_days().p_alive(&summary(0, 0.0, 300.0)), 1.0);
    }

    #[test]
    fn a_long_silence_after_frequent_buying_means_lapsed() {
        let model = cdnow_in_days();
        // Twenty purchases in the first month, then 270 days of nothing.
        let silent = model.p_alive(&summary(20, 30.0, 300.0));
        assert!(silent < 1e-6, "{silent}");
        // The same twenty, the last one five days ago.
        let recent = model.p_alive(&summary(20, 295.0, 300.0));
        assert!(recent > 0.9, "{recent}");
        // An occasional buyer silent as long may well be lapsed too, but far less surely.
        let occasional = model.p_alive(&summary(1, 30.0, 300.0));
        assert!(
            occasional > 0.2 && occasional > 1e4 * silent,
            "{occasional}"
        );
        // A silence long enough to overflow the odds is 0, not NaN.
        assert_eq!(model.p_alive(&summary(400, 10.0, 5_000.0)), 0.0);
    }

    /// Reference values from the paper's form of eq. 10 (and eq. 9) evaluated with mpmath at 30
    /// significant digits, including the paper's own CDNOW example in weeks.
    #[test]
    fn expected_purchases_meet_the_papers_formula() {
        let days = BgNbd::new(0.24, 4.41 * 7.0, 0.79, 2.43).unwrap();
        let cases = [
            (
                days,
                summary(2, 30.0, 266.0),
                273.0,
                0.190_349_384_146_948_1,
            ),
            (days, summary(0, 0.0, 100.0), 90.0, 0.150_711_191_435_490_56),
            (
                days,
                summary(20, 250.0, 273.0),
                365.0,
                15.029_613_084_692_03,
            ),
            (
                BgNbd::new(0.24, 4.41, 0.79, 2.43).unwrap(),
                summary(2, 30.43, 38.86),
                39.0,
                1.227_367_517_755_395,
            ),
        ];
        for (model, member, horizon, expected) in cases {
            close(
                model.expected_purchases(&member, horizon).unwrap(),
                expected,
                1e-12,
            );
        }
        close(
            BgNbd::new(0.24, 4.41, 0.79, 2.43)
                .unwrap()
                .population_expected_purchases(39.0)
                .unwrap(),
            1.186_356_435_733_028_6,
            1e-12,
        );
        close(
            days.population_expected_purchases(365.0).unwrap(),
            1.436_657_144_551_478_7,
            1e-12,
        );
    }

    #[test]
    fn expected_purchases_hold_at_a_equal_to_one() {
        // The paper's form is 0/0 at a = 1; its limit, from mpmath at a = 1 + 10⁻³⁰.
        let model = BgNbd::new(0.24, 30.87, 1.0, 2.43).unwrap();
        let got = model
            .expected_purchases(&summary(2, 30.0, 266.0), 273.0)
            .unwrap();
        close(got, 0.148_113_151_108_702_36, 1e-12);
        let near = BgNbd::new(0.24, 30.87, 1.0 + 1e-9, 2.43).unwrap();
        close(
            near.expected_purchases(&summary(2, 30.0, 266.0), 273.0)
                .unwrap(),
            got,
            1e-8,
        );
    }

    #[test]
    fn a_very_frequent_buyer_gets_a_finite_forecast() {
        // x = 400: the paper's form needs ₂F₁ ≈ (1−z)^−400 ≈ 10^91 before multiplying it away
        // (reference from mpmath at 60 digits).
        let model = cdnow_in_days();
        let daily = model
            .expected_purchases(&summary(400, 499.0, 500.0), 365.0)
            .unwrap();
        close(daily, 220.460_333_872_188_37, 1e-12);
    }

    #[test]
    fn no_time_ahead_means_no_purchases_and_a_bad_horizon_is_refused() {
        let model = cdnow_in_days();
        assert_eq!(
            model
                .expected_purchases(&summary(3, 50.0, 80.0), 0.0)
                .unwrap(),
            0.0
        );
        for days in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                model.expected_purchases(&summary(3, 50.0, 80.0), days),
                Err(ClvError::InvalidHorizon { .. })
            ));
        }
    }

    #[test]
    fn parameters_must_be_positive_and_finite() {
        assert!(matches!(
            BgNbd::new(0.0, 1.0, 1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "r", .. })
        ));
        assert!(matches!(
            BgNbd::new(1.0, f64::INFINITY, 1.0, 1.0),
            Err(ClvError::InvalidParameter { name: "alpha", .. })
        ));
    }

    #[test]
    fn a_fit_needs_repeat_buyers() {
        let once: Vec<CustomerSummary> = (0..1_000).map(|_| summary(0, 0.0, 100.0)).collect();
        assert_eq!(
            BgNbd::fit(&once),
            Err(ClvError::TooFewRepeatBuyers {
                found: 0,
                needed: REPEAT_BUYERS_MIN
            })
        );
    }
}
