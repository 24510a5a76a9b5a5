//! Thousands of program texts no one would write — any text at all, and the demo program
//! with one value replaced by anything — are read without panicking: a text is either a
//! program or refused with every problem at a key or, for a text that is not TOML, a line.

use super::parse_program;
use proptest::prelude::*;
use std::path::Path;

/// The demo program: every section and most keys there are.
const DEMO: &str = include_str!("../../../laurel/demo/program.toml");

/// A TOML value a key might be given.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("9223372036854775807".to_owned()),
        Just("1e308".to_owned()),
        Just("\"-0.000000000000000000000000001\"".to_owned()),
        Just("\"99999999999999999999999999999\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("true".to_owned()),
        Just("\"2026-02-30\"".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        "[a-z_]{1,12}".prop_map(|s| format!("\"{s}\"")),
        any::<i64>().prop_map(|n| n.to_string()),
        "\\PC{0,20}".prop_map(|s| format!("{s:?}")),
    ]
}

/// The program read, or where each problem is: its key, else the line it is on (a text
/// that is not TOML has no key).
fn read(text: &str) -> Result<(), Vec<String>> {
    match parse_program(text, Path::new("fuzz.toml")) {
        Ok(_) => Ok(()),
        Err(e) => Err(e
            .issues
            .iter()
            .map(|i| match (&i.key, i.line) {
                (key, _) if !key.is_empty() => key.clone(),
                (_, Some(line)) => format!("line {line}"),
                (_, None) => String::new(),
            })
            .collect()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_text_is_read_or_refused_with_a_problem(text in "\\PC{0,300}") {
        if let Err(places) = read(&text) {
            prop_assert!(!places.is_empty() && places.iter().all(|p| !p.is_empty()), "{places:?}");
        }
    }

    #[test]
    fn the_demo_program_with_one_value_replaced_is_read_or_refused_at_a_key(
        line in any::<prop::sample::Index>(),
        replacement in value(),
    ) {
        let lines: Vec<&str> = DEMO.lines().collect();
        let assignments: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains(" = ") && !lines[i].trim_start().starts_with('#'))
            .collect();
        let at = assignments[line.index(assignments.len())];
        let (key, _) = lines[at].split_once(" = ").unwrap_or((lines[at], ""));
        let mut changed: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        changed[at] = format!("{key} = {replacement}");
        if let Err(places) = read(&changed.join("\n")) {
            prop_assert!(
                !places.is_empty() && places.iter().all(|p| !p.is_empty()),
                "{}: {places:?}",
                changed[at]
            );
        }
    }
}
