//! States stored and shown by a stable name: a member's standing, a coupon's, a referral's.
//! Each is an enum, so a state the code does not know cannot be written, and one the
//! database holds that the code does not know is an error where it is read.

/// A name that is not one of a state's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a {kind}")]
pub struct UnknownState {
    /// What kind of state was read.
    pub kind: &'static str,
    /// The name that was not one.
    pub name: String,
}

/// Declares a state enum with its stable names (`as_str`, `FromStr`, `Display`, `ALL`).
#[macro_export]
macro_rules! states {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($kind:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in storage and APIs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::states::UnknownState;

            fn from_str(name: &str) -> Result<$name, $crate::states::UnknownState> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|s| s.as_str() == name)
                    .ok_or_else(|| $crate::states::UnknownState {
                        kind: $kind,
                        name: name.to_owned(),
                    })
            }
        }
    };
}

states! {
    /// A member's standing: a suspended member neither earns nor spends.
    pub enum MemberStatus ("member status") {
        /// Earns and spends.
        Active = "active",
        /// Suspended by staff: refunds, adjustments and jobs still reach their points.
        Suspended = "suspended",
        /// Their personal data erased and their points forfeited: the ledger keeps them under
        /// a pseudonym, and nothing more happens to them.
        Erased = "erased",
    }
}

states! {
    /// Where a stored coupon stands (the core's [`crate::rewards::CouponState`] adds the order
    /// a consumed one was used on).
    pub enum CouponStatus ("coupon status") {
        /// Usable until it expires.
        Active = "active",
        /// Used on an order.
        Consumed = "consumed",
        /// Cancelled with its redemption.
        Cancelled = "cancelled",
    }
}

states! {
    /// Where a referral stands.
    pub enum ReferralStatus ("referral status") {
        /// The new member has not yet made a qualifying purchase.
        Pending = "pending",
        /// Paid out on the qualifying purchase.
        Rewarded = "rewarded",
        /// Taken back when the qualifying purchase was wholly refunded.
        Reversed = "reversed",
    }
}
