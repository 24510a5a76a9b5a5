//! Starting from the program file and the stored versions, and applying a new version while
//! Laurel runs.

use super::ProgramVersion;
use super::Programs;
use super::parse_text;
use super::{Pinned, check_change};
use crate::codes::sha256_hex as sha256;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::events::payload::ProgramAppliedData;
use crate::{Engine, EngineConfig};
use jiff::{SignedDuration, Timestamp};
use laurel_core::events::{EventKind, EventKinds};
use laurel_store::{
    ApprovalClaim, NUMBERING_ATTEMPTS, NewProgramVersion, ProgramSource, ProgramVersionRecord,
    Store,
};
use std::sync::Arc;

/// A new program version, as an admin applies it.
#[derive(Debug, Clone)]
pub struct ApplyProgram {
    /// The program text (TOML, as in a program file).
    pub text: String,
    /// In force from this instant (not in the past); now when not given.
    pub effective_from: Option<Timestamp>,
    /// Why the program changes, kept with the version.
    pub note: Option<String>,
    /// Validate only: nothing is stored.
    pub dry_run: bool,
}

/// What applying a program answered.
#[derive(Debug, Clone)]
pub enum Applied {
    /// Stored as a new version.
    Created(Arc<ProgramVersion>),
    /// The text is the version already in force then: nothing stored.
    Unchanged(Arc<ProgramVersion>),
    /// A dry run that validated: what would be stored (no number).
    Checked(Arc<ProgramVersion>),
}

/// A program change a second staff member approved: its request's claim, and the newest
/// version stored when it was asked (see [`crate::approvals::Proposal::ProgramChange`]).
#[derive(Debug, Clone)]
pub(crate) struct ApprovedChange {
    /// The request, approved in the transaction that stores the version.
    pub claim: ApprovalClaim,
    /// The newest stored version when it was asked.
    pub based_on: Option<i64>,
}

/// How far in the past an `effective_from` may lie: the time a request takes to arrive, not a
/// way to change how recorded activity was judged.
const EFFECTIVE_FROM_SLACK: SignedDuration = SignedDuration::from_secs(300);

impl Engine {
    /// Starts Laurel on a migrated store: the program file's text, if given, is stored as a new
    /// version when it changed since the file was last read (a version applied through the API
    /// meanwhile stays in force while the file is unchanged); then every stored version is in
    /// force from its `effective_from`. Without a file, the stored versions alone.
    pub async fn open(store: Store, file: Option<&str>, config: EngineConfig) -> Result<Engine> {
        let mut records = store.program_versions().await?;
        if let Some(text) = file {
            let definition = parse_text(text).map_err(EngineError::InvalidProgram)?;
            let hash = sha256(text);
            if file_changed(&records, &hash) {
                let now = crate::as_stored(Timestamp::now());
                if !records.is_empty() {
                    let before = Programs::stored(&records)?.snapshot();
                    let previous = &before.in_force(now).definition;
                    check_change(previous, &definition, &Pinned::read(&store).await?)?;
                }
                let new = NewProgramVersion {
                    effective_from: now,
                    created_at: now,
                    source: ProgramSource::File,
                    actor: None,
                    note: None,
                    sha256: hash,
                    text: text.to_owned(),
                };
                let listening = crate::webhooks::listened_kinds(&store).await?;
                let record = store_version(&store, listening, &new, None).await?;
                tracing::info!(
                    version = record.version,
                    "the program file changed: stored as a new version"
                );
                records.push(record);
            }
        }
        let programs = Programs::stored(&records)?;
        let engine = Engine::with_programs(store, programs, config);
        engine.refresh_listening().await?;
        Ok(engine)
    }

    /// Validates program text and stores it as a new version, in force from `effective_from`
    /// (now by default) without a restart. Refused with every problem when it does not
    /// validate, and when it would change the currency or drop a tier members hold; refused
    /// (`approval_required`, a dry run aside) when the program in force says a second staff
    /// member must approve program changes: the API's keys have no second person behind them.
    pub async fn apply_program(&self, request: ApplyProgram, actor: &str) -> Result<Applied> {
        if !request.dry_run {
            self.refuse_unapproved(crate::staff::ApprovalKind::ProgramChange, 0)
                .await?;
        }
        self.apply_program_now(request, actor, None).await
    }

    /// [`Engine::apply_program`] whatever the approvals: a staff member's that needs none, or
    /// one approved, carrying its `approval`: the request is approved in the transaction that
    /// stores the version (or, the text unchanged, in one of its own), or nothing is stored —
    /// refused (`program_changed_since`) when another version was stored since it was asked.
    pub(crate) async fn apply_program_now(
        &self,
        request: ApplyProgram,
        actor: &str,
        approval: Option<&ApprovedChange>,
    ) -> Result<Applied> {
        let definition = parse_text(&request.text).map_err(EngineError::InvalidProgram)?;
        self.check_segments_saved(&definition).await?;
        let note = crate::checks::note("note", request.note)?;
        let now = crate::as_stored(Timestamp::now());
        let effective_from = match request.effective_from.map(crate::as_stored) {
            Some(at) if at < now - EFFECTIVE_FROM_SLACK => {
                return Err(EngineError::invalid(
                    "effective_from",
                    ErrorCode::InvalidField,
                    "must not be in the past: a new version cannot change how recorded activity was judged",
                ));
            }
            Some(at) => at.max(now),
            None => now,
        };
        self.reload_programs().await?;
        let timeline = self.programs.snapshot();
        let previous = timeline.in_force(effective_from);
        check_change(
            &previous.definition,
            &definition,
            &Pinned::read(&self.store).await?,
        )?;
        let hash = sha256(&request.text);
        if request.effective_from.is_none() && previous.sha256() == Some(hash.as_str()) {
            if let Some(approved) = approval {
                // Nothing to store, but the request is decided all the same.
                let mut tx = self.store.begin().await?;
                unchanged_since(&mut tx, approved).await?;
                crate::approvals::claim(&mut tx, Some(&approved.claim), now).await?;
                tx.commit().await?;
            }
            return Ok(Applied::Unchanged(previous.clone()));
        }
        let stored = NewProgramVersion {
            effective_from,
            created_at: now,
            source: ProgramSource::Api,
            actor: Some(actor.to_owned()),
            note,
            sha256: hash,
            text: request.text,
        };
        if request.dry_run {
            return Ok(Applied::Checked(Arc::new(ProgramVersion {
                version: None,
                effective_from,
                stored: Some(stored),
                definition: Arc::new(definition),
            })));
        }
        let record = store_version(&self.store, self.listening.kinds(), &stored, approval).await?;
        self.listening.committed();
        self.reload_programs().await?;
        tracing::info!(version = record.version, %effective_from, actor, "program version applied");
        self.program_version(record.version)
            .await
            .map(Applied::Created)
    }

    /// Reads the stored versions again, so versions applied on another node (sharing the
    /// database) take effect here too. Returns whether anything changed.
    pub async fn reload_programs(&self) -> Result<bool> {
        // Versions are only ever added, so an unchanged count means nothing to read.
        let stored = self.store.program_version_count().await?;
        if usize::try_from(stored).ok() == Some(self.programs.stored_count()) {
            return Ok(false);
        }
        self.programs
            .refresh(&self.store.program_versions().await?)?;
        // A new version's automations may be triggered by events nobody wrote till now.
        self.refresh_listening().await?;
        Ok(true)
    }

    /// Every version, by when it takes effect (a program given in code first).
    pub async fn program_versions(&self) -> Result<Vec<Arc<ProgramVersion>>> {
        self.reload_programs().await?;
        Ok(self.programs.snapshot().versions().to_vec())
    }

    /// The version in force at `at`.
    pub async fn program_in_force(&self, at: Timestamp) -> Result<Arc<ProgramVersion>> {
        self.reload_programs().await?;
        Ok(self.programs.snapshot().in_force(at).clone())
    }

    /// One stored version by number.
    pub async fn program_version(&self, version: i64) -> Result<Arc<ProgramVersion>> {
        self.reload_programs().await?;
        self.programs
            .snapshot()
            .versions()
            .iter()
            .find(|v| v.version == Some(version))
            .cloned()
            .ok_or(EngineError::UnknownProgramVersion(version))
    }
}

/// Whether a file's text must be stored as a new version: it was never stored, or it changed
/// since the file was last read.
fn file_changed(records: &[ProgramVersionRecord], text_sha256: &str) -> bool {
    records
        .iter()
        .rfind(|r| r.stored.source == ProgramSource::File)
        .map(|r| r.stored.sha256.as_str())
        != Some(text_sha256)
}

/// Refuses, in the transaction applying an approved program change, when the newest stored
/// version is not the one the request was asked on: approving it would silently undo what was
/// stored since. The refusal leaves the request waiting (nothing was written); its maker
/// withdraws it, or a checker rejects it, and it is asked again on the version now in force.
/// A request someone decided meanwhile (approving it stored the newest version, perhaps) is
/// answered `approval_decided`, as the claim would answer it.
async fn unchanged_since(tx: &mut laurel_store::Tx, approved: &ApprovedChange) -> Result<()> {
    let newest = tx.newest_program_version().await?;
    if newest == approved.based_on {
        return Ok(());
    }
    let id = approved.claim.id;
    match tx.approval_state(id).await? {
        Some(crate::staff::ApprovalState::Waiting) => {}
        Some(state) => return Err(EngineError::ApprovalDecided(id, state)),
        None => return Err(EngineError::UnknownApproval(id)),
    }
    Err(EngineError::ProgramChangedSince {
        approval: approved.claim.id,
        asked_on: approved.based_on,
        newest,
    })
}

/// Stores a version under the next number and tells it as a `program.applied` event, in one
/// transaction, which approves the request an `approval` is of (or stores nothing when it was
/// decided first, or another version was stored since it was asked); again when another node
/// took the number first.
async fn store_version(
    store: &Store,
    listening: EventKinds,
    new: &NewProgramVersion,
    approval: Option<&ApprovedChange>,
) -> Result<ProgramVersionRecord> {
    let claim = approval.map(|a| &a.claim);
    let mut attempt = 0;
    loop {
        let mut tx = store.begin().await?;
        let stored = async {
            if let Some(approved) = approval {
                unchanged_since(&mut tx, approved).await?;
            }
            crate::approvals::claim(&mut tx, claim, new.created_at).await?;
            let record = tx.insert_program_version(new).await?;
            crate::approvals::made(&mut tx, claim, None, Some(record.version)).await?;
            let data = || ProgramAppliedData {
                version: record.version,
                effective_from: new.effective_from,
                actor: new
                    .actor
                    .clone()
                    .unwrap_or_else(|| "program file".to_owned()),
            };
            let kind = EventKind::ProgramApplied;
            crate::events::emit::write(&mut tx, listening, new.created_at, kind, None, data)
                .await?;
            tx.commit().await?;
            Ok(record)
        }
        .await;
        match stored {
            Err(EngineError::Store(e))
                if e.is_unique_violation() && attempt + 1 < NUMBERING_ATTEMPTS =>
            {
                attempt += 1;
            }
            other => return other,
        }
    }
}

impl Engine {
    /// Refuses a program naming a segment that is not saved, each at its key.
    pub(crate) async fn check_segments_saved(
        &self,
        definition: &crate::ProgramDefinition,
    ) -> Result<()> {
        let named = laurel_core::segments::named_segments(
            &definition.rules,
            &definition.catalog,
            &definition.automations,
        );
        if named.is_empty() {
            return Ok(());
        }
        let saved: Vec<String> = self
            .store
            .segments()
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        let mut problems = laurel_core::issue::Issues::under("");
        for (key, id) in named.iter().filter(|(_, id)| !saved.contains(id)) {
            problems.add(
                key,
                laurel_core::message!("no segment `{id}` is saved", id = id),
            );
        }
        problems.result(()).map_err(EngineError::InvalidProgram)
    }
}
