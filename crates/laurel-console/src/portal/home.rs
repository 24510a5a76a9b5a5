//! The member's home (balance and points held at checkouts, what expires soon, tier progress,
//! their wallet, membership, transfers and household, recent activity) and their history with
//! filters.

use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::i18n::{Locale, posting_kind_key};
use crate::offer_words::{OFFERS_SHOWN, OfferLine, offer_lines};
use crate::page::render;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_core::Money;
use laurel_core::ledger::PostingKind;
use laurel_core::rules::GrantBasis;
use laurel_core::tiers::TierMetric;
use laurel_engine::{EntryAbout, HistoryEntry, MemberRef};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

/// Entries the home page shows.
const RECENT: u32 = 5;
/// Entries per history page.
const HISTORY_PAGE: u32 = 20;

/// One ledger entry as a member reads it.
pub(crate) struct Activity {
    pub(super) when: String,
    pub(super) what: String,
    pub(super) detail: String,
    /// An earn's grants, each a sentence in the page's language.
    pub(super) grants: Vec<String>,
    pub(super) points: String,
    /// `gain` or `loss`, for the colour.
    pub(super) sign: &'static str,
}

impl Activity {
    pub(super) fn from_entry(
        l: Locale,
        definition: &laurel_engine::ProgramDefinition,
        h: HistoryEntry,
    ) -> Activity {
        let program = &definition.program;
        let e = h.entry;
        let points = (e.available_delta + e.pending_delta).get();
        let minor_digits = program.currency.minor_digits();
        Activity {
            grants: e
                .grants
                .iter()
                // A referral's bonus names the friend's id: the entry says whom it was for.
                .filter(|g| {
                    !matches!(
                        g.basis(minor_digits),
                        Some(GrantBasis::ReferralBonus { .. })
                    )
                })
                .map(|g| crate::grant_words::grant(l, definition, g))
                .collect(),
            when: l.date_time(e.meta.effective_at, &program.time_zone),
            what: l.strings().get(posting_kind_key(e.kind)).to_owned(),
            detail: match h.about {
                Some(about) => about_words(l, about),
                None => crate::messages::ledger_reason(l, &e.meta.reason),
            },
            points: l.signed(points),
            sign: if points < 0 { "loss" } else { "gain" },
        }
    }
}

/// What an entry was about, in words: where and for how much a purchase was, or which
/// friend a referral bonus was for.
pub(super) fn about_words(l: Locale, about: EntryAbout) -> String {
    let t = l.strings();
    match about {
        EntryAbout::Purchase {
            store: Some(store),
            total,
        } => t.fill(
            "portal_more.purchase_at",
            &[("store", &store), ("amount", &l.money(total))],
        ),
        EntryAbout::Purchase { store: None, total } => {
            t.with("portal_more.purchase_of", "amount", &l.money(total))
        }
        EntryAbout::Friend {
            first_name: Some(name),
        } => t.with("portal_more.friend_joined", "name", &name),
        EntryAbout::Friend { first_name: None } => t.get("portal_more.a_friend_joined").to_owned(),
    }
}

/// The member's card: their id as the till's POS API takes it (`external_id`), as text,
/// QR code and barcode.
struct MemberCard {
    id: String,
    qr: String,
    /// Absent when the id has characters a barcode cannot carry.
    barcode: Option<String>,
}

impl MemberCard {
    fn of(external_id: String) -> MemberCard {
        MemberCard {
            qr: super::codes::qr_svg(&external_id),
            barcode: super::codes::barcode_svg(&external_id),
            id: external_id,
        }
    }
}

/// Where the member stands in the tiers.
struct TierLine {
    name: String,
    /// The next tier, what it still takes, and how far along (0–100).
    next: Option<(String, String, u32)>,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    chrome: Chrome,
    name: String,
    available: String,
    value: String,
    pending: String,
    card: MemberCard,
    expiring: Vec<(String, String)>,
    tier: Option<TierLine>,
    /// The offers that fit them best.
    offers: Vec<OfferLine>,
    entries: Vec<Activity>,
    /// What their wallet holds in all, when the program offers one.
    wallet: Option<String>,
    /// Their membership in a line, when the program offers plans.
    membership: Option<String>,
    /// Whether the program offers transfers (home links to the page that sends them).
    transfers: bool,
    /// Points held at checkouts, when any are.
    held: Option<String>,
    /// Their household in a line, when the program offers households.
    household: Option<String>,
}

pub(crate) async fn home(
    State(console): State<Console>,
    member: Member,
) -> Result<Response, PortalError> {
    let (l, fail) = (member.locale, member.fail());
    let engine = &console.engine;
    let id = member.id();
    let profile = engine.member(&MemberRef::Id(id)).await.map_err(&fail)?;
    let balance = engine.balance(id).await.map_err(&fail)?;
    let recent = engine.history(id, None, &[], RECENT).await.map_err(&fail)?;
    let definition = engine.definition();
    let tz = &definition.program.time_zone;
    let tier = match &definition.tiers {
        Some(_) => Some(tier_line(
            l,
            engine
                .tier_status(&MemberRef::Id(id))
                .await
                .map_err(&fail)?,
        )),
        None => None,
    };
    let offers = engine
        .offers(id, jiff::Timestamp::now(), OFFERS_SHOWN)
        .await
        .map_err(&fail)?;
    let wallet = match &definition.wallet {
        Some(_) => {
            let statement = engine.wallet_statement(id, None, 1).await.map_err(&fail)?;
            let money = Money::from_minor(statement.balance.total(), definition.program.currency);
            Some(l.money(money))
        }
        None => None,
    };
    let membership = if definition.memberships.is_empty() {
        None
    } else {
        let latest = engine.memberships_of(id).await.map_err(&fail)?;
        let t = l.strings();
        Some(match latest.first().filter(|m| m.state != "ended") {
            Some(m) => {
                let words = crate::membership_words::MembershipWords::of(l, &definition, m);
                format!("{} · {} · {}", words.plan, words.state, words.next)
            }
            None => t.get("membership.yours_none").to_owned(),
        })
    };
    // A household made while the program offered them is shown until it is left.
    let view = engine.household_of(id).await.map_err(&fail)?;
    let household = (engine.household_policy().is_some() || view.is_some())
        .then(|| household_line(l, id, view));
    let page = HomePage {
        chrome: Chrome::signed_in(&member, "home", "/portal".into()),
        held: balance
            .held
            .is_positive()
            .then(|| l.integer(balance.held.get())),
        household,
        name: profile.profile.name.unwrap_or_default(),
        available: l.integer(balance.available.get()),
        value: l.money(balance.available_value),
        pending: l.integer(balance.pending.get()),
        card: MemberCard::of(profile.profile.external_id),
        expiring: balance
            .next_expiries
            .iter()
            .map(|(at, points)| (l.date_time(*at, tz), l.integer(points.get())))
            .collect(),
        tier,
        offers: offer_lines(l, &definition, offers),
        entries: recent
            .entries
            .into_iter()
            .map(|e| Activity::from_entry(l, &definition, e))
            .collect(),
        wallet,
        membership,
        transfers: definition.transfers.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The member's household in a line: its name and the points it has together, that they
/// wait for its owner, or an invitation to pool points.
fn household_line(l: Locale, me: i64, household: Option<laurel_engine::HouseholdView>) -> String {
    let t = l.strings();
    match household {
        None => t.get("households.home_line_none").to_owned(),
        Some(h) if crate::household_words::role_of(&h, me) == Some("requested") => {
            let owner = h
                .members
                .iter()
                .find(|m| m.member_id == h.owner_id)
                .map(crate::household_words::member_name)
                .unwrap_or_default();
            t.fill(
                "households.waiting_for",
                &[("name", &h.name), ("owner", &owner)],
            )
        }
        Some(h) => t.fill(
            "households.home_line",
            &[("name", &h.name), ("points", &l.integer(h.pooled))],
        ),
    }
}

fn tier_line(l: Locale, view: laurel_engine::TierView) -> TierLine {
    let t = l.strings();
    let name = view.tier.map_or_else(
        || t.get("portal.no_tier").to_owned(),
        |tier| l.text(&tier.name).to_owned(),
    );
    let next = view.progress.next.map(|next| {
        let needed = next.needed.normalize();
        let key = match view.metric {
            TierMetric::Spend => "portal.needs_spend",
            TierMetric::Purchases => "portal.needs_purchases",
            TierMetric::PointsEarned => "portal.needs_points",
        };
        let percent = if next.tier.threshold > Decimal::ZERO {
            let done = (view.progress.value / next.tier.threshold * Decimal::from(100))
                .clamp(Decimal::ZERO, Decimal::from(100));
            done.trunc().to_u32().unwrap_or(0)
        } else {
            100
        };
        (
            l.text(&next.tier.name).to_owned(),
            t.with(key, "n", &needed.to_string()),
            percent,
        )
    });
    TierLine { name, next }
}

/// The history's filters: which kinds of postings each shows.
const FILTERS: [(&str, &[PostingKind]); 6] = [
    ("all", &[]),
    ("earned", &[PostingKind::Earn, PostingKind::Release]),
    ("spent", &[PostingKind::Redeem, PostingKind::Restore]),
    ("expired", &[PostingKind::Expire, PostingKind::Forfeit]),
    (
        "adjusted",
        &[
            PostingKind::AdjustCredit,
            PostingKind::AdjustDebit,
            PostingKind::Reverse,
        ],
    ),
    (
        "transfers",
        &[
            PostingKind::TransferOut,
            PostingKind::TransferIn,
            PostingKind::TransferFee,
        ],
    ),
];

#[derive(Template)]
#[template(path = "portal/history.html")]
struct HistoryPage {
    chrome: Chrome,
    filter: String,
    filters: Vec<&'static str>,
    entries: Vec<Activity>,
    older: Option<i64>,
}

#[derive(Deserialize)]
pub(crate) struct HistoryQuery {
    show: Option<String>,
    before: Option<i64>,
}

pub(crate) async fn history(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, PortalError> {
    let l = member.locale;
    let (filter, kinds) = FILTERS
        .iter()
        .find(|(name, _)| Some(*name) == query.show.as_deref())
        .copied()
        .unwrap_or(FILTERS[0]);
    let page = console
        .engine
        .history(member.id(), query.before, kinds, HISTORY_PAGE)
        .await
        .map_err(member.fail())?;
    let definition = console.engine.definition();
    let path = format!("/portal/history?show={filter}");
    let page = HistoryPage {
        chrome: Chrome::signed_in(&member, "history", path),
        filter: filter.to_owned(),
        filters: FILTERS.iter().map(|(name, _)| *name).collect(),
        entries: page
            .entries
            .into_iter()
            .map(|e| Activity::from_entry(l, &definition, e))
            .collect(),
        older: page.next_cursor.map(|c| c.0),
    };
    Ok(render(StatusCode::OK, &page))
}
