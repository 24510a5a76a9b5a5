//! A rule, tier or reward written into a draft reads back as exactly itself, and the rest of
//! the text stays as its author wrote it.

use super::{Draft, DraftError, Part};
use crate::program_file::{ProgramDefinition, parse_program};
use jiff::civil::{Time, Weekday, date};
use laurel_core::rewards::{CouponTerms, Reward, RewardKind};
use laurel_core::rules::{
    BirthdayWindow, Condition, EarningRule, Effect, Limits, Stacking, TimeWindow,
};
use laurel_core::tiers::{Tier, TierBenefits};
use laurel_core::{Channel, Localized, Points};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

const PROGRAM: &str = r#"# The test program: comments are the author's and stay.
[program]
name = "Draft Coffee"
currency = "CNY"
time_zone = "Asia/Shanghai"

[earn]
points_per_unit = "1"   # a point a yuan

[points]
value = "0.01"
expiry = { policy = "never" }

# Double points on Tuesdays, for now.
[[rules]]
id = "double_tuesday"
name = "Double points Tuesday"
effect = { multiplier = "2" }            # the base earn once more
conditions = [ { days_of_week = ["tue"] } ]

[tiers]
metric = "spend"
window = "calendar_year"

[[tiers.levels]]
id = "member"
name = "Member"
threshold = "0"

[[tiers.levels]]
id = "gold"
name = { en = "Gold", zh-CN = "金卡" }
threshold = "1000"
earn_multiplier = "1.5"

[[rewards]]
id = "five_off"
name = "¥5 off"
type = "amount_coupon"
amount = "5"
cost = 100

[[partners]]
code = "cafe"
name = "Corner Café"
price_per_point = "0.01"
reimbursement_per_point = "0.008"
"#;

fn parsed(text: &str) -> ProgramDefinition {
    parse_program(text, Path::new("draft.toml"))
        .unwrap_or_else(|e| panic!("{e}\n--- the text:\n{text}"))
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn both(en: &str, zh: &str) -> Localized {
    Localized::PerLanguage(BTreeMap::from([
        ("en".to_owned(), en.to_owned()),
        ("zh-CN".to_owned(), zh.to_owned()),
    ]))
}

/// A purchase rule with every condition a purchase can have, each limit and a group.
fn busy_rule() -> EarningRule {
    EarningRule::new(
        "lunch",
        both("Lunch bonus", "午餐奖励"),
        Effect::Multiplier(d("1.5")),
    )
    .when(Condition::ChannelIn(vec![Channel::Pos, Channel::App]))
    .when(Condition::StoreIn(vec!["sh-01".into()]))
    .when(Condition::SkuIn(vec!["latte".into(), "mocha".into()]))
    .when(Condition::CategoryIn(vec!["coffee".into()]))
    .when(Condition::LineAttribute {
        key: "size".into(),
        value: "grande".into(),
    })
    .when(Condition::MinimumSpend(d("30.50")))
    .when(Condition::DayOfWeek(vec![Weekday::Monday, Weekday::Friday]))
    .when(Condition::TimeOfDay(
        TimeWindow::daily(Time::constant(11, 30, 0, 0), Time::constant(14, 0, 15, 0))
            .on([Weekday::Saturday]),
    ))
    .when(Condition::DateRange {
        from: date(2026, 1, 1),
        to: date(2026, 12, 31),
    })
    .when(Condition::TierIn(vec!["gold".into()]))
    .when(Condition::MemberAttribute {
        key: "segment".into(),
        value: "student".into(),
    })
    .when(Condition::FirstPurchase)
    .when(Condition::Birthday(BirthdayWindow::Month))
    .with_limits(Limits {
        per_transaction: Some(Points(50)),
        per_member_day: Some(Points(100)),
        per_member_week: Some(Points(300)),
        per_member_month: Some(Points(900)),
        per_member_lifetime: Some(Points(5000)),
        campaign_budget: Some(Points(1_000_000)),
    })
    .with_priority(-3)
    .with_stacking(Stacking::ExclusiveGroup("lunch".into()))
}

fn put_rule(text: &str, rule: &EarningRule) -> String {
    let mut draft = Draft::parse(text).unwrap();
    draft.put_rule(rule, None).unwrap();
    draft.text()
}

#[test]
fn a_rule_with_every_condition_limit_and_stacking_reads_back_as_itself() {
    let rule = busy_rule();
    let text = put_rule(PROGRAM, &rule);
    assert_eq!(parsed(&text).rules.get("lunch"), Some(&rule), "{text}");
    assert_eq!(Draft::parse(&text).unwrap().rule("lunch").unwrap(), rule);
}

#[test]
fn event_rules_and_each_effect_and_stacking_read_back_as_themselves() {
    let rules = [
        EarningRule::new("review", "Review", Effect::Fixed(Points(20)))
            .on_event("review_written")
            .when(Condition::EventAttribute {
                key: "stars".into(),
                value: "5".into(),
            })
            .with_stacking(Stacking::Exclusive),
        EarningRule::new("beans", "Beans", Effect::PointsPerUnit(d("2.25"))),
        EarningRule::new("cafe_beans", "Café beans", Effect::PointsPerUnit(d("1")))
            .at_partner("cafe"),
        EarningRule::new("students", "Students", Effect::PercentBonus(d("20")))
            .when(Condition::SegmentIn(vec!["students".into()]))
            .with_priority(7),
        EarningRule::new("night", "Night owls", Effect::Multiplier(d("3"))).when(
            Condition::TimeOfDay(TimeWindow::daily(
                Time::constant(22, 0, 0, 0),
                Time::constant(2, 0, 0, 0),
            )),
        ),
    ];
    let mut text = PROGRAM.to_owned();
    for rule in &rules {
        text = put_rule(&text, rule);
    }
    // The segment a rule names must be saved to apply, not to parse.
    let definition = parsed(&text);
    for rule in &rules {
        assert_eq!(definition.rules.get(&rule.id), Some(rule), "{text}");
    }
}

#[test]
fn editing_a_rule_keeps_its_place_its_comments_and_the_rest_of_the_text() {
    let mut rule = parsed(PROGRAM)
        .rules
        .get("double_tuesday")
        .cloned()
        .unwrap();
    rule.effect = Effect::Multiplier(d("3"));
    rule.limits.per_member_day = Some(Points(500));
    let text = put_rule(PROGRAM, &rule);
    assert_eq!(parsed(&text).rules.get("double_tuesday"), Some(&rule));
    assert!(
        text.contains("effect = { multiplier = \"3\" }            # the base earn once more"),
        "the value's comment stays: {text}"
    );
    assert!(
        text.contains("# Double points on Tuesdays, for now.\n[[rules]]"),
        "{text}"
    );
    // Everything before and after the rule is as written.
    let (before, after) = PROGRAM.split_once("[[rules]]").unwrap();
    assert!(text.starts_with(before), "{text}");
    assert!(
        text.ends_with(after.split_once("\n\n").unwrap().1),
        "{text}"
    );
    assert_eq!(
        Draft::parse(&text).unwrap().ids(Part::Rule),
        ["double_tuesday"]
    );
}

#[test]
fn a_rule_saved_under_a_new_id_replaces_the_one_it_was_loaded_from() {
    let mut rule = parsed(PROGRAM)
        .rules
        .get("double_tuesday")
        .cloned()
        .unwrap();
    rule.id = "double_wednesday".into();
    rule.conditions = vec![Condition::DayOfWeek(vec![Weekday::Wednesday])];
    let mut draft = Draft::parse(PROGRAM).unwrap();
    draft.put_rule(&rule, Some("double_tuesday")).unwrap();
    assert_eq!(draft.ids(Part::Rule), ["double_wednesday"]);
    assert_eq!(
        parsed(&draft.text()).rules.get("double_wednesday"),
        Some(&rule)
    );
}

#[test]
fn the_first_rule_of_a_program_without_rules_is_added() {
    let (head, _) = PROGRAM.split_once("# Double").unwrap();
    let mut rule = busy_rule();
    // Without tiers, a rule may name none.
    rule.conditions
        .retain(|c| !matches!(c, Condition::TierIn(_)));
    let text = put_rule(head, &rule);
    assert!(
        text.contains("conditions = [\n    { channels = [\"pos\", \"app\"] },\n"),
        "{text}"
    );
    assert_eq!(parsed(&text).rules.in_order(), [rule]);
}

#[test]
fn tiers_read_back_as_themselves_and_a_new_one_goes_by_its_threshold() {
    let silver = Tier {
        id: "silver".into(),
        name: both("Silver", "银卡"),
        threshold: d("300"),
        benefits: TierBenefits {
            earn_multiplier: d("1.25"),
            discount_percent: d("5"),
            perks: vec!["free upsize".into(), "birthday cake".into()],
        },
    };
    let mut draft = Draft::parse(PROGRAM).unwrap();
    draft.put_tier(&silver, None).unwrap();
    assert_eq!(draft.ids(Part::Tier), ["member", "silver", "gold"]);
    let text = draft.text();
    let policy = parsed(&text).tiers.unwrap();
    assert_eq!(policy.tiers()[1], silver, "{text}");
    assert_eq!(Draft::parse(&text).unwrap().tier("silver").unwrap(), silver);

    // Edited: the benefits back to their defaults leave their keys out.
    let mut gold = policy.tiers()[2].clone();
    gold.name = Localized::Plain("Gold".into());
    gold.benefits = TierBenefits::default();
    draft.put_tier(&gold, None).unwrap();
    let text = draft.text();
    assert_eq!(parsed(&text).tiers.unwrap().tiers()[2], gold);
    assert!(!text.contains("earn_multiplier = \"1.5\""), "{text}");
}

#[test]
fn the_first_tier_makes_a_tiers_table_and_removing_the_last_removes_it() {
    let (head, _) = PROGRAM.split_once("[tiers]").unwrap();
    let tier = Tier {
        id: "member".into(),
        name: Localized::Plain("Member".into()),
        threshold: Decimal::ZERO,
        benefits: TierBenefits::default(),
    };
    let mut draft = Draft::parse(head).unwrap();
    draft.put_tier(&tier, None).unwrap();
    assert_eq!(parsed(&draft.text()).tiers.unwrap().tiers(), [tier]);
    draft.remove(Part::Tier, "member").unwrap();
    assert!(!draft.text().contains("tiers"), "{}", draft.text());
    assert!(parsed(&draft.text()).tiers.is_none());
}

fn reward(id: &str, kind: RewardKind) -> Reward {
    Reward {
        id: id.into(),
        name: Localized::Plain(id.into()),
        description: None,
        kind,
        cost: Points(250),
        tiers: Vec::new(),
        segments: Vec::new(),
        available_from: None,
        available_until: None,
        stock: None,
        per_member_limit: None,
        coupon: CouponTerms::default(),
        partner: None,
    }
}

#[test]
fn rewards_of_every_type_read_back_as_themselves() {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let day = |y, m, dd| {
        date(y, m, dd)
            .to_zoned_datetime(tz.clone())
            .unwrap()
            .timestamp()
    };
    let rewards = [
        Reward {
            description: Some(both("Ten off", "减十元")),
            tiers: vec!["gold".into()],
            available_from: Some(day(2026, 3, 1)),
            // The last day included: the start of the next.
            available_until: Some(day(2026, 4, 1)),
            stock: Some(500),
            per_member_limit: Some(2),
            coupon: CouponTerms {
                min_spend: Some(d("50")),
                valid_days: 14,
            },
            partner: Some("cafe".into()),
            ..reward("ten_off", RewardKind::AmountCoupon { amount: d("10") })
        },
        reward(
            "tenth_off",
            RewardKind::PercentCoupon {
                percent: d("10"),
                max_discount: Some(d("20.5")),
            },
        ),
        reward(
            "free_latte",
            RewardKind::FreeProduct {
                sku: "latte".into(),
            },
        ),
        Reward {
            // An instant that is no day's start is written as one.
            available_from: Some("2026-03-01T09:30:00+08:00".parse().unwrap()),
            ..reward("mug", RewardKind::PhysicalGift)
        },
        reward(
            "tasting",
            RewardKind::Experience {
                starts_at: Some("2026-05-02T10:00:00Z".parse().unwrap()),
                location: Some("Roastery".into()),
            },
        ),
        reward(
            "trees",
            RewardKind::Donation {
                cause: "Plant a tree".into(),
            },
        ),
    ];
    let mut draft = Draft::parse(PROGRAM).unwrap();
    for r in &rewards {
        draft.put_reward(r, None).unwrap();
    }
    let text = draft.text();
    assert!(text.contains("available_until = \"2026-03-31\""), "{text}");
    let catalog = parsed(&text).catalog;
    for r in &rewards {
        assert_eq!(catalog.get(&r.id), Some(r), "{text}");
        assert_eq!(draft.reward(&r.id).as_ref(), Ok(r));
    }
}

#[test]
fn a_reward_changed_to_another_type_loses_the_keys_of_its_old_one() {
    let mut draft = Draft::parse(PROGRAM).unwrap();
    let gift = reward("five_off", RewardKind::PhysicalGift);
    draft.put_reward(&gift, None).unwrap();
    let text = draft.text();
    assert!(!text.contains("amount"), "{text}");
    assert_eq!(parsed(&text).catalog.get("five_off"), Some(&gift));
}

#[test]
fn removing_takes_out_one_item_and_an_unknown_id_is_said_so() {
    let mut draft = Draft::parse(PROGRAM).unwrap();
    draft.remove(Part::Reward, "five_off").unwrap();
    draft.remove(Part::Rule, "double_tuesday").unwrap();
    assert_eq!(
        draft.remove(Part::Tier, "platinum"),
        Err(DraftError::NotFound(Part::Tier, "platinum".into()))
    );
    let text = draft.text();
    let definition = parsed(&text);
    assert!(definition.rules.in_order().is_empty() && definition.catalog.rewards().is_empty());
    assert!(text.contains("# The test program"), "{text}");
}

#[test]
fn an_item_written_wrong_is_not_read_into_a_form_but_its_problems_are_named() {
    let text = PROGRAM.replace("[\"tue\"]", "[\"someday\"]");
    let draft = Draft::parse(&text).unwrap();
    let Err(DraftError::Invalid(Part::Rule, id, issues)) = draft.rule("double_tuesday") else {
        panic!("read a rule with an unknown day");
    };
    assert_eq!(id, "double_tuesday");
    assert_eq!(issues[0].key, "rules[0].conditions[0].days_of_week");
    let text = PROGRAM.replace(
        "threshold = \"1000\"",
        "threshold = \"1000\"\ncolour = \"gold\"",
    );
    let Err(DraftError::Invalid(Part::Tier, _, issues)) = Draft::parse(&text).unwrap().tier("gold")
    else {
        panic!("read a tier with an unknown key");
    };
    assert_eq!(issues[0].key, "tiers.levels[1]");
    assert!(issues[0].words.text().contains("colour"), "{:?}", issues[0]);
}

#[test]
fn a_text_that_is_not_toml_or_not_shaped_as_tables_cannot_be_changed() {
    assert!(matches!(
        Draft::parse("[program\n"),
        Err(DraftError::Unreadable)
    ));
    let (head, _) = PROGRAM.split_once("# Double").unwrap();
    let mut draft = Draft::parse(&format!("rules = []\n{head}")).unwrap();
    assert_eq!(
        draft.put_rule(&busy_rule(), None),
        Err(DraftError::NotTables(Part::Rule))
    );
}

#[test]
fn a_rule_written_with_dotted_keys_and_a_sub_table_is_read_and_rewritten() {
    let text = PROGRAM.replace(
        "effect = { multiplier = \"2\" }            # the base earn once more\nconditions = [ { days_of_week = [\"tue\"] } ]\n",
        "effect.multiplier = \"2\"\nconditions = [ { days_of_week = [\"tue\"] } ]\n\n[rules.limits]\nper_member_day = 500\n",
    );
    let before = parsed(&text).rules.get("double_tuesday").cloned().unwrap();
    let mut draft = Draft::parse(&text).unwrap();
    assert_eq!(draft.rule("double_tuesday").unwrap(), before);
    let mut rule = before.clone();
    rule.limits.per_member_day = Some(Points(600));
    rule.effect = Effect::Multiplier(d("3"));
    draft.put_rule(&rule, None).unwrap();
    assert_eq!(
        parsed(&draft.text()).rules.get("double_tuesday"),
        Some(&rule),
        "{}",
        draft.text()
    );
}
