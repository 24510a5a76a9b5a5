//! The Nelder–Mead simplex search the CLV fits minimise their negative log-likelihoods with.
//!
//! Written here rather than taken from a crate: the fits need one small derivative-free
//! minimiser over three or four unconstrained variables (the logarithms of positive
//! parameters). `argmin`, the maintained choice, is a framework (solvers, observers,
//! checkpointing, its own math-trait crate) that brings anyhow, paste, num-traits,
//! rand_xoshiro, web-time and a second major version of thiserror into a core that has four
//! dependencies, for what is here about 150 lines.
//! Coefficients and steps are the standard ones (Lagarias, Reeds, Wright & Wright 1998,
//! "Convergence properties of the Nelder–Mead simplex method in low dimensions", §2).

use super::ClvError;

/// Searches from the best point found, each on a fresh simplex, at most: a simplex can collapse
/// onto a line short of the minimum, and a restart is the usual cure (Lagarias et al. §7).
const RESTARTS_MAX: usize = 5;

const REFLECT: f64 = 1.0;
const EXPAND: f64 = 2.0;
const CONTRACT: f64 = 0.5;
const SHRINK: f64 = 0.5;

/// When a search is done, or given up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tolerance {
    /// The simplex's values all lie within this of its best.
    pub value: f64,
    /// Its vertices all lie within this of its best, in every coordinate.
    pub point: f64,
    /// Most iterations, over all restarts, before the search is reported as not converged.
    pub iterations_max: usize,
}

/// The least value found and where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Minimum<const N: usize> {
    /// Where.
    pub point: [f64; N],
    /// The value there.
    pub value: f64,
    /// Iterations taken over all restarts.
    pub iterations: usize,
}

/// The minimum of `f` near `start`, the first simplex spanning `step` along each axis.
///
/// A value that is not a finite number counts as +∞, so the search steps back from where the
/// objective cannot be evaluated instead of being poisoned by a NaN.
pub(crate) fn minimize<const N: usize>(
    mut f: impl FnMut(&[f64; N]) -> f64,
    start: [f64; N],
    step: f64,
    tolerance: Tolerance,
) -> Result<Minimum<N>, ClvError> {
    let mut objective = |x: &[f64; N]| {
        let value = f(x);
        if value.is_finite() {
            value
        } else {
            f64::INFINITY
        }
    };
    let mut best = search(
        &mut objective,
        start,
        step,
        tolerance,
        tolerance.iterations_max,
    )?;
    for _ in 0..RESTARTS_MAX {
        let left = tolerance.iterations_max.saturating_sub(best.iterations);
        let again = search(&mut objective, best.point, step, tolerance, left)?;
        let improved = best.value - again.value > tolerance.value;
        best = Minimum {
            iterations: best.iterations + again.iterations,
            ..if again.value < best.value {
                again
            } else {
                best
            }
        };
        if !improved {
            break;
        }
    }
    if best.value.is_finite() {
        Ok(best)
    } else {
        Err(ClvError::NoFiniteLikelihood)
    }
}

/// One search from a fresh simplex, within `iterations_max`.
fn search<const N: usize>(
    f: &mut impl FnMut(&[f64; N]) -> f64,
    start: [f64; N],
    step: f64,
    tolerance: Tolerance,
    iterations_max: usize,
) -> Result<Minimum<N>, ClvError> {
    let mut simplex: Vec<([f64; N], f64)> = Vec::with_capacity(N + 1);
    simplex.push((start, f(&start)));
    for axis in 0..N {
        let mut vertex = start;
        vertex[axis] += step;
        simplex.push((vertex, f(&vertex)));
    }
    for iteration in 0..iterations_max {
        simplex.sort_by(|x, y| x.1.total_cmp(&y.1));
        if settled(&simplex, tolerance) {
            return Ok(Minimum {
                point: simplex[0].0,
                value: simplex[0].1,
                iterations: iteration,
            });
        }
        step_once(f, &mut simplex);
    }
    Err(ClvError::NotConverged {
        iterations: iterations_max,
    })
}

/// Whether a sorted simplex is small enough, in values and in extent, to stop.
fn settled<const N: usize>(simplex: &[([f64; N], f64)], tolerance: Tolerance) -> bool {
    let (best, best_value) = simplex[0];
    simplex[1..].iter().all(|(vertex, value)| {
        // Two infinite values are not "close": the simplex has not found the likelihood yet.
        (value - best_value).abs() <= tolerance.value
            && vertex
                .iter()
                .zip(best.iter())
                .all(|(x, y)| (x - y).abs() <= tolerance.point)
    })
}

/// One Nelder–Mead step on a simplex sorted best first: reflect the worst vertex through the
/// centroid of the rest, then expand, contract or shrink as the values say.
fn step_once<const N: usize>(
    f: &mut impl FnMut(&[f64; N]) -> f64,
    simplex: &mut [([f64; N], f64)],
) {
    let worst = simplex.len() - 1;
    let (best_value, second_worst_value) = (simplex[0].1, simplex[worst - 1].1);
    let (worst_point, worst_value) = simplex[worst];
    let mut centroid = [0.0; N];
    for (vertex, _) in &simplex[..worst] {
        for (c, x) in centroid.iter_mut().zip(vertex) {
            *c += x / N as f64;
        }
    }
    // The point `by` of the way from the centroid along the line through the worst vertex
    // (negative: away from it).
    let along = |by: f64| {
        let mut point = centroid;
        for (p, w) in point.iter_mut().zip(&worst_point) {
            *p += by * (w - *p);
        }
        point
    };
    let reflected = along(-REFLECT);
    let reflected_value = f(&reflected);
    if reflected_value < best_value {
        let expanded = along(-REFLECT * EXPAND);
        let expanded_value = f(&expanded);
        simplex[worst] = if expanded_value < reflected_value {
            (expanded, expanded_value)
        } else {
            (reflected, reflected_value)
        };
        return;
    }
    if reflected_value < second_worst_value {
        simplex[worst] = (reflected, reflected_value);
        return;
    }
    // Contract towards the better of the reflected and the worst vertex.
    let (contracted, limit) = if reflected_value < worst_value {
        (along(-REFLECT * CONTRACT), reflected_value)
    } else {
        (along(CONTRACT), worst_value)
    };
    let contracted_value = f(&contracted);
    if contracted_value < limit {
        simplex[worst] = (contracted, contracted_value);
        return;
    }
    let (best_point, _) = simplex[0];
    for (vertex, value) in simplex[1..].iter_mut() {
        for (x, b) in vertex.iter_mut().zip(&best_point) {
            *x = b + SHRINK * (*x - b);
        }
        *value = f(vertex);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TIGHT: Tolerance = Tolerance {
        value: 1e-12,
        point: 1e-7,
        iterations_max: 10_000,
    };

    #[test]
    fn it_finds_the_minimum_of_a_shifted_bowl() {
        let found = minimize(
            |x: &[f64; 3]| (x[0] - 1.0).powi(2) + 4.0 * (x[1] + 2.0).powi(2) + (x[2] - 0.5).powi(2),
            [0.0; 3],
            0.5,
            TIGHT,
        )
        .unwrap();
        for (got, want) in found.point.iter().zip([1.0, -2.0, 0.5]) {
            assert!((got - want).abs() < 1e-5, "{:?}", found.point);
        }
    }

    #[test]
    fn it_follows_rosenbrocks_curved_valley() {
        let found = minimize(
            |x: &[f64; 2]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2),
            [-1.2, 1.0],
            0.5,
            TIGHT,
        )
        .unwrap();
        assert!((found.point[0] - 1.0).abs() < 1e-4, "{:?}", found.point);
        assert!((found.point[1] - 1.0).abs() < 1e-4, "{:?}", found.point);
    }

    #[test]
    fn it_steps_back_from_where_the_objective_is_undefined() {
        // ln is undefined below zero: the search must stay where it is defined.
        let found = minimize(|x: &[f64; 1]| x[0] - 2.0 * x[0].ln(), [5.0], 4.0, TIGHT).unwrap();
        assert!((found.point[0] - 2.0).abs() < 1e-5, "{:?}", found.point);
    }

    #[test]
    fn a_search_that_runs_out_of_iterations_is_reported() {
        let result = minimize(
            |x: &[f64; 2]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2),
            [-1.2, 1.0],
            0.5,
            Tolerance {
                iterations_max: 20,
                ..TIGHT
            },
        );
        assert!(matches!(
            result,
            Err(ClvError::NotConverged { iterations: 20 })
        ));
    }
}
