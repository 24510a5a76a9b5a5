//! A member's forecast: whether they are still active, what they will buy in the next 90 days
//! and what they are worth over the next 12 months, from the two fitted models.

use super::{BgNbd, ChurnRisk, ClvError, CustomerSummary, GammaGamma};

/// The horizon of [`Forecast::expected_purchases_90d`], in days.
pub const PURCHASES_HORIZON_DAYS: f64 = 90.0;

/// The horizon of [`Forecast::value_12m`], in days (twelve months).
pub const VALUE_HORIZON_DAYS: f64 = 365.0;

/// The two fitted models a forecast needs: purchases and spend per purchase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClvModel {
    /// How often members buy and when they lapse.
    pub purchases: BgNbd,
    /// What members spend per purchase.
    pub spend: GammaGamma,
}

/// What a member is expected to do, from their history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    /// The probability the member is still active.
    pub p_alive: f64,
    /// Expected purchases (days with a purchase) in the next 90 days.
    pub expected_purchases_90d: f64,
    /// Expected spend over the next 365 days in minor units, rounded to the nearest:
    /// expected purchases × expected spend per purchase, undiscounted (money of the next twelve
    /// months, not a present value).
    pub value_12m: i64,
    /// The churn risk and its reason.
    pub risk: ChurnRisk,
}

impl ClvModel {
    /// The member's forecast as of their summary.
    pub fn forecast(&self, summary: &CustomerSummary) -> Result<Forecast, ClvError> {
        let p_alive = self.purchases.p_alive(summary);
        let expected_purchases_90d = self
            .purchases
            .expected_purchases(summary, PURCHASES_HORIZON_DAYS)?;
        let purchases_12m = self
            .purchases
            .expected_purchases(summary, VALUE_HORIZON_DAYS)?;
        // The Gamma-Gamma model takes spend independent of frequency, so the expected value is
        // the product of the two expectations.
        let value = purchases_12m * self.spend.expected_spend(summary)?;
        Ok(Forecast {
            p_alive,
            expected_purchases_90d,
            // Finite and non-negative (both factors are); `as` saturates far beyond any spend.
            value_12m: value.round() as i64,
            risk: ChurnRisk::assess(p_alive, summary),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::ChurnRiskLevel;
    use super::*;

    fn model() -> ClvModel {
        ClvModel {
            purchases: BgNbd::new(0.243, 4.414 * 7.0, 0.793, 2.426).unwrap(),
            spend: GammaGamma::new(6.25, 3.74, 1_544.0).unwrap(),
        }
    }

    #[test]
    fn a_forecast_is_the_models_answers_put_together() {
        let model = model();
        let member = CustomerSummary::new(6, 200.0, 230.0, 4_000.0).unwrap();
        let forecast = model.forecast(&member).unwrap();
        let purchases = model.purchases.expected_purchases(&member, 365.0).unwrap();
        let spend = model.spend.expected_spend(&member).unwrap();
        assert_eq!(forecast.p_alive, model.purchases.p_alive(&member));
        assert_eq!(
            forecast.expected_purchases_90d,
            model.purchases.expected_purchases(&member, 90.0).unwrap()
        );
        assert_eq!(forecast.value_12m, (purchases * spend).round() as i64);
        assert!(forecast.value_12m > 0);
        assert_eq!(forecast.risk.level, ChurnRiskLevel::Low);
    }

    #[test]
    fn a_lapsed_regular_is_at_high_risk_and_worth_little() {
        let model = model();
        let regular = CustomerSummary::new(12, 150.0, 160.0, 3_000.0).unwrap();
        let lapsed = CustomerSummary::new(12, 60.0, 160.0, 3_000.0).unwrap();
        let (active, gone) = (
            model.forecast(&regular).unwrap(),
            model.forecast(&lapsed).unwrap(),
        );
        assert_eq!(gone.risk.level, ChurnRiskLevel::High);
        assert_eq!(gone.risk.days_since_last_purchase, 100.0);
        assert_eq!(gone.risk.usual_gap_days, Some(5.0));
        assert!(
            gone.value_12m * 10 < active.value_12m,
            "{gone:?} {active:?}"
        );
    }
}
