//! People in a report: the reporter (synthetic names, example.* mailboxes, fictional phones) and
//! the aliases scammers give.

use rand::Rng;
use serde_json::{Map, Value};

use crate::locale::Lang;
use crate::phones;
use crate::random::{DemoRng, chance, pick};

/// Given names and family names as (display, ASCII for the mailbox).
struct Names {
    given: &'static [(&'static str, &'static str)],
    family: &'static [(&'static str, &'static str)],
    family_first: bool,
}

const EN: Names = Names {
    given: &[
        ("James", "james"),
        ("Mary", "mary"),
        ("Robert", "robert"),
        ("Patricia", "patricia"),
        ("John", "john"),
        ("Linda", "linda"),
        ("Michael", "michael"),
        ("Barbara", "barbara"),
        ("David", "david"),
        ("Susan", "susan"),
        ("Richard", "richard"),
        ("Karen", "karen"),
        ("Joseph", "joseph"),
        ("Nancy", "nancy"),
        ("Thomas", "thomas"),
        ("Betty", "betty"),
        ("Carol", "carol"),
        ("Donald", "donald"),
        ("Margaret", "margaret"),
        ("Gary", "gary"),
    ],
    family: &[
        ("Smith", "smith"),
        ("Johnson", "johnson"),
        ("Williams", "williams"),
        ("Brown", "brown"),
        ("Jones", "jones"),
        ("Miller", "miller"),
        ("Davis", "davis"),
        ("Wilson", "wilson"),
        ("Taylor", "taylor"),
        ("Anderson", "anderson"),
        ("Thomas", "thomas"),
        ("Moore", "moore"),
        ("Martin", "martin"),
        ("Clark", "clark"),
        ("Walker", "walker"),
        ("Hall", "hall"),
    ],
    family_first: false,
};

const DE: Names = Names {
    given: &[
        ("Hans", "hans"),
        ("Ursula", "ursula"),
        ("Peter", "peter"),
        ("Monika", "monika"),
        ("Wolfgang", "wolfgang"),
        ("Renate", "renate"),
        ("Jürgen", "juergen"),
        ("Helga", "helga"),
        ("Klaus", "klaus"),
        ("Sabine", "sabine"),
    ],
    family: &[
        ("Müller", "mueller"),
        ("Schmidt", "schmidt"),
        ("Schneider", "schneider"),
        ("Fischer", "fischer"),
        ("Weber", "weber"),
        ("Meyer", "meyer"),
        ("Wagner", "wagner"),
        ("Becker", "becker"),
        ("Hoffmann", "hoffmann"),
        ("Schäfer", "schaefer"),
    ],
    family_first: false,
};

const ES: Names = Names {
    given: &[
        ("María", "maria"),
        ("José", "jose"),
        ("Carmen", "carmen"),
        ("Antonio", "antonio"),
        ("Dolores", "dolores"),
        ("Manuel", "manuel"),
        ("Pilar", "pilar"),
        ("Francisco", "francisco"),
        ("Isabel", "isabel"),
        ("Javier", "javier"),
    ],
    family: &[
        ("García", "garcia"),
        ("Fernández", "fernandez"),
        ("González", "gonzalez"),
        ("Rodríguez", "rodriguez"),
        ("López", "lopez"),
        ("Martínez", "martinez"),
        ("Sánchez", "sanchez"),
        ("Pérez", "perez"),
        ("Gómez", "gomez"),
        ("Ruiz", "ruiz"),
    ],
    family_first: false,
};

const FR: Names = Names {
    given: &[
        ("Marie", "marie"),
        ("Jean", "jean"),
        ("Françoise", "francoise"),
        ("Michel", "michel"),
        ("Monique", "monique"),
        ("Pierre", "pierre"),
        ("Nathalie", "nathalie"),
        ("Alain", "alain"),
        ("Sylvie", "sylvie"),
        ("Gilles", "gilles"),
    ],
    family: &[
        ("Martin", "martin"),
        ("Bernard", "bernard"),
        ("Dubois", "dubois"),
        ("Thomas", "thomas"),
        ("Robert", "robert"),
        ("Richard", "richard"),
        ("Petit", "petit"),
        ("Durand", "durand"),
        ("Leroy", "leroy"),
        ("Tremblay", "tremblay"),
        ("Gagnon", "gagnon"),
    ],
    family_first: false,
};

const JA: Names = Names {
    given: &[
        ("太郎", "taro"),
        ("花子", "hanako"),
        ("茂", "shigeru"),
        ("和子", "kazuko"),
        ("博", "hiroshi"),
        ("幸子", "sachiko"),
        ("清", "kiyoshi"),
        ("洋子", "yoko"),
        ("誠", "makoto"),
        ("恵子", "keiko"),
    ],
    family: &[
        ("佐藤", "sato"),
        ("鈴木", "suzuki"),
        ("高橋", "takahashi"),
        ("田中", "tanaka"),
        ("伊藤", "ito"),
        ("渡辺", "watanabe"),
        ("山本", "yamamoto"),
        ("中村", "nakamura"),
        ("小林", "kobayashi"),
        ("加藤", "kato"),
    ],
    family_first: true,
};

fn names(lang: Lang) -> &'static Names {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
        Lang::Es => &ES,
        Lang::Fr => &FR,
        Lang::Ja => &JA,
    }
}

const MAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// The optional `reporter` object: a made-up person with an example.* mailbox and, where a
/// fictional range exists for their country, a phone number nobody owns.
pub(crate) fn reporter(rng: &mut DemoRng, lang: Lang, country: &str) -> Value {
    let book = names(lang);
    let (given, given_ascii) = *pick(rng, book.given);
    let (family, family_ascii) = *pick(rng, book.family);
    let mut reporter = Map::new();
    if chance(rng, 0.85) {
        let name = match (book.family_first, rng.random_range(0..6)) {
            (true, 0..=2) => format!("{family} {given}"),
            (true, _) => format!("{family}{given}"),
            (false, 0) => given.to_string(),
            (false, 1) => format!("{given} {}.", family.chars().next().unwrap_or('X')),
            (false, 2) if lang == Lang::En => format!("Mrs. {family}"),
            (false, _) => format!("{given} {family}"),
        };
        reporter.insert("name".into(), Value::String(name));
    }
    if chance(rng, 0.8) {
        let n = rng.random_range(1..100);
        let local = match rng.random_range(0..4) {
            0 => format!("{given_ascii}.{family_ascii}{n}"),
            1 => format!("{}{family_ascii}", &given_ascii[..1]),
            2 => format!("{given_ascii}{n}"),
            _ => format!("{family_ascii}.{given_ascii}"),
        };
        let email = format!("{local}@{}", pick(rng, MAIL_DOMAINS));
        reporter.insert("email".into(), Value::String(email));
    }
    if chance(rng, 0.4)
        && let Some(phone) = phones::fictional(rng, country)
    {
        reporter.insert("phone".into(), Value::String(phone));
    }
    if !reporter.contains_key("name") && !reporter.contains_key("email") {
        // A reporter object with neither is no reporter at all: the API would drop it.
        let email = format!("{given_ascii}.{family_ascii}@{}", pick(rng, MAIL_DOMAINS));
        reporter.insert("email".into(), Value::String(email));
    }
    if chance(rng, 0.9) {
        reporter.insert("may_contact".into(), Value::Bool(chance(rng, 0.7)));
    }
    Value::Object(reporter)
}

/// Names scammers gave, by the language of the market they work.
pub(crate) fn aliases(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Steve",
            "David Miller",
            "Officer Brown",
            "John Wilson",
            "Kevin",
            "Mike Johnson",
            "Mark Smith",
            "Daniel",
            "Jessica",
            "Sam Brooks",
            "Agent Roy",
            "Alex",
            "Peter Clark",
            "Ryan",
            "Jennifer Lee",
            "Tony",
            "Robert Jones",
            "Eric Thomas",
            "Max",
            "Henry Adams",
            "Chris",
            "Brian Cooper",
            "Officer Davis",
            "Jack",
        ],
        Lang::De => &[
            "Thomas Weber",
            "Michael",
            "Herr Schneider",
            "Daniel Becker",
            "Frau Klein",
            "Markus",
            "Herr Wagner",
            "Stefan Braun",
            "Tim",
            "Andreas Richter",
        ],
        Lang::Es => &[
            "Carlos",
            "Miguel Torres",
            "señor Martínez",
            "David",
            "Laura",
            "Javier Ruiz",
            "Pablo",
            "Roberto Díaz",
        ],
        Lang::Fr => &[
            "Marc Dubois",
            "Jean",
            "Monsieur Petit",
            "Kevin",
            "Julien Moreau",
            "Thomas",
            "Madame Laurent",
            "Nicolas",
        ],
        Lang::Ja => &[
            "ジョン",
            "田中",
            "マイケル",
            "スズキ",
            "佐藤",
            "デイビッド",
            "山田",
            "ケビン",
        ],
    }
}
