//! A member's report to staff as a thread: who is waiting for whom. Open waits for staff,
//! answered waits for the member, closed waits for no one; whoever writes next opens it again
//! (a member who answers a closed report is heard, not refused).

crate::states! {
    /// Where a report stands.
    pub enum ReportState ("report state") {
        /// Waiting for staff: new, or the member wrote last.
        Open = "open",
        /// Staff replied last: waiting for the member.
        Answered = "answered",
        /// Staff closed it.
        Closed = "closed",
    }
}

crate::states! {
    /// Who wrote a message in a report's thread.
    pub enum ReportAuthor ("report author") {
        /// The member who reported.
        Member = "member",
        /// A member of staff.
        Staff = "staff",
    }
}

impl ReportState {
    /// The state after `author` writes, whatever it was before.
    pub fn after_message(author: ReportAuthor) -> ReportState {
        match author {
            ReportAuthor::Member => ReportState::Open,
            ReportAuthor::Staff => ReportState::Answered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_waits_for_the_member_and_an_answer_waits_for_staff() {
        assert_eq!(
            ReportState::after_message(ReportAuthor::Staff),
            ReportState::Answered
        );
        assert_eq!(
            ReportState::after_message(ReportAuthor::Member),
            ReportState::Open
        );
        assert_eq!("closed".parse(), Ok(ReportState::Closed));
    }
}
