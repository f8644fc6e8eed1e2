//! How carefully a victim types: lower case, missing apostrophes or accents, typos. Applied to a
//! story's own words only, never to the numbers and addresses it quotes.

use rand::Rng;

use crate::locale::Lang;
use crate::random::{DemoRng, chance, pick_weighted};

pub(super) struct Style {
    lowercase: bool,
    drop_apostrophes: bool,
    plain_letters: bool,
    misspell: bool,
    typo_rate: f64,
}

/// Misspellings victims actually make, one per word.
const MISSPELLINGS: &[(&str, &str)] = &[
    ("computer", "computor"),
    ("received", "recieved"),
    ("definitely", "definately"),
    ("because", "becuase"),
    ("really", "realy"),
    ("believe", "beleive"),
    ("until", "untill"),
    ("address", "adress"),
    ("immediately", "immediatly"),
    ("their", "thier"),
    ("scammed", "scamed"),
    ("account", "acount"),
    ("technician", "technition"),
    ("supposedly", "supposably"),
    ("warning", "warnning"),
];

impl Style {
    pub(super) fn draw(rng: &mut DemoRng, lang: Lang) -> Style {
        if lang == Lang::Ja {
            return Style {
                lowercase: false,
                drop_apostrophes: false,
                plain_letters: false,
                misspell: false,
                typo_rate: 0.0,
            };
        }
        let english = lang == Lang::En;
        Style {
            lowercase: chance(rng, if english { 0.15 } else { 0.1 }),
            drop_apostrophes: english && chance(rng, 0.2),
            plain_letters: !english && chance(rng, 0.15),
            misspell: english && chance(rng, 0.3),
            typo_rate: *pick_weighted(rng, &[(0.0, 40), (0.01, 35), (0.03, 20), (0.06, 5)]),
        }
    }

    pub(super) fn apply(&self, rng: &mut DemoRng, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        let mut out = String::with_capacity(text.len() + 8);
        let mut word = String::new();
        for c in text.chars() {
            if c.is_alphabetic() {
                word.push(c);
            } else {
                self.push_word(rng, &mut out, &word);
                word.clear();
                if !(self.drop_apostrophes && (c == '\'' || c == '’')) {
                    out.push(c);
                }
            }
        }
        self.push_word(rng, &mut out, &word);
        if self.lowercase {
            out = out.to_lowercase();
        }
        if self.plain_letters {
            out = out.chars().map(plain).collect();
        }
        out
    }

    fn push_word(&self, rng: &mut DemoRng, out: &mut String, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.misspell
            && chance(rng, 0.5)
            && let Some((_, wrong)) = MISSPELLINGS.iter().find(|(right, _)| *right == word)
        {
            out.push_str(wrong);
            return;
        }
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 4 || self.typo_rate == 0.0 || !chance(rng, self.typo_rate) {
            out.push_str(word);
            return;
        }
        let mut chars = chars;
        let i = rng.random_range(1..chars.len() - 1);
        match rng.random_range(0..3) {
            0 => chars.swap(i, i + 1),
            1 => {
                chars.remove(i);
            }
            _ => chars.insert(i, chars[i]),
        }
        out.extend(chars);
    }
}

/// The letter without its accent, as typed on a keyboard without the layout.
fn plain(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'î' | 'ï' => 'i',
        'ó' | 'ô' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'É' => 'E',
        'À' => 'A',
        'Ü' => 'U',
        'Ö' => 'O',
        'Ä' => 'A',
        _ => c,
    }
}
