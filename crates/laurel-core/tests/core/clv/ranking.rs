//! The model ranks who will buy again, and knows who is still active, better than the days
//! since the last purchase alone.

use super::simulate::at_day;
use super::{CALIBRATION_DAYS, SEED, calibrated};

/// The area under the ROC curve of `scores` for `labels`: the chance a member who bought again
/// scores above one who did not, ties counting half (Mann–Whitney, with mid-ranks).
fn auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| scores[i].total_cmp(&scores[j]));
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && scores[order[end + 1]] == scores[order[start]] {
            end += 1;
        }
        // Ranks start..=end (from 1) share their mean.
        let mid_rank = (start + end) as f64 / 2.0 + 1.0;
        rank_sum += mid_rank * order[start..=end].iter().filter(|&&i| labels[i]).count() as f64;
        start = end + 1;
    }
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

#[test]
fn auc_counts_pairs_ordered_right_and_ties_as_half() {
    assert_eq!(auc(&[0.1, 0.2, 0.3, 0.4], &[false, false, true, true]), 1.0);
    assert_eq!(auc(&[0.4, 0.3, 0.2, 0.1], &[false, false, true, true]), 0.0);
    assert_eq!(auc(&[1.0, 1.0, 1.0, 1.0], &[false, true, false, true]), 0.5);
    // Pairs (positive, negative): (0.3, 0.1) right, (0.3, 0.3) tied, (0.5, …) both right.
    assert_eq!(
        auc(&[0.1, 0.3, 0.3, 0.5], &[false, false, true, true]),
        3.5 / 4.0
    );
}

#[test]
fn the_model_ranks_who_buys_in_the_holdout_better_than_recency() {
    let c = calibrated();
    let model = c.purchases_fit.model;
    let (end, holdout_end) = (at_day(CALIBRATION_DAYS), at_day(2.0 * CALIBRATION_DAYS));
    let bought_again: Vec<bool> = c
        .members
        .iter()
        .map(|m| {
            m.purchases
                .iter()
                .any(|p| p.at > end && p.at <= holdout_end)
        })
        .collect();
    let expected: Vec<f64> = c
        .summaries
        .iter()
        .map(|s| model.expected_purchases(s, CALIBRATION_DAYS).unwrap())
        .collect();
    // Recency alone: the fewer days since the last purchase, the higher.
    let recency: Vec<f64> = c
        .summaries
        .iter()
        .map(|s| -s.days_since_last_purchase())
        .collect();
    let (model_auc, recency_auc) = (auc(&expected, &bought_again), auc(&recency, &bought_again));
    let buyers = bought_again.iter().filter(|&&b| b).count();
    println!(
        "seed {SEED}: AUC of buying again in the 39-week holdout ({buyers} of {} members): \
         model {model_auc:.4}, recency alone {recency_auc:.4}",
        c.members.len()
    );
    assert!(model_auc >= recency_auc);
    // And far from chance: the AUC's standard error here is about 0.004.
    assert!(model_auc > 0.70, "{model_auc}");
}

#[test]
fn expected_holdout_purchases_add_up_to_those_made() {
    // The conditional expectations, summed, forecast the holdout's purchases (days with a
    // purchase after the calibration's end) within 10%, as the paper checks its CDNOW holdout.
    let c = calibrated();
    let model = c.purchases_fit.model;
    let end = at_day(CALIBRATION_DAYS);
    let holdout_end = at_day(2.0 * CALIBRATION_DAYS);
    let made: usize = c
        .members
        .iter()
        .map(|m| {
            let mut days: Vec<_> = m
                .purchases
                .iter()
                .filter(|p| p.at > end && p.at <= holdout_end)
                .map(|p| p.at.as_second() / 86_400)
                .collect();
            days.dedup();
            days.len()
        })
        .sum();
    let forecast: f64 = c
        .summaries
        .iter()
        .map(|s| model.expected_purchases(s, CALIBRATION_DAYS).unwrap())
        .sum();
    println!("seed {SEED}: holdout purchases made {made}, forecast {forecast:.1}");
    assert!(
        (forecast / made as f64 - 1.0).abs() < 0.10,
        "{forecast} against {made}"
    );
}

#[test]
fn p_alive_knows_who_is_still_active() {
    // The simulation knows who lapsed before the calibration's end; the model only sees
    // purchases. Summed, P(alive) counts the active; ranked, it separates them.
    let c = calibrated();
    let model = c.purchases_fit.model;
    let active: Vec<bool> = c
        .members
        .iter()
        .map(|m| m.lapsed_on.is_none_or(|day| day > CALIBRATION_DAYS))
        .collect();
    let p_alive: Vec<f64> = c.summaries.iter().map(|s| model.p_alive(s)).collect();
    let (counted, expected) = (
        active.iter().filter(|&&a| a).count(),
        p_alive.iter().sum::<f64>(),
    );
    let separation = auc(&p_alive, &active);
    println!(
        "seed {SEED}: active at the calibration's end {counted}, Σ P(alive) {expected:.1}; \
         AUC of P(alive) for being active {separation:.4}"
    );
    assert!((expected / counted as f64 - 1.0).abs() < 0.05);
    assert!(separation > 0.75, "{separation}");
}
