//! "My data": everything stored about the member as a page to read — profile, consent and its
//! history,
//! points, purchases, history, rewards, invitations and reports, times in the program's
//! time zone — beside the JSON download of all of it (see [`super::account::data`]).

use super::home::{Activity, about_words};
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::coupon_words::redemption_standing;
use crate::page::render;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use laurel_core::{Currency, Money};
use laurel_engine::{EntryAbout, MemberRef};

/// The newest rows of each list the page shows; the download holds them all.
const SHOWN: u32 = 100;

/// A purchase as the page lists it.
struct PurchaseLine {
    when: String,
    /// Where and for how much, in words.
    what: String,
    /// Refunded, when any was.
    refunded: Option<String>,
    points: String,
}

/// A redemption as the page lists it.
struct RewardLine {
    when: String,
    reward: String,
    points: String,
    status: String,
}

#[derive(Template)]
#[template(path = "portal/data.html")]
struct DataPage {
    chrome: Chrome,
    /// The program's offset from UTC, which every time on the page is in.
    offset: String,
    external_id: String,
    name: String,
    email: String,
    phone: String,
    birthday: String,
    joined: String,
    consent: crate::consent_words::ConsentWords,
    available: String,
    pending: String,
    /// Points held at checkouts.
    held: String,
    purchases: Vec<PurchaseLine>,
    entries: Vec<Activity>,
    rewards: Vec<RewardLine>,
    invited: u64,
    reports: Vec<super::help::ReportLine>,
}

/// An amount in minor units of `currency` (the program's, when the stored code is unknown).
fn money(minor: i64, currency: &str, fallback: Currency) -> Money {
    Money::from_stored(minor, currency).unwrap_or_else(|_| Money::from_minor(minor, fallback))
}

pub(crate) async fn page(
    State(console): State<Console>,
    member: Member,
) -> Result<Response, PortalError> {
    let (l, fail) = (member.locale, member.fail());
    let engine = &console.engine;
    let id = member.id();
    let definition = engine.definition();
    let program = &definition.program;
    let tz = &program.time_zone;
    let stored = engine.member(&MemberRef::Id(id)).await.map_err(&fail)?;
    let balance = engine.balance(id).await.map_err(&fail)?;
    let purchases = engine
        .member_purchases(id, None, SHOWN)
        .await
        .map_err(&fail)?
        .purchases;
    let history = engine.history(id, None, &[], SHOWN).await.map_err(&fail)?;
    let redemptions = engine.member_redemptions(id, SHOWN).await.map_err(&fail)?;
    let invited = engine.referrals(id, 1).await.map_err(&fail)?.made;
    let reports = super::help::report_lines(&console, &member, SHOWN).await?;
    let consent = crate::consent_words::ConsentWords::read(engine, l, id)
        .await
        .map_err(&fail)?;
    let t = l.strings();
    let now = Timestamp::now();
    let p = stored.profile;
    let page = DataPage {
        chrome: Chrome::signed_in(&member, "profile", "/portal/my-data".into()),
        offset: now
            .to_zoned_datetime(tz.clone())
            .strftime("%:z")
            .to_string(),
        external_id: p.external_id,
        name: p.name.unwrap_or_default(),
        email: p.email.unwrap_or_default(),
        phone: p.phone.unwrap_or_default(),
        birthday: p.birthday.map(|d| l.date(d)).unwrap_or_default(),
        joined: l.date_time(p.enrolled_at, tz),
        consent,
        available: l.integer(balance.available.get()),
        pending: l.integer(balance.pending.get()),
        held: l.integer(balance.held.get()),
        purchases: purchases
            .into_iter()
            .map(|b| PurchaseLine {
                when: l.date_time(b.occurred_at, tz),
                what: about_words(
                    l,
                    EntryAbout::Purchase {
                        total: money(b.total_minor, &b.currency, program.currency),
                        store: b.store,
                    },
                ),
                refunded: (b.refunded_minor > 0)
                    .then(|| l.money(money(b.refunded_minor, &b.currency, program.currency))),
                points: l.signed(b.points_earned),
            })
            .collect(),
        entries: history
            .entries
            .into_iter()
            .map(|e| Activity::from_entry(l, &definition, e))
            .collect(),
        rewards: redemptions
            .iter()
            .map(|r| RewardLine {
                when: l.date_time(r.redeemed_at, tz),
                reward: crate::program_words::reward_name(
                    l,
                    &definition,
                    &r.reward_id,
                    &r.reward_name,
                ),
                points: l.integer(r.points),
                status: redemption_standing(t, r, now),
            })
            .collect(),
        invited,
        reports,
    };
    Ok(render(StatusCode::OK, &page))
}
