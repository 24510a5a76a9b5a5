//! Who acts on what the audit log records: a staff member at the console, a key at the API,
//! the command line.

/// Who acts, as the audit log and the records name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The staff account, if a staff member acts.
    pub staff_user_id: Option<i64>,
    /// How the audit log and the records name them (`staff:…`, `key:…`, `cli`).
    pub name: String,
}
