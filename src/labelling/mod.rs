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
}
