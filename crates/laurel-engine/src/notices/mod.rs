//! The notices the program sends by itself (`[notices]`): points about to expire, a birthday
//! greeting with its gift, a welcome series, a tier at risk at its next review. Each is sent
//! once per member and key (the unique key of `notices_sent`), only on a channel the member
//! consented to, outside quiet hours and under the weekly cap, with an unsubscribe link that
//! works without signing in (`unsubscribe.rs`). `due.rs` finds who is due what; `letters.rs`
//! writes the letter.

mod due;
pub(crate) mod letters;
mod preview;
mod unsubscribe;

pub use preview::LetterPreview;
pub use unsubscribe::Unsubscribing;

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::events::payload::{EventMember, MessageData};
use crate::privacy::consents::Consents;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::events::EventKind;
use laurel_core::notices::NoticeKind;
use laurel_core::notices::manners::{CAP_WINDOW, under_cap};
use laurel_store::{Addressee, NewMessage, NoticeSent};
use minijinja::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// The channels: e-mail goes through the outbox; SMS and push are events for the providers
/// subscribed to them.
const EMAIL: &str = "email";
const SMS: &str = "sms";
const PUSH: &str = "push";

/// Where a notice's links point: the portal's address as members reach it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeLinks {
    /// The portal's public base address (`https://club.example`), if known; without it,
    /// letters carry no links and marketing letters are not sent (they need the unsubscribe
    /// link).
    pub base: Option<String>,
}

/// What a run of the notice job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeReport {
    /// Letters queued.
    pub sent: usize,
    /// Birthday gifts given.
    pub gifts: usize,
    /// Due, but the member consented to none of the program's channels they can be reached
    /// on (an SMS or push channel counts only while its provider is subscribed).
    pub without_consent: usize,
    /// Due, but the member had the week's share of letters.
    pub over_cap: usize,
    /// In quiet hours: no letter went out, and they will after this.
    pub quiet_until: Option<Timestamp>,
}

/// One letter due to one member.
pub(crate) struct Due {
    pub addressee: Addressee,
    /// What it says.
    pub says: Says,
    /// What makes it one of its kind for the member.
    pub key: String,
    /// The letter's own values.
    pub values: Value,
}

/// What a letter says: one of Laurel's notices, or what an automation of the program wrote.
pub(crate) enum Says {
    /// Laurel's letter of this kind.
    Notice(NoticeKind),
    /// An automation's letter: its id and its templates.
    Written {
        /// `automation:<id>`.
        kind: String,
        /// The subject, per language.
        subject: laurel_core::Localized,
        /// The text, per language.
        text: laurel_core::Localized,
    },
}

impl Says {
    /// The kind the letter is recorded as (`points_expiring`, `automation:win_back`).
    fn kind(&self) -> &str {
        match self {
            Says::Notice(kind) => kind.as_str(),
            Says::Written { kind, .. } => kind,
        }
    }

    /// Its wording in `language`.
    fn wording(&self, language: &str) -> letters::Wording<'_> {
        match self {
            Says::Notice(kind) => letters::Wording::Notice(*kind),
            Says::Written { subject, text, .. } => letters::Wording::Written {
                subject: subject.get(language),
                text: text.get(language),
            },
        }
    }
}

/// The scans (a notice kind's, the daily automations') that ran to the end on a local day:
/// run again the next day only.
#[derive(Debug, Default)]
pub(crate) struct Scanned(Mutex<HashMap<&'static str, Date>>);

impl Scanned {
    /// Whether the scan `name` ran to the end on `day`.
    pub(crate) fn done(&self, name: &'static str, day: Date) -> bool {
        self.0
            .lock()
            .map(|done| done.get(name) == Some(&day))
            .unwrap_or(false)
    }

    /// Notes that the scan `name` ran to the end on `day`.
    pub(crate) fn mark(&self, name: &'static str, day: Date) {
        if let Ok(mut done) = self.0.lock() {
            done.insert(name, day);
        }
    }
}

impl Engine {
    /// Sends the notices due at `now` under the program in force: birthday gifts first
    /// (they are not letters, so quiet hours do not hold them back), then, outside quiet
    /// hours, every letter due.
    pub async fn send_notices(&self, now: Timestamp, links: &NoticeLinks) -> Result<NoticeReport> {
        let definition = self.programs.snapshot().in_force(now).definition.clone();
        let policy = &definition.notices;
        let tz = &definition.program.time_zone;
        let today = tz.to_datetime(now).date();
        let mut report = NoticeReport::default();
        let retention = definition.privacy.retention;
        if !policy.sends_any() && retention.is_none() {
            return Ok(report);
        }
        let birthdays =
            if policy.birthday && !self.scanned.done(NoticeKind::Birthday.as_str(), today) {
                self.birthdays(now, tz).await?
            } else {
                Vec::new()
            };
        report.gifts = self.birthday_gifts(&birthdays, &definition).await?;
        if let Some(end) = policy.quiet_hours.and_then(|q| q.ends_at(now, tz)) {
            report.quiet_until = Some(end);
            return Ok(report);
        }
        let Some(base) = &links.base else {
            tracing::warn!(
                "notices are due but no public URL is set for their links (--public-url)"
            );
            return Ok(report);
        };
        let mut due = Vec::new();
        let daily = [
            NoticeKind::PointsExpiring,
            NoticeKind::Birthday,
            NoticeKind::TierAtRisk,
            NoticeKind::RetentionWarning,
        ];
        for kind in daily {
            if self.scanned.done(kind.as_str(), today) {
                continue;
            }
            due.extend(match kind {
                NoticeKind::PointsExpiring => self.expiring_due(&definition, now).await?,
                NoticeKind::Birthday => due::birthday_letters(birthdays.clone(), &definition),
                NoticeKind::RetentionWarning => self.retention_due(&definition, now).await?,
                _ => self.tier_at_risk_due(&definition, now).await?,
            });
        }
        due.extend(self.welcome_due(&definition, now).await?);
        for one in due {
            self.send_notice(one, &definition, base, now, &mut report)
                .await?;
        }
        for kind in daily {
            self.scanned.mark(kind.as_str(), today);
        }
        Ok(report)
    }

    /// Queues one letter on the first channel of the program's the member consented to and
    /// can be reached on, unless the weekly cap is reached there: in one transaction with the
    /// record that it was sent, so it is sent once. An e-mail goes into the outbox; an SMS or
    /// a push message is an event for the provider subscribed to it.
    pub(crate) async fn send_notice(
        &self,
        due: Due,
        definition: &crate::ProgramDefinition,
        base: &str,
        now: Timestamp,
        report: &mut NoticeReport,
    ) -> Result<()> {
        let member = &due.addressee;
        let policy = &definition.notices;
        let consents = Consents::parse(member.consents.as_deref())?;
        let listening = self.listening.kinds();
        let Some((channel, to)) = policy.channels.iter().find_map(|channel| {
            let to = match channel.as_str() {
                EMAIL => member.email.clone(),
                SMS if listening.contains(EventKind::MessageSms) => member.phone.clone(),
                PUSH if listening.contains(EventKind::MessagePush) => {
                    Some(member.external_id.clone())
                }
                _ => None,
            };
            to.filter(|_| consents.allows(channel))
                .map(|to| (channel.as_str(), to))
        }) else {
            report.without_consent += 1;
            return Ok(());
        };
        let mut tx = self.store.begin().await?;
        let sent = tx
            .notices_since(member.id, channel, now - CAP_WINDOW)
            .await?;
        if !under_cap(sent, policy.max_per_week) {
            report.over_cap += 1;
            return Ok(());
        }
        let first = tx
            .record_notice(&NoticeSent {
                member: member.id,
                kind: due.says.kind(),
                key: &due.key,
                channel,
                at: now,
            })
            .await?;
        if !first {
            return Ok(());
        }
        let token = tx
            .unsubscribe_token(member.id, &crate::codes::random_token())
            .await?;
        let unsubscribe_url = format!("{base}/portal/unsubscribe?t={token}&c={channel}");
        let language = due::language(member, definition);
        let program = &definition.program;
        let values = minijinja::context! {
            program => program.name.get(language),
            points_name => program.points_name.get(language),
            member_name => member.name.as_deref().unwrap_or_default(),
            portal_url => format!("{base}/portal"),
            ..due.values
        };
        // An e-mail carries its unsubscribe footer; a provider appends the link as its
        // channel does (a short line, "reply STOP"…).
        let footer = (channel == EMAIL).then_some(unsubscribe_url.as_str());
        let letter = letters::render(&due.says.wording(language), language, values, footer)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        if channel == EMAIL {
            tx.insert_message(&NewMessage {
                channel: EMAIL.to_owned(),
                recipient: to,
                subject: letter.subject,
                body: letter.text,
                html: Some(letter.html),
                kind: Some(due.says.kind().to_owned()),
                member_id: Some(member.id.0),
                unsubscribe_url: Some(unsubscribe_url),
                created_at: now,
            })
            .await?;
        } else {
            let kind = if channel == SMS {
                EventKind::MessageSms
            } else {
                EventKind::MessagePush
            };
            let data = || MessageData {
                member: EventMember {
                    id: member.id.0,
                    external_id: member.external_id.clone(),
                },
                to,
                notice: due.says.kind().to_owned(),
                language: letters::language_of(language).to_owned(),
                subject: letter.subject,
                text: letter.text,
                unsubscribe_url,
            };
            crate::events::emit::write(&mut tx, listening, now, kind, Some(member.id.0), data)
                .await?;
        }
        tx.commit().await?;
        // Wake whichever loop sends it.
        if channel == EMAIL {
            self.outbox_ready.notify_one();
        } else {
            self.listening.committed();
        }
        report.sent += 1;
        Ok(())
    }
}
