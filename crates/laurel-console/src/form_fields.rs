//! A form as posted, read by name: pages whose forms repeat a name (a group of checkboxes) or
//! carry many optional fields read them from the pairs the browser sent.

/// The form as posted (repeated names once per ticked box).
pub(crate) type Fields = Vec<(String, String)>;

/// The first value posted under `name`, trimmed, or nothing.
pub(crate) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The first value posted under `name` exactly as typed (a program text's leading spaces are
/// its own), or nothing.
pub(crate) fn raw<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value posted under `name`.
pub(crate) fn all(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Whether `value` was posted under `name` (a ticked box, a chosen option).
pub(crate) fn ticked(fields: &Fields, name: &str, value: &str) -> bool {
    fields.iter().any(|(k, v)| k == name && v == value)
}
