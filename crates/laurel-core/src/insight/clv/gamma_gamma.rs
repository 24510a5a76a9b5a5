//! The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV: Using
//! Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4); written
//! out in Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").
//!
//! A member's purchases are worth zᵢ ~ Gamma(p, ν), ν the member's own rate; across members
//! ν ~ Gamma(q, v). Spend is assumed independent of how often a member buys, so it is fitted
//! apart from the BG/NBD model, on the members with repeat purchases, and the two multiply.

use libm::lgamma;

use super::fit::{Fit, REPEAT_BUYERS_MIN, maximise, positive};
use super::{ClvError, CustomerSummary};

/// The Gamma-Gamma parameters; spend in minor units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGamma {
    p: f64,
    q: f64,
    v: f64,
}

/// A repeat buyer as the likelihood reads them, with the logarithms that do not depend on the
/// parameters worked out once.
#[derive(Debug, Clone, Copy)]
struct Spender {
    x: u32,
    mean: f64,
    ln_x: f64,
    ln_mean: f64,
}

impl GammaGamma {
    /// The model with purchase-value shape p and the rates' gamma of shape q and rate v (minor
    /// units); each positive and finite.
    pub fn new(p: f64, q: f64, v: f64) -> Result<GammaGamma, ClvError> {
        Ok(GammaGamma {
            p: positive("p", p)?,
            q: positive("q", q)?,
            v: positive("v", v)?,
        })
    }

    /// p: the shape of one member's purchase values.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// q: the shape of the members' rates ν (small: members' typical spends differ widely).
    pub fn q(&self) -> f64 {
        self.q
    }

    /// v: the rate of the members' rates ν, in minor units.
    pub fn v(&self) -> f64 {
        self.v
    }

    /// The parameters that maximise the likelihood of the repeat buyers' mean spends.
    ///
    /// Fitted on the members with at least one repeat purchase and a positive mean spend (the
    /// model has no zero or negative purchases); needs [`REPEAT_BUYERS_MIN`] of them.
    pub fn fit(summaries: &[CustomerSummary]) -> Result<Fit<GammaGamma>, ClvError> {
        let spenders = spenders(summaries);
        if spenders.len() < REPEAT_BUYERS_MIN {
            return Err(ClvError::TooFewRepeatBuyers {
                found: spenders.len(),
                needed: REPEAT_BUYERS_MIN,
            });
        }
        let members = spenders.len() as f64;
        // Start with p = 1, q = 2 and v the spenders' mean spend, where the population's mean
        // purchase p·v/(q−1) is theirs: the right scale whatever the currency's minor unit.
        let mean = spenders.iter().map(|s| s.mean).sum::<f64>() / members;
        let found = maximise(
            |&[p, q, v]| log_likelihood(GammaGamma { p, q, v }, &spenders) / members,
            [1.0, 2.0, mean],
            ["p", "q", "v"],
        )?;
        let [p, q, v] = found.parameters;
        Ok(Fit {
            model: GammaGamma { p, q, v },
            log_likelihood: found.mean_log_likelihood * members,
            members: spenders.len(),
            iterations: found.iterations,
        })
    }

    /// The log-likelihood of the repeat buyers' mean spends (members without a repeat purchase
    /// or with no positive mean spend are left out, as in the fit).
    pub fn log_likelihood(&self, summaries: &[CustomerSummary]) -> f64 {
        log_likelihood(*self, &spenders(summaries))
    }

    /// The member's expected spend per purchase in minor units, given their mean so far
    /// (Fader & Hardie 2013, eq. 5): p(v + x·m̄) / (px + q − 1), a weighted mean of the
    /// population's p·v/(q−1) and the member's own m̄, which weighs more the more they bought.
    ///
    /// A member without repeat purchases, or whose repeat purchases total nothing, gets the
    /// population's mean. Unbounded (refused) when
    /// px + q ≤ 1: the fitted spread of spends is too wide for a mean to exist.
    pub fn expected_spend(&self, summary: &CustomerSummary) -> Result<f64, ClvError> {
        let GammaGamma { p, q, v } = *self;
        let (x, mean) = if summary.frequency() > 0 && summary.monetary() > 0.0 {
            (f64::from(summary.frequency()), summary.monetary())
        } else {
            (0.0, 0.0)
        };
        let denominator = p * x + q - 1.0;
        if denominator <= 0.0 {
            return Err(ClvError::UnboundedSpend { q });
        }
        Ok(p * (v + x * mean) / denominator)
    }
}

/// The members the model reads: repeat buyers with a positive mean spend, sorted by frequency.
fn spenders(summaries: &[CustomerSummary]) -> Vec<Spender> {
    let mut spenders: Vec<Spender> = summaries
        .iter()
        .filter(|s| s.frequency() > 0 && s.monetary() > 0.0)
        .map(|s| Spender {
            x: s.frequency(),
            mean: s.monetary(),
            ln_x: f64::from(s.frequency()).ln(),
            ln_mean: s.monetary().ln(),
        })
        .collect();
    spenders.sort_unstable_by_key(|s| s.x);
    spenders
}

/// Σ ln L(p, q, v | x, m̄): the density of a mean m̄ of x purchases with ν integrated out,
/// L = Γ(px+q) / (Γ(px) Γ(q)) · v^q · m̄^(px−1) · x^(px) / (v + x·m̄)^(px+q).
fn log_likelihood(model: GammaGamma, spenders: &[Spender]) -> f64 {
    let GammaGamma { p, q, v } = model;
    let q_ln_v_less_ln_gamma_q = q * v.ln() - lgamma(q);
    let mut total = 0.0;
    // The gamma functions depend on x only; the spenders come sorted by x.
    let mut current: Option<(u32, f64)> = None;
    for spender in spenders {
        let px = p * f64::from(spender.x);
        let ln_gammas = match current {
            Some((seen, ln_gammas)) if seen == spender.x => ln_gammas,
            _ => {
                let ln_gammas = lgamma(px + q) - lgamma(px);
                current = Some((spender.x, ln_gammas));
                ln_gammas
            }
        };
        total +=
            ln_gammas + q_ln_v_less_ln_gamma_q + (px - 1.0) * spender.ln_mean + px * spender.ln_x
                - (px + q) * (v + f64::from(spender.x) * spender.mean).ln();
    }
    total
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn member(x: u32, mean: f64) -> CustomerSummary {
        CustomerSummary::new(x, if x > 0 { 10.0 } else { 0.0 }, 20.0, mean).unwrap()
    }

    #[test]
    fn the_likelihood_of_a_tiny_case_is_the_one_worked_by_hand() {
        // p = q = v = 1: one purchase z ~ Exp(ν), ν ~ Exp(1), so z has density 1/(1+z)².
        let model = GammaGamma::new(1.0, 1.0, 1.0).unwrap();
        let got = model.log_likelihood(&[member(1, 1.0)]);
        assert!((got - 0.25f64.ln()).abs() < 1e-14, "{got}");
        // The mean m of two Exp(ν) purchases has density 4ν²m·e^(−2νm); over ν ~ Exp(1) that
        // is 8m/(2m+1)³, 24/343 at m = 3.
        let two = model.log_likelihood(&[member(2, 3.0)]);
        assert!((two - (24.0f64 / 343.0).ln()).abs() < 1e-14, "{two}");
        // Members without repeat purchases or without a positive spend are not read.
        let same = model.log_likelihood(&[member(1, 1.0), member(0, 0.0), member(3, -5.0)]);
        assert_eq!(same, got);
    }

    #[test]
    fn expected_spend_weighs_the_members_own_mean_by_how_often_they_bought() {
        let model = GammaGamma::new(6.25, 3.74, 1_544.0).unwrap();
        let population = 6.25 * 1_544.0 / 2.74;
        let newcomer = model.expected_spend(&member(0, 0.0)).unwrap();
        assert!((newcomer - population).abs() < 1e-9);
        // A frequent buyer's own mean counts for more than an occasional one's.
        let once = model.expected_spend(&member(1, 10_000.0)).unwrap();
        let often = model.expected_spend(&member(20, 10_000.0)).unwrap();
        assert!(population < once && once < often && often < 10_000.0);
        let weight = 6.25 * 20.0 / (6.25 * 20.0 + 2.74);
        assert!((often - (weight * 10_000.0 + (1.0 - weight) * population)).abs() < 1e-9);
    }

    #[test]
    fn a_spread_too_wide_for_a_mean_is_refused() {
        let model = GammaGamma::new(0.5, 0.8, 100.0).unwrap();
        assert_eq!(
            model.expected_spend(&member(0, 0.0)),
            Err(ClvError::UnboundedSpend { q: 0.8 })
        );
        // One purchase is enough to bound this member's: px + q − 1 = 0.3.
        assert!(model.expected_spend(&member(1, 50.0)).is_ok());
    }

    #[test]
    fn a_fit_needs_repeat_buyers_with_a_positive_spend() {
        let mut members: Vec<CustomerSummary> = (0..100).map(|_| member(0, 0.0)).collect();
        members.extend((0..40).map(|_| member(2, 0.0)));
        members.extend((0..5).map(|_| member(2, 1_000.0)));
        assert_eq!(
            GammaGamma::fit(&members),
            Err(ClvError::TooFewRepeatBuyers {
                found: 5,
                needed: REPEAT_BUYERS_MIN
            })
        );
    }
}
