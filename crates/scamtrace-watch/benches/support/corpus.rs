//! A deterministic stream of domain names shaped like a certificate-transparency feed: mostly
//! ordinary registrable domains with common service subdomains (`www`, `mail`, `autodiscover`,
//! `cpanel` ...), machine-made labels (hashes, hosts numbered by IP), a few deep names, a few IDNs,
//! wildcards and uppercase, and about 3% planted lookalikes and fake-support names. Shared by the
//! criterion bench (`benches/watch.rs`) and the `ct_names` example (which feeds `bench/watch_domains.sh`).

#![allow(dead_code)]

/// xorshift64*: the same seed gives the same names everywhere.
pub struct Corpus {
    state: u64,
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ter", "on", "ex", "pro", "da", "ta", "ri", "ven", "sol", "mar", "tin",
    "bel", "co", "ra", "nu", "vi", "sta", "gen", "lux", "ber", "gra", "fi", "po", "zen", "ar",
    "el", "qui", "dor", "man", "sen", "tro", "val", "wi", "ly", "nor", "kan", "sy", "mo", "pe",
    "lan", "ru", "ha", "tek", "bo", "gal", "ori", "ump", "hel", "sa", "vo", "lin", "den", "ka",
    "fa", "ge",
];

const WORDS: &[&str] = &[
    "shop", "blog", "news", "studio", "design", "media", "home", "group", "travel", "garden",
    "photo", "music", "games", "school", "law", "health", "dental", "auto", "bike", "coffee",
    "pizza", "hotel", "farm", "art", "books", "cloud", "data", "labs", "digital", "market",
];

const SUBDOMAINS: &[&str] = &[
    "www",
    "www",
    "www",
    "mail",
    "webmail",
    "autodiscover",
    "cpanel",
    "webdisk",
    "cpcalendars",
    "cpcontacts",
    "api",
    "cdn",
    "app",
    "dev",
    "staging",
    "test",
    "portal",
    "vpn",
    "remote",
    "shop",
    "blog",
    "m",
    "ftp",
    "smtp",
    "admin",
    "login",
    "secure",
    "support",
    "help",
    "docs",
    "status",
    "git",
    "grafana",
    "jenkins",
    "assets",
    "static",
    "img",
    "auth",
    "sso",
    "beta",
];

const TLDS: &[&str] = &[
    "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "net", "net", "org",
    "org", "de", "de", "co.uk", "io", "ru", "com.br", "fr", "nl", "it", "es", "pl", "co.jp",
    "com.au", "ca", "in", "xyz", "online", "app", "dev", "info", "top", "shop", "site", "live",
    "us", "me", "cc", "store", "tech", "eu", "ch", "se", "cz", "jp", "cloud", "club",
];

const BRANDS: &[&str] = &[
    "microsoft",
    "paypal",
    "amazon",
    "apple",
    "netflix",
    "norton",
    "mcafee",
    "geeksquad",
    "coinbase",
    "facebook",
    "google",
    "walmart",
    "wellsfargo",
    "bankofamerica",
    "xfinity",
];

const SUPPORT: &[&str] = &[
    "support",
    "help",
    "care",
    "refund",
    "billing",
    "desk",
    "tech",
    "cancel",
    "helpdesk",
    "service",
    "hilfe",
    "soporte",
    "assistance",
    "sapoto",
];

const ABUSED: &[&str] = &[
    "live", "cc", "online", "us", "info", "xyz", "top", "site", "support",
];

impl Corpus {
    pub fn new(seed: u64) -> Corpus {
        Corpus {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    fn label(&mut self) -> String {
        let mut s = String::new();
        if self.below(3) == 0 {
            s.push_str(self.pick(WORDS));
            if self.below(2) == 0 {
                s.push_str(self.pick(SYLLABLES));
            }
        } else {
            for _ in 0..2 + self.below(3) {
                s.push_str(self.pick(SYLLABLES));
            }
        }
        if self.below(12) == 0 {
            s.push('-');
            s.push_str(self.pick(WORDS));
        }
        if self.below(15) == 0 {
            s.push_str(&self.below(100).to_string());
        }
        s
    }

    fn hex(&mut self, len: usize) -> String {
        let v = self.next();
        format!("{v:016x}")[..len.min(16)].to_string()
    }

    fn registrable(&mut self) -> String {
        let label = self.label();
        let tld = self.pick(TLDS);
        format!("{label}.{tld}")
    }

    /// A brand name with one lookalike trick.
    fn lookalike(&mut self) -> String {
        let brand = self.pick(BRANDS).to_string();
        let b = brand.as_bytes();
        let i = 1 + self.below(b.len() - 2);
        let label = match self.below(8) {
            0 => format!("{}{}", &brand[..i], &brand[i + 1..]),
            1 => format!("{}{}{}", &brand[..i], char::from(b[i]), &brand[i..]),
            2 => format!(
                "{}{}{}{}",
                &brand[..i],
                char::from(b[i + 1]),
                char::from(b[i]),
                &brand[i + 2..]
            ),
            3 => brand.replace('m', "rn").replace('o', "0"),
            4 => format!("{}-{}", brand, self.pick(SUPPORT)),
            5 => format!("{}{}{}", self.pick(SUPPORT), brand, self.below(100)),
            6 => format!("{}-{}", &brand[..i], &brand[i..]),
            _ => brand.clone(),
        };
        let tld = if self.below(2) == 0 {
            self.pick(ABUSED)
        } else {
            self.pick(TLDS)
        };
        format!("{label}.{tld}")
    }

    fn fake_support(&mut self) -> String {
        let a = self.pick(SUPPORT);
        let b = self.pick(SUPPORT);
        let label = match self.below(4) {
            0 => format!("{a}{b}"),
            1 => format!("247{a}"),
            2 => format!("{a}{}", self.below(100)),
            _ => format!("{}{a}", char::from(b'a' + self.below(26) as u8)),
        };
        format!("{label}.{}", self.pick(ABUSED))
    }

    /// The next name.
    pub fn name(&mut self) -> String {
        match self.below(1000) {
            0..=379 => self.registrable(),
            380..=719 => {
                let sub = self.pick(SUBDOMAINS);
                let reg = self.registrable();
                format!("{sub}.{reg}")
            }
            720..=849 => {
                let reg = self.registrable();
                match self.below(3) {
                    0 => {
                        let len = 8 + self.below(8);
                        format!("{}.{reg}", self.hex(len))
                    }
                    1 => format!(
                        "ip-10-{}-{}-{}.{reg}",
                        self.below(256),
                        self.below(256),
                        self.below(256)
                    ),
                    _ => format!("{}-{}.{reg}", self.pick(SUBDOMAINS), self.hex(6)),
                }
            }
            850..=919 => {
                let a = self.pick(SUBDOMAINS);
                let b = self.label();
                let reg = self.registrable();
                format!("{a}.{b}.{reg}")
            }
            920..=944 => format!("*.{}", self.registrable()),
            945..=959 => self.registrable().to_uppercase(),
            960..=969 => {
                let tld = self.pick(&["de", "jp", "ru", "com", "cn"]);
                let label = self.pick(&["münchen", "bücher", "日本語", "пример", "café", "straße"]);
                format!("{label}{}.{tld}", self.below(1000))
            }
            970..=984 => self.lookalike(),
            _ => self.fake_support(),
        }
    }
}
