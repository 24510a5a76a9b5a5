//! The member portal under `/portal`: members sign in with a code sent to their email and
//! see their points, tier and history, redeem rewards and show the coupon, share their
//! referral code, keep their profile and consent, download their data and report problems,
//! read their wallet of stored value, hold a paid membership, send other members points and
//! pool points in a household; and, for anyone, the privacy notice.
//! Mobile-first, server-rendered, working without JavaScript.

mod account;
pub(crate) mod codes;
mod contact;
mod data;
mod help;
mod home;
mod household;
mod membership;
mod privacy;
mod rewards;
mod sign_in;
mod transfers;
mod unsubscribe;
mod wallet;
mod wallet_load;
mod web;

use crate::{Console, page};
use axum::Router;
use axum::routing::{get, post};
use web::Portal;

/// The portal's routes (no fallback: merged beside the API and the console); asking for a
/// sign-in code and giving one limited per client address by `guesses`.
pub(crate) fn router(guesses: Option<&laurel_web::limits::AddressLimit>) -> Router<Console> {
    Router::new()
        .route("/portal", get(home::home))
        .route(
            "/portal/login",
            get(sign_in::login_page).merge(crate::limited(post(sign_in::send_code), guesses)),
        )
        .route(
            "/portal/code",
            crate::limited(post(sign_in::check_code), guesses),
        )
        .route("/portal/logout", post(page::session::sign_out::<Portal>))
        .route("/portal/history", get(home::history))
        .route("/portal/wallet", get(wallet::page))
        .route(
            "/portal/membership",
            get(membership::page).post(membership::buy),
        )
        .route("/portal/membership/cancel", post(membership::cancel))
        .route(
            "/portal/transfers",
            get(transfers::page).post(transfers::send),
        )
        .route(
            "/portal/household",
            get(household::page).post(household::make),
        )
        .route("/portal/household/join", post(household::ask))
        .route("/portal/household/approve", post(household::approve))
        .route("/portal/household/remove", post(household::remove))
        .route(
            "/portal/household/end",
            get(household::confirm_end).post(household::end),
        )
        .route("/portal/wallet/gift-cards", post(wallet_load::load))
        .route("/portal/rewards", get(rewards::catalog))
        .route(
            "/portal/rewards/{id}",
            get(rewards::confirm).post(rewards::redeem),
        )
        .route("/portal/coupons", get(rewards::coupons))
        .route("/portal/coupons/{id}", get(rewards::coupon))
        .route("/portal/refer", get(account::refer))
        .route("/portal/join", get(account::join))
        .route(
            "/portal/unsubscribe",
            get(unsubscribe::page).post(unsubscribe::stop),
        )
        .route(
            "/portal/profile",
            get(account::profile).post(account::save_profile),
        )
        .route("/portal/profile/contact", post(contact::change))
        .route("/portal/profile/confirm", post(contact::confirm))
        .route("/portal/profile/close", post(contact::close))
        .route("/portal/data", get(account::data))
        .route("/portal/my-data", get(data::page))
        .route("/portal/privacy", get(privacy::page))
        .route("/portal/help", get(help::help).post(help::report))
        .route("/portal/help/{id}/answer", post(help::answer))
        .route("/portal/lang", get(page::language::switch::<Portal>))
        .route(
            "/portal/static/portal.css",
            get(|| async { page::stylesheet(include_str!("../../static/portal.css")) }),
        )
        .route(
            "/portal/static/share.js",
            get(|| async { page::script(include_str!("../../static/share.js")) }),
        )
        .route("/portal/{*rest}", get(page::not_found::<Portal>))
}
