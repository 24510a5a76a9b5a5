//! The wallets overview (`/admin/wallets`, for those who read reports: admins, managers,
//! finance): the unused value owed to members — how many wallets hold any, their principal,
//! their bonus and both — in the program's currency, and the program's wallet terms in words;
//! or that the program offers no wallet.

use crate::Console;
use crate::page::render;
use crate::wallet_words::{BalanceWords, TermsWords};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{Permission, WalletBalance};

/// Who may read the overview: what is owed to members is a figure for reports.
const WALLETS: Permission = Permission::ViewReports;

/// What every wallet holds together.
struct Owed {
    /// Wallets holding anything.
    wallets: String,
    balance: BalanceWords,
}

#[derive(Template)]
#[template(path = "wallets.html")]
struct WalletsPage {
    chrome: Chrome,
    /// The program's terms, or `None` when it offers no wallet.
    terms: Option<TermsWords>,
    owed: Owed,
}

/// The overview.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(WALLETS)?;
    let l = staff.locale;
    let engine = &console.engine;
    let definition = engine.definition();
    // Read even without a wallet in the program: one offered before may still owe value.
    let totals = engine
        .wallet_totals()
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let page = WalletsPage {
        chrome: Chrome::signed_in(&staff, "wallets", "/admin/wallets".into()),
        terms: TermsWords::of(l, &definition),
        owed: Owed {
            wallets: l.integer(totals.wallets),
            balance: BalanceWords::of(
                l,
                definition.program.currency,
                WalletBalance {
                    principal: totals.principal,
                    bonus: totals.bonus,
                    held: totals.held,
                },
            ),
        },
    };
    Ok(render(StatusCode::OK, &page))
}
