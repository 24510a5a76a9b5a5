//! Python tools from PyPI that some suites run against a real Laurel (schemathesis and the
//! OpenAPI checkers, the loopback SMTP server): `.ci/run` installs them, pinned, into a
//! virtualenv and names its `bin` folder in `LAUREL_PY_TOOLS`.

use std::io::Write as _;
use std::path::PathBuf;

/// The environment variable naming the folder of the Python tools' executables.
pub const TOOLS_ENV: &str = "LAUREL_PY_TOOLS";

/// The folder holding every one of `tools`, or `None` after a loud message so that the test
/// can skip — unless `CI=true`, where a missing tool fails the test instead. `what` names the
/// checks that would be skipped.
pub fn tools(tools: &[&str], what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(TOOLS_ENV).map(PathBuf::from);
    let missing: Vec<&str> = match &dir {
        Some(dir) => tools
            .iter()
            .copied()
            .filter(|tool| !dir.join(tool).is_file())
            .collect(),
        None => tools.to_vec(),
    };
    if missing.is_empty() {
        return dir;
    }
    let why = format!(
        "{TOOLS_ENV} is {dir:?}; missing there: {}. `.ci/run` installs the Python tools into a \
         virtualenv and sets it (the README's *Test it* shows how to do the same locally)",
        missing.join(", ")
    );
    assert!(
        !crate::in_ci(),
        "the Python tools for {what} are missing and CI=true: {why}"
    );
    // Straight to the stderr handle: the harness captures `eprintln!`, and a skip must show.
    let line = "*".repeat(78);
    let _ = writeln!(
        std::io::stderr(),
        "\n{line}\n*** SKIPPING {what}:\n*** {why}.\n*** With CI=true this is an error.\n{line}\n"
    );
    None
}
