//! Wallets of stored value: each wallet's balance (its member accounts), its moves and their
//! entries (appended, never edited), and the whole wallet ledger's check.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{MemberId, WalletCheck, instant, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
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
    /// What it holds.
    pub balance: Wallet,
}

/// A move to store: a decided posting and what it was for.
#[derive(Debug, Clone)]
pub struct NewWalletMove<'a> {
    /// The decision.
    pub posting: &'a WalletPosting,
    /// What the move was for (above zero): paid in, paid, given back, paid out.
    pub amount: i64,
    /// A refund's payment.
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
    /// Wallets holding anything.
    pub wallets: i64,
    /// Their principal.
    pub principal: i64,
    /// Their bonus.
    pub bonus: i64,
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

const WALLET_COLUMNS: &str = "id, member_id, principal_minor, bonus_minor";

const MOVE_COLUMNS: &str = "m.id, m.kind, m.amount_minor, m.payment_id, m.reference, m.actor, m.at, \
    CAST(COALESCE(SUM(CASE WHEN e.account = 'principal' THEN e.amount_minor END), 0) AS BIGINT) AS principal, \
    CAST(COALESCE(SUM(CASE WHEN e.account = 'bonus' THEN e.amount_minor END), 0) AS BIGINT) AS bonus";

impl Tx {
    /// The member's wallet, locked until the transaction ends; opened empty when they have none.
    pub async fn member_wallet(
        &mut self,
        member: MemberId,
        now: Timestamp,
    ) -> Result<StoredWallet> {
        let sql = format!(
            "SELECT {WALLET_COLUMNS} FROM wallets WHERE member_id = $1{}",
            self.backend.lock_rows()
        );
        if let Some(row) = self.rows(&sql, args![member.0]).await?.first() {
            return wallet(row);
        }
        let row = self
            .row(
                &format!(
                    "INSERT INTO wallets (member_id, principal_minor, bonus_minor, opened_at) \
                     VALUES ($1, 0, 0, $2) RETURNING {WALLET_COLUMNS}"
                ),
                args![member.0, micros(now)],
            )
            .await?;
        wallet(&row)
    }

    /// Stores a decided move on `wallet` with its entries and the wallet's new balance; its id.
    pub async fn post_wallet(
        &mut self,
        wallet: &StoredWallet,
        m: &NewWalletMove<'_>,
    ) -> Result<i64> {
        let id: i64 = self
            .row(
                "INSERT INTO wallet_moves (wallet_id, kind, amount_minor, payment_id, reference, actor, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                args![
                    wallet.id,
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
        let principal = m.posting.delta(WalletAccount::Principal);
        let bonus = m.posting.delta(WalletAccount::Bonus);
        if principal != 0 || bonus != 0 {
            self.run(
                "UPDATE wallets SET principal_minor = principal_minor + $2, bonus_minor = bonus_minor + $3 \
                 WHERE id = $1",
                args![wallet.id, principal, bonus],
            )
            .await?;
        }
        Ok(id)
    }

    /// A payment as its refunds read it, if `payment` is one.
    pub async fn wallet_payment(&mut self, payment: i64) -> Result<Option<PaymentTaken>> {
        let rows = self
            .rows(
                "SELECT m.wallet_id, m.kind, e.account, e.amount_minor FROM wallet_moves m \
                 JOIN wallet_entries e ON e.move_id = m.id \
                 WHERE (m.id = $1 AND m.kind = 'payment') OR (m.payment_id = $1 AND m.kind = 'refund')",
                args![payment],
            )
            .await?;
        let mut found: Option<PaymentTaken> = None;
        for row in &rows {
            let kind: String = row.get("kind")?;
            let account: String = row.get("account")?;
            let amount: i64 = row.get("amount_minor")?;
            let p = found.get_or_insert(PaymentTaken {
                wallet: row.get("wallet_id")?,
                taken: Paid::default(),
                refunded: Paid::default(),
            });
            let side = if kind == "payment" {
                &mut p.taken
            } else {
                &mut p.refunded
            };
            match account.as_str() {
                "principal" => side.principal += amount.abs(),
                "bonus" => side.bonus += amount.abs(),
                _ => {}
            }
        }
        // Refunds are found only through a payment: no payment row, no payment.
        Ok(found.filter(|p| p.taken.total() > 0))
    }
}

impl Store {
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

    /// What every wallet holds together.
    pub async fn wallet_totals(&self) -> Result<WalletTotals> {
        let mut db = self;
        let row = db
            .row(
                "SELECT COUNT(*) AS wallets, CAST(COALESCE(SUM(principal_minor), 0) AS BIGINT) AS principal, \
                 CAST(COALESCE(SUM(bonus_minor), 0) AS BIGINT) AS bonus FROM wallets \
                 WHERE principal_minor > 0 OR bonus_minor > 0",
                args![],
            )
            .await?;
        Ok(WalletTotals {
            wallets: row.get("wallets")?,
            principal: row.get("principal")?,
            bonus: row.get("bonus")?,
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

    /// Checks the whole wallet ledger: every move balances, every wallet's balance is the sum
    /// of its entries, and no payment was refunded more of either kind than it took.
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
                   CAST(SUM(CASE WHEN e.account = 'bonus' THEN e.amount_minor ELSE 0 END) AS BIGINT) AS b \
                   FROM wallet_moves m JOIN wallet_entries e ON e.move_id = m.id GROUP BY m.wallet_id) s \
                 ON s.wallet_id = w.id \
                 WHERE w.principal_minor <> COALESCE(s.p, 0) OR w.bonus_minor <> COALESCE(s.b, 0)",
                args![],
            )
            .await?;
        let over = db
            .rows(
                "SELECT p.id FROM wallet_moves p \
                 JOIN wallet_entries pe ON pe.move_id = p.id AND pe.account IN ('principal', 'bonus') \
                 LEFT JOIN (SELECT r.payment_id, re.account, CAST(SUM(re.amount_minor) AS BIGINT) AS back \
                   FROM wallet_moves r JOIN wallet_entries re ON re.move_id = r.id \
                   WHERE r.kind = 'refund' GROUP BY r.payment_id, re.account) b \
                 ON b.payment_id = p.id AND b.account = pe.account \
                 WHERE p.kind = 'payment' AND COALESCE(b.back, 0) > -pe.amount_minor",
                args![],
            )
            .await?;
        Ok(WalletCheck {
            unbalanced_moves: ids(unbalanced)?,
            balance_mismatches: ids(balances)?,
            over_refunded: ids(over)?,
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
