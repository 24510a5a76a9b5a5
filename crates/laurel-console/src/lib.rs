//! Laurel's web pages for people: the staff console under `/admin`, rendered on the server
//! from templates compiled into the binary, in Simplified Chinese and English, working without
//! JavaScript.
//!
//! Architecture invariant: no business rule here. Pages read through the engine and act
//! through the same engine calls the API uses; every action checks the role server-side and
//! every form its CSRF token.

mod account;
mod api_key_create;
mod api_key_rotate;
mod api_key_words;
mod api_keys;
mod approval_words;
mod approvals;
mod audit;
mod audit_filter;
mod audit_words;
mod auth;
mod automation_words;
mod automations;
mod books;
mod books_chart;
mod books_forms;
mod books_journal;
mod books_range;
mod books_stored_value;
mod books_table;
mod books_words;
mod charts;
mod consent_words;
mod coupon_words;
mod csv;
mod dashboard;
mod days;
mod draft;
mod draft_form;
mod draft_reward;
mod draft_rule;
mod draft_tier;
mod form_fields;
mod fraud_cases;
mod gift_card_issue;
mod gift_card_lookup;
mod gift_card_words;
mod grant_words;
mod household_words;
pub mod i18n;
mod insight;
mod insight_churn;
mod insight_cohorts;
mod insight_csv;
mod insight_distributions;
mod insight_period;
mod insight_tables;
mod insight_words;
mod ledger_words;
mod letters;
mod member_activity;
mod member_history;
mod member_household;
mod member_insight;
mod member_insight_words;
mod member_list;
mod member_membership;
mod member_reports;
mod member_tier;
mod member_transfers;
mod member_wallet;
mod members;
mod membership_words;
mod memberships;
pub mod messages;
mod offer_words;
mod page;
mod partner_csv;
mod partner_statement;
mod partner_words;
mod partners;
mod portal;
mod privacy;
mod program;
mod program_words;
mod public_url;
mod rewards;
mod roll_forward;
mod second_step;
mod segment_words;
mod segments;
mod simulation;
mod simulation_tables;
mod staff;
mod table;
mod transfer_words;
mod two_factor_view;
mod wallet_top_up;
mod wallet_words;
mod wallets;
mod web;
mod webhook_log;
mod webhook_words;
mod webhooks;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};
use laurel_engine::Engine;
pub use public_url::{BadPublicUrl, PublicUrl};
use std::sync::Arc;
use web::Admin;

/// What the pages share.
#[derive(Clone)]
pub struct Console {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Where members reach Laurel, for the links pages hand out; without it, the address a
    /// request arrived on.
    pub public_url: Option<PublicUrl>,
}

/// The console's routes, under `/admin` (no fallback: it is merged beside the API); with
/// `sign_in`, a password or a code is taken at most that often per client address.
pub fn router(
    engine: Arc<Engine>,
    public_url: Option<PublicUrl>,
    sign_in: Option<laurel_web::limits::AddressLimit>,
) -> Router {
    // One count per address across the console's sign-in and the portal's codes.
    let guard = sign_in;
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/dashboard") }))
        .route(
            "/admin/login",
            get(auth::login_page).merge(limited(post(auth::login), guard.as_ref())),
        )
        .route(
            second_step::CODE_PAGE,
            get(second_step::code_page).merge(limited(post(second_step::code), guard.as_ref())),
        )
        .route(
            second_step::SET_UP_PAGE,
            get(second_step::set_up_page).merge(limited(post(second_step::set_up), guard.as_ref())),
        )
        .route("/admin/logout", post(page::session::sign_out::<Admin>))
        .route("/admin/account", get(account::page))
        .route("/admin/account/two-factor/start", post(account::start))
        .route("/admin/account/two-factor/confirm", post(account::confirm))
        .route(
            "/admin/account/two-factor/recovery-codes",
            post(account::renew),
        )
        .route("/admin/account/two-factor/off", post(account::turn_off))
        .route("/admin/dashboard", get(dashboard::page))
        .route("/admin/insight", get(insight::page))
        .route("/admin/insight/definitions", get(insight::definitions))
        .route("/admin/insight/kpis.csv", get(insight_csv::kpis))
        .route("/admin/insight/daily.csv", get(insight_csv::daily))
        .route(
            "/admin/insight/distributions.csv",
            get(insight_csv::distributions),
        )
        .route("/admin/insight/cohorts.csv", get(insight_csv::cohorts))
        .route(
            "/admin/segments",
            get(segments::page).post(segments::create),
        )
        .route("/admin/segments/{id}/delete", post(segments::delete))
        .route(
            "/admin/segments/{id}/members.csv",
            get(segments::members_csv),
        )
        .route("/admin/insight/churn", get(insight_churn::page))
        .route("/admin/insight/churn.csv", get(insight_churn::download))
        .route("/admin/members", get(member_list::list))
        .route("/admin/members/{id}", get(members::page))
        .route("/admin/members/{id}/lots", get(member_history::lots))
        .route(
            "/admin/members/{id}/purchases",
            get(member_history::purchases),
        )
        .route("/admin/members/{id}/adjust", post(members::adjust))
        .route("/admin/members/{id}/tier", post(member_tier::assign))
        .route("/admin/members/{id}/wallet", get(member_wallet::statement))
        .route("/admin/members/{id}/transfers", get(member_transfers::list))
        .route(
            "/admin/members/{id}/wallet/top-ups",
            post(wallet_top_up::top_up),
        )
        .route(
            "/admin/members/{id}/memberships",
            post(member_membership::start),
        )
        .route(
            "/admin/members/{id}/memberships/{membership}/cancel",
            post(member_membership::cancel),
        )
        .route("/admin/memberships", get(memberships::page))
        .route("/admin/wallets", get(wallets::page))
        .route("/admin/wallets/gift-cards", post(gift_card_issue::issue))
        .route(
            "/admin/wallets/gift-cards/lookup",
            post(gift_card_lookup::lookup),
        )
        .route(
            "/admin/wallets/gift-cards/unlock",
            post(gift_card_lookup::unlock),
        )
        .route("/admin/members/{id}/status", post(members::set_status))
        .route("/admin/members/{id}/erasure", post(privacy::erase))
        .route(
            "/admin/members/{id}/erasure/decline",
            post(privacy::decline),
        )
        .route("/admin/privacy", get(privacy::page))
        .route("/admin/fraud", get(fraud_cases::page))
        .route("/admin/fraud/{id}/review", post(fraud_cases::review))
        .route("/admin/rewards", get(rewards::page))
        .route("/admin/approvals", get(approvals::page))
        .route("/admin/approvals/{id}/decide", post(approvals::decide))
        .route("/admin/reports", get(member_reports::queue))
        .route("/admin/reports/{id}", get(member_reports::report))
        .route("/admin/reports/{id}/reply", post(member_reports::reply))
        .route("/admin/reports/{id}/resolve", post(member_reports::resolve))
        .route("/admin/program", get(program::page).post(program::apply))
        .route("/admin/program/draft", get(draft::page).post(draft::act))
        .route("/admin/program/simulations/{id}", get(simulation::page))
        .route("/admin/automations", get(automations::page))
        .route("/admin/letters", get(letters::page))
        .route("/admin/automations/{id}/dry-run", get(automations::dry_run))
        .route("/admin/books", get(books::page))
        .route("/admin/books/estimates", post(books_forms::record_estimate))
        .route(
            "/admin/books/close",
            get(books_forms::confirm_close).post(books_forms::close),
        )
        .route("/admin/books/journal.csv", get(books_journal::download))
        .route("/admin/partners", get(partners::page))
        .route("/admin/partners/{code}", get(partner_statement::page))
        .route(
            "/admin/partners/{code}/settlement.csv",
            get(partner_csv::download),
        )
        .route("/admin/audit", get(audit::page))
        .route("/admin/audit.csv", get(audit::download))
        .route("/admin/staff", get(staff::page).post(staff::create))
        .route(
            "/admin/staff/{id}/two-factor/reset",
            post(staff::reset_two_factor),
        )
        .route(
            "/admin/api-keys",
            get(api_keys::page).post(api_key_create::create),
        )
        .route("/admin/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/admin/api-keys/{id}/rotate", post(api_key_rotate::rotate))
        .route(
            "/admin/webhooks",
            get(webhooks::page).post(webhooks::create),
        )
        .route("/admin/webhooks/{id}", get(webhook_log::page))
        .route(
            "/admin/webhooks/{id}/delete",
            get(webhooks::confirm_delete).post(webhooks::delete),
        )
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery}/replay",
            post(webhook_log::replay),
        )
        .route("/admin/lang", get(page::language::switch::<Admin>))
        .route(
            "/admin/static/console.css",
            get(|| async { page::stylesheet(include_str!("../static/console.css")) }),
        )
        // Under /admin, a page that does not exist is a friendly page, not the API's JSON.
        .route("/admin/{*rest}", get(page::not_found::<Admin>))
        .merge(portal::router(guard.as_ref()))
        .with_state(Console { engine, public_url })
}

/// `route` counted against `limit` per client address, when there is a limit.
pub(crate) fn limited(
    route: axum::routing::MethodRouter<Console>,
    limit: Option<&laurel_web::limits::AddressLimit>,
) -> axum::routing::MethodRouter<Console> {
    match limit {
        Some(layer) => route.layer(layer.clone()),
        None => route,
    }
}
