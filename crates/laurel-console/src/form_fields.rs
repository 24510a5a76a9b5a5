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

/// A labelled text input as `field.html` shows it: what was typed, a hint and the error
/// beneath it, tied to the input for screen readers — one shape for every such field.
#[derive(Default)]
pub(crate) struct Field {
    /// The input's id (its hint's and error's ids derive from it).
    pub id: &'static str,
    /// The name it is posted under.
    pub name: &'static str,
    pub label: String,
    /// What was typed, shown again (never a secret such as a PIN).
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// The input's other attributes (`type`, `inputmode`, `required`…): written by the
    /// page's code, never by a visitor, so the template writes them as they are.
    pub attrs: &'static str,
}

impl Field {
    /// An empty field.
    pub(crate) fn new(
        id: &'static str,
        name: &'static str,
        label: &str,
        attrs: &'static str,
    ) -> Field {
        Field {
            id,
            name,
            label: label.to_owned(),
            attrs,
            ..Field::default()
        }
    }

    /// The field with `value` typed in it.
    pub(crate) fn typed(mut self, value: &str) -> Field {
        value.clone_into(&mut self.value);
        self
    }

    /// The field with a hint beneath it.
    pub(crate) fn hint(mut self, hint: String) -> Field {
        self.hint = Some(hint);
        self
    }
}
