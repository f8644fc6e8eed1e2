//! The brands scammers impersonate, and how victims name them in the form and in their story.

use crate::locale::Lang;
use crate::random::{DemoRng, chance, pick};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Brand {
    Microsoft,
    Amazon,
    Apple,
    Google,
    Norton,
    McAfee,
    GeekSquad,
    PayPal,
    BankOfAmerica,
    WellsFargo,
    Chase,
    Hsbc,
    Barclays,
    DeutscheBank,
    Sparkasse,
    Santander,
    Bbva,
    CommonwealthBank,
    Rbc,
    TdBank,
}

/// What kind of lure a brand lends itself to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Angle {
    /// Browser lock screens and "your PC is infected" calls.
    Tech,
    /// "Suspicious order on your account" calls and texts.
    Retail,
    /// "Your subscription renewed for $399.99" invoices.
    Renewal,
    /// Fraud-department calls and texts.
    Finance,
}

impl Brand {
    /// The canonical name, as listed in [`crate::Operation::brands`].
    pub(crate) fn name(self) -> &'static str {
        match self {
            Brand::Microsoft => "Microsoft",
            Brand::Amazon => "Amazon",
            Brand::Apple => "Apple",
            Brand::Google => "Google",
            Brand::Norton => "Norton",
            Brand::McAfee => "McAfee",
            Brand::GeekSquad => "Geek Squad",
            Brand::PayPal => "PayPal",
            Brand::BankOfAmerica => "Bank of America",
            Brand::WellsFargo => "Wells Fargo",
            Brand::Chase => "Chase",
            Brand::Hsbc => "HSBC",
            Brand::Barclays => "Barclays",
            Brand::DeutscheBank => "Deutsche Bank",
            Brand::Sparkasse => "Sparkasse",
            Brand::Santander => "Santander",
            Brand::Bbva => "BBVA",
            Brand::CommonwealthBank => "Commonwealth Bank",
            Brand::Rbc => "RBC Royal Bank",
            Brand::TdBank => "TD Bank",
        }
    }

    pub(crate) fn angle(self) -> Angle {
        match self {
            Brand::Microsoft | Brand::Apple | Brand::Google => Angle::Tech,
            Brand::Norton | Brand::McAfee => Angle::Tech,
            Brand::Amazon => Angle::Retail,
            Brand::GeekSquad => Angle::Renewal,
            _ => Angle::Finance,
        }
    }

    /// Words an operation builds its domains from.
    pub(crate) fn domain_words(self) -> &'static [&'static str] {
        match self {
            Brand::Microsoft => &[
                "ms", "msft", "win", "windows", "micro", "pc", "defender", "office", "winsec",
            ],
            Brand::Amazon => &[
                "amzn",
                "amz",
                "prime",
                "order",
                "shop",
                "amazn",
                "primeacct",
            ],
            Brand::Apple => &["icloud", "mac", "apl", "ios", "appleid"],
            Brand::Google => &["gmail", "goog", "gplay", "acct"],
            Brand::Norton => &["norton", "nrtn", "lifelock", "antivirus"],
            Brand::McAfee => &["mcafee", "mcafe", "antivirus", "avshield"],
            Brand::GeekSquad => &["geeksquad", "geek", "gsquad", "renewal"],
            Brand::PayPal => &["paypal", "pypl", "paypl", "ppal"],
            Brand::BankOfAmerica => &["bofa", "boa", "bankam"],
            Brand::WellsFargo => &["wellsf", "wfargo", "wf"],
            Brand::Chase => &["chase", "chs", "chaseacct"],
            Brand::Hsbc => &["hsbc", "hsbcuk"],
            Brand::Barclays => &["barclays", "bclys"],
            Brand::DeutscheBank => &["db", "dbank", "deutschebk"],
            Brand::Sparkasse => &["spk", "sparkasse", "spkasse"],
            Brand::Santander => &["santander", "sntdr"],
            Brand::Bbva => &["bbva", "bbvaes"],
            Brand::CommonwealthBank => &["commbank", "cba", "netbank"],
            Brand::Rbc => &["rbc", "rbcroyal"],
            Brand::TdBank => &["td", "tdbank", "tdcanada"],
        }
    }

    /// How a victim types the brand into the form's "who did they claim to be" field.
    pub(crate) fn typed(self, rng: &mut DemoRng, lang: Lang) -> String {
        let local = self.local_forms(lang);
        let table = if !local.is_empty() && chance(rng, 0.7) {
            local
        } else {
            self.english_forms()
        };
        pick(rng, table).to_string()
    }

    /// How a victim names the brand mid-sentence.
    pub(crate) fn spoken(self, rng: &mut DemoRng, lang: Lang) -> String {
        if lang == Lang::Ja {
            // Mid-sentence forms: the phrasebook adds サポート itself where it belongs.
            let local: &[&str] = match self {
                Brand::Microsoft => &[
                    "マイクロソフト",
                    "マイクロソフト社",
                    "Microsoft",
                    "ウィンドウズ",
                ],
                Brand::Amazon => &["アマゾン", "Amazon"],
                Brand::Apple => &["アップル", "Apple"],
                Brand::Google => &["グーグル", "Google"],
                Brand::Norton => &["ノートン"],
                Brand::McAfee => &["マカフィー"],
                _ => &[],
            };
            if !local.is_empty() && chance(rng, 0.8) {
                return pick(rng, local).to_string();
            }
        }
        let short: &[&str] = match self {
            Brand::Microsoft => &[
                "Microsoft",
                "Microsoft",
                "microsoft",
                "Windows",
                "Micro soft",
            ],
            Brand::Amazon => &["Amazon", "Amazon", "amazon", "Amazon Prime"],
            Brand::Apple => &["Apple", "apple", "iCloud"],
            Brand::Google => &["Google", "google", "Gmail"],
            Brand::Norton => &["Norton", "norton"],
            Brand::McAfee => &["McAfee", "Mcafee", "mcafee"],
            Brand::GeekSquad => &["Geek Squad", "geek squad", "GeekSquad"],
            Brand::PayPal => &["PayPal", "Paypal", "paypal"],
            _ => &[],
        };
        if short.is_empty() {
            self.name().to_string()
        } else {
            pick(rng, short).to_string()
        }
    }

    fn english_forms(self) -> &'static [&'static str] {
        match self {
            Brand::Microsoft => &[
                "Microsoft",
                "Microsoft",
                "microsoft",
                "Microsoft Windows support",
                "Micro soft",
                "MICROSOFT",
                "Windows Defender",
                "windows",
                "Microsoft support",
                "Microsft",
                "Mircosoft",
                "Microsoft Security team",
                "windows tech support",
                "microsoft 365",
            ],
            Brand::Amazon => &[
                "Amazon",
                "Amazon",
                "amazon",
                "amazon prime",
                "Amazon Prime",
                "Amazon customer service",
                "Amazon fraud dept",
                "amazn",
                "AMAZON",
                "Amazon.com",
                "Amazon Security",
            ],
            Brand::Apple => &["Apple", "apple support", "AppleCare", "icloud", "Apple Inc"],
            Brand::Google => &["Google", "google", "Google Play", "gmail support"],
            Brand::Norton => &[
                "Norton",
                "norton 360",
                "Norton LifeLock",
                "nortan antivirus",
            ],
            Brand::McAfee => &["McAfee", "Mcafee", "mcaffee", "McAfee antivirus"],
            Brand::GeekSquad => &[
                "Geek Squad",
                "geek squad",
                "GeekSquad",
                "Best Buy Geek Squad",
                "geek squad renewal",
            ],
            Brand::PayPal => &["PayPal", "paypal", "pay pal", "Paypal security"],
            Brand::BankOfAmerica => &["Bank of America", "bank of america fraud dept", "BofA"],
            Brand::WellsFargo => &["Wells Fargo", "wells fargo", "Wells Fargo fraud"],
            Brand::Chase => &["Chase", "Chase bank", "chase fraud department"],
            Brand::Hsbc => &["HSBC", "hsbc fraud team"],
            Brand::Barclays => &["Barclays", "barclays bank"],
            Brand::DeutscheBank => &["Deutsche Bank"],
            Brand::Sparkasse => &["Sparkasse"],
            Brand::Santander => &["Santander", "Banco Santander"],
            Brand::Bbva => &["BBVA"],
            Brand::CommonwealthBank => &["Commonwealth Bank", "CommBank", "commonwealth bank"],
            Brand::Rbc => &["RBC", "Royal Bank", "RBC Royal Bank"],
            Brand::TdBank => &["TD Bank", "TD Canada Trust", "td bank"],
        }
    }

    fn local_forms(self, lang: Lang) -> &'static [&'static str] {
        match (lang, self) {
            (Lang::Ja, Brand::Microsoft) => &[
                "マイクロソフト",
                "マイクロソフトサポート",
                "マイクロソフト社",
                "ウィンドウズ",
                "Microsoftサポート",
            ],
            (Lang::Ja, Brand::Amazon) => &["アマゾン", "Amazonカスタマーサービス", "アマゾン"],
            (Lang::Ja, Brand::Apple) => &["アップル", "Appleサポート"],
            (Lang::Ja, Brand::Google) => &["グーグル"],
            (Lang::Ja, Brand::Norton) => &["ノートン"],
            (Lang::Ja, Brand::McAfee) => &["マカフィー"],
            (Lang::De, Brand::Microsoft) => &[
                "Microsoft Support",
                "Microsoft Deutschland",
                "microsoft",
                "Windows Sicherheit",
            ],
            (Lang::De, Brand::Amazon) => &["Amazon Kundenservice", "amazon.de", "Amazon"],
            (Lang::Es, Brand::Microsoft) => &["soporte de Microsoft", "Microsoft", "microsoft"],
            (Lang::Es, Brand::Amazon) => &["atención al cliente de Amazon", "Amazon", "amazon"],
            (Lang::Fr, Brand::Microsoft) => &["support Microsoft", "Microsoft", "microsoft"],
            (Lang::Fr, Brand::Amazon) => &["service client Amazon", "Amazon"],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn domain_words_are_plain_lowercase_words() {
        let all = [
            Brand::Microsoft,
            Brand::Amazon,
            Brand::Apple,
            Brand::Google,
            Brand::Norton,
            Brand::McAfee,
            Brand::GeekSquad,
            Brand::PayPal,
            Brand::BankOfAmerica,
            Brand::WellsFargo,
            Brand::Chase,
            Brand::Hsbc,
            Brand::Barclays,
            Brand::DeutscheBank,
            Brand::Sparkasse,
            Brand::Santander,
            Brand::Bbva,
            Brand::CommonwealthBank,
            Brand::Rbc,
            Brand::TdBank,
        ];
        let mut rng = DemoRng::seed_from_u64(1);
        for brand in all {
            assert!(!brand.domain_words().is_empty());
            for word in brand.domain_words() {
                assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
            }
            for lang in [Lang::En, Lang::De, Lang::Es, Lang::Fr, Lang::Ja] {
                assert!(!brand.typed(&mut rng, lang).is_empty());
                assert!(!brand.spoken(&mut rng, lang).is_empty());
            }
        }
    }
}
