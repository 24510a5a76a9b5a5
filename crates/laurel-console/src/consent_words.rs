//! A member's consents in words for the console and the portal alike: each channel and
//! purpose with whether it is given now, and every change — what, given or withdrawn, when in
//! the program's time zone and where it was made. The member page's section
//! (`templates/member_consents.html`) and the portal's "My data" share the list
//! (`templates/consent_history.html`).

use crate::i18n::Locale;
use laurel_engine::{ConsentRecord, Engine, EngineError};

/// Changes of consent the pages list; the download and the API hold them all.
const CHANGES_SHOWN: u32 = 100;

/// A channel or purpose with its consent now.
pub(crate) struct ConsentNow {
    /// Its stable name (`email`, `profiling`), for the page's ids.
    pub code: &'static str,
    /// What it is, in words.
    pub what: String,
    /// Given now.
    pub given: bool,
    /// Given or withheld, in words.
    pub answer: String,
}

/// One change of consent in words.
pub(crate) struct ConsentLine {
    /// What it was about.
    pub what: String,
    /// Given or withdrawn, in words.
    pub answer: String,
    /// When.
    pub when: String,
    /// Where it was made.
    pub source: String,
}

/// A member's consents and their history in words.
pub(crate) struct ConsentWords {
    /// Every channel and purpose with its consent now.
    pub now: Vec<ConsentNow>,
    /// The changes, newest first.
    pub history: Vec<ConsentLine>,
}

/// A channel or purpose in words.
fn subject(l: Locale, code: &str) -> String {
    l.strings().get(&format!("consent.about_{code}")).to_owned()
}

impl ConsentWords {
    /// `record` in `l`'s words, times in the program's zone.
    pub(crate) fn of(l: Locale, tz: &jiff::tz::TimeZone, record: &ConsentRecord) -> ConsentWords {
        let t = l.strings();
        let current = &record.current;
        ConsentWords {
            now: current
                .channels()
                .into_iter()
                .chain(current.purposes())
                .map(|(code, given)| ConsentNow {
                    code,
                    what: subject(l, code),
                    given,
                    answer: t
                        .get(if given {
                            "consent.given"
                        } else {
                            "consent.withheld"
                        })
                        .to_owned(),
                })
                .collect(),
            history: record
                .history
                .iter()
                .map(|c| ConsentLine {
                    what: subject(l, &c.subject),
                    answer: t
                        .get(if c.given {
                            "consent.gave"
                        } else {
                            "consent.withdrew"
                        })
                        .to_owned(),
                    when: l.date_time(c.at, tz),
                    source: t.get(&format!("consent.source_{}", c.source)).to_owned(),
                })
                .collect(),
        }
    }

    /// A member's consents and their latest changes, read.
    pub(crate) async fn read(
        engine: &Engine,
        l: Locale,
        id: i64,
    ) -> Result<ConsentWords, EngineError> {
        let record = engine.consent_record(id, CHANGES_SHOWN).await?;
        let tz = &engine.definition().program.time_zone;
        Ok(ConsentWords::of(l, tz, &record))
    }
}
