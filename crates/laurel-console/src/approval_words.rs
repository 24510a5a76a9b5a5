//! A request for approval in the page's language: its kind, and what it would do in a
//! sentence (the points and reason of an adjustment, the tier and its end, how much of the
//! program a new version changes) — and for a program change, its lines against the version
//! it replaces and when it would take effect.

use crate::i18n::Locale;
use laurel_engine::{ApprovalKind, ProgramVersion, Proposal};
use similar::{ChangeTag, TextDiff};

/// What kind of operation a request is.
pub fn kind(l: Locale, kind: ApprovalKind) -> String {
    l.strings()
        .get(&format!("approvals.kind_{}", kind.as_str()))
        .to_owned()
}

/// What a request would do, against the program `in_force` (its tiers' names; for a program
/// change, the version it replaces).
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
            let (_, added, removed) = diff(before_text(in_force), text);
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

/// The text a version was stored with (a program given in code has none to compare).
fn before_text(version: &ProgramVersion) -> &str {
    version.stored.as_ref().map_or("", |s| s.text.as_str())
}

/// One line of a program change as its checker reads it: added, removed or context (its CSS
/// class and sign), or a gap between changes.
pub struct DiffLine {
    /// `diff-add`, `diff-del`, `diff-same` or `diff-gap`.
    pub class: &'static str,
    /// `+`, `−`, a space, or nothing for a gap.
    pub sign: &'static str,
    /// The line, without its end.
    pub text: String,
}

/// A program change as its checker sees it besides the sentence: when it would take effect,
/// its lines against the version it replaces, and whether another version was stored since
/// it was asked (approving it is then refused).
pub struct ProgramDiff {
    /// In force from when, in words.
    pub effective: String,
    /// The changed lines, with a few lines of context around each change.
    pub lines: Vec<DiffLine>,
    /// Why approving it will be refused, if it will.
    pub changed_since: Option<String>,
}

/// Lines of context shown around each change.
const CONTEXT: usize = 3;

/// For a program change, its [`ProgramDiff`] against `replaced` (the version in force when it
/// would take effect), `newest` being the newest stored version now; none for other requests.
pub fn program_diff(
    l: Locale,
    replaced: &ProgramVersion,
    newest: Option<i64>,
    proposal: &Proposal,
) -> Option<ProgramDiff> {
    let Proposal::ProgramChange {
        text,
        effective_from,
        based_on,
        ..
    } = proposal
    else {
        return None;
    };
    let t = l.strings();
    let tz = &replaced.definition.program.time_zone;
    let effective = effective_from.map_or_else(
        || t.get("approvals.effective_on_approval").to_owned(),
        |at| t.with("approvals.effective_from", "at", &l.date_time(at, tz)),
    );
    let changed_since = (*based_on != newest).then(|| {
        let newest = newest.map_or_else(String::new, |v| v.to_string());
        t.with("code.program_changed_since", "newest", &newest)
    });
    Some(ProgramDiff {
        effective,
        lines: diff(before_text(replaced), text).0,
        changed_since,
    })
}

/// A line diff of `before` and `after` (changes with [`CONTEXT`] lines around them), and how
/// many lines it adds and removes: a value swapped between two lines counts as both.
fn diff(before: &str, after: &str) -> (Vec<DiffLine>, i64, i64) {
    // A last line without its end is the same line as with one.
    let ended = |text: &str| {
        let mut text = text.to_owned();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text
    };
    let (before, after) = (ended(before), ended(after));
    let diff = TextDiff::from_lines(&before, &after);
    let mut lines = Vec::new();
    let (mut added, mut removed) = (0, 0);
    for (i, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i > 0 {
            lines.push(DiffLine {
                class: "diff-gap",
                sign: "",
                text: "…".to_owned(),
            });
        }
        for change in group.iter().flat_map(|op| diff.iter_changes(op)) {
            let (class, sign) = match change.tag() {
                ChangeTag::Insert => {
                    added += 1;
                    ("diff-add", "+")
                }
                ChangeTag::Delete => {
                    removed += 1;
                    ("diff-del", "−")
                }
                ChangeTag::Equal => ("diff-same", " "),
            };
            lines.push(DiffLine {
                class,
                sign,
                text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
            });
        }
    }
    (lines, added, removed)
}

#[cfg(test)]
mod tests {
    fn summed(before: &str, after: &str) -> (i64, i64) {
        let (_, added, removed) = super::diff(before, after);
        (added, removed)
    }

    #[test]
    fn a_program_change_is_summed_up_by_the_lines_it_adds_and_removes() {
        assert_eq!(summed("a\nb\nc", "a\nc\nd\ne\n"), (2, 1));
        assert_eq!(summed("a", "a"), (0, 0));
        assert_eq!(
            summed("x = 1\ny = 2\n", "x = 2\ny = 1\n"),
            (2, 2),
            "values swapped between lines are a change"
        );
    }

    #[test]
    fn a_diff_marks_added_and_removed_lines_with_context_around_them() {
        let before: String = (1..=20).map(|n| format!("line {n}\n")).collect();
        let after = before.replace("line 10\n", "line ten\n");
        let (lines, _, _) = super::diff(&before, &after);
        let shown: Vec<(&str, &str)> = lines.iter().map(|l| (l.class, l.text.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("diff-same", "line 7"),
                ("diff-same", "line 8"),
                ("diff-same", "line 9"),
                ("diff-del", "line 10"),
                ("diff-add", "line ten"),
                ("diff-same", "line 11"),
                ("diff-same", "line 12"),
                ("diff-same", "line 13"),
            ]
        );
    }
}
