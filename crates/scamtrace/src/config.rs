//! Settings: a TOML file, then environment variables, then command-line flags, each overriding
//! the one before. Every setting has a safe default. Secrets are never held here: the key is read
//! straight from `SCAMTRACE_KEY` or its file.

use std::path::{Path, PathBuf};

use anyhow::Context;
use scamtrace_server::ServerConfig;
use scamtrace_vault::Vault;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH`, a plain path, or `postgres://...`.
    pub database: String,
    pub listen: String,
    /// Where the key that seals personal data is kept (created on first run).
    pub key_file: Option<PathBuf>,
    /// More legitimate values (brands' real numbers and domains) to mark benign, in the format of
    /// the shipped list (`crates/scamtrace-extract/data/legitimate.toml`).
    pub reference_file: Option<PathBuf>,
    /// PostgreSQL only: keep ScamTrace's tables in this schema (created if missing).
    pub postgres_schema: Option<String>,
    /// This instance's organization: the STIX identity that authors everything it shares.
    pub organization: String,
    pub server: ServerConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database: "sqlite://scamtrace.db".into(),
            listen: "127.0.0.1:8080".into(),
            key_file: None,
            reference_file: None,
            postgres_schema: None,
            organization: "Unnamed ScamTrace instance".into(),
            server: ServerConfig::default(),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    pub fn load(file: Option<&Path>, database_flag: Option<String>) -> anyhow::Result<Settings> {
        let mut settings = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the configuration file {}", path.display())
                })?;
                toml::from_str(&text)
                    .with_context(|| format!("invalid configuration file {}", path.display()))?
            }
            None => Settings::default(),
        };
        if let Some(listen) = env("SCAMTRACE_LISTEN") {
            settings.listen = listen;
        }
        if let Some(path) = env("SCAMTRACE_KEY_FILE") {
            settings.key_file = Some(path.into());
        }
        if let Some(organization) = env("SCAMTRACE_ORGANIZATION") {
            settings.organization = organization;
        }
        if let Some(schema) = env("SCAMTRACE_POSTGRES_SCHEMA") {
            settings.postgres_schema = Some(schema);
        }
        if let Some(rate) = env("SCAMTRACE_RATE_LIMIT_PER_MINUTE") {
            settings.server.rate_limit_per_minute = rate
                .parse()
                .context("SCAMTRACE_RATE_LIMIT_PER_MINUTE must be a whole number")?;
        }
        if let Some(seconds) = env("SCAMTRACE_PUBLISH_INTERVAL_SECONDS") {
            settings.server.publish_interval_seconds = seconds
                .parse()
                .context("SCAMTRACE_PUBLISH_INTERVAL_SECONDS must be a whole number")?;
        }
        if let Some(seconds) = env("SCAMTRACE_SYNC_INTERVAL_SECONDS") {
            settings.server.sync_interval_seconds = seconds
                .parse()
                .context("SCAMTRACE_SYNC_INTERVAL_SECONDS must be a whole number")?;
        }
        if let Some(seconds) = env("SCAMTRACE_LOOKUP_CACHE_SECONDS") {
            settings.server.protect.answer_cache_seconds = seconds
                .trim()
                .parse()
                .context("SCAMTRACE_LOOKUP_CACHE_SECONDS must be a whole number")?;
        }
        if let Some(rate) = env("SCAMTRACE_LOOKUP_RATE_PER_MINUTE") {
            settings.server.protect.lookup_rate_per_minute = rate
                .parse()
                .context("SCAMTRACE_LOOKUP_RATE_PER_MINUTE must be a whole number")?;
        }
        settings
            .server
            .protect
            .policy()
            .map_err(|e| anyhow::anyhow!("invalid configuration: server.{e}"))?;
        // The flag and SCAMTRACE_DATABASE_URL arrive together through clap.
        if let Some(database) = database_flag {
            settings.database = database;
        }
        settings.server.organization = settings.organization.clone();
        Ok(settings)
    }

    /// The key file: configured, or beside the SQLite database, or `./scamtrace.key`.
    pub fn key_path(&self) -> PathBuf {
        if let Some(path) = &self.key_file {
            return path.clone();
        }
        if !self.database.contains("://") || self.database.starts_with("sqlite:") {
            let db = Path::new(
                self.database
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:"),
            );
            let db = db
                .to_str()
                .map(|s| s.split('?').next().unwrap_or(s))
                .map(Path::new)
                .unwrap_or(db);
            let dir = db
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let stem = db
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("scamtrace");
            return dir.join(format!("{stem}.key"));
        }
        PathBuf::from("scamtrace.key")
    }

    /// The shipped reference list, extended by `reference_file` when set.
    pub fn reference_list(&self) -> anyhow::Result<scamtrace_extract::ReferenceList> {
        let mut list = scamtrace_extract::ReferenceList::builtin();
        if let Some(path) = &self.reference_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the reference list {}", path.display()))?;
            let extra = scamtrace_extract::ReferenceList::from_toml(&text)
                .with_context(|| format!("in {}", path.display()))?;
            list.extend(extra);
        }
        Ok(list)
    }

    pub fn vault(&self) -> anyhow::Result<Vault> {
        if let Some(hex) = env("SCAMTRACE_KEY") {
            return Ok(Vault::from_hex(&hex, "SCAMTRACE_KEY")?);
        }
        Ok(Vault::load_or_create(&self.key_path())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lives_beside_the_sqlite_file() {
        let s = Settings {
            database: "sqlite:///var/lib/scamtrace/main.db".into(),
            ..Default::default()
        };
        assert_eq!(s.key_path(), PathBuf::from("/var/lib/scamtrace/main.key"));
        let s = Settings {
            database: "scamtrace.db".into(),
            ..Default::default()
        };
        assert_eq!(s.key_path(), PathBuf::from("./scamtrace.key"));
        let s = Settings {
            database: "postgres://localhost/db".into(),
            ..Default::default()
        };
        assert_eq!(s.key_path(), PathBuf::from("scamtrace.key"));
    }

    #[test]
    fn config_files_refuse_unknown_settings() {
        let err = toml::from_str::<Settings>("databse = 'x'").unwrap_err();
        assert!(err.to_string().contains("databse"), "{err}");
        let s: Settings =
            toml::from_str("listen = '127.0.0.1:9000'\n[server]\nrate_limit_per_minute = 5")
                .unwrap();
        assert_eq!(
            (s.listen.as_str(), s.server.rate_limit_per_minute),
            ("127.0.0.1:9000", 5)
        );
    }

    #[test]
    fn verdict_lifetimes_are_configurable_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "[server.protect]\nlifetime_days = { phone = 365, url = 7 }\nreports_for_scam = 4\n",
        )
        .unwrap();
        let s = Settings::load(Some(&path), None).unwrap();
        let policy = s.server.protect.policy().unwrap();
        assert_eq!(
            policy
                .lifetimes
                .days(scamtrace_extract::IndicatorKind::Phone),
            365
        );
        assert_eq!(
            policy.lifetimes.days(scamtrace_extract::IndicatorKind::Url),
            7
        );
        assert_eq!(
            policy
                .lifetimes
                .days(scamtrace_extract::IndicatorKind::Domain),
            90
        );
        assert_eq!(policy.reports_for_scam, 4);
        for (bad, named) in [
            ("lifetime_days = { fax = 3 }", "fax"),
            ("lifetime_days = { phone = 0 }", "phone"),
            ("reports_for_scam = 0", "reports_for_scam"),
        ] {
            std::fs::write(&path, format!("[server.protect]\n{bad}\n")).unwrap();
            let err = format!("{:#}", Settings::load(Some(&path), None).unwrap_err());
            assert!(err.contains(named), "{err}");
        }
    }
}
