//! Comma-separated values for downloads (RFC 4180), safe to open in a spreadsheet.

/// One record: every field quoted, quotes doubled, and a field a spreadsheet would run as a
/// formula (starting `=`, `+`, `-`, `@`, a tab or a return) led by an apostrophe, since the
/// fields are words staff typed.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            let field = field.as_ref();
            let guard = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                "'"
            } else {
                ""
            };
            format!("\"{guard}{}\"", field.replace('"', "\"\""))
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::record;

    #[test]
    fn fields_are_quoted_and_formulas_are_defused() {
        assert_eq!(
            record(&["a, b", "say \"hi\"", "=SUM(A1)", "line\nbreak"]),
            "\"a, b\",\"say \"\"hi\"\"\",\"'=SUM(A1)\",\"line\nbreak\"\r\n"
        );
    }
}
