//! A member's page (profile, balance with the points held at checkouts, tier, a page of the
//! ledger) and the adjustment form; the other forms on it are in `member_*.rs`.

use crate::Console;
use crate::i18n::posting_kind_key;
use crate::ledger_words::{Shown, StaffNames, reference};
use crate::member_membership::MembershipForm;
use crate::member_tier::{TierBox, TierForm};
use crate::messages::refusal;
use crate::page::render;
use crate::wallet_top_up::TopUpForm;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{AdjustRequest, EngineError, Made, MemberRef, Permission};
use serde::Deserialize;
use serde_json::json;

/// Ledger entries per page.
const LEDGER_SHOWN: u32 = 25;

/// One ledger entry as the page shows it.
struct EntryRow {
    when: String,
    kind: String,
    points: String,
    reason: String,
    /// Staff's private note, if the posting has one.
    note: Option<String>,
    /// An earn's grants, each a sentence in the page's language.
    grants: Vec<String>,
    reference: Shown,
    actor: Shown,
}

/// What the adjustment form shows besides its fields: errors next to them, or a success.
#[derive(Default)]
pub(crate) struct AdjustForm {
    points: String,
    reason: String,
    note: String,
    points_error: Option<String>,
    reason_error: Option<String>,
    note_error: Option<String>,
    done: bool,
    /// The adjustment waits for a second staff member's approval.
    sent_for_approval: bool,
}

/// The member page's forms as given: typed values and errors after a refusal, or what was
/// just done; empty otherwise.
#[derive(Default)]
pub(crate) struct Forms {
    pub adjust: AdjustForm,
    pub top_up: TopUpForm,
    pub membership: MembershipForm,
    pub tier: TierForm,
}

/// A member's page.
#[derive(Template)]
#[template(path = "member.html")]
pub(crate) struct MemberPage {
    chrome: Chrome,
    id: i64,
    external_id: String,
    name: String,
    email: String,
    phone: String,
    birthday: String,
    enrolled: String,
    status: String,
    available: String,
    pending: String,
    /// Points held at checkouts, when any are.
    held: Option<String>,
    value: String,
    tier: Option<String>,
    tier_next: Option<String>,
    /// The tier assignment form, for staff who may assign tiers (`member_tier.html`).
    tier_box: Option<TierBox>,
    entries: Vec<EntryRow>,
    older: Option<String>,
    /// Whether this is an older page of the ledger (then a link leads back to the newest).
    paged: bool,
    activity: crate::member_activity::Activity,
    /// The offers that fit the member best, with why (`member_offers.html`).
    offers: Vec<crate::offer_words::OfferLine>,
    insight: crate::member_insight::InsightBox,
    suspended: bool,
    /// Their personal data erased: no more forms but the history.
    erased: bool,
    form: AdjustForm,
    /// The most points this staff member may adjust at once, when the program caps their role.
    adjust_cap: Option<String>,
    /// A fresh idempotency key: submitting the form twice adjusts once.
    form_key: String,
    /// The member's wallet, when the program offers one (`member_wallet.html`).
    wallet: Option<crate::member_wallet::WalletBox>,
    /// The member's memberships, when the program offers plans (`member_membership.html`).
    membership: Option<crate::member_membership::MembershipBox>,
    /// The member's transfers, when the program offers them or they have some
    /// (`member_transfers.html`).
    transfers: Option<crate::member_transfers::TransfersBox>,
    /// The member's household, when the program offers households
    /// (`member_household.html`).
    household: Option<crate::member_household::HouseholdBox>,
    /// The member's consents now and their history (`member_consents.html`).
    consent: crate::consent_words::ConsentWords,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    cursor: Option<i64>,
    done: Option<String>,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewMembers)?;
    let done = query.done.as_deref();
    let form = AdjustForm {
        done: done == Some("adjusted"),
        sent_for_approval: done == Some("sent_for_approval"),
        ..AdjustForm::default()
    };
    let top_up = TopUpForm {
        done: done == Some("topped_up"),
        ..TopUpForm::default()
    };
    let forms = Forms {
        adjust: form,
        top_up,
        membership: MembershipForm::after(staff.locale, done),
        tier: TierForm::after(done),
    };
    let page = member_page(&console, &staff, id, query.cursor, forms).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The member page with its forms as given (typed values and errors after a refusal, or a
/// success).
pub(crate) async fn member_page(
    console: &Console,
    staff: &Staff,
    id: i64,
    cursor: Option<i64>,
    forms: Forms,
) -> Result<MemberPage, PageError> {
    let Forms {
        adjust: form,
        top_up,
        membership,
        tier: tier_form,
    } = forms;
    let l = staff.locale;
    let fail = |e: EngineError| PageError::from_engine(e, l);
    let engine = &console.engine;
    let member = engine.member(&MemberRef::Id(id)).await.map_err(fail)?;
    let balance = engine.balance(id).await.map_err(fail)?;
    let ledger = engine
        .ledger(id, cursor, LEDGER_SHOWN)
        .await
        .map_err(fail)?;
    let staff_names = StaffNames::read(engine).await.map_err(fail)?;
    let definition = engine.definition();
    let tz = &definition.program.time_zone;
    let (tier, tier_next) = match &definition.tiers {
        Some(_) => {
            let view = engine.tier_status(&MemberRef::Id(id)).await.map_err(fail)?;
            let next = view
                .progress
                .next
                .map(|n| format!("→ {} ({})", l.text(&n.tier.name), n.needed.normalize()));
            (view.tier.map(|t| l.text(&t.name).to_owned()), next)
        }
        None => (None, None),
    };
    let ids: Vec<i64> = ledger.entries.iter().map(|e| e.id.0).collect();
    let mut notes = engine.staff_notes(id, &ids).await.map_err(fail)?;
    let entries = ledger
        .entries
        .into_iter()
        .map(|e| EntryRow {
            note: notes.remove(&e.id.0),
            when: l.date_time(e.meta.effective_at, tz),
            kind: l.strings().get(posting_kind_key(e.kind)).to_owned(),
            points: l.signed((e.available_delta + e.pending_delta).get()),
            grants: e
                .grants
                .iter()
                .map(|g| crate::grant_words::grant(l, &definition, g))
                .collect(),
            reason: crate::messages::ledger_reason(l, &e.meta.reason),
            reference: reference(&e.meta.reason, &e.meta.reference),
            actor: staff_names.actor(l, e.meta.actor.as_deref()),
        })
        .collect();
    let erased = member.status == laurel_core::MemberStatus::Erased;
    let tier_box = crate::member_tier::read(engine, staff, id, erased, tier_form)
        .await
        .map_err(fail)?;
    let p = member.profile;
    Ok(MemberPage {
        chrome: Chrome::signed_in(staff, "members", format!("/admin/members/{id}")),
        id,
        external_id: p.external_id,
        name: p.name.unwrap_or_default(),
        email: p.email.unwrap_or_default(),
        phone: p.phone.unwrap_or_default(),
        birthday: p.birthday.map(|d| l.date(d)).unwrap_or_default(),
        enrolled: l.date_time(p.enrolled_at, tz),
        suspended: member.status == laurel_core::MemberStatus::Suspended,
        erased,
        status: l
            .strings()
            .get(&format!("members.status_{}", member.status))
            .to_owned(),
        activity: crate::member_activity::read(engine, l, tz, id)
            .await
            .map_err(fail)?,
        offers: crate::offer_words::offer_lines(
            l,
            &definition,
            engine
                .offers(id, jiff::Timestamp::now(), crate::offer_words::OFFERS_SHOWN)
                .await
                .map_err(fail)?,
        ),
        insight: crate::member_insight::read(engine, l, tz, id)
            .await
            .map_err(fail)?,
        available: l.integer(balance.available.get()),
        pending: l.integer(balance.pending.get()),
        held: balance
            .held
            .is_positive()
            .then(|| l.integer(balance.held.get())),
        value: l.money(balance.available_value),
        tier,
        tier_next,
        tier_box,
        entries,
        older: ledger.next_cursor.map(|c| c.0.to_string()),
        paged: cursor.is_some(),
        form,
        adjust_cap: definition
            .adjust_policy
            .cap(staff.session.user.role)
            .map(|cap| {
                l.strings()
                    .with("member.adjust_cap", "cap", &l.integer(cap.get()))
            }),
        form_key: laurel_engine::random_token(),
        wallet: crate::member_wallet::read(engine, l, &staff_names, id, top_up)
            .await
            .map_err(fail)?,
        membership: crate::member_membership::read(engine, l, id, membership)
            .await
            .map_err(fail)?,
        transfers: crate::member_transfers::read(engine, l, &staff_names, id)
            .await
            .map_err(fail)?,
        household: crate::member_household::read(engine, l, id)
            .await
            .map_err(fail)?,
        consent: crate::consent_words::ConsentWords::read(engine, l, id)
            .await
            .map_err(fail)?,
    })
}

#[derive(Deserialize)]
pub(crate) struct StatusFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    suspend: bool,
}

/// Suspends or reactivates a member (audited).
pub(crate) async fn set_status(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<StatusFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageMembers)?;
    let changed = console
        .engine
        .set_suspended(id, fields.suspend, &staff.actor())
        .await
        .map_err(|e| PageError::from_engine(e, staff.locale))?;
    let (before, after) = if fields.suspend {
        ("active", "suspended")
    } else {
        ("suspended", "active")
    };
    if changed {
        staff
            .audit(
                &console,
                if fields.suspend {
                    "member.suspend"
                } else {
                    "member.reactivate"
                },
                format!("member:{id}"),
                Some(json!({ "status": before })),
                json!({ "status": after }),
            )
            .await;
    }
    Ok(Redirect::to(&format!("/admin/members/{id}")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct AdjustFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn adjust(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<AdjustFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::AdjustPoints)?;
    let t = staff.locale.strings();
    let mut form = AdjustForm {
        points: fields.points.clone(),
        reason: fields.reason.clone(),
        note: fields.note.clone(),
        ..AdjustForm::default()
    };
    let points = match fields.points.trim().parse::<i64>() {
        Ok(0) | Err(_) => {
            form.points_error = Some(t.get("field.integer").to_owned());
            None
        }
        Ok(points) => Some(points),
    };
    if fields.reason.trim().is_empty() {
        form.reason_error = Some(t.get("field.required").to_owned());
    }
    if let (Some(points), None, None) = (points, &form.points_error, &form.reason_error) {
        let request = AdjustRequest {
            member_id: id,
            points,
            reason: fields.reason.trim().to_owned(),
            note: Some(fields.note.clone()),
            idempotency_key: format!("console:{}", fields.key),
        };
        match console.engine.adjust_by(request, &staff.member()).await {
            Ok(Made::Waiting(asked)) => {
                crate::approvals::audit(&console, &staff, "approval.request", &asked).await;
                return Ok(
                    Redirect::to(&format!("/admin/members/{id}?done=sent_for_approval"))
                        .into_response(),
                );
            }
            Ok(Made::Done(outcome)) => {
                let after = outcome.balance;
                let before = json!({ "available": after.available - outcome.points, "pending": after.pending });
                let after = json!({ "available": after.available, "pending": after.pending, "reason": fields.reason.trim(), "note": fields.note.trim() });
                staff
                    .audit(
                        &console,
                        "points.adjust",
                        format!("member:{id}"),
                        Some(before),
                        after,
                    )
                    .await;
                return Ok(
                    Redirect::to(&format!("/admin/members/{id}?done=adjusted")).into_response()
                );
            }
            Err(refused) if refused.is_refusal() => {
                // Next to the field it is about; the points field for the rest.
                let words = Some(refusal(staff.locale, &refused));
                match &refused {
                    EngineError::InvalidField { field, .. } if field == "reason" => {
                        form.reason_error = words;
                    }
                    EngineError::InvalidField { field, .. } if field == "note" => {
                        form.note_error = words;
                    }
                    _ => form.points_error = words,
                }
            }
            Err(e) => return Err(PageError::from_engine(e, staff.locale)),
        }
    }
    let forms = Forms {
        adjust: form,
        ..Forms::default()
    };
    let page = member_page(&console, &staff, id, None, forms).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
