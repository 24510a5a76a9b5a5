//! The pattern every caller text carries in the OpenAPI document.
//!
//! The server refuses a text that is blank or holds a control character (`laurel_core::text`),
//! and the document says so with a pattern. utoipa takes a pattern only as a literal on each
//! field, so instead a request field declares itself a caller text by its bounds — at least
//! one character, at most [`TEXT_CHARS_MAX`]; or, for a note of several lines that may be
//! blank, no minimum and at most [`NOTE_CHARS_MAX`] — and this pass gives every such string
//! its pattern, once, after the document is built.

use laurel_engine::{NOTE_CHARS_MAX, TEXT_CHARS_MAX, URL_CHARS_MAX};
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, RefOr};

/// Printable characters, at least one of them neither blank nor a control character.
pub const PRINTABLE: &str = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$";

/// A note: any number of lines of printable characters (tabs allowed); blank is no note.
pub const LINES: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// Gives every caller text in `doc`'s schemas the [`PRINTABLE`] pattern, and every note the
/// [`LINES`] one.
pub fn printable_texts(doc: &mut OpenApi) {
    if let Some(components) = doc.components.as_mut() {
        for schema in components.schemas.values_mut() {
            visit(schema);
        }
    }
}

fn visit(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            let pattern = match (object.min_length, object.max_length) {
                (Some(1), Some(TEXT_CHARS_MAX | URL_CHARS_MAX)) => Some(PRINTABLE),
                (None, Some(NOTE_CHARS_MAX)) => Some(LINES),
                _ => None,
            };
            if object.pattern.is_none() {
                object.pattern = pattern.map(str::to_owned);
            }
            object.properties.values_mut().for_each(visit);
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                visit(items);
            }
        }
        Schema::AllOf(all) => all.items.iter_mut().for_each(visit),
        Schema::OneOf(one) => one.items.iter_mut().for_each(visit),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(visit),
        _ => {}
    }
}
