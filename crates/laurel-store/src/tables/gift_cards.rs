//! Gift cards: batches issued, each card with the hash of its code (never the code), its
//! PIN's hash and wrong guesses, its wallet, state and expiry, and where its value went.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::wallet::GiftCardState;

/// A batch to issue.
#[derive(Debug, Clone)]
pub struct NewGiftCardBatch<'a> {
    /// The caller's name for it (a promotion, a shop's order).
    pub reference: &'a str,
    /// How many cards.
    pub cards: i64,
    /// Each card's value, minor units.
    pub face: i64,
    /// When its cards stop paying, if ever.
    pub expires_at: Option<Timestamp>,
    /// Who issued it.
    pub actor: &'a str,
    /// When.
    pub issued_at: Timestamp,
}

/// A card to store.
#[derive(Debug, Clone)]
pub struct NewGiftCard<'a> {
    /// Its batch.
    pub batch: i64,
    /// Its wallet.
    pub wallet: i64,
    /// SHA-256 of its code, hex.
    pub code_hash: &'a str,
    /// The code's last four characters.
    pub code_last4: &'a str,
    /// SHA-256 of its code and PIN, when it has one.
    pub pin_hash: Option<&'a str>,
    /// Its value, minor units.
    pub face: i64,
    /// Inactive or active.
    pub state: GiftCardState,
    /// When it stops paying.
    pub expires_at: Option<Timestamp>,
    /// When it was issued (and activated, if active).
    pub issued_at: Timestamp,
}

/// A card as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGiftCard {
    /// Its id.
    pub id: i64,
    /// Its batch.
    pub batch: i64,
    /// Its wallet.
    pub wallet: i64,
    /// SHA-256 of its code, hex.
    pub code_hash: String,
    /// The code's last four characters.
    pub code_last4: String,
    /// SHA-256 of its code and PIN, when it has one.
    pub pin_hash: Option<String>,
    /// Wrong PINs guessed.
    pub pin_failures: u32,
    /// Its value when issued.
    pub face: i64,
    /// Where it stands.
    pub state: GiftCardState,
    /// When it stops paying.
    pub expires_at: Option<Timestamp>,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// When it was activated.
    pub activated_at: Option<Timestamp>,
    /// The member its value was loaded into.
    pub loaded_into: Option<MemberId>,
    /// When.
    pub loaded_at: Option<Timestamp>,
}

/// The most batches one page of [`Store::gift_card_batches`] lists.
pub const GIFT_CARD_BATCHES_PAGE_MAX: u32 = 200;

/// A batch as its list shows it: what was issued, and where its cards stand now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCardBatchSummary {
    /// Its id.
    pub id: i64,
    /// The caller's name for it.
    pub reference: String,
    /// How many cards it issued.
    pub cards: i64,
    /// Each card's value, minor units.
    pub face: i64,
    /// When its cards stop paying, if ever.
    pub expires_at: Option<Timestamp>,
    /// Who issued it.
    pub actor: String,
    /// When.
    pub issued_at: Timestamp,
    /// Its cards not yet sold.
    pub inactive: i64,
    /// Its cards sold and paying.
    pub active: i64,
    /// Its cards whose value went into a member's wallet.
    pub loaded: i64,
    /// What its cards still hold (spendable or held at checkouts), minor units: value owed to
    /// whoever holds the cards.
    pub unused: i64,
}

const COLUMNS: &str = "id, batch_id, wallet_id, code_hash, code_last4, pin_hash, pin_failures, \
    face_minor, state, expires_at, issued_at, activated_at, loaded_into, loaded_at";

impl Tx {
    /// Stores a batch; its id.
    pub async fn insert_gift_card_batch(&mut self, b: &NewGiftCardBatch<'_>) -> Result<i64> {
        self.row(
            "INSERT INTO gift_card_batches (reference, cards, face_minor, expires_at, actor, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            args![
                b.reference,
                b.cards,
                b.face,
                b.expires_at.map(micros),
                b.actor,
                micros(b.issued_at)
            ],
        )
        .await?
        .get(0)
    }

    /// Stores a card; its id.
    pub async fn insert_gift_card(&mut self, c: &NewGiftCard<'_>) -> Result<i64> {
        let activated = (c.state == GiftCardState::Active).then_some(micros(c.issued_at));
        self.row(
            "INSERT INTO gift_cards (batch_id, wallet_id, code_hash, code_last4, pin_hash, face_minor, \
             state, expires_at, issued_at, activated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            args![
                c.batch,
                c.wallet,
                c.code_hash,
                c.code_last4,
                c.pin_hash,
                c.face,
                c.state.as_str(),
                c.expires_at.map(micros),
                micros(c.issued_at),
                activated
            ],
        )
        .await?
        .get(0)
    }

    /// The card, locked until the transaction ends.
    pub async fn lock_gift_card(&mut self, id: i64) -> Result<Option<StoredGiftCard>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM gift_cards WHERE id = $1{}",
            self.backend.lock_rows()
        );
        self.rows(&sql, args![id])
            .await?
            .first()
            .map(card)
            .transpose()
    }

    /// Marks a card active as of `at`.
    pub async fn activate_gift_card(&mut self, id: i64, at: Timestamp) -> Result<()> {
        self.run(
            "UPDATE gift_cards SET state = 'active', activated_at = $2 WHERE id = $1",
            args![id, micros(at)],
        )
        .await?;
        Ok(())
    }

    /// Marks a card's value as loaded into `member`'s wallet at `at`.
    pub async fn mark_gift_card_loaded(
        &mut self,
        id: i64,
        member: MemberId,
        at: Timestamp,
    ) -> Result<()> {
        self.run(
            "UPDATE gift_cards SET state = 'loaded', loaded_into = $2, loaded_at = $3 WHERE id = $1",
            args![id, member.0, micros(at)],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// A page of batches, newest first, before the batch `before` if given, each with its
    /// cards counted by state and what they still hold.
    pub async fn gift_card_batches(
        &self,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<GiftCardBatchSummary>> {
        let mut db = self;
        // Counted per batch in one pass over its cards and their wallets; a LEFT JOIN so a
        // batch is listed even if its cards were somehow missing.
        db.rows(
            "SELECT b.id, b.reference, b.cards, b.face_minor, b.expires_at, b.actor, b.issued_at, \
             CAST(COALESCE(SUM(CASE WHEN c.state = 'inactive' THEN 1 ELSE 0 END), 0) AS BIGINT) AS inactive, \
             CAST(COALESCE(SUM(CASE WHEN c.state = 'active' THEN 1 ELSE 0 END), 0) AS BIGINT) AS active, \
             CAST(COALESCE(SUM(CASE WHEN c.state = 'loaded' THEN 1 ELSE 0 END), 0) AS BIGINT) AS loaded, \
             CAST(COALESCE(SUM(w.principal_minor + w.bonus_minor + w.held_principal_minor + w.held_bonus_minor), 0) AS BIGINT) AS unused \
             FROM gift_card_batches b \
             LEFT JOIN gift_cards c ON c.batch_id = b.id \
             LEFT JOIN wallets w ON w.id = c.wallet_id \
             WHERE b.id < $1 \
             GROUP BY b.id, b.reference, b.cards, b.face_minor, b.expires_at, b.actor, b.issued_at \
             ORDER BY b.id DESC LIMIT $2",
            // One past a page, so a caller can tell a next page by it.
            args![
                before.unwrap_or(i64::MAX),
                i64::from(limit.min(GIFT_CARD_BATCHES_PAGE_MAX + 1))
            ],
        )
        .await?
        .iter()
        .map(batch_summary)
        .collect()
    }

    /// The card whose code hashes to `code_hash`.
    pub async fn gift_card_by_code(&self, code_hash: &str) -> Result<Option<StoredGiftCard>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {COLUMNS} FROM gift_cards WHERE code_hash = $1"),
            args![code_hash],
        )
        .await?
        .first()
        .map(card)
        .transpose()
    }

    /// Takes one of the card's PIN guesses before the PIN is checked, in one statement so
    /// guesses made at once each take their own and none is taken past `max`: the guesses
    /// taken now, or none when the card is locked.
    pub async fn claim_gift_card_pin_guess(&self, id: i64, max: u32) -> Result<Option<u32>> {
        let mut db = self;
        let rows = db
            .rows(
                "UPDATE gift_cards SET pin_failures = pin_failures + 1 \
                 WHERE id = $1 AND pin_failures < $2 RETURNING pin_failures",
                args![id, i64::from(max)],
            )
            .await?;
        rows.first()
            .map(|r| {
                r.get::<i64>(0)
                    .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            })
            .transpose()
    }

    /// Unlocks a card its wrong PINs locked (or counted against), with its audit entry, in
    /// one transaction; false when no guess was counted (nothing written).
    pub async fn unlock_gift_card(&self, id: i64, audit: &crate::AuditEntry) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = tx
            .run(
                "UPDATE gift_cards SET pin_failures = 0 WHERE id = $1 AND pin_failures > 0",
                args![id],
            )
            .await?;
        if changed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        crate::tables::audit::insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Gives the card its guesses back: its PIN was given right.
    pub async fn reset_gift_card_pin_guesses(&self, id: i64) -> Result<()> {
        let mut db = self;
        db.run(
            "UPDATE gift_cards SET pin_failures = 0 WHERE id = $1",
            args![id],
        )
        .await?;
        Ok(())
    }
}

fn card(row: &Row) -> Result<StoredGiftCard> {
    let state: String = row.get("state")?;
    let failures: i64 = row.get("pin_failures")?;
    Ok(StoredGiftCard {
        id: row.get("id")?,
        batch: row.get("batch_id")?,
        wallet: row.get("wallet_id")?,
        code_hash: row.get("code_hash")?,
        code_last4: row.get("code_last4")?,
        pin_hash: row.get("pin_hash")?,
        pin_failures: u32::try_from(failures).unwrap_or(u32::MAX),
        face: row.get("face_minor")?,
        state: state
            .parse()
            .map_err(|e: laurel_core::UnknownState| StoreError::Corrupt(e.to_string()))?,
        expires_at: instant_opt(row.get("expires_at")?)?,
        issued_at: instant(row.get("issued_at")?)?,
        activated_at: instant_opt(row.get("activated_at")?)?,
        loaded_into: row.get::<Option<i64>>("loaded_into")?.map(MemberId),
        loaded_at: instant_opt(row.get("loaded_at")?)?,
    })
}

fn batch_summary(row: &Row) -> Result<GiftCardBatchSummary> {
    Ok(GiftCardBatchSummary {
        id: row.get("id")?,
        reference: row.get("reference")?,
        cards: row.get("cards")?,
        face: row.get("face_minor")?,
        expires_at: instant_opt(row.get("expires_at")?)?,
        actor: row.get("actor")?,
        issued_at: instant(row.get("issued_at")?)?,
        inactive: row.get("inactive")?,
        active: row.get("active")?,
        loaded: row.get("loaded")?,
        unused: row.get("unused")?,
    })
}
