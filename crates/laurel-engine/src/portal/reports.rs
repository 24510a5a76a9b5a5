//! What members report to staff — a problem or abuse — as a thread: staff reply, the member
//! reads the reply in the portal and may answer. Who waits for whom is the core's
//! [`ReportState`].

use crate::Engine;
use crate::checks::checked;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::Timestamp;
use laurel_core::reports::{ReportAuthor, ReportState};
use laurel_core::text::{self, Layout};
use laurel_store::{MemberId, MemberReport, ReportMessage};

/// What a report sent from the help form is about.
pub const REPORT_CATEGORIES: [&str; 2] = ["problem", "abuse"];
/// The category of a member's request that their account be closed.
pub const CLOSE_ACCOUNT: &str = "close_account";
/// Longest message kept (a report, a reply, an answer).
const REPORT_MAX: usize = 2_000;
/// Reports a member may send a day: enough for real problems, not a flood.
const REPORTS_PER_DAY: i64 = 5;
/// Answers a member may write to their reports a day: a conversation, not a flood.
const ANSWERS_PER_DAY: i64 = 20;

/// A report and its thread after its first message, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportThread {
    /// The report, with its first message.
    pub report: MemberReport,
    /// Staff's replies and the member's answers.
    pub replies: Vec<ReportMessage>,
}

/// `message` trimmed, or why it may not be kept.
fn checked_message(message: &str) -> Result<&str> {
    let message = message.trim();
    if message.is_empty() {
        return Err(EngineError::invalid(
            "message",
            ErrorCode::MissingField,
            "is required",
        ));
    }
    if message.chars().count() > REPORT_MAX {
        return Err(EngineError::invalid(
            "message",
            ErrorCode::InvalidField,
            format!("is longer than {REPORT_MAX} characters"),
        ));
    }
    checked("message", text::characters(message, Layout::Lines))?;
    Ok(message)
}

impl Engine {
    /// Queues a member's report of a problem or abuse for staff; returns its id.
    pub async fn report_problem(&self, member: i64, category: &str, message: &str) -> Result<i64> {
        if !REPORT_CATEGORIES.contains(&category) {
            return Err(EngineError::invalid(
                "category",
                ErrorCode::InvalidField,
                format!("is one of {}", REPORT_CATEGORIES.join(", ")),
            ));
        }
        self.queue_report(member, category, message).await
    }

    /// Queues a member's request that their account be closed and their data erased, for
    /// staff to confirm; returns the report's id. It is a report of the category
    /// [`CLOSE_ACCOUNT`], with its thread, limits and states (where staff and the member
    /// talk), and an erasure request in the register (where an admin erases or declines).
    pub async fn request_account_closure(&self, member: i64, message: &str) -> Result<i64> {
        let report = self.queue_report(member, CLOSE_ACCOUNT, message).await?;
        self.request_erasure(member).await?;
        Ok(report)
    }

    async fn queue_report(&self, member: i64, category: &str, message: &str) -> Result<i64> {
        let message = checked_message(message)?;
        let now = crate::as_stored(Timestamp::now());
        let id = MemberId(member);
        let day_ago = now - jiff::SignedDuration::from_hours(24);
        if self.store.member_reports_since(id, day_ago).await? >= REPORTS_PER_DAY {
            return Err(EngineError::Throttled {
                code: ErrorCode::TooManyReports,
                message: "too many reports today: try again tomorrow".into(),
                retry_at: None,
            });
        }
        Ok(self
            .store
            .insert_member_report(id, category, message, now)
            .await?)
    }

    /// A member's own reports with their threads, newest first.
    pub async fn member_reports(&self, member: i64, limit: u32) -> Result<Vec<ReportThread>> {
        let reports = self.store.reports_of(MemberId(member), limit).await?;
        self.threads(reports).await
    }

    /// The staff queue: the reports not closed, those waiting for staff first, oldest first.
    pub async fn open_reports(&self, limit: u32) -> Result<Vec<MemberReport>> {
        Ok(self.store.open_member_reports(limit).await?)
    }

    /// One report with its thread, for staff.
    pub async fn report_thread(&self, id: i64) -> Result<Option<ReportThread>> {
        let Some(report) = self.store.member_report(id).await? else {
            return Ok(None);
        };
        Ok(self.threads(vec![report]).await?.pop())
    }

    /// Staff reply to a report (`actor` is who): it waits for the member. False when there
    /// is no such report.
    pub async fn reply_to_report(&self, id: i64, actor: &str, message: &str) -> Result<bool> {
        let message = checked_message(message)?;
        let Some(report) = self.store.member_report(id).await? else {
            return Ok(false);
        };
        self.add_message(&report, ReportAuthor::Staff, Some(actor), message)
            .await?;
        Ok(true)
    }

    /// A member answers their own report: it waits for staff again, even if it was closed.
    /// False when the report is not theirs (or does not exist), which the member cannot tell
    /// apart; `too_many_reports` past [`ANSWERS_PER_DAY`].
    pub async fn answer_report(&self, member: i64, id: i64, message: &str) -> Result<bool> {
        let message = checked_message(message)?;
        let Some(report) = self
            .store
            .member_report(id)
            .await?
            .filter(|r| r.member == MemberId(member))
        else {
            return Ok(false);
        };
        let day_ago = Timestamp::now() - jiff::SignedDuration::from_hours(24);
        if self
            .store
            .member_answers_since(MemberId(member), day_ago)
            .await?
            >= ANSWERS_PER_DAY
        {
            return Err(EngineError::Throttled {
                code: ErrorCode::TooManyReports,
                message: "too many answers today: try again tomorrow".into(),
                retry_at: None,
            });
        }
        self.add_message(&report, ReportAuthor::Member, None, message)
            .await?;
        Ok(true)
    }

    /// Closes a report; false when it was closed already.
    pub async fn resolve_report(&self, id: i64, actor: &str) -> Result<bool> {
        Ok(self
            .store
            .resolve_member_report(id, actor, Timestamp::now())
            .await?)
    }

    async fn add_message(
        &self,
        report: &MemberReport,
        author: ReportAuthor,
        staff: Option<&str>,
        message: &str,
    ) -> Result<()> {
        let state = ReportState::after_message(author);
        let now = crate::as_stored(Timestamp::now());
        self.store
            .add_report_message(report, author, staff, message, state, now)
            .await?;
        Ok(())
    }

    /// `reports` with their threads, read in one statement.
    async fn threads(&self, reports: Vec<MemberReport>) -> Result<Vec<ReportThread>> {
        let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
        let mut messages = self.store.report_messages(&ids).await?;
        Ok(reports
            .into_iter()
            .map(|report| {
                let (replies, rest) = messages.drain(..).partition(|m| m.report == report.id);
                messages = rest;
                ReportThread { report, replies }
            })
            .collect())
    }
}
