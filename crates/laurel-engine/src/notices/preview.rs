//! A letter as a member would read it, filled in with sample values: what staff see before
//! the program sends it.

use super::due::{days, long_date};
use super::letters::{self, Wording};
use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::notices::NoticeKind;
use minijinja::context;

/// A letter filled in with sample values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterPreview {
    /// Subject line.
    pub subject: String,
    /// Plain-text body, with the unsubscribe footer.
    pub text: String,
    /// The whole HTML document.
    pub html: String,
}

impl Engine {
    /// The program's letter of `kind` in `language` as a member would read it now, filled in
    /// with sample values (a member called 王美 or Wang Mei, 120 points expiring in two weeks,
    /// the program's birthday gift, its first tier).
    pub fn letter_preview(&self, kind: NoticeKind, language: &str) -> Result<LetterPreview> {
        let definition = self.definition();
        let program = &definition.program;
        let tz = &program.time_zone;
        let in_two_weeks = long_date(tz.to_datetime(Timestamp::now() + days(14)).date(), language);
        let tier = definition
            .tiers
            .as_ref()
            .and_then(|t| t.tiers().last())
            .map_or_else(|| "Gold".to_owned(), |t| t.name.get(language).to_owned());
        let values = context! {
            program => program.name.get(language),
            points_name => program.points_name.get(language),
            member_name => if language == "zh-CN" { "王美" } else { "Wang Mei" },
            portal_url => "https://loyalty.example/portal",
            points => 120,
            expires_on => &in_two_weeks,
            gift_points => definition.notices.birthday_points.get(),
            step => 1,
            tier => tier,
            review_on => &in_two_weeks,
            erase_on => &in_two_weeks,
        };
        let footer = kind
            .is_marketing()
            .then_some("https://loyalty.example/portal/unsubscribe?t=sample&c=email");
        let letter = letters::render(&Wording::Notice(kind), language, values, footer)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(LetterPreview {
            subject: letter.subject,
            text: letter.text,
            html: letter.html,
        })
    }
}
