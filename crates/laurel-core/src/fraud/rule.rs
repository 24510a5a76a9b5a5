//! `[[fraud.rules]]`: what a rule measures, over what window, its most, and what it does.

use crate::issue::{Issue, Issues};
use crate::message;
use jiff::SignedDuration;
use rust_decimal::Decimal;

/// What a rule measures, over its window, the operation being judged included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Points the member earned (purchases and events).
    PointsEarned,
    /// Purchases the member made.
    Purchases,
    /// Money the member spent, in the program's currency.
    Spend,
    /// Times the member spent points (points and rewards redeemed).
    Redemptions,
    /// The share of the member's spend refunded (0 to 1), once they made `min_purchases`.
    RefundRatio,
    /// Different members who sent the member points.
    TransfersIn,
    /// Points one staff member adjusted, credits and debits alike, on any member.
    StaffAdjusted,
    /// Members one member referred (judged as each enrolls with their code).
    Referrals,
    /// Referrals in a chain ending at the one being made, each made within the window: a
    /// ring of new accounts referring one another for the referrer's bonus.
    ReferralChain,
    /// Members who joined with an email at the joining member's domain.
    SameEmailDomain,
    /// Members who joined with a phone number starting with the joining member's first
    /// `prefix_digits` digits.
    SamePhonePrefix,
    /// Members who joined from the joining member's device (or client address), as the
    /// caller passed it.
    SameDevice,
}

impl Measure {
    /// Every measure, in the order the program file's reference lists them.
    pub const ALL: [Measure; 12] = [
        Measure::PointsEarned,
        Measure::Purchases,
        Measure::Spend,
        Measure::Redemptions,
        Measure::RefundRatio,
        Measure::TransfersIn,
        Measure::StaffAdjusted,
        Measure::Referrals,
        Measure::ReferralChain,
        Measure::SameEmailDomain,
        Measure::SamePhonePrefix,
        Measure::SameDevice,
    ];

    /// Its name in the program file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::PointsEarned => "points_earned",
            Measure::Purchases => "purchases",
            Measure::Spend => "spend",
            Measure::Redemptions => "redemptions",
            Measure::RefundRatio => "refund_ratio",
            Measure::TransfersIn => "transfers_in",
            Measure::StaffAdjusted => "staff_adjusted",
            Measure::Referrals => "referrals",
            Measure::ReferralChain => "referral_chain",
            Measure::SameEmailDomain => "same_email_domain",
            Measure::SamePhonePrefix => "same_phone_prefix",
            Measure::SameDevice => "same_device",
        }
    }

    /// The measure by its name.
    pub fn parse(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Whether what it judges earns points that may be held for review.
    pub fn earns(self) -> bool {
        matches!(
            self,
            Measure::PointsEarned | Measure::Purchases | Measure::Spend
        )
    }

    /// Whether it judges a referral, whose referrer's bonus may be held for review.
    pub fn refers(self) -> bool {
        matches!(self, Measure::Referrals | Measure::ReferralChain)
    }

    /// Whether it judges who joins, by what they share with others who joined lately: such a
    /// rule flags the new member, or freezes them (they join suspended).
    pub fn joins(self) -> bool {
        matches!(
            self,
            Measure::SameEmailDomain | Measure::SamePhonePrefix | Measure::SameDevice
        )
    }

    /// Whether its figure is a count or points (a whole number), as against money or a share.
    fn whole(self) -> bool {
        !matches!(self, Measure::Spend | Measure::RefundRatio)
    }
}

/// What a rule does to an operation past its most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FraudAction {
    /// Let it through and open a case for review.
    Flag,
    /// Let it through, its points held (pending) until a reviewer releases or reverses them.
    Hold,
    /// Refuse it, and open a case.
    Refuse,
    /// Refuse it and suspend the member, and open a case.
    Freeze,
}

impl FraudAction {
    /// Every action, weakest first.
    pub const ALL: [FraudAction; 4] = [
        FraudAction::Flag,
        FraudAction::Hold,
        FraudAction::Refuse,
        FraudAction::Freeze,
    ];

    /// Its name in the program file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FraudAction::Flag => "flag",
            FraudAction::Hold => "hold",
            FraudAction::Refuse => "refuse",
            FraudAction::Freeze => "freeze",
        }
    }

    /// The action by its name.
    pub fn parse(name: &str) -> Option<FraudAction> {
        FraudAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether the operation is refused.
    pub fn refuses(self) -> bool {
        self >= FraudAction::Refuse
    }
}

/// One rule as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FraudRuleSpec {
    /// Its id: `[a-z0-9_-]{1,40}`, unique.
    pub id: String,
    /// What it measures (a [`Measure`] name).
    pub measure: String,
    /// The most allowed, the operation included: past it, the action is taken.
    pub max: Decimal,
    /// The window: `<n>h` or `<n>d`, from 1 hour to 365 days.
    pub window: String,
    /// What it does (a [`FraudAction`] name).
    pub action: String,
    /// For `refund_ratio`: the purchases in the window before the share counts (3 when not
    /// said), so one refunded purchase of a new member is not a pattern.
    pub min_purchases: Option<i64>,
    /// For `same_email_domain`: domains not counted (public mail services everyone shares).
    pub except: Vec<String>,
    /// For `same_phone_prefix`: how many leading digits are compared (7 when not said).
    pub prefix_digits: Option<i64>,
}

/// A checked rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FraudRule {
    /// Its id.
    pub id: String,
    /// What it measures.
    pub measure: Measure,
    /// The most allowed, the operation included.
    pub max: Decimal,
    /// How far back it looks.
    pub window: SignedDuration,
    /// What it does past its most.
    pub action: FraudAction,
    /// For `refund_ratio`: purchases in the window before the share counts.
    pub min_purchases: u32,
    /// For `same_email_domain`: domains not counted, lower-cased.
    pub except: Vec<String>,
    /// For `same_phone_prefix`: the leading digits compared.
    pub prefix_digits: u32,
}

impl FraudRule {
    /// Whether it counts members sharing the email domain `domain` (lower-cased).
    pub fn counts_domain(&self, domain: &str) -> bool {
        !self.except.iter().any(|d| d == domain)
    }

    /// The phone prefix it compares of a phone's digits; `None` when the phone is shorter.
    pub fn prefix<'a>(&self, digits: &'a str) -> Option<&'a str> {
        digits.get(..self.prefix_digits as usize)
    }
}

/// The program's fraud rules (none: nothing is judged, and nothing is read for them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FraudPolicy {
    rules: Vec<FraudRule>,
}

/// The longest window: a year.
const WINDOW_HOURS_MAX: i64 = 24 * 365;
/// The most rules a program may have: each is a read on the operations it judges.
pub const RULES_MAX: usize = 32;
/// The longest referral chain a rule may allow: judging one reads a link per referral.
pub const CHAIN_LONGEST: u32 = 50;

impl FraudPolicy {
    /// Checks `specs`, every problem at its key under `fraud.rules[i]`.
    pub fn new(specs: &[FraudRuleSpec]) -> Result<FraudPolicy, Vec<Issue>> {
        let mut issues = Issues::under("fraud");
        if specs.len() > RULES_MAX {
            issues.add(
                "rules",
                message!(
                    "must be at most {max}, got {got}",
                    max = RULES_MAX,
                    got = specs.len()
                ),
            );
        }
        let mut rules = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let key = |field: &str| format!("rules[{i}].{field}");
            if !crate::text::is_identifier(&spec.id) {
                issues.add(
                    key("id"),
                    message!(
                        "`{id}` must be 1–40 lowercase letters, digits, `_` or `-`",
                        id = spec.id
                    ),
                );
            } else if specs[..i].iter().any(|s| s.id == spec.id) {
                issues.add(key("id"), message!("is defined twice"));
            }
            let mut one_of = |field: &str, names: String, got: &str| {
                issues.add(
                    key(field),
                    message!(
                        "must be one of {names}, got `{got}`",
                        names = names,
                        got = got
                    ),
                );
            };
            let measure = Measure::parse(&spec.measure);
            if measure.is_none() {
                one_of(
                    "measure",
                    names(Measure::ALL.map(Measure::as_str)),
                    &spec.measure,
                );
            }
            let action = FraudAction::parse(&spec.action);
            if action.is_none() {
                one_of(
                    "action",
                    names(FraudAction::ALL.map(FraudAction::as_str)),
                    &spec.action,
                );
            }
            let window = parse_window(&spec.window);
            if window.is_none() {
                issues.add(
                    key("window"),
                    message!(
                        "must be hours (`24h`) or days (`7d`), from 1 hour to 365 days, got `{got}`",
                        got = spec.window
                    ),
                );
            }
            if let Some(measure) = measure {
                let fits = match measure {
                    Measure::RefundRatio => spec.max >= Decimal::ZERO && spec.max < Decimal::ONE,
                    Measure::ReferralChain => {
                        spec.max >= Decimal::ONE
                            && spec.max.fract().is_zero()
                            && spec.max <= Decimal::from(CHAIN_LONGEST)
                    }
                    m if m.whole() => spec.max >= Decimal::ONE && spec.max.fract().is_zero(),
                    _ => spec.max > Decimal::ZERO,
                };
                if !fits {
                    let words = match measure {
                        Measure::RefundRatio => message!(
                            "must be a share from 0 up to (not including) 1, got {got}",
                            got = spec.max
                        ),
                        Measure::Spend => message!("must be above 0, got {got}", got = spec.max),
                        Measure::ReferralChain => message!(
                            "must be a whole number from 1 to {most}, got {got}",
                            most = CHAIN_LONGEST,
                            got = spec.max
                        ),
                        _ => message!(
                            "must be a whole number of at least 1, got {got}",
                            got = spec.max
                        ),
                    };
                    issues.add(key("max"), words);
                }
                if action == Some(FraudAction::Hold) && !measure.earns() && !measure.refers() {
                    issues.add(
                        key("action"),
                        message!(
                            "`hold` holds points earned or a referrer's bonus: only for points_earned, purchases, spend, referrals or referral_chain"
                        ),
                    );
                }
                if measure.joins()
                    && matches!(action, Some(FraudAction::Hold | FraudAction::Refuse))
                {
                    issues.add(
                        key("action"),
                        message!(
                            "judges who joins: only flag, or freeze (the member joins suspended)"
                        ),
                    );
                }
                if !spec.except.is_empty() && measure != Measure::SameEmailDomain {
                    issues.add(key("except"), message!("is only for same_email_domain"));
                }
                if spec.prefix_digits.is_some() && measure != Measure::SamePhonePrefix {
                    issues.add(
                        key("prefix_digits"),
                        message!("is only for same_phone_prefix"),
                    );
                }
                // A referral code is shared in public: refusing or freezing on its count would let
                // a stranger freeze its holder, or turn away their real friends.
                if measure == Measure::Referrals
                    && matches!(action, Some(FraudAction::Refuse | FraudAction::Freeze))
                {
                    issues.add(
                        key("action"),
                        message!(
                            "referrals counts who used the member's code, which anyone may: only flag or hold"
                        ),
                    );
                }
                // Anyone may send points: freezing the receiver would let a stranger freeze them.
                if measure == Measure::TransfersIn && action == Some(FraudAction::Freeze) {
                    issues.add(
                        key("action"),
                        message!(
                            "transfers_in is what others send the member: only flag or refuse"
                        ),
                    );
                }
                if measure == Measure::StaffAdjusted
                    && matches!(action, Some(FraudAction::Hold | FraudAction::Freeze))
                {
                    issues.add(
                        key("action"),
                        message!(
                            "staff_adjusted judges a staff member, not the member: only flag or refuse"
                        ),
                    );
                }
                if spec.min_purchases.is_some() && measure != Measure::RefundRatio {
                    issues.add(key("min_purchases"), message!("is only for refund_ratio"));
                }
            }
            let min_purchases = spec.min_purchases.unwrap_or(3);
            if !(1..=1000).contains(&min_purchases) {
                issues.add(
                    key("min_purchases"),
                    message!(
                        "must be from {least} to {most}, got {got}",
                        least = 1,
                        most = 1000,
                        got = min_purchases
                    ),
                );
            }
            let prefix_digits = spec.prefix_digits.unwrap_or(7);
            // A misplaced setting was reported above; its value is not judged too.
            if measure == Some(Measure::SamePhonePrefix) && !(3..=12).contains(&prefix_digits) {
                issues.add(
                    key("prefix_digits"),
                    message!(
                        "must be from {least} to {most}, got {got}",
                        least = 3,
                        most = 12,
                        got = prefix_digits
                    ),
                );
            }
            for (j, domain) in spec.except.iter().enumerate() {
                if domain.trim().is_empty() || domain.contains('@') {
                    issues.add(
                        format!("rules[{i}].except[{j}]"),
                        message!(
                            "must be a domain such as `example.com`, got `{got}`",
                            got = domain
                        ),
                    );
                }
            }
            if let (Some(measure), Some(action), Some(window)) = (measure, action, window) {
                rules.push(FraudRule {
                    id: spec.id.clone(),
                    measure,
                    max: spec.max,
                    window,
                    action,
                    min_purchases: u32::try_from(min_purchases).unwrap_or(3),
                    except: spec
                        .except
                        .iter()
                        .map(|d| d.trim().to_lowercase())
                        .collect(),
                    prefix_digits: u32::try_from(prefix_digits).unwrap_or(7),
                });
            }
        }
        issues.result(FraudPolicy { rules })
    }

    /// The rules, as the program lists them.
    pub fn rules(&self) -> &[FraudRule] {
        &self.rules
    }

    /// The rules measuring `measure`.
    pub fn measuring(&self, measure: Measure) -> impl Iterator<Item = &FraudRule> {
        self.rules.iter().filter(move |r| r.measure == measure)
    }

    /// Whether any rule measures one of `measures`: if none does, nothing need be read.
    pub fn judges(&self, measures: &[Measure]) -> bool {
        self.rules.iter().any(|r| measures.contains(&r.measure))
    }
}

/// `24h`, `7d`: hours or days, from an hour to a year.
fn parse_window(text: &str) -> Option<SignedDuration> {
    let text = text.trim();
    let (number, hours_each) = if let Some(n) = text.strip_suffix('h') {
        (n, 1)
    } else {
        (text.strip_suffix('d')?, 24)
    };
    let n: i64 = number.parse().ok()?;
    let hours = n.checked_mul(hours_each)?;
    (1..=WINDOW_HOURS_MAX)
        .contains(&hours)
        .then(|| SignedDuration::from_hours(hours))
}

fn names<const N: usize>(names: [&str; N]) -> String {
    names.join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn spec(measure: &str, max: &str, window: &str, action: &str) -> FraudRuleSpec {
        FraudRuleSpec {
            id: format!("{measure}-{action}"),
            measure: measure.into(),
            max: max.parse().unwrap(),
            window: window.into(),
            action: action.into(),
            ..FraudRuleSpec::default()
        }
    }

    #[test]
    fn a_rule_reads_its_measure_window_most_and_action() {
        let policy = FraudPolicy::new(&[spec("points_earned", "5000", "24h", "hold")]).unwrap();
        let rule = &policy.rules()[0];
        assert_eq!(rule.measure, Measure::PointsEarned);
        assert_eq!(rule.window, SignedDuration::from_hours(24));
        assert_eq!(rule.action, FraudAction::Hold);
        assert!(policy.judges(&[Measure::PointsEarned, Measure::Spend]));
        assert!(!policy.judges(&[Measure::Redemptions]));
        assert_eq!(parse_window("7d"), Some(SignedDuration::from_hours(168)));
    }

    #[test]
    fn every_problem_is_reported_at_its_key() {
        let mut bad = spec("redemptions", "2.5", "3w", "hold");
        bad.min_purchases = Some(2);
        let twice = spec("spend", "100", "1h", "flag");
        let keys: Vec<String> = FraudPolicy::new(&[
            bad,
            spec("nonsense", "1", "1h", "explode"),
            twice.clone(),
            twice,
            spec("refund_ratio", "1.5", "0h", "refuse"),
        ])
        .unwrap_err()
        .into_iter()
        .map(|i| i.key)
        .collect();
        assert_eq!(
            keys,
            [
                "fraud.rules[0].window",
                "fraud.rules[0].max",
                "fraud.rules[0].action",
                "fraud.rules[0].min_purchases",
                "fraud.rules[1].measure",
                "fraud.rules[1].action",
                "fraud.rules[3].id",
                "fraud.rules[4].window",
                "fraud.rules[4].max",
            ]
        );
    }

    #[test]
    fn referral_rules_may_hold_the_referrers_bonus_and_chains_have_a_longest() {
        let policy = FraudPolicy::new(&[
            spec("referrals", "5", "24h", "hold"),
            spec("referral_chain", "3", "7d", "hold"),
        ])
        .unwrap();
        assert!(policy.rules().iter().all(|r| r.measure.refers()));
        let too_long = FraudPolicy::new(&[
            spec("referral_chain", "51", "24h", "flag"),
            spec("redemptions", "3", "1h", "hold"),
        ])
        .unwrap_err();
        let keys: Vec<&str> = too_long.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["fraud.rules[0].max", "fraud.rules[1].action"]);
    }

    #[test]
    fn rules_on_who_joins_flag_or_freeze_and_take_their_own_settings() {
        let mut domain = spec("same_email_domain", "5", "24h", "freeze");
        domain.except = vec![" Gmail.com ".into()];
        let mut phone = spec("same_phone_prefix", "5", "24h", "flag");
        phone.prefix_digits = Some(8);
        let policy = FraudPolicy::new(&[domain, phone]).unwrap();
        let (domain, phone) = (&policy.rules()[0], &policy.rules()[1]);
        assert!(!domain.counts_domain("gmail.com") && domain.counts_domain("mail.example"));
        assert_eq!(phone.prefix("8613800138000"), Some("86138001"));
        assert_eq!(phone.prefix("110"), None, "too short to compare");

        assert!(FraudPolicy::new(&[spec("transfers_in", "3", "24h", "freeze")]).is_err());
        assert!(FraudPolicy::new(&[spec("referrals", "3", "24h", "refuse")]).is_err());
        let mut misplaced = spec("same_device", "3", "24h", "refuse");
        misplaced.except = vec!["a@b".into()];
        misplaced.prefix_digits = Some(2);
        let keys: Vec<String> = FraudPolicy::new(&[misplaced])
            .unwrap_err()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(
            keys,
            [
                "fraud.rules[0].action",
                "fraud.rules[0].except",
                "fraud.rules[0].prefix_digits",
                "fraud.rules[0].except[0]",
            ]
        );
    }

    #[test]
    fn actions_are_ordered_weakest_first() {
        assert!(FraudAction::Freeze > FraudAction::Refuse);
        assert!(FraudAction::Refuse.refuses() && !FraudAction::Hold.refuses());
    }
}
