//! The points members hold rolled forward over a period: the balance at its start, what each
//! kind of posting moved, and the balance at its end — worked out from the member accounts'
//! entries, so the lines add up by construction and the end is what the ledger says members hold.

use super::{Account, PostingKind};
use crate::points::Points;
use std::ops::{Add, Neg, Sub};

/// Points on the two member accounts, summed over members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Held {
    /// Spendable points.
    pub available: Points,
    /// Points still in the return window.
    pub pending: Points,
}

impl Held {
    /// Available and pending together.
    pub fn total(self) -> Points {
        self.available + self.pending
    }

    /// `amount` on `account`; nothing for a program account.
    fn on(account: Account, amount: Points) -> Held {
        match account {
            Account::MemberAvailable => Held {
                available: amount,
                pending: Points::ZERO,
            },
            Account::MemberPending => Held {
                available: Points::ZERO,
                pending: amount,
            },
            _ => Held::default(),
        }
    }
}

impl Add for Held {
    type Output = Held;
    fn add(self, other: Held) -> Held {
        Held {
            available: self.available + other.available,
            pending: self.pending + other.pending,
        }
    }
}

impl Sub for Held {
    type Output = Held;
    fn sub(self, other: Held) -> Held {
        self + -other
    }
}

impl Neg for Held {
    type Output = Held;
    fn neg(self) -> Held {
        Held {
            available: -self.available,
            pending: -self.pending,
        }
    }
}

/// A line of the roll-forward: what moved points onto or off the member accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Line {
    /// Earned on purchases and events.
    Issued,
    /// Spent, less what cancelled redemptions gave back.
    Redeemed,
    /// Reached their expiry.
    Expired,
    /// Credited and debited by staff.
    Adjusted,
    /// Taken back by refunds.
    Reversed,
    /// Moved from pending to available when the return window closed (the total is unchanged).
    Released,
    /// Sent by members to other members (over all members, what is sent is received).
    Transferred,
    /// Held at checkouts, less what holds gave back (what a hold's order took is spent off
    /// the held account, not the members').
    Held,
}

impl Line {
    /// Every line, in the order a roll-forward reads.
    pub const ALL: [Line; 8] = [
        Line::Issued,
        Line::Redeemed,
        Line::Expired,
        Line::Adjusted,
        Line::Reversed,
        Line::Released,
        Line::Transferred,
        Line::Held,
    ];

    /// The line a posting of `kind` belongs to.
    pub fn of(kind: PostingKind) -> Line {
        match kind {
            PostingKind::Earn => Line::Issued,
            // A transfer's fee is points spent, as on a reward.
            PostingKind::Redeem | PostingKind::Restore | PostingKind::TransferFee => Line::Redeemed,
            // An erased member's forfeited points are lost as expired ones are.
            PostingKind::Expire | PostingKind::Forfeit => Line::Expired,
            PostingKind::AdjustCredit | PostingKind::AdjustDebit => Line::Adjusted,
            PostingKind::Reverse => Line::Reversed,
            PostingKind::Release => Line::Released,
            PostingKind::TransferOut | PostingKind::TransferIn => Line::Transferred,
            PostingKind::Hold | PostingKind::HoldCapture | PostingKind::HoldRelease => Line::Held,
        }
    }

    /// Stable name, for pages and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Line::Issued => "issued",
            Line::Redeemed => "redeemed",
            Line::Expired => "expired",
            Line::Adjusted => "adjusted",
            Line::Reversed => "reversed",
            Line::Released => "released",
            Line::Transferred => "transferred",
            Line::Held => "held",
        }
    }
}

/// The member accounts' entries summed by posting kind over a period, one `(kind, account,
/// points)` per pair.
pub type PeriodSums = [(PostingKind, Account, Points)];

/// Opening balance, each line's movement, closing balance: opening plus the lines is closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollForward {
    /// What members held when the period began.
    pub opening: Held,
    /// What each line moved onto the member accounts (negative when it took points off), in
    /// [`Line::ALL`]'s order.
    pub lines: Vec<(Line, Held)>,
    /// What members hold at the period's end.
    pub closing: Held,
}

impl RollForward {
    /// The roll-forward ending at `closing` (the member accounts' balances) after `period`'s
    /// movements: the opening is what the closing was before them.
    pub fn new(closing: Held, period: &PeriodSums) -> RollForward {
        let lines: Vec<(Line, Held)> = Line::ALL
            .into_iter()
            .map(|line| {
                let moved = period
                    .iter()
                    .filter(|(kind, _, _)| Line::of(*kind) == line)
                    .fold(Held::default(), |sum, &(_, account, points)| {
                        sum + Held::on(account, points)
                    });
                (line, moved)
            })
            .collect();
        let moved = lines
            .iter()
            .fold(Held::default(), |sum, (_, held)| sum + *held);
        RollForward {
            opening: closing - moved,
            lines,
            closing,
        }
    }

    /// What `line` moved.
    pub fn line(&self, line: Line) -> Held {
        self.lines
            .iter()
            .find(|(l, _)| *l == line)
            .map_or_else(Held::default, |(_, held)| *held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(available: i64, pending: i64) -> Held {
        Held {
            available: Points(available),
            pending: Points(pending),
        }
    }

    #[test]
    fn opening_and_the_lines_add_up_to_closing_with_pending_and_available_apart() {
        use Account::{MemberAvailable as A, MemberPending as P};
        let period = [
            (PostingKind::Earn, P, Points(100)),
            (PostingKind::Earn, A, Points(20)),
            (PostingKind::Release, P, Points(-60)),
            (PostingKind::Release, A, Points(60)),
            (PostingKind::Redeem, A, Points(-50)),
            (PostingKind::Restore, A, Points(10)),
            (PostingKind::AdjustCredit, A, Points(15)),
            (PostingKind::AdjustDebit, A, Points(-5)),
            (PostingKind::Reverse, P, Points(-7)),
            (PostingKind::Expire, A, Points(-3)),
        ];
        let roll = RollForward::new(held(500, 40), &period);
        assert_eq!(roll.line(Line::Issued), held(20, 100));
        assert_eq!(roll.line(Line::Redeemed), held(-40, 0), "net of restores");
        assert_eq!(
            roll.line(Line::Adjusted),
            held(10, 0),
            "credits less debits"
        );
        assert_eq!(roll.line(Line::Released), held(60, -60));
        assert_eq!(roll.line(Line::Released).total(), Points::ZERO);
        assert_eq!(roll.opening, held(500 - 47, 40 - 33));
        let moved = roll.lines.iter().fold(Held::default(), |s, (_, h)| s + *h);
        assert_eq!(roll.opening + moved, roll.closing);
    }

    #[test]
    fn a_quiet_period_opens_where_it_closes() {
        let roll = RollForward::new(held(7, 3), &[]);
        assert_eq!(roll.opening, roll.closing);
        assert_eq!(roll.lines.len(), Line::ALL.len());
    }
}
