//! Members simulated from known BG/NBD and Gamma-Gamma parameters, with a seeded generator, so
//! a fit can be checked against the truth. Randomness lives here, in the tests, never in the
//! core.

use jiff::{SignedDuration, Timestamp};
use laurel_core::insight::clv::Purchase;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The parameters members are drawn from; times in days, spend in minor units.
#[derive(Debug, Clone, Copy)]
pub struct Truth {
    /// BG/NBD r.
    pub r: f64,
    /// BG/NBD α, per day.
    pub alpha: f64,
    /// BG/NBD a.
    pub a: f64,
    /// BG/NBD b.
    pub b: f64,
    /// Gamma-Gamma p.
    pub p: f64,
    /// Gamma-Gamma q.
    pub q: f64,
    /// Gamma-Gamma v, in minor units.
    pub v: f64,
}

/// The CDNOW estimates (Fader, Hardie & Lee 2005, both papers): α = 4.41 per week is 30.87
/// per day; v = 15.44 dollars is 1,544 cents.
pub const CDNOW: Truth = Truth {
    r: 0.24,
    alpha: 4.41 * 7.0,
    a: 0.79,
    b: 2.43,
    p: 6.25,
    q: 3.74,
    v: 1_544.0,
};

/// Days over which members make their first purchase (CDNOW's cohort joined over 12 weeks).
pub const JOINING_DAYS: f64 = 84.0;

/// The instant day 0 starts at.
pub fn origin() -> Timestamp {
    "2025-01-06T00:00:00Z".parse().unwrap()
}

/// The instant `day` days after the origin, to the second.
pub fn at_day(day: f64) -> Timestamp {
    origin() + SignedDuration::from_secs((day * 86_400.0).round() as i64)
}

/// A simulated member: what they bought, and when they lapsed (which no model sees).
#[derive(Debug, Clone)]
pub struct Member {
    /// Their purchases, in order.
    pub purchases: Vec<Purchase>,
    /// The day of the purchase after which they lapsed; none if still active at the end.
    pub lapsed_on: Option<f64>,
}

/// `members` members' purchases up to `days` days after the origin, each joining on a uniform
/// day of the first [`JOINING_DAYS`], from `truth`, drawn from `seed`.
///
/// Each member gets λ ~ Gamma(r, α), p ~ Beta(a, b), ν ~ Gamma(q, v); buys at the first
/// instant, then at Poisson(λ) instants, lapsing after each repeat purchase with probability
/// p; each purchase is worth Gamma(p_gg, ν) minor units.
pub fn members(truth: Truth, members: usize, days: f64, seed: u64) -> Vec<Member> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..members)
        .map(|_| member(&mut rng, truth, days))
        .collect()
}

fn member(rng: &mut StdRng, truth: Truth, days: f64) -> Member {
    let rate = gamma(rng, truth.r, truth.alpha);
    let dropout = beta(rng, truth.a, truth.b);
    let spend_rate = gamma(rng, truth.q, truth.v);
    let purchase = |rng: &mut StdRng, day: f64| Purchase {
        at: at_day(day),
        amount_minor: gamma(rng, truth.p, spend_rate).round().max(1.0) as i64,
    };
    let mut day = unit(rng) * JOINING_DAYS;
    let mut purchases = vec![purchase(rng, day)];
    loop {
        day += exponential(rng, rate);
        if day > days {
            return Member {
                purchases,
                lapsed_on: None,
            };
        }
        purchases.push(purchase(rng, day));
        if unit(rng) < dropout {
            return Member {
                purchases,
                lapsed_on: Some(day),
            };
        }
    }
}

/// Uniform on (0, 1]: safe to take the logarithm of.
fn unit(rng: &mut StdRng) -> f64 {
    1.0 - rng.random::<f64>()
}

fn exponential(rng: &mut StdRng, rate: f64) -> f64 {
    -unit(rng).ln() / rate
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    (-2.0 * unit(rng).ln()).sqrt() * (std::f64::consts::TAU * unit(rng)).cos()
}

/// A Gamma(shape, rate) draw: Marsaglia & Tsang (2000) for shape ≥ 1, and for shape < 1 their
/// boost Gamma(shape + 1) · U^(1/shape).
fn gamma(rng: &mut StdRng, shape: f64, rate: f64) -> f64 {
    if shape < 1.0 {
        return gamma(rng, shape + 1.0, rate) * unit(rng).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        if unit(rng).ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v / rate;
        }
    }
}

fn beta(rng: &mut StdRng, a: f64, b: f64) -> f64 {
    let x = gamma(rng, a, 1.0);
    x / (x + gamma(rng, b, 1.0))
}

#[test]
fn the_samplers_have_the_means_they_should() {
    let mut rng = StdRng::seed_from_u64(7);
    let n = 20_000;
    let mean = |draw: &mut dyn FnMut(&mut StdRng) -> f64, rng: &mut StdRng| {
        (0..n).map(|_| draw(rng)).sum::<f64>() / n as f64
    };
    // Means: shape / rate, and a / (a + b). Each tolerance is about 3.5 standard errors of a
    // mean of 20,000 draws (coefficients of variation 1/√shape and √(b / (a(a+b+1))).
    let small = mean(&mut |rng| gamma(rng, 0.24, 30.87), &mut rng);
    assert!((small / (0.24 / 30.87) - 1.0).abs() < 0.05, "{small}");
    let large = mean(&mut |rng| gamma(rng, 6.25, 0.5), &mut rng);
    assert!((large / 12.5 - 1.0).abs() < 0.01, "{large}");
    let share = mean(&mut |rng| beta(rng, 0.79, 2.43), &mut rng);
    assert!((share / (0.79 / 3.22) - 1.0).abs() < 0.02, "{share}");
}
