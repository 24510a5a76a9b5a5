//! A crowd of buyers to fit the churn and value models on, drawn as BG/NBD assumes: each
//! member buys at their own rate (gaps of 1 to 60 days on average) and after each purchase may
//! stop for good (with a chance of their own, 2% to 62%), over the 400 days up to now. Seeded,
//! so a suite's crowd is the same every run; the suites that need scored members share it.

/// Members in a crowd.
pub const CROWD_MEMBERS: usize = 80;

/// A seeded uniform draw in (0, 1).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next draw.
    #[allow(clippy::cast_precision_loss)]
    pub fn draw(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 + 0.5) / (1_u64 << 53) as f64
    }
}

/// Each of [`CROWD_MEMBERS`] members' purchases, as days (fractions included) before now,
/// oldest first; drawn from `seed`.
pub fn crowd(seed: u64) -> Vec<Vec<f64>> {
    let mut lcg = Lcg(seed);
    (0..CROWD_MEMBERS)
        .map(|_| {
            let (gap, stop) = ((60_f64.ln() * lcg.draw()).exp(), 0.02 + 0.6 * lcg.draw());
            let mut ago = 400.0 - lcg.draw() * gap;
            let mut purchases = Vec::new();
            while ago > 1.0 {
                purchases.push(ago);
                if lcg.draw() < stop {
                    break;
                }
                ago += gap * lcg.draw().ln();
            }
            purchases
        })
        .collect()
}

/// What purchase `k` of crowd member `member` cost, in whole yuan: each member spends about a
/// mean of their own (20 to 80), each purchase a little more or less, so the spend model has
/// spread to fit (equal amounts everywhere leave it unbounded).
pub fn spend(member: usize, k: usize) -> String {
    let mean = 20 + (member * 37) % 61;
    let swing = (k * 7 + member) % 11;
    (mean + swing).to_string()
}
