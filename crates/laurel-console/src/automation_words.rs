//! An automation in words, so a loyalty manager reads what it does without reading TOML: its
//! trigger, each condition and action as a phrase, and its limit, in the page's language —
//! event types by their webhook words, tiers by their names, points by the program's word.

use crate::i18n::Locale;
use crate::program_words::tier_name;
use crate::webhook_words;
use laurel_core::automations::automation::Range;
use laurel_core::automations::{Action, AutomationTrigger, Limit, MemberCondition};
use laurel_engine::ProgramDefinition;

/// What sets it off: "Every day", or "When “Points redeemed” happens".
pub(crate) fn trigger(l: Locale, trigger: AutomationTrigger) -> String {
    let t = l.strings();
    match trigger {
        AutomationTrigger::Daily => t.get("automations.daily").to_owned(),
        AutomationTrigger::Event(kind) => t.with(
            "automations.on_event",
            "event",
            &webhook_words::event_type(l, kind.as_str()),
        ),
    }
}

/// One condition on the member: "60 days or more since their last purchase", "holds Gold or
/// Silver", "has at least 100 points", "agreed to e-mail".
pub(crate) fn condition(
    l: Locale,
    definition: &ProgramDefinition,
    condition: &MemberCondition,
) -> String {
    let t = l.strings();
    let points = l.text(&definition.program.points_name);
    match condition {
        MemberCondition::Tiers(tiers) => {
            let names: Vec<String> = tiers
                .iter()
                .map(|id| tier_name(l, definition, id))
                .collect();
            t.with(
                "automations.tiers",
                "list",
                &names.join(t.get("automations.or")),
            )
        }
        MemberCondition::DaysSinceLastPurchase(range) => {
            ranged(l, "automations.since_purchase", *range)
        }
        MemberCondition::DaysSinceJoining(range) => ranged(l, "automations.since_joining", *range),
        MemberCondition::Balance(range) => {
            ranged(l, "automations.balance", *range).replace("{points}", points)
        }
        MemberCondition::Segments(ids) => t.with(
            "automations.segments",
            "list",
            &ids.join(t.get("automations.or")),
        ),
        MemberCondition::Consent(channel) => t
            .find(&format!("automations.consent_{channel}"))
            .map_or_else(
                // A channel a later version adds reads by its name until it has words.
                || t.with("automations.consent_other", "channel", channel),
                str::to_owned,
            ),
    }
}

/// A range's phrase under `key` (`_at_least`, `_at_most` or `_between`, by which ends it
/// has), its numbers as the locale writes them.
pub(crate) fn ranged(l: Locale, key: &str, range: Range) -> String {
    ranged_as(l, key, range, |n| l.integer(n))
}

/// Like [`ranged`], each end written by `number`.
pub(crate) fn ranged_as(
    l: Locale,
    key: &str,
    range: Range,
    number: impl Fn(i64) -> String,
) -> String {
    let t = l.strings();
    match (range.at_least, range.at_most) {
        (Some(min), Some(max)) => t.fill(
            &format!("{key}_between"),
            &[("min", &number(min)), ("max", &number(max))],
        ),
        (None, Some(max)) => t.with(&format!("{key}_at_most"), "max", &number(max)),
        // A range with neither end holds for every value these conditions can take (days and
        // spendable points are never negative): worded as "0 or more".
        (min, None) => t.with(&format!("{key}_at_least"), "min", &number(min.unwrap_or(0))),
    }
}

/// One action: "gives 50 points — ‘we miss you’", "writes: ‘We miss you’" (the subject in
/// the page's language), "tells the webhook subscribers".
pub(crate) fn action(l: Locale, definition: &ProgramDefinition, action: &Action) -> String {
    let t = l.strings();
    match action {
        Action::AwardPoints { points, reason } => t.fill(
            "automations.award",
            &[
                ("n", &l.integer(points.get())),
                ("points", l.text(&definition.program.points_name)),
                ("reason", reason),
            ],
        ),
        Action::Send { subject, .. } => t.with("automations.send", "subject", l.text(subject)),
        Action::Webhook => t.get("automations.webhook").to_owned(),
    }
}

/// How often it may act on one member: "once a month per member".
pub(crate) fn limit(l: Locale, limit: Limit) -> &'static str {
    l.strings().get(match limit {
        Limit::Once => "automations.limit_once",
        Limit::PerYear => "automations.limit_per_year",
        Limit::PerMonth => "automations.limit_per_month",
        Limit::PerWeek => "automations.limit_per_week",
        Limit::PerDay => "automations.limit_per_day",
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use laurel_engine::program_file::parse_program;

    const PROGRAM: &str = r#"
[program]
name = "Words"
currency = "CNY"
time_zone = "Asia/Shanghai"

[earn]
points_per_unit = "1"

[points]
value = "0.01"
expiry = { policy = "never" }

[tiers]
metric = "spend"
window = "since_joining"

[[tiers.levels]]
id = "silver"
name = { en = "Silver", zh-CN = "银卡" }
threshold = "0"

[[tiers.levels]]
id = "gold"
name = { en = "Gold", zh-CN = "金卡" }
threshold = "1000"

[[automations]]
id = "win_back"
name = { en = "Win back", zh-CN = "唤回" }
trigger = "daily"
limit = "per_month"
conditions = [
  { days_since_last_purchase = { at_least = 60 } },
  { tiers = ["gold", "silver"] },
  { balance = { at_least = 100 } },
  { consent = "email" },
  { days_since_joining = { at_least = 30, at_most = 1000 } },
  { balance = { at_most = 5000 } },
]
actions = [
  { award_points = 1500, reason = "we miss you" },
  { send = { subject = { en = "We miss you", zh-CN = "我们想念您" }, text = "…" } },
  { webhook = true },
]

[[automations]]
id = "thanks"
name = "Thanks"
trigger = { event = "points.redeemed" }
actions = [ { webhook = true } ]
"#;

    /// Each automation of the program as (trigger, conditions, actions, limit) in `l`.
    fn phrases(l: Locale) -> Vec<(String, Vec<String>, Vec<String>, &'static str)> {
        let d = parse_program(PROGRAM, std::path::Path::new("words.toml")).unwrap();
        d.automations
            .iter()
            .map(|a| {
                (
                    trigger(l, a.trigger),
                    a.conditions.iter().map(|c| condition(l, &d, c)).collect(),
                    a.actions.iter().map(|x| action(l, &d, x)).collect(),
                    limit(l, a.limit),
                )
            })
            .collect()
    }

    #[test]
    fn a_win_back_reads_as_phrases_in_english() {
        let all = phrases(Locale::En);
        let (when, conditions, actions, limit) = &all[0];
        assert_eq!(when, "Every day");
        assert_eq!(
            conditions,
            &[
                "60 days or more since their last purchase",
                "holds Gold or Silver",
                "has at least 100 points",
                "agreed to e-mail",
                "30 to 1,000 days since joining",
                "has at most 5,000 points",
            ]
        );
        assert_eq!(
            actions,
            &[
                "gives 1,500 points — ‘we miss you’",
                "writes: ‘We miss you’",
                "tells the webhook subscribers",
            ]
        );
        assert_eq!(*limit, "once a month per member");
        assert_eq!(all[1].0, "When “Points redeemed” happens");
        assert_eq!(all[1].3, "once per member");
    }

    #[test]
    fn a_win_back_reads_in_chinese_with_the_tiers_and_subject_in_chinese() {
        let all = phrases(Locale::ZhCn);
        let (when, conditions, actions, limit) = &all[0];
        assert_eq!(when, "每天");
        assert_eq!(conditions[0], "距上次消费 60 天及以上");
        assert_eq!(conditions[1], "会员等级为金卡或银卡");
        assert_eq!(conditions[2], "可用积分至少 100");
        assert_eq!(conditions[3], "同意接收电子邮件");
        assert_eq!(actions[0], "赠送 1,500 积分——“we miss you”");
        assert_eq!(actions[1], "发信：“我们想念您”");
        assert_eq!(*limit, "每位会员每月一次");
        assert_eq!(all[1].0, "发生“积分兑换”时");
    }

    #[test]
    fn the_example_the_page_shows_is_a_valid_automation_in_both_languages() {
        let (head, _) = PROGRAM.split_once("[[automations]]").unwrap();
        for l in Locale::ALL {
            let text = format!("{head}{}", l.strings().get("automations.example"));
            let d = parse_program(&text, std::path::Path::new("example.toml"))
                .map_err(|e| format!("{}: {e}", l.tag()))
                .unwrap();
            let example = &d.automations[0];
            assert_eq!(
                (example.conditions.len(), example.actions.len()),
                (4, 3),
                "{}",
                l.tag()
            );
        }
    }
}
