//! Comma-separated values for downloads (RFC 4180), safe to open in a spreadsheet.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// One record: every field quoted, quotes doubled, and a field a spreadsheet would run as a
/// formula (starting `=`, `+`, `-`, `@`, a tab or a return) led by an apostrophe, since the
/// fields are words staff typed. A signed number (`-30`, `+12.5%`) is left as it is: a
/// spreadsheet reads it as the number it is, and nothing else can hide in it.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            let field = laurel_core::text::spreadsheet_safe(field.as_ref());
            format!("\"{}\"", field.replace('"', "\"\""))
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

/// A CSV download being written: its heading, then a record at a time.
pub struct Csv {
    body: String,
}

impl Csv {
    /// A download whose first record is `heading`, after a byte-order mark so spreadsheets
    /// read the Chinese as UTF-8.
    pub fn new<S: AsRef<str>>(heading: &[S]) -> Csv {
        let mut body = String::from("\u{feff}");
        body.push_str(&record(heading));
        Csv { body }
    }

    /// Adds one record.
    pub fn push<S: AsRef<str>>(&mut self, fields: &[S]) {
        self.body.push_str(&record(fields));
    }

    /// The answer that downloads it as `file_name` (ASCII, no quotes).
    pub fn download(self, file_name: &str) -> Response {
        attachment(self.body, file_name)
    }
}

/// The answer that downloads `body`, CSV already written, as `file_name` (ASCII, no quotes).
pub fn attachment(body: String, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
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

    #[test]
    fn a_signed_number_stays_a_number_and_anything_more_is_defused() {
        assert_eq!(
            record(&[
                "-30",
                "+12.5%",
                "-1,234.50",
                "+2.1 pp",
                "-2+3+cmd|' /C calc'!A0",
                "-"
            ]),
            "\"-30\",\"+12.5%\",\"-1,234.50\",\"'+2.1 pp\",\"'-2+3+cmd|' /C calc'!A0\",\"'-\"\r\n"
        );
    }
}
