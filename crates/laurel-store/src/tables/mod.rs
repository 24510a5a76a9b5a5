//! Each table's reads and writes, added to [`Store`](crate::Store) (reads and writes on the
//! pool) and to [`Tx`](crate::Tx) (inside a write transaction), through `db/` and `write/`.

pub(crate) mod audit;
pub(crate) mod automations;
pub(crate) mod books;
pub(crate) mod churn_list;
pub(crate) mod contact_changes;
pub(crate) mod events;
pub(crate) mod gift_cards;
pub(crate) mod grants;
pub(crate) mod history;
pub(crate) mod idempotency;
pub(crate) mod insight;
pub(crate) mod keys;
pub(crate) mod ledger;
pub(crate) mod member_access;
pub(crate) mod member_insight;
pub(crate) mod member_list;
pub(crate) mod member_reports;
pub(crate) mod member_spend;
pub(crate) mod members;
pub(crate) mod notices;
pub(crate) mod one_time;
pub(crate) mod outbox;
pub(crate) mod programs;
pub(crate) mod purchases;
pub(crate) mod referrals;
pub(crate) mod reports;
pub(crate) mod rewards;
pub(crate) mod segments;
pub(crate) mod simulations;
pub(crate) mod staff;
pub(crate) mod staff_notes;
pub(crate) mod tiers;
pub(crate) mod wallet_holds;
pub(crate) mod wallets;
pub(crate) mod webhooks;
