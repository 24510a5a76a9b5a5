//! Turning one row into an engine request. Every problem names the column it is in, so the
//! reject file says what to fix; the engine then applies the same validation as the API.

use super::source::Body;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_core::Channel;
use laurel_engine::{EnrollRequest, LineRequest, MemberRef, PurchaseRequest};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Members to enroll.
    Members,
    /// Purchases to record.
    Purchases,
}

impl Kind {
    /// The word for the rows.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Kind::Members => "members",
            Kind::Purchases => "purchases",
        }
    }

    /// Column names, required ones first. Documented in the README; keep them in step.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Members => &[
                "external_id",
                "email",
                "phone",
                "name",
                "birthday",
                "channel",
                "enrolled_at",
            ],
            Kind::Purchases => &[
                "external_id",
                "order_id",
                "channel",
                "currency",
                "total",
                "occurred_at",
                "store",
                "partner",
            ],
        }
    }

    /// Columns a row cannot do without.
    fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Members => &self.columns()[..1],
            Kind::Purchases => &self.columns()[..6],
        }
    }
}

/// The code of a row that cannot be read as a row at all (the import's own; every other
/// refusal's code is one the API uses).
pub(super) const MALFORMED_ROW: &str = "malformed_row";

/// What is wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowError {
    /// The column (or `row` when the row as a whole cannot be read).
    pub field: String,
    /// Stable code, from the same set the API uses (`missing_field`, `invalid_date`…).
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl RowError {
    fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> RowError {
        RowError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// A row as the engine takes it.
#[derive(Debug)]
pub(super) enum Request {
    /// Enroll a member.
    Enroll(EnrollRequest),
    /// Record a purchase.
    Purchase(PurchaseRequest),
}

/// A CSV header a file cannot be imported with.
#[derive(Debug, thiserror::Error)]
#[error("the header row has no {missing} column (the columns are: {expected})")]
pub(super) struct MissingColumns {
    missing: String,
    expected: String,
}

/// How a file's rows are laid out.
pub(super) enum Layout {
    /// CSV: for each of [`Kind::columns`], where it is in a record, if anywhere.
    Csv {
        /// What the rows are.
        kind: Kind,
        /// Column index per known column, in [`Kind::columns`] order.
        index: Vec<Option<usize>>,
    },
    /// JSON Lines: each row names its fields.
    Json {
        /// What the rows are.
        kind: Kind,
    },
}

impl Layout {
    /// The layout of a CSV file with this header row, and the columns it will ignore.
    pub(super) fn csv(
        kind: Kind,
        headers: &[String],
    ) -> Result<(Layout, Vec<String>), MissingColumns> {
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let index: Vec<Option<usize>> = kind
            .columns()
            .iter()
            .map(|c| names.iter().position(|n| n == c))
            .collect();
        let missing: Vec<&str> = kind
            .required()
            .iter()
            .zip(&index)
            .filter(|(_, i)| i.is_none())
            .map(|(c, _)| *c)
            .collect();
        if !missing.is_empty() {
            return Err(MissingColumns {
                missing: missing.join(", "),
                expected: kind.columns().join(", "),
            });
        }
        let ignored = headers
            .iter()
            .zip(&names)
            .filter(|(_, n)| !kind.columns().contains(&n.as_str()))
            .map(|(h, _)| h.clone())
            .collect();
        Ok((Layout::Csv { kind, index }, ignored))
    }

    /// The layout of a JSON Lines file.
    pub(super) fn json(kind: Kind) -> Layout {
        Layout::Json { kind }
    }

    /// The request a row asks for, or what is wrong with it; a plain date is a day in `tz`
    /// (the program's time zone).
    pub(super) fn parse(&self, body: &Body, tz: &TimeZone) -> Result<Request, RowError> {
        match (self, body) {
            (Layout::Csv { kind, index }, Body::Csv(record)) => {
                let fields = CsvFields {
                    kind: *kind,
                    index,
                    record,
                };
                request(*kind, &fields, Vec::new(), tz)
            }
            (Layout::Json { kind }, Body::Json(bytes)) => {
                let object = match serde_json::from_slice::<Value>(bytes) {
                    Ok(Value::Object(object)) => object,
                    Ok(_) => {
                        return Err(RowError::new("row", MALFORMED_ROW, "is not a JSON object"));
                    }
                    Err(e) => {
                        return Err(RowError::new(
                            "row",
                            MALFORMED_ROW,
                            format!("is not JSON: {e}"),
                        ));
                    }
                };
                json_unknown_keys(*kind, &object)?;
                let lines = match kind {
                    Kind::Purchases => json_lines(object.get("lines"))?,
                    Kind::Members => Vec::new(),
                };
                request(*kind, &JsonFields(&object), lines, tz)
            }
            _ => Err(RowError::new(
                "row",
                MALFORMED_ROW,
                "does not match the file's format",
            )),
        }
    }
}

/// Where a row's values come from.
trait Fields {
    /// The column's value; `None` when the row has none (absent, blank or null).
    fn text(&self, column: &'static str) -> Result<Option<String>, RowError>;
}

struct CsvFields<'a> {
    kind: Kind,
    index: &'a [Option<usize>],
    record: &'a csv::ByteRecord,
}

impl Fields for CsvFields<'_> {
    fn text(&self, column: &'static str) -> Result<Option<String>, RowError> {
        let at = self.kind.columns().iter().position(|c| *c == column);
        let Some(bytes) = at
            .and_then(|i| self.index[i])
            .and_then(|i| self.record.get(i))
        else {
            return Ok(None);
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|_| RowError::new(column, "invalid_field", "is not valid UTF-8"))?
            .trim();
        // CSV cannot tell an empty value from a missing one; both mean "none".
        Ok((!text.is_empty()).then(|| text.to_owned()))
    }
}

struct JsonFields<'a>(&'a Map<String, Value>);

impl Fields for JsonFields<'_> {
    fn text(&self, column: &'static str) -> Result<Option<String>, RowError> {
        json_text(column, self.0.get(column))
    }
}

fn json_text(field: &str, value: Option<&Value>) -> Result<Option<String>, RowError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        // Numbers keep their written spelling, so `12.5` reads as the decimal 12.5.
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(RowError::new(
            field,
            "invalid_field",
            "must be a string or a number",
        )),
    }
}

/// A misspelt key would otherwise be silently dropped.
fn json_unknown_keys(kind: Kind, object: &Map<String, Value>) -> Result<(), RowError> {
    let extra = matches!(kind, Kind::Purchases).then_some("lines");
    for key in object.keys() {
        if !kind.columns().contains(&key.as_str()) && Some(key.as_str()) != extra {
            let mut known = kind.columns().join(", ");
            if let Some(extra) = extra {
                known = format!("{known}, {extra}");
            }
            return Err(RowError::new(
                key.as_str(),
                "invalid_field",
                format!("is not a known field (known: {known})"),
            ));
        }
    }
    Ok(())
}

fn json_lines(value: Option<&Value>) -> Result<Vec<LineRequest>, RowError> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(RowError::new(
                "lines",
                "invalid_field",
                "must be a list of lines",
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field = |name: &str| format!("lines[{i}].{name}");
            let Value::Object(line) = item else {
                return Err(RowError::new(
                    format!("lines[{i}]"),
                    "invalid_field",
                    "must be an object with sku, category, quantity, unit_price",
                ));
            };
            if let Some(key) = line
                .keys()
                .find(|k| !["sku", "category", "quantity", "unit_price"].contains(&k.as_str()))
            {
                return Err(RowError::new(
                    field(key),
                    "invalid_field",
                    "is not a known field (known: sku, category, quantity, unit_price)",
                ));
            }
            let get = |name: &str| json_text(&field(name), line.get(name));
            let quantity = required(&field("quantity"), get("quantity")?)?;
            let unit_price = required(&field("unit_price"), get("unit_price")?)?;
            Ok(LineRequest {
                sku: required(&field("sku"), get("sku")?)?,
                category: get("category")?,
                quantity: integer(&field("quantity"), &quantity)?,
                unit_price: decimal(&field("unit_price"), &unit_price)?,
            })
        })
        .collect()
}

fn request(
    kind: Kind,
    fields: &impl Fields,
    lines: Vec<LineRequest>,
    tz: &TimeZone,
) -> Result<Request, RowError> {
    let get = |column| fields.text(column);
    let need = |column| required(column, fields.text(column)?);
    Ok(match kind {
        Kind::Members => Request::Enroll(EnrollRequest {
            external_id: need("external_id")?,
            email: get("email")?,
            phone: get("phone")?,
            name: get("name")?,
            birthday: get("birthday")?.map(|b| date("birthday", &b)).transpose()?,
            channel: get("channel")?
                .map(|c| channel("channel", &c))
                .transpose()?
                .unwrap_or(Channel::Web),
            // Member attributes have no import column yet.
            attributes: Default::default(),
            // Referrals are made at enrollment by the referred person; history has none.
            referral_code: None,
            enrolled_at: get("enrolled_at")?
                .map(|at| instant_or_day("enrolled_at", &at, tz))
                .transpose()?,
            // History joined long before any rule on devices looks.
            device: None,
        }),
        Kind::Purchases => Request::Purchase(PurchaseRequest {
            partner: get("partner")?,
            member: MemberRef::External(need("external_id")?),
            order_id: need("order_id")?,
            channel: channel("channel", &need("channel")?)?,
            store: get("store")?,
            currency: need("currency")?,
            total: decimal("total", &need("total")?)?,
            lines,
            occurred_at: instant("occurred_at", &need("occurred_at")?)?,
        }),
    })
}

fn required(field: &str, value: Option<String>) -> Result<String, RowError> {
    value.ok_or_else(|| RowError::new(field, "missing_field", "is required"))
}

fn channel(field: &str, text: &str) -> Result<Channel, RowError> {
    text.parse().map_err(|e: laurel_core::UnknownChannel| {
        RowError::new(field, "invalid_field", e.to_string())
    })
}

fn date(field: &str, text: &str) -> Result<Date, RowError> {
    text.parse().map_err(|_| {
        RowError::new(
            field,
            "invalid_date",
            format!("`{text}` is not a date such as 1990-05-17"),
        )
    })
}

fn instant(field: &str, text: &str) -> Result<Timestamp, RowError> {
    text.parse().map_err(|_| {
        RowError::new(
            field,
            "invalid_date",
            format!("`{text}` is not an RFC 3339 instant such as 2026-11-24T09:30:00Z"),
        )
    })
}

/// An RFC 3339 instant, or a plain date (`YYYY-MM-DD`) taken as the start of that day in
/// `tz`: records kept by the day have no time of day.
fn instant_or_day(field: &str, text: &str, tz: &TimeZone) -> Result<Timestamp, RowError> {
    instant(field, text).or_else(|not_instant| {
        // Only the plain form: a local date and time without its offset (2026-01-02T10:00)
        // also reads as a date, and would lose its time of day unnoticed.
        let plain = text.len() == "YYYY-MM-DD".len();
        date(field, text)
            .ok()
            .filter(|_| plain)
            .and_then(|day| laurel_core::rules::start_of_day(day, tz))
            .ok_or_else(|| RowError {
                message: format!("{}, nor a date such as 2026-11-24", not_instant.message),
                ..not_instant
            })
    })
}

fn decimal(field: &str, text: &str) -> Result<Decimal, RowError> {
    Decimal::from_str(text).map_err(|_| {
        RowError::new(
            field,
            "invalid_amount",
            format!("`{text}` is not a decimal number such as 12.50"),
        )
    })
}

fn integer(field: &str, text: &str) -> Result<i64, RowError> {
    text.parse().map_err(|_| {
        RowError::new(
            field,
            "invalid_amount",
            format!("`{text}` is not a whole number"),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// The program's time zone in these tests.
    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn csv_row(kind: Kind, header: &[&str], row: &[&str]) -> Result<Request, RowError> {
        let headers: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        let (layout, _) = Layout::csv(kind, &headers).unwrap();
        layout.parse(&Body::Csv(csv::ByteRecord::from(row.to_vec())), &shanghai())
    }

    const PURCHASE: [&str; 7] = [
        "external_id",
        "order_id",
        "channel",
        "store",
        "currency",
        "total",
        "occurred_at",
    ];

    #[test]
    fn a_purchase_names_the_partner_it_was_made_at_when_the_row_says() {
        let mut header = PURCHASE.to_vec();
        header.push("partner");
        let row = [
            "c-1",
            "o-1",
            "partner",
            "",
            "CNY",
            "12",
            "2026-03-01T08:00:00Z",
        ];
        for (partner, expected) in [("bakery", Some("bakery")), ("", None)] {
            let mut values = row.to_vec();
            values.push(partner);
            let Ok(Request::Purchase(p)) = csv_row(Kind::Purchases, &header, &values) else {
                panic!("a purchase");
            };
            assert_eq!(p.partner.as_deref(), expected);
        }
    }

    #[test]
    fn a_csv_purchase_becomes_a_request() {
        let request = csv_row(
            Kind::Purchases,
            &PURCHASE,
            &[
                "c-1",
                "o-1",
                "pos",
                "",
                "CNY",
                " 12.50 ",
                "2026-01-02T03:04:05Z",
            ],
        )
        .unwrap();
        let Request::Purchase(p) = request else {
            panic!("not a purchase: {request:?}")
        };
        assert_eq!(p.member, MemberRef::External("c-1".into()));
        assert_eq!(p.store, None);
        assert_eq!(p.total, Decimal::new(1250, 2));
    }

    #[test]
    fn problems_name_their_column() {
        let row = |total: &str, at: &str, channel: &str| {
            csv_row(
                Kind::Purchases,
                &PURCHASE,
                &["c-1", "o-1", channel, "", "CNY", total, at],
            )
            .unwrap_err()
        };
        let e = row("12,5", "2026-01-02T03:04:05Z", "pos");
        assert_eq!((e.field.as_str(), e.code), ("total", "invalid_amount"));
        let e = row("12.5", "yesterday", "pos");
        assert_eq!((e.field.as_str(), e.code), ("occurred_at", "invalid_date"));
        let e = row("12.5", "2026-01-02T03:04:05Z", "fax");
        assert_eq!((e.field.as_str(), e.code), ("channel", "invalid_field"));
        let short = csv_row(Kind::Purchases, &PURCHASE, &["c-1", "o-1"]).unwrap_err();
        assert_eq!(
            (short.field.as_str(), short.code),
            ("channel", "missing_field")
        );
    }

    /// When the member of a one-row members CSV joined, or what is wrong with it.
    fn joined(enrolled_at: &str) -> Result<Option<Timestamp>, RowError> {
        let header = ["external_id", "name", "enrolled_at"];
        match csv_row(Kind::Members, &header, &["c-1", "Ann", enrolled_at])? {
            Request::Enroll(e) => Ok(e.enrolled_at),
            other => panic!("not an enrollment: {other:?}"),
        }
    }

    #[test]
    fn a_member_row_says_when_they_joined_as_an_instant_or_a_local_day() {
        let at = |s: &str| Some(s.parse::<Timestamp>().unwrap());
        assert_eq!(
            joined("2025-03-04T10:20:30+08:00").unwrap(),
            at("2025-03-04T02:20:30Z")
        );
        assert_eq!(
            joined("2025-03-04").unwrap(),
            at("2025-03-04T00:00:00+08:00"),
            "a plain date is the day's first instant in the program's time zone"
        );
        assert_eq!(joined("").unwrap(), None, "blank: enrolled now");
        let Request::Enroll(without) = csv_row(Kind::Members, &["external_id"], &["c-1"]).unwrap()
        else {
            panic!("not an enrollment")
        };
        assert_eq!(without.enrolled_at, None, "the column is optional");
    }

    #[test]
    fn a_join_date_that_is_neither_an_instant_nor_a_day_is_refused_naming_its_column() {
        for bad in ["2025-03-04T10:20", "04/03/2025", "20250304", "2025-02-30"] {
            let e = joined(bad).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("enrolled_at", "invalid_date"),
                "{bad}"
            );
            assert!(
                e.message.contains("nor a date such as"),
                "{bad}: {}",
                e.message
            );
        }
    }

    #[test]
    fn a_header_without_a_required_column_is_refused() {
        let headers = vec!["external_id".to_owned(), "email".to_owned()];
        assert!(Layout::csv(Kind::Members, &headers).is_ok());
        let e = Layout::csv(Kind::Purchases, &headers).err().unwrap();
        assert!(e.to_string().contains("order_id"), "{e}");
    }

    #[test]
    fn json_lines_carry_basket_lines_and_name_bad_ones() {
        let layout = Layout::json(Kind::Purchases);
        let row = |text: &str| layout.parse(&Body::Json(text.as_bytes().to_vec()), &shanghai());
        let ok = row(
            r#"{"external_id":"c","order_id":"o","channel":"web","currency":"CNY","total":20.5,
            "occurred_at":"2026-01-02T03:04:05Z","lines":[{"sku":"A","quantity":2,"unit_price":"10.25"}]}"#,
        )
        .unwrap();
        let Request::Purchase(p) = ok else {
            panic!("not a purchase")
        };
        assert_eq!(p.total, Decimal::new(205, 1));
        assert_eq!(p.lines.len(), 1);
        let e = row(
            r#"{"external_id":"c","order_id":"o","channel":"web","currency":"CNY","total":"1",
            "occurred_at":"2026-01-02T03:04:05Z","lines":[{"sku":"A","quantity":"two","unit_price":1}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "lines[0].quantity");
        let e = row(r#"{"external_id":"c","ordr_id":"o"}"#).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("ordr_id", "invalid_field"));
        let e = row("{not json").unwrap_err();
        assert_eq!(e.code, MALFORMED_ROW);
    }

    mod fuzz {
        //! Thousands of rows no one would write: nothing panics, and every refusal carries a
        //! code the API documents.
        use super::*;
        use proptest::prelude::*;

        /// A field: sometimes what the column expects, mostly anything.
        fn field() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                Just(b"".to_vec()),
                Just(b"pos".to_vec()),
                Just(b"CNY".to_vec()),
                Just(b"2026-03-01T08:00:00Z".to_vec()),
                Just(b"12.50".to_vec()),
                Just(b"-1e999".to_vec()),
                Just("\u{0}\u{202e}茶".as_bytes().to_vec()),
                proptest::collection::vec(any::<u8>(), 0..40),
                "\\PC{0,40}".prop_map(String::into_bytes),
            ]
        }

        fn documented(code: &str) -> bool {
            code == MALFORMED_ROW
                || laurel_engine::ErrorCode::ALL
                    .iter()
                    .any(|c| c.as_str() == code)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]

            #[test]
            fn a_csv_row_is_read_or_refused_with_a_documented_code(
                fields in proptest::collection::vec(field(), 0..12),
                purchases in any::<bool>(),
            ) {
                let kind = if purchases { Kind::Purchases } else { Kind::Members };
                let headers: Vec<String> = kind.columns().iter().map(|c| (*c).to_owned()).collect();
                let (layout, _) = Layout::csv(kind, &headers).unwrap();
                let record = csv::ByteRecord::from(fields);
                if let Err(e) = layout.parse(&Body::Csv(record), &shanghai()) {
                    prop_assert!(documented(e.code), "{} at {}", e.code, e.field);
                }
            }

            #[test]
            fn a_json_line_is_read_or_refused_with_a_documented_code(
                line in prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..200),
                    "\\PC{0,200}".prop_map(String::into_bytes),
                    (field(), field(), field()).prop_map(|(a, b, c)| format!(
                        "{{\"external_id\": {:?}, \"order_id\": {:?}, \"channel\": \"pos\", \
                         \"currency\": \"CNY\", \"total\": {:?}, \"occurred_at\": \
                         \"2026-03-01T08:00:00Z\", \"lines\": [{{\"sku\": \"A\", \"quantity\": 1, \
                         \"unit_price\": \"1\"}}]}}",
                        String::from_utf8_lossy(&a), String::from_utf8_lossy(&b),
                        String::from_utf8_lossy(&c)
                    ).into_bytes()),
                ],
                purchases in any::<bool>(),
            ) {
                let kind = if purchases { Kind::Purchases } else { Kind::Members };
                if let Err(e) = Layout::json(kind).parse(&Body::Json(line), &shanghai()) {
                    prop_assert!(documented(e.code), "{} at {}", e.code, e.field);
                }
            }
        }
    }
}
