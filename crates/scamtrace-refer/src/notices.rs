//! Ready-to-send takedown requests: one per phone number range holder, per domain registrar or
//! host, and per payment provider, rendered from templates that operators can replace.
//!
//! Notices go to companies, not to law enforcement: they name scammers' numbers, domains and
//! accounts, never a victim.

use std::collections::BTreeMap;

use minijinja::{Environment, context};
use serde::Serialize;

use crate::summary::{Counted, Phone, Receiver};

/// The template names, each a minijinja text template.
pub const TEMPLATES: [&str; 3] = ["phone.txt", "domain.txt", "payment.txt"];

const BUILTIN: [(&str, &str); 3] = [
    ("phone.txt", include_str!("../templates/notices/phone.txt")),
    (
        "domain.txt",
        include_str!("../templates/notices/domain.txt"),
    ),
    (
        "payment.txt",
        include_str!("../templates/notices/payment.txt"),
    ),
];

/// Most values listed in one notice.
const MAX_VALUES: usize = 500;

/// The templates in use: the built-in ones, each replaceable.
#[derive(Clone, Debug)]
pub struct Templates {
    sources: BTreeMap<&'static str, String>,
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::builtin()
    }
}

/// A template that does not parse or does not render.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "there is no notice template {0:?}: the templates are phone.txt, domain.txt and payment.txt"
    )]
    Unknown(String),
    #[error("notice template {name}: {message}")]
    Bad { name: String, message: String },
}

impl Templates {
    pub fn builtin() -> Templates {
        Templates {
            sources: BUILTIN.iter().map(|(n, s)| (*n, s.to_string())).collect(),
        }
    }

    /// The built-in text of a template, for operators who start their own from it.
    pub fn builtin_source(name: &str) -> Option<&'static str> {
        BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    /// Replaces one template; it is checked at once, so a broken one is refused here rather than
    /// in the middle of an export.
    pub fn replace(&mut self, name: &str, source: String) -> Result<(), TemplateError> {
        let Some(key) = TEMPLATES.iter().find(|n| **n == name) else {
            return Err(TemplateError::Unknown(name.to_string()));
        };
        let mut env = Environment::new();
        env.add_template(key, &source)
            .map_err(|e| TemplateError::Bad {
                name: name.to_string(),
                message: e.to_string(),
            })?;
        self.sources.insert(key, source);
        Ok(())
    }

    fn environment(&self) -> Result<Environment<'_>, TemplateError> {
        let mut env = Environment::new();
        for (name, source) in &self.sources {
            env.add_template(name, source)
                .map_err(|e| TemplateError::Bad {
                    name: name.to_string(),
                    message: e.to_string(),
                })?;
        }
        Ok(env)
    }
}

/// What every notice says about the case.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NoticeContext {
    pub case_reference: String,
    pub instance: String,
    pub contact: String,
    /// The export day, `YYYY-MM-DD`.
    pub date: String,
    pub reports: u32,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub brands: Vec<String>,
}

/// A domain and the URLs seen on it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DomainFact {
    /// The registrable domain (or the site's own name under a hosting suffix).
    pub domain: String,
    pub reports: u32,
    /// Up to a few URLs on it.
    pub urls: Vec<String>,
}

/// One rendered notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The file name inside `abuse-notices/` (`phone-us-toll_free.txt`).
    pub file_name: String,
    /// Who it is addressed to.
    pub recipient: String,
    pub text: String,
}

/// Hosting suffixes whose sites a provider, not a registrar, takes down.
const HOSTS: &[(&str, &str)] = &[
    ("azurewebsites.net", "Microsoft Azure"),
    ("blob.core.windows.net", "Microsoft Azure"),
    ("cloudapp.net", "Microsoft Azure"),
    ("azurestaticapps.net", "Microsoft Azure"),
    ("web.core.windows.net", "Microsoft Azure"),
    ("github.io", "GitHub"),
    ("pages.dev", "Cloudflare"),
    ("workers.dev", "Cloudflare"),
    ("r2.dev", "Cloudflare"),
    ("netlify.app", "Netlify"),
    ("vercel.app", "Vercel"),
    ("herokuapp.com", "Heroku"),
    ("web.app", "Google Firebase"),
    ("firebaseapp.com", "Google Firebase"),
    ("appspot.com", "Google Cloud"),
    ("blogspot.com", "Google Blogger"),
    ("sites.google.com", "Google Sites"),
    ("s3.amazonaws.com", "Amazon Web Services"),
    ("amplifyapp.com", "Amazon Web Services"),
    ("wixsite.com", "Wix"),
    ("weebly.com", "Weebly"),
    ("000webhostapp.com", "000webhost"),
    ("glitch.me", "Glitch"),
    ("repl.co", "Replit"),
    ("onrender.com", "Render"),
    ("ngrok.io", "ngrok"),
    ("ngrok-free.app", "ngrok"),
];

/// The hosting provider of a name under a hosting suffix.
pub fn host_of(domain: &str) -> Option<&'static str> {
    HOSTS
        .iter()
        .find(|(suffix, _)| {
            domain
                .strip_suffix(suffix)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        })
        .map(|(_, name)| *name)
}

/// A file-name part: lowercase letters, digits, `-` and `_` only.
fn slug(text: &str) -> String {
    let s: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "other".into()
    } else {
        s.chars().take(40).collect()
    }
}

fn number_type_label(t: &str) -> String {
    t.replace('_', "-")
}

fn title_case(slug: &str) -> String {
    slug.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A payment provider's name for a handle's app, a chain or a card brand slug.
fn provider_name(slug: &str) -> String {
    match slug {
        "paypal" => "PayPal".into(),
        "cashapp" | "cash_app" => "Cash App".into(),
        "zelle" => "Zelle".into(),
        "venmo" => "Venmo".into(),
        "google_play" => "Google Play".into(),
        "itunes" => "Apple (iTunes)".into(),
        "ebay" => "eBay".into(),
        "best_buy" => "Best Buy".into(),
        "razer_gold" => "Razer Gold".into(),
        other => title_case(other),
    }
}

fn render(
    env: &Environment<'_>,
    name: &str,
    ctx: &NoticeContext,
    extra: minijinja::Value,
) -> Result<String, TemplateError> {
    let bad = |e: minijinja::Error| TemplateError::Bad {
        name: name.to_string(),
        message: e.to_string(),
    };
    let template = env.get_template(name).map_err(bad)?;
    let text = template
        .render(minijinja::value::merge_maps([
            extra,
            minijinja::Value::from(minijinja::value::Serde(ctx)),
        ]))
        .map_err(bad)?;
    Ok(text.trim_end().to_string() + "\n")
}

/// Every notice for a case: phone numbers grouped by region and type, domains by host or
/// top-level domain, payment receivers by provider. Receivers' kinds are those of
/// [`Receiver::kind`]; gift card codes are counted, never listed.
pub fn notices(
    templates: &Templates,
    ctx: &NoticeContext,
    phones: &[Phone],
    domains: &[DomainFact],
    receivers: &[Receiver],
    gift_card_brands: &[Counted],
) -> Result<Vec<Notice>, TemplateError> {
    let env = templates.environment()?;
    let mut out = Vec::new();

    let mut by_range: BTreeMap<(String, String), Vec<&Phone>> = BTreeMap::new();
    for p in phones {
        by_range
            .entry((p.region.clone(), p.number_type.clone()))
            .or_default()
            .push(p);
    }
    for ((region, kind), numbers) in by_range {
        let recipient = if kind == "toll_free" && matches!(region.as_str(), "US" | "CA") {
            "The Responsible Organization (RespOrg) of these toll-free numbers, as the toll-free number registry names it".to_string()
        } else {
            format!(
                "The carrier or number range holder of these {region} {} numbers, as the national numbering plan names it",
                number_type_label(&kind)
            )
        };
        let numbers: Vec<&Phone> = numbers.into_iter().take(MAX_VALUES).collect();
        let text = render(
            &env,
            "phone.txt",
            ctx,
            context! { recipient => recipient.clone(), region => region.clone(),
            number_type_label => number_type_label(&kind),
            numbers => numbers.iter().map(|p| context!{number => p.number.clone(),
                number_type => p.number_type.clone(), region => p.region.clone(),
                reports => p.reports}).collect::<Vec<_>>() },
        )?;
        out.push(Notice {
            file_name: format!("phone-{}-{}.txt", slug(&region), slug(&kind)),
            recipient,
            text,
        });
    }

    let mut by_holder: BTreeMap<(String, String), Vec<&DomainFact>> = BTreeMap::new();
    for d in domains {
        let key = match host_of(&d.domain) {
            Some(host) => (format!("host-{}", slug(host)), format!("{host} abuse team")),
            None => {
                let tld = d.domain.rsplit('.').next().unwrap_or("").to_string();
                (
                    format!("registrar-{}", slug(&tld)),
                    format!(
                        "The registrar of record of these .{tld} domains (RDAP names it for each) and the .{tld} registry"
                    ),
                )
            }
        };
        by_holder.entry(key).or_default().push(d);
    }
    for ((file, recipient), list) in by_holder {
        let list: Vec<&DomainFact> = list.into_iter().take(MAX_VALUES).collect();
        let text = render(
            &env,
            "domain.txt",
            ctx,
            context! { recipient => recipient.clone(), domains => minijinja::Value::from(minijinja::value::Serde(&list)) },
        )?;
        out.push(Notice {
            file_name: format!("domain-{file}.txt"),
            recipient,
            text,
        });
    }

    // Payment receivers by provider: a chain, an app, a bank country.
    let mut by_provider: BTreeMap<(String, String, String, &'static str), Vec<&Receiver>> =
        BTreeMap::new();
    for r in receivers {
        let (scheme, _) = r.value.split_once(':').unwrap_or(("", &r.value));
        let key = match r.kind.as_str() {
            "crypto_wallet" => (
                format!("crypto-{}", slug(scheme)),
                format!(
                    "Exchanges and custodians that receive {} deposits",
                    provider_name(scheme)
                ),
                format!("{} wallets", provider_name(scheme)),
                "crypto",
            ),
            "payment_handle" => (
                format!("handle-{}", slug(scheme)),
                format!("{} fraud and abuse team", provider_name(scheme)),
                format!("{} accounts", provider_name(scheme)),
                "payment_handle",
            ),
            "bank_account" => {
                let country = r
                    .value
                    .strip_prefix("iban:")
                    .map(|i| i.chars().take(2).collect::<String>());
                match country {
                    Some(c) => (
                        format!("bank-{}", slug(&c)),
                        format!(
                            "The banks in {c} that hold these accounts (the IBAN names each bank)"
                        ),
                        "bank transfers".to_string(),
                        "bank",
                    ),
                    None => (
                        "bank-accounts".into(),
                        "The banks that hold these accounts".into(),
                        "bank transfers".to_string(),
                        "bank",
                    ),
                }
            }
            _ => continue,
        };
        by_provider.entry(key).or_default().push(r);
    }
    for ((file, recipient, rail_label, rail), list) in by_provider {
        let list: Vec<&Receiver> = list.into_iter().take(MAX_VALUES).collect();
        let text = render(
            &env,
            "payment.txt",
            ctx,
            context! { recipient => recipient.clone(), rail_label => rail_label, rail => rail,
            accounts => list.iter().map(|r| context!{kind => r.kind.clone(),
                value => r.value.split_once(':').map_or(r.value.as_str(), |(_, v)| v).to_string(),
                reports => r.reports}).collect::<Vec<_>>() },
        )?;
        out.push(Notice {
            file_name: format!("payment-{file}.txt"),
            recipient,
            text,
        });
    }
    for brand in gift_card_brands {
        let name = provider_name(&brand.value);
        let recipient = format!("{name} gift card fraud team");
        let text = render(
            &env,
            "payment.txt",
            ctx,
            context! { recipient => recipient.clone(), rail => "gift_card",
            rail_label => format!("{name} gift cards ({} report(s))", brand.reports),
            accounts => Vec::<minijinja::Value>::new() },
        )?;
        out.push(Notice {
            file_name: format!("payment-giftcard-{}.txt", slug(&brand.value)),
            recipient,
            text,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> NoticeContext {
        NoticeContext {
            case_reference: "CASE-2026-AAAAA".into(),
            instance: "Contoso Trust & Safety".into(),
            contact: "referrals@contoso.example".into(),
            date: "2026-11-28".into(),
            reports: 42,
            first_seen: Some("2026-03-01".into()),
            last_seen: Some("2026-10-30".into()),
            brands: vec!["Microsoft".into()],
        }
    }

    fn phone(number: &str, t: &str, region: &str) -> Phone {
        Phone {
            number: number.into(),
            number_type: t.into(),
            region: region.into(),
            reports: 5,
        }
    }

    #[test]
    fn one_notice_per_holder_and_provider() {
        let phones = [
            phone("+18885550100", "toll_free", "US"),
            phone("+18775550101", "toll_free", "US"),
            phone("+442079460000", "fixed_line", "GB"),
        ];
        let domains = [
            DomainFact {
                domain: "ms-help-desk.com".into(),
                reports: 7,
                urls: vec!["https://ms-help-desk.com/alert?id=1".into()],
            },
            DomainFact {
                domain: "win-fix.com".into(),
                reports: 2,
                urls: vec![],
            },
            DomainFact {
                domain: "ms-fix.azurewebsites.net".into(),
                reports: 3,
                urls: vec![],
            },
        ];
        let receivers = [
            Receiver {
                kind: "crypto_wallet".into(),
                value: "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq".into(),
                reports: 4,
            },
            Receiver {
                kind: "payment_handle".into(),
                value: "zelle:4155550199".into(),
                reports: 2,
            },
            Receiver {
                kind: "bank_account".into(),
                value: "iban:GB33BUKB20201555555555".into(),
                reports: 1,
            },
        ];
        let cards = [Counted {
            value: "google_play".into(),
            reports: 9,
        }];
        let notices = notices(
            &Templates::builtin(),
            &ctx(),
            &phones,
            &domains,
            &receivers,
            &cards,
        )
        .unwrap();
        let names: Vec<&str> = notices.iter().map(|n| n.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "phone-gb-fixed_line.txt",
                "phone-us-toll_free.txt",
                "domain-host-microsoft-azure.txt",
                "domain-registrar-com.txt",
                "payment-bank-gb.txt",
                "payment-crypto-bitcoin.txt",
                "payment-handle-zelle.txt",
                "payment-giftcard-google_play.txt",
            ]
        );
        let us = &notices[1];
        assert!(us.recipient.contains("RespOrg"));
        assert!(
            us.text
                .contains("+18885550100  (toll_free, US), in 5 report(s)"),
            "{}",
            us.text
        );
        assert!(us.text.contains("+18775550101"));
        assert!(!us.text.contains("+442079460000"));
        assert!(us.text.contains("pretend to be Microsoft"));
        assert!(us.text.contains(
            "42 victim report(s) in case CASE-2026-AAAAA, from 2026-03-01 to 2026-10-30"
        ));
        let com = &notices[3];
        assert!(
            com.text.contains(
                "ms-help-desk.com, in 7 report(s)\n    https://ms-help-desk.com/alert?id=1"
            )
        );
        assert!(com.text.contains("win-fix.com, in 2 report(s)"));
        assert!(
            notices[5]
                .text
                .contains("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, in 4 report(s)")
        );
        assert!(
            notices[7]
                .text
                .contains("Google Play gift cards (9 report(s))")
        );
        assert!(notices[7].text.contains("only as keyed hashes"));
        for n in &notices {
            assert!(n.text.starts_with("Subject: "), "{}", n.file_name);
            assert!(n.text.contains("Contact: referrals@contoso.example"));
        }
    }

    #[test]
    fn templates_can_be_replaced_and_broken_ones_are_refused() {
        let mut t = Templates::builtin();
        let err = t.replace("phone.txt", "{% for %}".into()).unwrap_err();
        assert!(
            err.to_string().starts_with("notice template phone.txt: "),
            "{err}"
        );
        assert_eq!(
            t.replace("fax.txt", "x".into()).unwrap_err().to_string(),
            "there is no notice template \"fax.txt\": the templates are phone.txt, domain.txt and payment.txt"
        );
        t.replace(
            "phone.txt",
            "Dear {{ recipient }}, {{ numbers|map(attribute='number')|join(' ') }}".into(),
        )
        .unwrap();
        let n = notices(
            &t,
            &ctx(),
            &[phone("+18885550100", "toll_free", "US")],
            &[],
            &[],
            &[],
        )
        .unwrap();
        assert!(n[0].text.starts_with("Dear The Responsible Organization"));
        assert!(n[0].text.contains("+18885550100"));
    }

    #[test]
    fn hostile_values_stay_text_and_file_names_stay_safe() {
        let receivers = [Receiver {
            kind: "payment_handle".into(),
            value: "../../etc/passwd:{{ 7*7 }}".into(),
            reports: 1,
        }];
        let n = notices(&Templates::builtin(), &ctx(), &[], &[], &receivers, &[]).unwrap();
        assert_eq!(n[0].file_name, "payment-handle-etc-passwd.txt");
        assert!(
            n[0].text.contains("{{ 7*7 }}"),
            "values are never evaluated as templates"
        );
    }

    #[test]
    fn hosts_match_whole_labels() {
        assert_eq!(host_of("x.azurewebsites.net"), Some("Microsoft Azure"));
        assert_eq!(host_of("evilazurewebsites.net"), None);
        assert_eq!(host_of("a.b.github.io"), Some("GitHub"));
    }
}
