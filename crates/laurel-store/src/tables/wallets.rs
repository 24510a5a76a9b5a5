//! Wallets of stored value: each wallet's balance (its member accounts), its moves and their
//! entries (appended, never edited), and the whole wallet ledger's check.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{MemberId, WalletCheck, instant, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::books::WalletFlows;
use laurel_core::wallet::{Paid, Wallet, WalletAccount, WalletMoveKind, WalletPosting};

/// The most moves a statement page holds.
pub const WALLET_MOVES_PAGE_MAX: u32 = 200;

/// A wallet as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredWallet {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub member: Option<MemberId>,
    /// What it holds, spendable.
    pub balance: Wallet,
    /// What it holds at checkouts, out of reach until captured or released.
    pub held: Paid,
}

impl StoredWallet {
    /// A wallet holding nothing: `id` 0 for one not yet opened (its first move opens it).
    pub fn empty(id: i64, member: Option<MemberId>) -> StoredWallet {
        StoredWallet {
            id,
            member,
            balance: Wallet::default(),
            held: Paid::default(),
        }
    }
}

/// A move to store: a decided posting and what it was for.
#[derive(Debug, Clone)]
pub struct NewWalletMove<'a> {
    /// The decision.
    pub posting: &'a WalletPosting,
    /// What the move was for (above zero): paid in, paid, given back, paid out.
    pub amount: i64,
    /// A refund's payment (a payment or a capture).
    pub payment: Option<i64>,
    /// The caller's reference (an order id).
    pub reference: &'a str,
    /// Who made it (an API key, a staff member, the member).
    pub actor: &'a str,
    /// When.
    pub at: Timestamp,
}

/// A stored move, as a statement lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletMove {
    /// Its id.
    pub id: i64,
    /// What it did.
    pub kind: WalletMoveKind,
    /// What it was for.
    pub amount: i64,
    /// How it changed the principal.
    pub principal: i64,
    /// How it changed the bonus.
    pub bonus: i64,
    /// A refund's payment.
    pub payment: Option<i64>,
    /// The caller's reference.
    pub reference: String,
    /// Who made it.
    pub actor: String,
    /// When.
    pub at: Timestamp,
}

/// What every wallet holds together: the value owed to members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalletTotals {
    /// Members' wallets holding anything.
    pub wallets: i64,
    /// Their principal, held at checkouts or not.
    pub principal: i64,
    /// Their bonus, held or not.
    pub bonus: i64,
    /// Of both, what is held at checkouts.
    pub held: i64,
    /// Gift cards' wallets holding anything: value owed to whoever holds the cards, kept
    /// apart from what members are owed.
    pub cards: i64,
    /// What they hold together (principal and bonus, held or not).
    pub card_value: i64,
}

/// A payment as a refund reads it: what it took, what its refunds gave back, and its wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentTaken {
    /// The wallet it was paid from.
    pub wallet: i64,
    /// What it took.
    pub taken: Paid,
    /// What its refunds gave back so far.
    pub refunded: Paid,
}

const WALLET_COLUMNS: &str =
    "id, member_id, principal_minor, bonus_minor, held_principal_minor, held_bonus_minor";

/// A move's change to each kind of value, held or not, summed over its entries `e`: what a
/// payment or capture took (negative), a refund gave back; zero for a hold or a release.
const SIDES: &str = "\
    CAST(COALESCE(SUM(CASE WHEN e.account IN ('principal', 'held_principal') THEN e.amount_minor END), 0) AS BIGINT) AS principal, \
    CAST(COALESCE(SUM(CASE WHEN e.account IN ('bonus', 'held_bonus') THEN e.amount_minor END), 0) AS BIGINT) AS bonus";

/// A move's columns with its change to the spendable principal and bonus (a hold's is what it
/// took out of reach, a release's what it gave back).
const MOVE_COLUMNS: &str = "m.id, m.kind, m.amount_minor, m.payment_id, m.reference, m.actor, m.at, \
    CAST(COALESCE(SUM(CASE WHEN e.account = 'principal' THEN e.amount_minor END), 0) AS BIGINT) AS principal, \
    CAST(COALESCE(SUM(CASE WHEN e.account = 'bonus' THEN e.amount_minor END), 0) AS BIGINT) AS bonus";

impl Tx {
    /// The member's wallet, locked until the transaction ends; an unopened one (id 0, empty)
    /// when they have none: [`Tx::post_wallet`] opens it, so a refused move writes nothing.
    pub async fn member_wallet(&mut self, member: MemberId) -> Result<StoredWallet> {
        let sql = format!(
            "SELECT {WALLET_COLUMNS} FROM wallets WHERE member_id = $1{}",
            self.backend.lock_rows()
        );
        match self.rows(&sql, args![member.0]).await?.first() {
            Some(row) => wallet(row),
            None => Ok(StoredWallet::empty(0, Some(member))),
        }
    }

    /// Opens an empty wallet, a member's or (without one) a gift card's; its id.
    pub async fn open_wallet(&mut self, member: Option<MemberId>, at: Timestamp) -> Result<i64> {
        self.row(
            "INSERT INTO wallets (member_id, principal_minor, bonus_minor, opened_at) \
             VALUES ($1, 0, 0, $2) RETURNING id",
            args![member.map(|m| m.0), micros(at)],
        )
        .await?
        .get(0)
    }

    /// The wallet with that id, locked until the transaction ends.
    pub async fn lock_wallet(&mut self, id: i64) -> Result<Option<StoredWallet>> {
        let sql = format!(
            "SELECT {WALLET_COLUMNS} FROM wallets WHERE id = $1{}",
            self.backend.lock_rows()
        );
        self.rows(&sql, args![id])
            .await?
            .first()
            .map(wallet)
            .transpose()
    }

    /// Stores a decided move on `wallet` (opening it first if it is unopened) with its entries
    /// and the wallet's new balance; the move's id and the wallet's.
    pub async fn post_wallet(
        &mut self,
        wallet: &StoredWallet,
        m: &NewWalletMove<'_>,
    ) -> Result<(i64, i64)> {
        let wallet_id = match wallet.id {
            0 => self.open_wallet(wallet.member, m.at).await?,
            id => id,
        };
        let id: i64 = self
            .row(
                "INSERT INTO wallet_moves (wallet_id, kind, amount_minor, payment_id, reference, actor, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                args![
                    wallet_id,
                    m.posting.kind.as_str(),
                    m.amount,
                    m.payment,
                    m.reference,
                    m.actor,
                    micros(m.at)
                ],
            )
            .await?
            .get(0)?;
        for (account, amount) in &m.posting.legs {
            self.run(
                "INSERT INTO wallet_entries (move_id, account, amount_minor) VALUES ($1, $2, $3)",
                args![id, account.as_str(), *amount],
            )
            .await?;
        }
        let delta = |a| m.posting.delta(a);
        self.run(
            "UPDATE wallets SET principal_minor = principal_minor + $2, bonus_minor = bonus_minor + $3, \
             held_principal_minor = held_principal_minor + $4, held_bonus_minor = held_bonus_minor + $5 \
             WHERE id = $1",
            args![
                wallet_id,
                delta(WalletAccount::Principal),
                delta(WalletAccount::Bonus),
                delta(WalletAccount::HeldPrincipal),
                delta(WalletAccount::HeldBonus)
            ],
        )
        .await?;
        Ok((id, wallet_id))
    }

    /// A payment (or a capture) as its refunds read it, if `payment` is one.
    pub async fn wallet_payment(&mut self, payment: i64) -> Result<Option<PaymentTaken>> {
        let rows = self
            .rows(
                &format!(
                    "SELECT m.wallet_id, m.kind, {SIDES} FROM wallet_moves m \
                     JOIN wallet_entries e ON e.move_id = m.id \
                     WHERE (m.id = $1 AND m.kind IN ('payment', 'capture')) \
                        OR (m.payment_id = $1 AND m.kind = 'refund') \
                     GROUP BY m.id, m.wallet_id, m.kind"
                ),
                args![payment],
            )
            .await?;
        let mut found: Option<PaymentTaken> = None;
        let mut refunded = Paid::default();
        for row in &rows {
            let kind: String = row.get("kind")?;
            let side = Paid {
                principal: row.get("principal")?,
                bonus: row.get("bonus")?,
            };
            if kind == "refund" {
                refunded = refunded.plus(side);
            } else {
                found = Some(PaymentTaken {
                    wallet: row.get("wallet_id")?,
                    // A payment's sides are negative: what it took.
                    taken: Paid {
                        principal: -side.principal,
                        bonus: -side.bonus,
                    },
                    refunded: Paid::default(),
                });
            }
        }
        // Refunds are found only through their payment: no payment row, no payment.
        Ok(found.map(|p| PaymentTaken { refunded, ..p }))
    }
}

impl Store {
    /// The wallet with that id.
    pub async fn wallet(&self, id: i64) -> Result<Option<StoredWallet>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {WALLET_COLUMNS} FROM wallets WHERE id = $1"),
            args![id],
        )
        .await?
        .first()
        .map(wallet)
        .transpose()
    }

    /// The member's wallet, if they have one.
    pub async fn member_wallet(&self, member: MemberId) -> Result<Option<StoredWallet>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {WALLET_COLUMNS} FROM wallets WHERE member_id = $1"),
            args![member.0],
        )
        .await?
        .first()
        .map(wallet)
        .transpose()
    }

    /// What members' wallets hold together, and apart what gift cards' wallets hold (a
    /// card's wallet has no member).
    pub async fn wallet_totals(&self) -> Result<WalletTotals> {
        let mut db = self;
        let row = db
            .row(
                "SELECT \
                 CAST(COALESCE(SUM(CASE WHEN member_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS wallets, \
                 CAST(COALESCE(SUM(CASE WHEN member_id IS NOT NULL THEN principal_minor + held_principal_minor END), 0) AS BIGINT) AS principal, \
                 CAST(COALESCE(SUM(CASE WHEN member_id IS NOT NULL THEN bonus_minor + held_bonus_minor END), 0) AS BIGINT) AS bonus, \
                 CAST(COALESCE(SUM(CASE WHEN member_id IS NOT NULL THEN held_principal_minor + held_bonus_minor END), 0) AS BIGINT) AS held, \
                 CAST(COALESCE(SUM(CASE WHEN member_id IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS cards, \
                 CAST(COALESCE(SUM(CASE WHEN member_id IS NULL THEN principal_minor + bonus_minor + held_principal_minor + held_bonus_minor END), 0) AS BIGINT) AS card_value \
                 FROM wallets \
                 WHERE principal_minor + bonus_minor + held_principal_minor + held_bonus_minor > 0",
                args![],
            )
            .await?;
        Ok(WalletTotals {
            wallets: row.get("wallets")?,
            principal: row.get("principal")?,
            bonus: row.get("bonus")?,
            held: row.get("held")?,
            cards: row.get("cards")?,
            card_value: row.get("card_value")?,
        })
    }

    /// A page of a wallet's moves, newest first, before the move `before` if given.
    pub async fn wallet_moves(
        &self,
        wallet: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<WalletMove>> {
        let mut db = self;
        db.rows(
            &format!(
                "SELECT {MOVE_COLUMNS} FROM wallet_moves m JOIN wallet_entries e ON e.move_id = m.id \
                 WHERE m.wallet_id = $1 AND m.id < $2 \
                 GROUP BY m.id, m.kind, m.amount_minor, m.payment_id, m.reference, m.actor, m.at \
                 ORDER BY m.id DESC LIMIT $3"
            ),
            args![
                wallet,
                before.unwrap_or(i64::MAX),
                i64::from(limit.min(WALLET_MOVES_PAGE_MAX))
            ],
        )
        .await?
        .iter()
        .map(wallet_move)
        .collect()
    }

    /// What every wallet held just before `at` (principal, bonus and held, minor units).
    pub async fn wallet_value_before(&self, at: Timestamp) -> Result<i64> {
        let mut db = self;
        db.row(
            "SELECT CAST(COALESCE(SUM(e.amount_minor), 0) AS BIGINT) FROM wallet_entries e \
             JOIN wallet_moves m ON m.id = e.move_id \
             WHERE m.at < $1 AND e.account IN ('principal', 'bonus', 'held_principal', 'held_bonus')",
            args![micros(at)],
        )
        .await?
        .get(0)
    }

    /// What moved value into or out of wallets from `from` to just before `to`, by what moved
    /// it: the counter-accounts' entries of each kind of move.
    pub async fn wallet_flows(&self, from: Timestamp, to: Timestamp) -> Result<WalletFlows> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT m.kind, e.account, CAST(SUM(e.amount_minor) AS BIGINT) AS amount, \
                 MIN(m.id) AS first, MAX(m.id) AS last \
                 FROM wallet_moves m JOIN wallet_entries e ON e.move_id = m.id \
                 WHERE m.at >= $1 AND m.at < $2 \
                 AND e.account IN ('funding', 'promotion', 'settlement', 'transfer') \
                 GROUP BY m.kind, e.account",
                args![micros(from), micros(to)],
            )
            .await?;
        let mut flows = WalletFlows::default();
        for row in &rows {
            let kind: String = row.get("kind")?;
            let account: String = row.get("account")?;
            let amount: i64 = row.get("amount")?;
            let span: (i64, i64) = (row.get("first")?, row.get("last")?);
            flows.moves = Some(
                flows
                    .moves
                    .map_or(span, |(a, b)| (a.min(span.0), b.max(span.1))),
            );
            // A counter-account's entry is the other side of the wallet's: what a top-up
            // credits the wallet is debited (below zero) to funding.
            match (kind.as_str(), account.as_str()) {
                ("top_up", "funding") => flows.paid_in -= amount,
                ("top_up", "promotion") => flows.bonus_given -= amount,
                ("payment" | "capture", "settlement") => flows.spent += amount,
                ("refund", "settlement") => flows.refunded -= amount,
                ("cash_out", "funding") => flows.cashed_out += amount,
                // Value moved between two wallets stays held: both sides net to nothing.
                ("transfer", "transfer") => {}
                (kind, account) => {
                    return Err(StoreError::Corrupt(format!(
                        "a {kind} move with an entry on {account}"
                    )));
                }
            }
        }
        Ok(flows)
    }

    /// Checks the whole wallet ledger: every move balances, every wallet's balance (spendable
    /// and held) is the sum of its entries, no payment or capture was refunded more of either
    /// kind than it took, and what a wallet holds at checkouts is what its open holds hold.
    pub async fn check_wallets(&self) -> Result<WalletCheck> {
        let mut db = self;
        let ids = |rows: Vec<Row>| -> Result<Vec<i64>> { rows.iter().map(|r| r.get(0)).collect() };
        let unbalanced = db
            .rows(
                "SELECT move_id FROM wallet_entries GROUP BY move_id HAVING SUM(amount_minor) <> 0",
                args![],
            )
            .await?;
        let balances = db
            .rows(
                "SELECT w.id FROM wallets w LEFT JOIN (SELECT m.wallet_id, \
                   CAST(SUM(CASE WHEN e.account = 'principal' THEN e.amount_minor ELSE 0 END) AS BIGINT) AS p, \
                   CAST(SUM(CASE WHEN e.account = 'bonus' THEN e.amount_minor ELSE 0 END) AS BIGINT) AS b, \
                   CAST(SUM(CASE WHEN e.account = 'held_principal' THEN e.amount_minor ELSE 0 END) AS BIGINT) AS hp, \
                   CAST(SUM(CASE WHEN e.account = 'held_bonus' THEN e.amount_minor ELSE 0 END) AS BIGINT) AS hb \
                   FROM wallet_moves m JOIN wallet_entries e ON e.move_id = m.id GROUP BY m.wallet_id) s \
                 ON s.wallet_id = w.id \
                 WHERE w.principal_minor <> COALESCE(s.p, 0) OR w.bonus_minor <> COALESCE(s.b, 0) \
                    OR w.held_principal_minor <> COALESCE(s.hp, 0) OR w.held_bonus_minor <> COALESCE(s.hb, 0)",
                args![],
            )
            .await?;
        let over = db
            .rows(
                &format!(
                    "SELECT p.id FROM (SELECT m.id, {SIDES} FROM wallet_moves m \
                       JOIN wallet_entries e ON e.move_id = m.id \
                       WHERE m.kind IN ('payment', 'capture') GROUP BY m.id) p \
                     LEFT JOIN (SELECT m.payment_id, {SIDES} FROM wallet_moves m \
                       JOIN wallet_entries e ON e.move_id = m.id \
                       WHERE m.kind = 'refund' GROUP BY m.payment_id) r ON r.payment_id = p.id \
                     WHERE COALESCE(r.principal, 0) > -p.principal OR COALESCE(r.bonus, 0) > -p.bonus"
                ),
                args![],
            )
            .await?;
        let held = db
            .rows(
                "SELECT w.id FROM wallets w LEFT JOIN (SELECT wallet_id, \
                   CAST(SUM(principal_minor) AS BIGINT) AS p, CAST(SUM(bonus_minor) AS BIGINT) AS b \
                   FROM wallet_holds WHERE state = 'held' GROUP BY wallet_id) h ON h.wallet_id = w.id \
                 WHERE w.held_principal_minor <> COALESCE(h.p, 0) OR w.held_bonus_minor <> COALESCE(h.b, 0)",
                args![],
            )
            .await?;
        Ok(WalletCheck {
            unbalanced_moves: ids(unbalanced)?,
            balance_mismatches: ids(balances)?,
            over_refunded: ids(over)?,
            held_mismatches: ids(held)?,
        })
    }
}

fn wallet(row: &Row) -> Result<StoredWallet> {
    Ok(StoredWallet {
        id: row.get("id")?,
        member: row.get::<Option<i64>>("member_id")?.map(MemberId),
        balance: Wallet {
            principal: row.get("principal_minor")?,
            bonus: row.get("bonus_minor")?,
        },
        held: Paid {
            principal: row.get("held_principal_minor")?,
            bonus: row.get("held_bonus_minor")?,
        },
    })
}

fn wallet_move(row: &Row) -> Result<WalletMove> {
    let kind: String = row.get("kind")?;
    Ok(WalletMove {
        id: row.get("id")?,
        kind: kind
            .parse()
            .map_err(|e: laurel_core::UnknownState| StoreError::Corrupt(e.to_string()))?,
        amount: row.get("amount_minor")?,
        principal: row.get("principal")?,
        bonus: row.get("bonus")?,
        payment: row.get("payment_id")?,
        reference: row.get("reference")?,
        actor: row.get("actor")?,
        at: instant(row.get("at")?)?,
    })
}
