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

impl Actor {
    /// An actor known by name alone (`staff:…`, `key:…`, a job's `job:…`).
    pub fn named(name: &str) -> Actor {
        Actor {
            staff_user_id: None,
            name: name.to_owned(),
        }
    }

    /// The audit entry of this actor doing `action` to `subject` (`member:42`) at `at`, with
    /// the state before (if any) and after.
    pub(crate) fn audit(
        &self,
        action: &str,
        subject: String,
        before: Option<serde_json::Value>,
        after: serde_json::Value,
        at: jiff::Timestamp,
    ) -> laurel_store::AuditEntry {
        laurel_store::AuditEntry {
            staff_user_id: self.staff_user_id,
            actor: self.name.clone(),
            action: action.to_owned(),
            subject,
            before: before.map(|b| b.to_string()),
            after: Some(after.to_string()),
            at,
        }
    }
}
