//! Reading rows into records, once for both backends: each backend wraps its row type in
//! [`StoreRow`], and these functions decode the same columns the same way for both.

use crate::sql::ReportRowFields;
use crate::{
    AuditEvent, CaseEventRecord, CasePackage, CasePackageInfo, CaseRecord, ClusterEvent,
    PartnerObservation, PartnerRecord, ReportFacts, SessionRecord, Source, StoreError,
    StoredReport, TaxiiCollection, TaxiiObject, TaxiiStatus, TokenRecord, UserRecord,
    ValueDecision, VerdictDecision, WatchHit, from_micros,
};

/// Typed column access, which each backend provides for its row type (a thin wrapper over
/// sqlx's `try_get`).
pub trait StoreRow {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError>;
    fn real(&self, column: &str) -> Result<f64, StoreError>;
    fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError>;
    fn opt_bytes(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError>;
}

/// A report row (the columns of [`crate::sql::REPORT_COLUMNS`]).
pub fn report(row: &impl StoreRow) -> Result<StoredReport, StoreError> {
    ReportRowFields {
        id: row.text("id")?,
        reference: row.text("reference")?,
        received_at: row.int("received_at")?,
        source: row.text("source")?,
        occurred_on: row.opt_text("occurred_on")?,
        country: row.text("country")?,
        language: row.opt_text("language")?,
        contact_method: row.text("contact_method")?,
        brand_text: row.opt_text("brand_text")?,
        brand_slug: row.opt_text("brand_slug")?,
        brand_name: row.opt_text("brand_name")?,
        details: row.text("details")?,
        narrative: row.text("narrative")?,
        reporter_sealed: row.opt_bytes("reporter_sealed")?,
        indicators: row.text("indicators")?,
        organization: row.opt_text("organization")?,
    }
    .into_report()
}

/// A row of [`crate::sql::FACT_COLUMNS`].
pub fn facts(row: &impl StoreRow) -> Result<ReportFacts, StoreError> {
    let id = row.text("id")?;
    let corrupt = |what: &str, e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("report {id} {what}: {e}"))
    };
    let source = row.text("source")?;
    Ok(ReportFacts {
        seq: row.int("seq")?,
        reference: row.text("reference")?,
        received_at: from_micros(row.int("received_at")?),
        source: Source::parse(&source).ok_or_else(|| corrupt("source", &source))?,
        occurred_on: row.opt_text("occurred_on")?,
        country: row.text("country")?,
        contact_method: row.text("contact_method")?,
        brand: row.opt_text("brand_slug")?,
        details: serde_json::from_str(&row.text("details")?).map_err(|e| corrupt("details", &e))?,
        indicators: serde_json::from_str(&row.text("indicators")?)
            .map_err(|e| corrupt("indicators", &e))?,
        organization: row.opt_text("organization")?,
        reporter_keys: row.opt_text("reporter_keys")?,
        client_key: row.opt_text("client_key")?,
        id: id.clone(),
    })
}

pub fn token(r: &impl StoreRow) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: r.text("id")?,
        hash: r.bytes("hash")?,
        role: r.text("role")?,
        label: r.opt_text("label")?,
        organization: r.opt_text("organization")?,
        created_at: from_micros(r.int("created_at")?),
        collections: match r.opt_text("collections")? {
            Some(json) => {
                Some(serde_json::from_str(&json).map_err(|e| corrupt("collections", &e))?)
            }
            None => None,
        },
    })
}

pub fn taxii_collection(r: &impl StoreRow) -> Result<TaxiiCollection, StoreError> {
    Ok(TaxiiCollection {
        id: r.text("id")?,
        title: r.text("title")?,
        description: r.opt_text("description")?,
        tlp: r.text("tlp")?,
        audience: r.opt_text("audience")?,
        partner_read: r.int("partner_read")? != 0,
        partner_write: r.int("partner_write")? != 0,
        publishes: r.opt_text("publishes")?,
    })
}

pub fn taxii_object(r: &impl StoreRow) -> Result<TaxiiObject, StoreError> {
    Ok(TaxiiObject {
        id: r.text("id")?,
        version: r.int("version")?,
        date_added: r.int("date_added")?,
        object_type: r.text("object_type")?,
        spec_version: r.text("spec_version")?,
        tlp: r.text("tlp")?,
        added_by: r.opt_text("added_by")?,
        body: r.text("body")?,
    })
}

pub fn taxii_status(r: &impl StoreRow) -> Result<TaxiiStatus, StoreError> {
    let list = |column: &str| -> Result<Vec<serde_json::Value>, StoreError> {
        serde_json::from_str(&r.text(column)?).map_err(|e| corrupt(column, &e))
    };
    Ok(TaxiiStatus {
        id: r.text("id")?,
        collection: r.text("collection")?,
        requested_by: r.text("requested_by")?,
        request_timestamp: r.int("request_timestamp")?,
        total_count: r.int("total_count")?.max(0) as u64,
        successes: list("successes")?,
        failures: list("failures")?,
    })
}

pub fn partner(r: &impl StoreRow) -> Result<PartnerRecord, StoreError> {
    Ok(PartnerRecord {
        name: r.text("name")?,
        taxii_url: r.text("taxii_url")?,
        collection: r.text("collection")?,
        push_collection: r.opt_text("push_collection")?,
        credentials_sealed: r.bytes("credentials_sealed")?,
        pulled_through: r.opt_text("pulled_through")?,
        pushed_through: r.int("pushed_through")?,
        last_sync_at: r.opt_int("last_sync_at")?.map(from_micros),
        last_error: r.opt_text("last_error")?,
        created_at: from_micros(r.int("created_at")?),
    })
}

pub fn session(r: &impl StoreRow) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        hash: r.bytes("hash")?,
        user_id: r.text("user_id")?,
        role: r.text("role")?,
        created_at: from_micros(r.int("created_at")?),
        expires_at: from_micros(r.int("expires_at")?),
    })
}

pub fn user(r: &impl StoreRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: r.text("id")?,
        username: r.text("username")?,
        password_hash: r.text("password_hash")?,
        role: r.text("role")?,
        organization: r.opt_text("organization")?,
        created_at: from_micros(r.int("created_at")?),
        disabled_at: r.opt_int("disabled_at")?.map(from_micros),
    })
}

pub fn audit(r: &impl StoreRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        at: from_micros(r.int("at")?),
        actor: r.text("actor")?,
        action: r.text("action")?,
        subject: r.text("subject")?,
        reason: r.opt_text("reason")?,
    })
}

pub fn value_decision(r: &impl StoreRow) -> Result<ValueDecision, StoreError> {
    Ok(ValueDecision {
        kind: r.text("kind")?,
        value: r.text("value")?,
        decision: r.text("decision")?,
        reason: r.text("reason")?,
        decided_by: r.text("decided_by")?,
        decided_at: from_micros(r.int("decided_at")?),
    })
}

pub fn verdict_decision(r: &impl StoreRow) -> Result<VerdictDecision, StoreError> {
    Ok(VerdictDecision {
        kind: r.text("kind")?,
        value: r.text("value")?,
        decision: r.text("decision")?,
        reason: r.text("reason")?,
        decided_by: r.text("decided_by")?,
        decided_at: from_micros(r.int("decided_at")?),
    })
}

pub fn watch_hit(r: &impl StoreRow) -> Result<WatchHit, StoreError> {
    let domain = r.text("domain")?;
    let score = r.int("score")?;
    Ok(WatchHit {
        score: u8::try_from(score)
            .map_err(|_| StoreError::Corrupt(format!("watch hit {domain} score {score}")))?,
        brand: r.opt_text("brand")?,
        family: r.text("family")?,
        reasons: r.text("reasons")?,
        first_seen: from_micros(r.int("first_seen")?),
        last_seen: from_micros(r.int("last_seen")?),
        domain,
    })
}

pub fn observation(r: &impl StoreRow) -> Result<PartnerObservation, StoreError> {
    Ok(PartnerObservation {
        seq: r.int("seq")?,
        node: r.text("node")?,
        partner: r.text("partner")?,
        partner_identity: r.text("partner_identity")?,
        stix_id: r.text("stix_id")?,
        version: r.text("version")?,
        campaign: r.text("campaign")?,
        kind: r.text("kind")?,
        value: r.text("value")?,
        sightings: r.opt_int("sightings")?,
        first_seen: r.opt_int("first_seen")?.map(from_micros),
        last_seen: r.opt_int("last_seen")?.map(from_micros),
        tlp: r.opt_text("tlp")?,
        received_at: from_micros(r.int("received_at")?),
    })
}

pub fn cluster_event(r: &impl StoreRow) -> Result<ClusterEvent, StoreError> {
    Ok(ClusterEvent {
        kind: r.text("kind")?,
        cluster: r.int("cluster")?,
        other: r.text("other")?,
        by_report: r.opt_int("by_report")?,
        at: from_micros(r.int("at")?),
    })
}

/// A case row (the columns of [`crate::sql::GET_CASE`]); `agencies` is a JSON array.
pub fn case(r: &impl StoreRow) -> Result<CaseRecord, StoreError> {
    let id = r.text("id")?;
    let agencies = serde_json::from_str(&r.text("agencies")?)
        .map_err(|e| StoreError::Corrupt(format!("case {id} agencies: {e}")))?;
    Ok(CaseRecord {
        reference: r.text("reference")?,
        version: r.int("version")?,
        status: r.text("status")?,
        agencies,
        state: r.text("state")?,
        created_at: from_micros(r.int("created_at")?),
        updated_at: from_micros(r.int("updated_at")?),
        id,
    })
}

pub fn case_event(r: &impl StoreRow) -> Result<CaseEventRecord, StoreError> {
    Ok(CaseEventRecord {
        case_id: r.text("case_id")?,
        version: r.int("version")?,
        at: from_micros(r.int("at")?),
        actor: r.text("actor")?,
        action: r.text("action")?,
        data: r.text("data")?,
    })
}

/// A package row without its bytes ([`crate::sql::LIST_CASE_PACKAGES`]).
pub fn case_package_info(r: &impl StoreRow) -> Result<CasePackageInfo, StoreError> {
    Ok(CasePackageInfo {
        id: r.text("id")?,
        case_id: r.text("case_id")?,
        recipient: r.text("recipient")?,
        personal_data: r.int("personal_data")? != 0,
        exported_by: r.text("exported_by")?,
        exported_at: from_micros(r.int("exported_at")?),
        sha256: r.text("sha256")?,
        size: r.int("size")?,
    })
}

/// A package row with its bytes ([`crate::sql::GET_CASE_PACKAGE`]).
pub fn case_package(r: &impl StoreRow) -> Result<CasePackage, StoreError> {
    Ok(CasePackage {
        info: case_package_info(r)?,
        bytes: r.bytes("bytes")?,
    })
}

fn corrupt(what: &str, e: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}
