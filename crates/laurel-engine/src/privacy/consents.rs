//! A member's consents: per channel to marketing letters on it, and per purpose. Stored as one
//! JSON object of channel or purpose to given (`{"email": true, "profiling": false}`).
//!
//! What a member never answered reads as its default: a channel's letters are withheld until
//! given (marketing needs consent), while profiling — ranking offers and placing the member in
//! segments from their buying — runs as the program's legitimate interest until the member
//! withdraws it, which they may at any time, for nothing in return (GDPR art. 21). There is no
//! purpose for coalition partners: a partner sees only its own settlement lines, which the
//! points they earned or spent there need, so there is nothing a member's refusal would stop.

use crate::error::{EngineError, Result};
use std::collections::BTreeMap;

/// The channels a member gives or withholds consent to marketing letters on.
pub const CHANNELS: [&str; 3] = laurel_core::notices::CHANNELS;
/// The purpose of personalising: offers ranked from the member's buying, segments, churn scores.
pub const PROFILING: &str = "profiling";
/// The purposes a member gives or withdraws consent for, apart from the channels.
pub const PURPOSES: [&str; 1] = [PROFILING];

/// Consent per channel and purpose, as answered; what was never answered reads as its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consents(BTreeMap<String, bool>);

impl Consents {
    /// Consent for exactly the channels in `given` (others withheld), purposes left unanswered.
    pub fn given(given: &[&str]) -> Consents {
        Consents(
            CHANNELS
                .iter()
                .map(|c| ((*c).to_owned(), given.contains(c)))
                .collect(),
        )
    }

    /// The same consents with `subject` (a channel or purpose) answered `given`.
    pub fn with(mut self, subject: &str, given: bool) -> Consents {
        self.0.insert(subject.to_owned(), given);
        self
    }

    /// Consents as stored (a JSON object), none for a member never asked.
    pub(crate) fn parse(stored: Option<&str>) -> Result<Consents> {
        let map = match stored {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| EngineError::Internal(format!("stored consents: {e}")))?,
            None => BTreeMap::new(),
        };
        Ok(Consents(map))
    }

    /// Consents as they are stored: a JSON object.
    pub(crate) fn to_stored(&self) -> Result<String> {
        serde_json::to_string(&self.0).map_err(|e| EngineError::Internal(format!("consents: {e}")))
    }

    /// These consents with every answer in `update` taking the place of this one's.
    pub(crate) fn answered(mut self, update: &Consents) -> Consents {
        self.0.extend(update.0.iter().map(|(k, v)| (k.clone(), *v)));
        self
    }

    /// Whether `subject` is consented to, its default when never answered.
    fn grants(&self, subject: &str) -> bool {
        self.0
            .get(subject)
            .copied()
            .unwrap_or(PURPOSES.contains(&subject))
    }

    /// Whether the member consented to letters on `channel`.
    pub fn allows(&self, channel: &str) -> bool {
        CHANNELS.contains(&channel) && self.grants(channel)
    }

    /// Whether the member's offers and segments may be worked out from their behaviour.
    pub fn profiling(&self) -> bool {
        self.grants(PROFILING)
    }

    /// Every channel with its consent.
    pub fn channels(&self) -> Vec<(&'static str, bool)> {
        CHANNELS.iter().map(|c| (*c, self.grants(c))).collect()
    }

    /// Every purpose with its consent.
    pub fn purposes(&self) -> Vec<(&'static str, bool)> {
        PURPOSES.iter().map(|p| (*p, self.grants(p))).collect()
    }

    /// Each channel and purpose whose consent differs in `to`, with its answer there: only
    /// what changes in effect (answering a default as it stands changes nothing).
    pub(crate) fn changes_to(&self, to: &Consents) -> Vec<(&'static str, bool)> {
        CHANNELS
            .iter()
            .chain(PURPOSES.iter())
            .filter(|s| self.grants(s) != to.grants(s))
            .map(|s| (*s, to.grants(s)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_withheld_and_profiling_runs_until_answered() {
        let never = Consents::default();
        assert!(!never.allows("email"));
        assert!(never.profiling());
        assert!(!never.allows(PROFILING), "a purpose is no channel");
    }

    #[test]
    fn only_answers_that_change_what_holds_are_changes() {
        let before = Consents::default();
        let same = Consents::given(&[]).with(PROFILING, true);
        assert!(
            before
                .changes_to(&before.clone().answered(&same))
                .is_empty()
        );
        let after = before
            .clone()
            .answered(&Consents::given(&["sms"]).with(PROFILING, false));
        assert_eq!(
            before.changes_to(&after),
            [("sms", true), (PROFILING, false)]
        );
    }
}
