//! Staff roles and what each may do. Every console page and action asks [`Role::may`].

use std::fmt;
use std::str::FromStr;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including staff accounts, API keys and the program.
    Admin,
    /// The program, members, rewards and reports.
    Manager,
    /// Members and adjustments (up to a limit); no program changes.
    Support,
    /// Reports, the audit log and the books.
    Finance,
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Find members and read their pages.
    ViewMembers,
    /// Credit or debit a member's points.
    AdjustPoints,
    /// Suspend or reactivate a member.
    ManageMembers,
    /// Read the program and its versions.
    ViewProgram,
    /// Apply a new program version.
    EditProgram,
    /// Dashboard and reports.
    ViewReports,
    /// The rewards catalog and coupon lookup.
    ViewRewards,
    /// Read the audit log of what staff did.
    ViewAudit,
    /// Staff accounts, API keys and webhook subscriptions.
    ManageStaff,
    /// The books: read the points liability as money, record estimates, close periods.
    KeepBooks,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Support, Role::Finance];

    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Support => "support",
            Role::Finance => "finance",
        }
    }

    /// Whether this role may do `what`.
    pub fn may(self, what: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            // The books are finance's: a manager shapes the program, not its accounting.
            Role::Manager => !matches!(what, ManageStaff | KeepBooks),
            Role::Support => matches!(
                what,
                ViewMembers | AdjustPoints | ManageMembers | ViewProgram | ViewRewards
            ),
            Role::Finance => matches!(
                what,
                ViewReports | ViewAudit | ViewMembers | ViewProgram | ViewRewards | KeepBooks
            ),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of admin, manager, support, finance.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown role `{0}`: expected admin, manager, support or finance")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}
