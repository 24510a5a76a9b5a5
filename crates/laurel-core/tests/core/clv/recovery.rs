//! The fits recover the parameters the members were drawn from.
//!
//! The tolerances are the sampling spread of 20,000 members observed for 39 weeks, measured
//! over 40 seeds by `sweep_of_seeds` (relative error: mean, standard deviation, worst):
//!
//! | parameter   | mean   | sd   | worst | tolerance |
//! |-------------|--------|------|-------|-----------|
//! | r           | +2.0%  | 1.8% | 6.2%  | 10%       |
//! | α           | +6.1%  | 3.3% | 14.6% | 20%       |
//! | a           | +2.5%  | 8.1% | 18.4% | 25%       |
//! | b           | +3.9%  | 10.7%| 27.8% | 35%       |
//! | p           | −2.2%  | 5.5% | 14.1% | 25%       |
//! | q           | +0.9%  | 2.5% | 6.4%  | 10%       |
//! | v           | +4.6%  | 8.6% | 22.4% | 30%       |
//! | r/α         | −3.9%  | 1.9% | 8.4%  | 10%       |
//! | a/(a+b)     | −0.8%  | 2.8% | 7.6%  | 10%       |
//! | p·v/(q−1)   | +0.6%  | 0.9% | 3.0%  | 5%        |
//!
//! Each tolerance is about the mean plus 3.5 standard deviations, so a correct fit fails on
//! roughly one seed in a few thousand, while a wrong likelihood or optimiser misses by far more.
//! a and b are each pinned only by the members seen to lapse and trade off along a ridge (their
//! mean a/(a+b) is what the data holds), p and v likewise (the mean spend per purchase
//! p·v/(q−1) is; p and v run a few percent off on average even on exact data, as the ridge is
//! curved). α reads about 6% high and r 2% high because summaries count a day's purchases
//! once, which thins the heaviest buyers' counts: fitted on the same members' exact instants,
//! r is −0.2% and α +0.3% off on average (`counting_by_days_biases_alpha_up`).

use jiff::SignedDuration;
use laurel_core::insight::clv::{BgNbd, CustomerSummary, GammaGamma};

use super::simulate::{CDNOW, origin};
use super::{CALIBRATION_DAYS, Calibrated, MEMBERS, SEED, calibrate, calibrated};

/// Relative error of a fitted value against the truth.
fn error(fitted: f64, truth: f64) -> f64 {
    (fitted - truth).abs() / truth
}

const NAMES: [&str; 10] = [
    "r",
    "alpha",
    "a",
    "b",
    "p",
    "q",
    "v",
    "r/alpha",
    "a/(a+b)",
    "p*v/(q-1)",
];

/// The most relative error each of [`NAMES`] may show (the table above).
const TOLERANCES: [f64; 10] = [0.10, 0.20, 0.25, 0.35, 0.25, 0.10, 0.30, 0.10, 0.10, 0.05];

/// Each of [`NAMES`]: fitted and true.
fn estimates(c: &Calibrated) -> [(f64, f64); 10] {
    let (m, g, t) = (c.purchases_fit.model, c.spend_fit.model, c.truth);
    [
        (m.r(), t.r),
        (m.alpha(), t.alpha),
        (m.a(), t.a),
        (m.b(), t.b),
        (g.p(), t.p),
        (g.q(), t.q),
        (g.v(), t.v),
        (m.r() / m.alpha(), t.r / t.alpha),
        (m.a() / (m.a() + m.b()), t.a / (t.a + t.b)),
        (g.p() * g.v() / (g.q() - 1.0), t.p * t.v / (t.q - 1.0)),
    ]
}

fn report(label: &str, c: &Calibrated) {
    let line: Vec<String> = NAMES
        .iter()
        .zip(estimates(c))
        .map(|(name, (fitted, truth))| format!("{name} {fitted:.6} (true {truth:.6})"))
        .collect();
    println!(
        "{label}: {}; {} members, {} repeat buyers; fits {:?} ({} and {} iterations)",
        line.join(", "),
        c.purchases_fit.members,
        c.spend_fit.members,
        c.fit_time,
        c.purchases_fit.iterations,
        c.spend_fit.iterations,
    );
}

#[test]
fn the_fits_recover_the_parameters_members_were_drawn_from() {
    let c = calibrated();
    report(&format!("seed {SEED}"), c);
    for ((name, (fitted, truth)), tolerance) in NAMES.iter().zip(estimates(c)).zip(TOLERANCES) {
        let off = error(fitted, truth);
        assert!(
            off <= tolerance,
            "{name} = {fitted} is {:.1}% off {truth}, more than {:.0}%",
            100.0 * off,
            100.0 * tolerance
        );
    }
}

#[test]
fn the_fit_is_the_likelihoods_maximum() {
    // A step away from the fitted parameters, either way, lowers the likelihood; the truth
    // scores no better (it is not the maximum of this sample's likelihood).
    let c = calibrated();
    let m = c.purchases_fit.model;
    let best = m.log_likelihood(&c.summaries);
    assert!((best - c.purchases_fit.log_likelihood).abs() < 1e-9 * best.abs());
    for axis in 0..4 {
        for factor in [0.99, 1.01] {
            let mut p = [m.r(), m.alpha(), m.a(), m.b()];
            p[axis] *= factor;
            let moved = BgNbd::new(p[0], p[1], p[2], p[3]).unwrap();
            assert!(
                moved.log_likelihood(&c.summaries) < best,
                "{axis} × {factor}"
            );
        }
    }
    let t = c.truth;
    let truth = BgNbd::new(t.r, t.alpha, t.a, t.b).unwrap();
    assert!(truth.log_likelihood(&c.summaries) <= best);
    let spend = GammaGamma::new(t.p, t.q, t.v).unwrap();
    assert!(spend.log_likelihood(&c.summaries) <= c.spend_fit.log_likelihood);
}

/// The spread of the estimates over 40 seeds, which the tolerances above come from. About
/// 5 s in release (a minute in debug); run it with
/// `cargo test -p laurel-core --release --test core clv::recovery::sweep_of_seeds -- --ignored --nocapture`.
#[test]
#[ignore = "a validation sweep over 40 seeds; run by hand in release"]
fn sweep_of_seeds() {
    let runs: Vec<[(f64, f64); 10]> = (1..=40)
        .map(|seed| {
            let c = calibrate(CDNOW, MEMBERS, seed);
            report(&format!("seed {seed}"), &c);
            estimates(&c)
        })
        .collect();
    for (i, name) in NAMES.iter().enumerate() {
        let signed: Vec<f64> = runs.iter().map(|run| run[i].0 / run[i].1 - 1.0).collect();
        let n = signed.len() as f64;
        let mean = signed.iter().sum::<f64>() / n;
        let sd = (signed.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let worst = signed.iter().fold(0.0f64, |w, e| w.max(e.abs()));
        println!(
            "{name}: mean {:+.1}%, sd {:.1}%, worst {:.1}%",
            100.0 * mean,
            100.0 * sd,
            100.0 * worst
        );
    }
}

/// The summaries' counting by days, not the fit, is what reads α high: fitted on the members'
/// exact instants and single purchases, r and α come out unbiased over 20 seeds. Run it
/// with `cargo test -p laurel-core --release --test core clv::recovery::counting_by_days --
/// --ignored --nocapture`.
#[test]
#[ignore = "a validation over 20 seeds; run by hand in release"]
fn counting_by_days_biases_alpha_up() {
    let seeds = 1..=20u64;
    let n = seeds.clone().count() as f64;
    let (mut by_days, mut exact) = ([0.0; 10], [0.0; 10]);
    for seed in seeds {
        let c = calibrate(CDNOW, MEMBERS, seed);
        for (sum, (fitted, truth)) in by_days.iter_mut().zip(estimates(&c)) {
            *sum += (fitted / truth - 1.0) / n;
        }
        let summaries: Vec<CustomerSummary> = c.members.iter().map(exact_summary).collect();
        let exact_fit = Calibrated {
            purchases_fit: BgNbd::fit(&summaries).unwrap(),
            spend_fit: GammaGamma::fit(&summaries).unwrap(),
            ..c
        };
        for (sum, (fitted, truth)) in exact.iter_mut().zip(estimates(&exact_fit)) {
            *sum += (fitted / truth - 1.0) / n;
        }
    }
    for ((name, days), exact) in NAMES.iter().zip(by_days).zip(exact) {
        println!(
            "{name}: mean error counted by days {:+.1}%, exact {:+.1}%",
            100.0 * days,
            100.0 * exact
        );
    }
}

/// A member's summary at the calibration's end from exact instants, every purchase its own.
fn exact_summary(member: &super::simulate::Member) -> CustomerSummary {
    let day = |at: jiff::Timestamp| at.duration_since(origin()).as_secs_f64() / 86_400.0;
    let end = origin() + SignedDuration::from_hours(24 * CALIBRATION_DAYS as i64);
    let seen: Vec<_> = member.purchases.iter().filter(|p| p.at <= end).collect();
    let (first, repeats) = seen.split_first().unwrap();
    let last = seen.last().unwrap();
    let monetary = if repeats.is_empty() {
        0.0
    } else {
        repeats.iter().map(|p| p.amount_minor as f64).sum::<f64>() / repeats.len() as f64
    };
    CustomerSummary::new(
        repeats.len() as u32,
        day(last.at) - day(first.at),
        CALIBRATION_DAYS - day(first.at),
        monetary,
    )
    .unwrap()
}
