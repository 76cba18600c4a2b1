//! The labelling loop: choosing what to label next, bringing labels back, and finding label
//! errors in a corpus.
//!
//! - [`sample`] (`stance sample`): reads a predictions dataset ([`pool`]), scores every
//!   statement with the selection [`strategy`] functions and picks a diverse batch ([`select`]),
//!   written as JSONL that Argilla and Prodigy import and a CSV for spreadsheets.
//! - [`import`] (`stance label import`): reads annotation files back (Prodigy and Argilla JSONL,
//!   the CSV), checks the labels, resolves conflicts between annotators by majority, measures
//!   their [`agreement`] and appends to a corpus that `stance train` reads as it is.
//! - [`audit`] (`stance audit`): ranks likely label errors from out-of-fold probabilities.
//!
//! Statements are matched across all three by id and by their [`norm_key`]: two texts that
//! differ only in case, Unicode compatibility forms, punctuation or spacing are the same
//! statement for sampling, exclusion and near-duplicate checks.

pub mod agreement;
pub mod audit;
pub mod formats;
pub mod import;
pub mod pool;
pub mod sample;
pub mod select;
pub mod strategy;

use unicode_normalization::UnicodeNormalization;

/// A text normalised for near-duplicate detection: Unicode NFKC, lowercased, punctuation and
/// symbols dropped (every character that is neither alphanumeric nor whitespace), whitespace
/// runs collapsed to one space, trimmed. Chinese characters are alphanumeric and stay.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_alphanumeric() {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The near-duplicate key of a text: the first 16 hex digits of the sha256 of
/// [`normalise`]d text.
pub fn norm_key(text: &str) -> String {
    let h = crate::hash::sha256_hex(normalise(text).as_bytes());
    h[..16].to_string()
}

/// Fewest letters a [`formula`] must keep outside the masked names and numbers.
pub const FORMULA_MIN_LETTERS: usize = 24;

/// The formula of a text: its wording with names and numbers masked, so that "Japan does not
/// support Taiwan independence, the minister said in 2023" and "The United Kingdom does not
/// support Taiwan independence, the minister said in 2024" share one. Words are split on
/// whitespace and stripped of punctuation; a word that starts with a capital letter becomes
/// `#` (a run of them one `#`), digit runs become `0`, the rest is NFKC and lowercased.
/// Scripts without case (Chinese) keep their characters and lose only digits. `None` when the
/// mask would leave fewer than [`FORMULA_MIN_LETTERS`] letters, or masks more words than it
/// keeps: too little wording left to call it a formula.
pub fn formula(text: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    let (mut kept, mut masked, mut letters) = (0usize, 0usize, 0usize);
    for raw in text.nfkc().collect::<String>().split_whitespace() {
        let word: String = raw.chars().filter(|c| c.is_alphanumeric()).collect();
        let Some(first) = word.chars().next() else {
            continue;
        };
        if first.is_uppercase() {
            masked += 1;
            if words.last().is_none_or(|w| w != "#") {
                words.push("#".into());
            }
            continue;
        }
        let mut w = String::with_capacity(word.len());
        let mut in_number = false;
        for c in word.chars().flat_map(char::to_lowercase) {
            if c.is_numeric() {
                if !in_number {
                    w.push('0');
                }
            } else {
                letters += 1;
                w.push(c);
            }
            in_number = c.is_numeric();
        }
        if w.chars().all(|c| c == '0') {
            masked += 1;
        } else {
            kept += 1;
        }
        words.push(w);
    }
    (letters >= FORMULA_MIN_LETTERS && masked <= kept).then(|| words.join(" "))
}

/// The formula key of a text: the first 16 hex digits of the sha256 of its [`formula`].
pub fn formula_key(text: &str) -> Option<String> {
    formula(text).map(|f| crate::hash::sha256_hex(f.as_bytes())[..16].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_share_a_key() {
        let a = "China firmly opposes \"Taiwan independence\".";
        let b = "  CHINA firmly   opposes Taiwan independence! ";
        assert_eq!(norm_key(a), norm_key(b));
        assert_ne!(norm_key(a), norm_key("China opposes Taiwan independence."));
        // Full-width forms fold under NFKC.
        assert_eq!(normalise("ＴＡＩＷＡＮ，２０２４"), "taiwan2024");
        assert_eq!(normalise("台湾是中国的一部分。"), "台湾是中国的一部分");
    }

    #[test]
    fn formulas_mask_names_and_numbers_only() {
        let a = "Japan does not support Taiwan independence, the minister said in 2023.";
        let b =
            "The United Kingdom does not support Taiwan independence, the minister said in 2024";
        assert_eq!(formula_key(a), formula_key(b));
        assert_eq!(
            formula(a).as_deref(),
            Some("# does not support # independence the minister said in 0")
        );
        // A word of wording changes the formula.
        let c = "Japan does support Taiwan independence, the minister said in 2023.";
        assert_ne!(formula_key(a), formula_key(c));
        // Mostly names: no formula.
        assert_eq!(formula("Taiwan, Japan and the United States"), None);
        // Chinese keeps its characters; only digits are masked.
        assert_eq!(
            formula("2024年，中国外交部发言人说台湾是中国领土不可分割的一部分。").as_deref(),
            Some("0年中国外交部发言人说台湾是中国领土不可分割的一部分")
        );
    }
}
