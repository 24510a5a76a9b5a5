//! A member's data export: everything stored about them — profile, consent and its history,
//! balances, and all of their ledger, purchases, redemptions, referrals and reports — as one
//! JSON document, produced as a stream of pieces, one page of the store at a time.
//!
//! Why a stream: a member's history has no upper bound, and the document built whole held
//! all of it in memory at once (and, to stay bounded, an earlier version stopped at 200 of
//! each). Page by page, memory is one page whatever the history, and every row is in it.

use super::history::referral_of;
use crate::error::{EngineError, Result};
use crate::history::grant_sentence;
use crate::{Engine, MemberRef};
use futures_util::Stream;
use laurel_core::{Currency, Money};
use laurel_store::{LEDGER_PAGE_MAX, MemberId, PurchaseId, RedemptionId};
use serde_json::{Value, json};
use std::sync::Arc;

/// Rows read from the store per page (and written per piece) in each list.
pub const EXPORT_PAGE: u32 = 200;

/// The lists of the document, in the order written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Head,
    Ledger,
    Purchases,
    Redemptions,
    Referrals,
    Reports,
    Done,
}

impl Part {
    /// The list after this one, and its key in the document.
    fn next(self) -> (Part, &'static str) {
        match self {
            Part::Head => (Part::Ledger, "ledger"),
            Part::Ledger => (Part::Purchases, "purchases"),
            Part::Purchases => (Part::Redemptions, "redemptions"),
            Part::Redemptions => (Part::Referrals, "referrals_made"),
            Part::Referrals => (Part::Reports, "reports"),
            Part::Reports | Part::Done => (Part::Done, ""),
        }
    }
}

/// Where the export is: the list being written and the cursor in it (the last id written).
struct Export {
    engine: Arc<Engine>,
    member: i64,
    part: Part,
    cursor: Option<i64>,
}

impl Engine {
    /// The member's data as a JSON document, in pieces: written in order they make the
    /// document. A failure while reading ends the stream with the error (the document is
    /// then incomplete, and the download fails rather than look whole).
    pub fn export(
        self: &Arc<Engine>,
        member: i64,
    ) -> impl Stream<Item = Result<String>> + Send + 'static {
        let start = Export {
            engine: Arc::clone(self),
            member,
            part: Part::Head,
            cursor: None,
        };
        futures_util::stream::unfold(start, |mut export| async move {
            if export.part == Part::Done {
                return None;
            }
            match export.piece().await {
                Ok(piece) => Some((Ok(piece), export)),
                Err(e) => {
                    export.part = Part::Done;
                    Some((Err(e), export))
                }
            }
        })
    }
}

impl Export {
    /// The next piece of the document (each list's reader answers its page's items and,
    /// when there may be more, the cursor to read on from): the head, or one page of the current list (closing
    /// it and opening the next after its last page).
    async fn piece(&mut self) -> Result<String> {
        let (items, last) = match self.part {
            Part::Head => (vec![self.head().await?], None),
            Part::Ledger => self.ledger().await?,
            Part::Purchases => self.purchases().await?,
            Part::Redemptions => self.redemptions().await?,
            Part::Referrals => self.referrals().await?,
            Part::Reports => self.reports().await?,
            Part::Done => return Ok(String::new()),
        };
        let mut piece = String::new();
        let head = self.part == Part::Head;
        for (i, item) in items.iter().enumerate() {
            // Items after the first of a list follow a comma.
            if !head && (self.cursor.is_some() || i > 0) {
                piece.push(',');
            }
            piece.push_str(&serde_json::to_string(item).map_err(internal)?);
        }
        if head {
            // The head is an object; its closing brace comes at the very end.
            piece.pop();
        }
        match last {
            Some(id) => self.cursor = Some(id),
            None => {
                let (next, key) = self.part.next();
                if !head {
                    piece.push(']');
                }
                if next == Part::Done {
                    piece.push_str("}\n");
                } else {
                    piece.push_str(&format!(",\"{key}\":["));
                }
                self.part = next;
                self.cursor = None;
            }
        }
        Ok(piece)
    }

    fn currency(&self) -> Currency {
        self.engine.definition().program.currency
    }

    /// The member, their consent and balances, and when the export was made.
    async fn head(&self) -> Result<Value> {
        let engine = &self.engine;
        let stored = engine.member(&MemberRef::Id(self.member)).await?;
        // Asking for the referrals gives the member a code when they had none.
        let code = engine.referrals(self.member, 1).await?.code;
        // Changes of consent are few (a member answers a form): the head holds them whole.
        let record = engine
            .consent_record(self.member, laurel_store::CONSENT_CHANGES_MAX)
            .await?;
        let current = &record.current;
        let consents: serde_json::Map<String, Value> = current
            .channels()
            .into_iter()
            .chain(current.purposes())
            .map(|(c, given)| (c.to_owned(), Value::Bool(given)))
            .collect();
        let history: Vec<Value> = record
            .history
            .iter()
            .map(|c| {
                json!({
                    "consent": c.subject,
                    "given": c.given,
                    "at": c.at.to_string(),
                    "source": c.source,
                })
            })
            .collect();
        let p = &stored.profile;
        Ok(json!({
            "member": {
                "external_id": p.external_id,
                "email": p.email,
                "phone": p.phone,
                "name": p.name,
                "birthday": p.birthday.map(|d| d.to_string()),
                "enrolled_at": p.enrolled_at.to_string(),
                "channel": p.channel,
                "attributes": p.attributes,
                "status": stored.status.as_str(),
                "tier": stored.tier.tier,
                "referral_code": code,
            },
            "consents": consents,
            "consent_history": history,
            "balance": { "available": stored.available, "pending": stored.pending },
            "exported_at": jiff::Timestamp::now().to_string(),
        }))
    }

    async fn ledger(&self) -> Result<(Vec<Value>, Option<i64>)> {
        let page = self
            .engine
            .ledger(self.member, self.cursor, LEDGER_PAGE_MAX.min(EXPORT_PAGE))
            .await?;
        let definition = self.engine.definition();
        let program = &definition.program;
        let items = page
            .entries
            .iter()
            .map(|e| {
                // A referral bonus's reason and sentence name the friend's customer id,
                // which is not the member's to download: it says only what it was for.
                let friend = referral_of(e).is_some();
                let grants: Vec<Value> = e
                    .grants
                    .iter()
                    .map(|g| {
                        json!({
                            "rule_id": g.rule_id,
                            "points": g.points.get(),
                            "explanation": if friend {
                                "referral bonus for a friend you invited".to_owned()
                            } else {
                                grant_sentence(program, g)
                            },
                        })
                    })
                    .collect();
                json!({
                    "kind": e.kind.as_str(),
                    "available_delta": e.available_delta.get(),
                    "pending_delta": e.pending_delta.get(),
                    "reason": if friend { "referral" } else { e.meta.reason.as_str() },
                    "reference": e.meta.reference,
                    "effective_at": e.meta.effective_at.to_string(),
                    "grants": grants,
                })
            })
            .collect();
        Ok((items, page.next_cursor.map(|c| c.0)))
    }

    async fn purchases(&self) -> Result<(Vec<Value>, Option<i64>)> {
        let found = self
            .engine
            .store()
            .member_purchases_before(
                MemberId(self.member),
                self.cursor.map(PurchaseId),
                EXPORT_PAGE,
            )
            .await?;
        let currency = self.currency();
        let money = |minor: i64| Money::from_minor(minor, currency).amount().to_string();
        let items = found
            .iter()
            .map(|p| {
                let lines: Vec<Value> = p
                    .lines
                    .iter()
                    .map(|l| {
                        json!({
                            "sku": l.line.sku,
                            "category": l.line.category,
                            "quantity": l.line.quantity,
                            "unit_price": money(l.line.unit_price_minor),
                            "refunded_quantity": l.refunded_quantity,
                        })
                    })
                    .collect();
                json!({
                    "channel": p.channel,
                    "order_id": p.order_id,
                    "store": p.store,
                    "total": money(p.total_minor),
                    "refunded": money(p.refunded_minor),
                    "tier_discount": money(p.tier_discount_minor),
                    "points_earned": p.points_earned,
                    "points_reversed": p.points_reversed,
                    "occurred_at": p.occurred_at.to_string(),
                    "lines": lines,
                })
            })
            .collect();
        Ok((items, more(&found).map(|p| p.id.0)))
    }

    async fn redemptions(&self) -> Result<(Vec<Value>, Option<i64>)> {
        let found = self
            .engine
            .store()
            .member_redemptions_before(
                MemberId(self.member),
                self.cursor.map(RedemptionId),
                EXPORT_PAGE,
            )
            .await?;
        let currency = self.currency();
        let items = found
            .iter()
            .map(|r| serde_json::to_value(crate::RedemptionView::from_stored(r, currency)))
            .collect::<std::result::Result<_, _>>()
            .map_err(internal)?;
        Ok((items, more(&found).map(|r| r.id.0)))
    }

    async fn referrals(&self) -> Result<(Vec<Value>, Option<i64>)> {
        let found = self
            .engine
            .store()
            .referrals_by_before(MemberId(self.member), self.cursor, EXPORT_PAGE)
            .await?;
        let items = found
            .iter()
            .map(|r| {
                json!({
                    "status": r.status.as_str(),
                    "enrolled_at": r.enrolled_at.to_string(),
                    "points": r.referrer_points,
                })
            })
            .collect();
        Ok((items, more(&found).map(|r| r.id)))
    }

    async fn reports(&self) -> Result<(Vec<Value>, Option<i64>)> {
        let found = self
            .engine
            .store()
            .reports_of_before(MemberId(self.member), self.cursor, EXPORT_PAGE)
            .await?;
        let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
        let replies = self.engine.store().report_messages(&ids).await?;
        let items = found
            .iter()
            .map(|r| {
                let thread: Vec<Value> = replies
                    .iter()
                    .filter(|m| m.report == r.id)
                    .map(|m| {
                        json!({
                            "from": m.author.as_str(),
                            "message": m.message,
                            "created_at": m.created_at.to_string(),
                        })
                    })
                    .collect();
                json!({
                    "category": r.category,
                    "message": r.message,
                    "created_at": r.created_at.to_string(),
                    "state": r.state.as_str(),
                    "resolved_at": r.resolved_at.map(|t| t.to_string()),
                    "thread": thread,
                })
            })
            .collect();
        Ok((items, more(&found).map(|r| r.id)))
    }
}

/// The last row of a full page, from which the next is read; `None` after a short page,
/// which is the list's last.
fn more<T>(page: &[T]) -> Option<&T> {
    if page.len() == EXPORT_PAGE as usize {
        page.last()
    } else {
        None
    }
}

fn internal(e: impl std::fmt::Display) -> EngineError {
    EngineError::Internal(e.to_string())
}
