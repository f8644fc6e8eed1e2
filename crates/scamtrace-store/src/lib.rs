//! The storage trait every ScamTrace backend implements, and the suite they all pass.
//!
//! The server and the CLI know only [`Store`]; `scamtrace-store-sqlite` (the embedded default) and
//! `scamtrace-store-postgres` (the scale-out store) implement it. Both run the same
//! [`conformance`] suite, so they cannot drift apart.
//!
//! Invariants every backend keeps:
//! - A write that returned `Ok` is durable (committed and synced) before it returns.
//! - Personal data reaches a backend only sealed ([`NewReportRow::reporter_sealed`]); no backend
//!   can read it.
//! - Tokens and sessions are looked up by hash; the secrets themselves are never stored.
//! - Passwords are never stored: a user row holds only an Argon2id PHC string, and both schemas
//!   refuse any other kind of hash.
//!
//! ```no_run
//! # async fn demo(store: &dyn scamtrace_store::Store) -> Result<(), scamtrace_store::StoreError> {
//! use scamtrace_store::ReportFilter;
//! let page = store.list_reports(&ReportFilter { country: Some("JP".into()), ..Default::default() }).await?;
//! for report in page.items {
//!     println!("{} {}", report.reference, report.country);
//! }
//! # Ok(()) }
//! ```

pub mod decode;
pub mod sql;
mod types;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use types::*;

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error. The message is for operators'
    /// logs; it never holds personal data (which backends only see sealed).
    #[error("database error: {0}")]
    Database(String),
    #[error("stored data is not in the expected shape: {0}")]
    Corrupt(String),
    #[error("the database schema is at version {found}, newer than this ScamTrace ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("invalid cursor")]
    InvalidCursor,
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// A unique value is taken already (a username): the write changed nothing.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// Someone else changed the record since it was read: the write changed nothing.
    #[error("{0} was changed by someone else meanwhile")]
    Conflict(String),
    #[error("{0} does not exist")]
    NotFound(String),
}

/// Storage for reports, access tokens, user accounts, login sessions and the audit log.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A short name of the backend for logs and `/healthz`: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Stores one report and gives it a unique human reference. Durable when it returns.
    async fn insert_report(&self, report: NewReportRow) -> Result<StoredRef, StoreError>;

    /// Stores many reports in as few transactions as possible (imports, demo data). Each is
    /// durable when this returns. Returns the references in input order.
    async fn insert_reports(
        &self,
        reports: Vec<NewReportRow>,
    ) -> Result<Vec<StoredRef>, StoreError>;

    async fn get_report(&self, id: &str) -> Result<Option<StoredReport>, StoreError>;

    async fn get_report_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<StoredReport>, StoreError>;

    /// Newest first, filtered, one page at a time.
    async fn list_reports(&self, filter: &ReportFilter) -> Result<Page<StoredReport>, StoreError>;

    async fn count_reports(&self) -> Result<u64, StoreError>;

    /// Replaces a report's indicators (after extraction improved: `scamtrace reindex`).
    async fn replace_indicators(
        &self,
        report_id: &str,
        rows: Vec<IndicatorRow>,
    ) -> Result<(), StoreError>;

    /// Up to `limit` reports after sequence number `after_seq`, in sequence order, as the facts
    /// correlation reads: the feed the correlation engine is built and kept current from.
    async fn report_facts(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<ReportFacts>, StoreError>;

    /// The facts of the reports with these sequence numbers (those that exist). PostgreSQL can
    /// commit a report after one with a higher number: readers of the feed look such gaps up
    /// again.
    async fn report_facts_at(&self, seqs: &[i64]) -> Result<Vec<ReportFacts>, StoreError>;

    /// Records (or replaces) an analyst's decision on a value.
    async fn set_value_decision(&self, decision: ValueDecision) -> Result<(), StoreError>;

    /// Withdraws the decision on a value (nothing happens when there is none).
    async fn delete_value_decision(&self, kind: &str, value: &str) -> Result<(), StoreError>;

    /// Every decision, by kind and value.
    async fn list_value_decisions(&self) -> Result<Vec<ValueDecision>, StoreError>;

    /// Records an analyst's decision on a value's verdict, replacing the one before, and its
    /// audit event, in one transaction.
    async fn set_verdict_decision(
        &self,
        decision: VerdictDecision,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    /// Every verdict decision, by kind and value.
    async fn list_verdict_decisions(&self) -> Result<Vec<VerdictDecision>, StoreError>;

    /// Records domain-watch hits (in one transaction); returns how many were given.
    async fn record_watch_hits(&self, hits: Vec<WatchHit>) -> Result<u64, StoreError>;

    /// Every recorded watch hit, by domain.
    async fn watch_hits(&self) -> Result<Vec<WatchHit>, StoreError>;

    /// Records changes of cluster identity; an event already recorded (by another process) is
    /// kept once.
    async fn append_cluster_events(&self, events: Vec<ClusterEvent>) -> Result<(), StoreError>;

    /// The events naming a cluster (as the one that merged or split, or as the one absorbed or
    /// split off), oldest first.
    async fn cluster_events(
        &self,
        cluster: i64,
        limit: u32,
    ) -> Result<Vec<ClusterEvent>, StoreError>;

    /// Stores what a partner shared; an object and version already stored is skipped. Returns
    /// how many rows were new.
    async fn insert_observations(
        &self,
        observations: Vec<PartnerObservation>,
    ) -> Result<u64, StoreError>;

    /// Observations after a feed position, in feed order (for correlation).
    async fn observations_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<PartnerObservation>, StoreError>;

    /// Every observation of one partner's campaign.
    async fn observations_of_campaign(
        &self,
        partner_identity: &str,
        campaign: &str,
    ) -> Result<Vec<PartnerObservation>, StoreError>;

    /// The campaigns these partner objects (STIX ids) were observed with before: `(stix id,
    /// campaign)` pairs, each once.
    async fn observation_campaigns(
        &self,
        stix_ids: &[String],
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// What partners shared about one value (kind and canonical value).
    async fn observations_of(
        &self,
        kind: &str,
        value: &str,
    ) -> Result<Vec<PartnerObservation>, StoreError>;

    /// This instance's TAXII collections.
    async fn taxii_collections(&self) -> Result<Vec<TaxiiCollection>, StoreError>;

    /// Creates a collection, or changes its title, description, TLP, audience and defaults.
    async fn upsert_taxii_collection(&self, collection: TaxiiCollection) -> Result<(), StoreError>;

    /// Adds objects to an existing collection, in one transaction. Each new id and version gets a
    /// `date_added` after every earlier one of the collection (so a reader paging by `date_added`
    /// misses nothing that commits later); an id and version there already changes nothing.
    /// Returns one outcome per object, in order.
    async fn add_taxii_objects(
        &self,
        collection: &str,
        objects: Vec<NewTaxiiObject>,
    ) -> Result<Vec<Added>, StoreError>;

    /// The objects a query asks for, in `date_added` order.
    async fn taxii_objects(&self, query: &TaxiiQuery) -> Result<Vec<TaxiiObject>, StoreError>;

    /// The same objects as one page of JSON text (at most `query.limit`), and whether more
    /// follow: what a TAXII envelope serves.
    async fn taxii_page(&self, query: &TaxiiQuery) -> Result<TaxiiPage, StoreError>;

    /// Deletes the chosen versions of one object; the versions left are marked first and last
    /// again. Returns how many went.
    async fn delete_taxii_object(
        &self,
        collection: &str,
        id: &str,
        versions: &VersionFilter,
    ) -> Result<u64, StoreError>;

    async fn insert_taxii_status(&self, status: TaxiiStatus) -> Result<(), StoreError>;

    async fn taxii_status(&self, id: &str) -> Result<Option<TaxiiStatus>, StoreError>;

    /// Adds a partner's server, or changes one (by name, in any case). Sync state is kept only
    /// while the URL and collections stay the same.
    async fn upsert_partner(&self, partner: PartnerRecord) -> Result<(), StoreError>;

    /// Every partner, by name.
    async fn partners(&self) -> Result<Vec<PartnerRecord>, StoreError>;

    /// Records how far a sync got. `false` when there is no such partner.
    async fn set_partner_state(&self, name: &str, state: PartnerState) -> Result<bool, StoreError>;

    async fn insert_token(&self, token: TokenRecord) -> Result<(), StoreError>;

    /// The live (not revoked) token with this hash.
    async fn find_token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError>;

    /// Creates an account. A username taken already, in any case, is
    /// [`StoreError::AlreadyExists`]. The username is stored as [`username_key`] gives it.
    async fn insert_user(&self, user: UserRecord) -> Result<(), StoreError>;

    /// The account with this username, written in any case; disabled ones too.
    async fn find_user_by_username(&self, username: &str)
    -> Result<Option<UserRecord>, StoreError>;

    /// The account with this id; disabled ones too.
    async fn find_user(&self, id: &str) -> Result<Option<UserRecord>, StoreError>;

    /// Replaces an account's password hash and ends its sessions, in one transaction. `false`
    /// when there is no such account.
    async fn set_user_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError>;

    /// Disables an account as of `disabled_at` (ending its sessions), or enables it again with
    /// `None`. `false` when there is no such account.
    async fn set_user_disabled(
        &self,
        username: &str,
        disabled_at: Option<time::OffsetDateTime>,
    ) -> Result<bool, StoreError>;

    async fn insert_session(&self, session: SessionRecord) -> Result<(), StoreError>;

    /// The unexpired session with this hash, as of `now`.
    async fn find_session(
        &self,
        hash: &[u8],
        now: time::OffsetDateTime,
    ) -> Result<Option<SessionRecord>, StoreError>;

    async fn delete_session(&self, hash: &[u8]) -> Result<(), StoreError>;

    async fn append_audit(&self, event: AuditEvent) -> Result<(), StoreError>;

    /// The newest audit events first.
    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>, StoreError>;

    /// Cheap round trip for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Every account, oldest first (case assignees, agencies' members).
    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError>;

    /// Stores a new case (its `version` is 1) with its first event and audit event, in one
    /// transaction. A case of that id or reference exists already: `AlreadyExists`, nothing
    /// written.
    async fn create_case(
        &self,
        case: CaseRecord,
        event: CaseEventRecord,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    /// Replaces a case's state with `case` (whose `version` is the stored one plus one) and
    /// appends its event and audit event, in one transaction. Another writer got there first
    /// (the stored version is not `case.version - 1`): `Conflict`, nothing written. No such
    /// case: `NotFound`. The reference and `created_at` stay as created.
    async fn update_case(
        &self,
        case: CaseRecord,
        event: CaseEventRecord,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    async fn get_case(&self, id: &str) -> Result<Option<CaseRecord>, StoreError>;

    /// Every case, most recently updated first.
    async fn list_cases(&self) -> Result<Vec<CaseRecord>, StoreError>;

    /// A case's events, oldest (version 1) first.
    async fn case_events(&self, case_id: &str) -> Result<Vec<CaseEventRecord>, StoreError>;

    /// Stores an exported referral package (its bytes too) with its audit event, in one
    /// transaction. No such case: `NotFound`, nothing written.
    async fn insert_case_package(
        &self,
        package: CasePackage,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    /// A case's packages without their bytes, newest first.
    async fn case_packages(&self, case_id: &str) -> Result<Vec<CasePackageInfo>, StoreError>;

    /// One package with its bytes.
    async fn case_package(&self, id: &str) -> Result<Option<CasePackage>, StoreError>;
}
