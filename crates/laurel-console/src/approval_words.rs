//! A request for approval in the page's language: its kind, and what it would do in a
//! sentence (the points and reason of an adjustment, the tier and its end, how much of the
//! program a new version changes).

use crate::i18n::Locale;
use laurel_engine::{ApprovalKind, ProgramVersion, Proposal};
use std::collections::BTreeSet;

/// What kind of operation a request is.
pub fn kind(l: Locale, kind: ApprovalKind) -> String {
    l.strings()
        .get(&format!("approvals.kind_{}", kind.as_str()))
        .to_owned()
}

/// What a request would do, against the program `in_force` (its tiers' names, the text a new
/// version replaces).
pub fn what(l: Locale, in_force: &ProgramVersion, proposal: &Proposal) -> String {
    let t = l.strings();
    let definition = &in_force.definition;
    match proposal {
        Proposal::Adjustment { points, reason, .. } => t.fill(
            "approvals.what_adjustment",
            &[("points", &l.signed(*points)), ("reason", reason)],
        ),
        Proposal::TierAssignment {
            tier,
            reason,
            until,
            ..
        } => {
            let name = definition
                .tiers
                .as_ref()
                .and_then(|p| p.tier(tier))
                .map_or_else(|| tier.clone(), |t| l.text(&t.name).to_owned());
            let until = until.map_or_else(
                || t.get("approvals.open_ended").to_owned(),
                |at| l.date_time(at, &definition.program.time_zone),
            );
            t.fill(
                "approvals.what_tier",
                &[("tier", &name), ("until", &until), ("reason", reason)],
            )
        }
        Proposal::ProgramChange { text, note, .. } => {
            let before = in_force.stored.as_ref().map_or("", |s| s.text.as_str());
            let (added, removed) = lines_changed(before, text);
            t.fill(
                "approvals.what_program",
                &[
                    ("added", &l.integer(added)),
                    ("removed", &l.integer(removed)),
                    ("note", note.as_deref().unwrap_or_default()),
                ],
            )
        }
    }
}

/// Lines of `after` not in `before`, and of `before` not in `after`: a summary of a change
/// a reviewer reads the whole of on the program page.
fn lines_changed(before: &str, after: &str) -> (i64, i64) {
    let old: BTreeSet<&str> = before.lines().collect();
    let new: BTreeSet<&str> = after.lines().collect();
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    (
        count(new.difference(&old).count()),
        count(old.difference(&new).count()),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_program_change_is_summed_up_by_the_lines_it_adds_and_removes() {
        assert_eq!(super::lines_changed("a\nb\nc", "a\nc\nd\ne"), (2, 1));
        assert_eq!(super::lines_changed("a", "a"), (0, 0));
    }
}
