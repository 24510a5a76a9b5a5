//! The parts of the layout every page of an area shows: its language and the switcher to the
//! others, who is signed in, the CSRF token its forms carry, the navigation entry to mark.

use super::{Area, Signed, encode};
use crate::i18n::{Locale, Strings};

/// The layout's parts for a page of area `A`.
pub struct Chrome<A: Area> {
    /// The page's language.
    pub locale: Locale,
    /// Its strings.
    pub t: &'static Strings,
    /// Who is signed in, if anyone (the navigation and sign-out show only then).
    pub user: Option<A::User>,
    /// The session's (or a sign-in form's) CSRF token, for forms.
    pub csrf: String,
    /// The navigation entry to mark current.
    pub current: &'static str,
    /// This page's path, for the language switcher to come back to.
    pub path: String,
}

impl<A: Area> Chrome<A> {
    /// The chrome of a page nobody is signed in to (a sign-in form passes its token as `csrf`).
    pub fn anonymous(locale: Locale, csrf: String, path: &str) -> Chrome<A> {
        Chrome {
            locale,
            t: locale.strings(),
            user: None,
            csrf,
            current: "",
            path: path.to_owned(),
        }
    }

    /// The chrome of a signed-in visitor's page, marking `current` in the navigation.
    pub fn signed_in(visitor: &Signed<A>, current: &'static str, path: String) -> Chrome<A> {
        Chrome {
            locale: visitor.locale,
            t: visitor.locale.strings(),
            user: Some(A::user(&visitor.session)),
            csrf: A::csrf_token(&visitor.session).to_owned(),
            current,
            path,
        }
    }

    /// The link that switches this page to `locale`.
    pub fn switch_link(&self, locale: &Locale) -> String {
        format!(
            "{}/lang?to={}&back={}",
            A::PATH,
            locale.tag(),
            encode(&self.path)
        )
    }

    /// Every other language, for the switcher.
    pub fn other_locales(&self) -> Vec<Locale> {
        Locale::ALL
            .into_iter()
            .filter(|l| *l != self.locale)
            .collect()
    }
}
