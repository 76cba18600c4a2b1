//! Sentence segmentation for long documents.
//!
//! Rule-based and linear in the text length, tuned for diplomatic English: abbreviations
//! ("U.S.", "Mr.", "No.", "Gen.", "e.g."), initials ("J. Smith"), decimals ("3.5"), ellipses,
//! closing quotes and brackets after the full stop, paragraph breaks and speaker turns
//! ("Q:", "SPOKESPERSON:") in transcripts. Very long sentences are split later, by tokens, into
//! overlapping windows (see [`crate::batch::windows`]).

use std::ops::Range;

/// Abbreviations (lower-case, without the final period) after which a period does not end a
/// sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no", "nos", "gen", "sen", "rep",
    "gov", "lt", "col", "capt", "cmdr", "adm", "sgt", "maj", "pres", "amb", "hon", "rev", "fr",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs",
    "etc", "e.g", "i.e", "cf", "approx", "inc", "ltd", "co", "corp", "dept", "govt", "art", "vol",
    "pp", "para", "fig", "u.s", "u.k", "u.n", "e.u", "p.r.c", "r.o.c", "u.s.a", "d.c", "a.m",
    "p.m", "ph.d", "messrs", "est", "min", "max",
];

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '’' | '”' | '»' | '」' | '』' | '）' | '】' | '》' | '〉'
    )
}

/// Start of the word (letters, digits and inner periods) that ends just before byte `end`.
fn word_start(text: &str, end: usize) -> usize {
    text[..end]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0)
}

/// The word that ends just before byte `end`, lower-cased.
fn word_before(text: &str, end: usize) -> String {
    text[word_start(text, end)..end].to_lowercase()
}

/// True when the period at byte `dot` does not end a sentence.
fn period_is_not_final(text: &str, dot: usize) -> bool {
    let word = word_before(text, dot);
    if word.is_empty() {
        return false;
    }
    let bare = word.trim_start_matches('.');
    if ABBREVIATIONS.contains(&bare) {
        return true;
    }
    // Single-letter initial ("J. Smith") or dotted acronym ("U.S.A"); case from the original.
    let original = &text[word_start(text, dot)..dot];
    let letters: Vec<char> = original
        .trim_start_matches('.')
        .chars()
        .filter(|c| *c != '.')
        .collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return true;
    }
    if bare.contains('.') && letters.iter().all(|c| c.is_alphabetic()) && letters.len() <= 4 {
        return true;
    }
    false
}

/// A speaker tag at the start of a line: up to 40 chars of capitals, spaces or dots before ':'.
fn starts_speaker_turn(line: &str) -> bool {
    let line = line.trim_start();
    match line.find(':') {
        Some(i) if (1..=40).contains(&i) => {
            let tag = &line[..i];
            tag.chars()
                .all(|c| c.is_uppercase() || c == ' ' || c == '.' || c == '-' || c == '\'')
                && tag.chars().any(|c| c.is_alphabetic())
        }
        _ => false,
    }
}

/// Byte ranges of the sentences of `text`, trimmed of surrounding whitespace, in order and
/// non-overlapping. An all-whitespace text gives no sentences.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '\n' {
            if breaks_at_newline(text, &chars, i) {
                push_trimmed(text, start, pos, &mut out);
                start = pos;
            }
            i += 1;
        } else if is_terminator(c) {
            let stop = stop_after(text, &chars, i, start);
            if let Some(end) = stop.boundary {
                push_trimmed(text, start, end, &mut out);
                start = end;
            }
            i = stop.resume;
        } else {
            i += 1;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// Pushes `text[from..to]` without its surrounding whitespace, unless nothing is left.
fn push_trimmed(text: &str, from: usize, to: usize, out: &mut Vec<Range<usize>>) {
    let piece = &text[from..to];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if from + lead < to - trail {
        out.push(from + lead..to - trail);
    }
}

/// Sentence-final punctuation, Latin or CJK (the full-width semicolon ends a clause that Chinese
/// statements use like a sentence: 「…；…；…。」 lists of positions).
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '；')
}

/// CJK sentence-final punctuation: splits even without a following space.
fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；')
}

/// A Chinese numbered point at the start of a line: 一、 二、 … 十、, （一）, or 1、 (full-width
/// forms only, so English "(1)" lists segment as before).
fn starts_numbered_point(line: &str) -> bool {
    let line = line.trim_start();
    let numeral = |c: char| "一二三四五六七八九十".contains(c) || c.is_ascii_digit();
    let mut it = line.chars();
    match it.next() {
        Some('（') => {
            let inner: String = it.by_ref().take_while(|c| numeral(*c)).collect();
            !inner.is_empty() && line.contains('）')
        }
        Some(c) if numeral(c) => {
            let rest: String = line.chars().skip_while(|c| numeral(*c)).take(1).collect();
            rest == "、"
        }
        _ => false,
    }
}

/// True when the newline at `chars[i]` ends a sentence: a paragraph break (the next line is
/// blank) or a new speaker turn on the next line.
fn breaks_at_newline(text: &str, chars: &[(usize, char)], i: usize) -> bool {
    let n = chars.len();
    let mut j = i + 1;
    while j < n && chars[j].1 != '\n' && chars[j].1.is_whitespace() {
        j += 1;
    }
    let blank = j < n && chars[j].1 == '\n';
    let next_line_start = if j < n { chars[j].0 } else { text.len() };
    let next_line = text[next_line_start..].split('\n').next().unwrap_or("");
    blank || starts_speaker_turn(next_line) || starts_numbered_point(next_line)
}

/// What the sentence-final punctuation at `chars[i]` does: the byte where the sentence ends,
/// if it ends there, and the index scanning resumes at.
struct Stop {
    boundary: Option<usize>,
    resume: usize,
}

/// Decides on the punctuation at `chars[i]`, in the sentence that began at byte `start`:
/// consumes runs ("?!", "...") and closing quotes/brackets, then splits when whitespace and a
/// sentence opener follow and the full stop is not an abbreviation's, an ellipsis or the dot of
/// a list marker or number.
fn stop_after(text: &str, chars: &[(usize, char)], i: usize, start: usize) -> Stop {
    let n = chars.len();
    let (pos, c) = chars[i];
    let mut j = i + 1;
    while j < n && matches!(chars[j].1, '.' | '!' | '?' | '。' | '！' | '？' | '…') {
        j += 1;
    }
    while j < n && is_closer(chars[j].1) {
        j += 1;
    }
    let no_split = |resume| Stop {
        boundary: None,
        resume,
    };
    if j >= n {
        return no_split(j);
    }
    let (end, next) = chars[j];
    let cjk = is_cjk_terminator(c);
    if !cjk && !next.is_whitespace() {
        // "3.5", "U.S.", "e.g.," — no boundary without following space.
        return no_split(j);
    }
    // Look at the first non-space character after the boundary.
    let mut k = j;
    while k < n && chars[k].1.is_whitespace() {
        k += 1;
    }
    if k >= n {
        return no_split(k);
    }
    let after = chars[k].1;
    let ellipsis = j - i >= 3 && c == '.';
    // Anything but a lower-case letter can open a sentence (capitals, digits, quotes,
    // scripts without case such as Chinese).
    let starts_new = !after.is_lowercase() || cjk;
    let abbrev = c == '.' && j == i + 1 && abbreviation_holds(text, pos, &text[chars[k].0..]);
    // A piece without letters ("22.", "(iii)") is a list marker or a number: it
    // belongs to the sentence that follows.
    let has_letters = text[start..end].chars().any(char::is_alphabetic);
    let splits = starts_new && has_letters && !ellipsis && !abbrev;
    Stop {
        boundary: splits.then_some(end),
        resume: k,
    }
}

/// True when the single period at byte `dot` belongs to an abbreviation and so does not end
/// the sentence, given the text after the following whitespace (`rest`).
fn abbreviation_holds(text: &str, dot: usize, rest: &str) -> bool {
    if !period_is_not_final(text, dot) {
        return false;
    }
    // "U.S. The minister…" is ambiguous; prefer not splitting, except after the common
    // sentence-final acronyms followed by a typical sentence opener.
    let w = word_before(text, dot);
    let w = w.trim_start_matches('.');
    let final_acronym = matches!(w, "u.s" | "u.k" | "u.n" | "e.u" | "p.r.c" | "r.o.c");
    !(final_acronym && next_word_opens_sentence(rest))
}

fn next_word_opens_sentence(rest: &str) -> bool {
    let w: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    matches!(
        w.as_str(),
        "The"
            | "This"
            | "That"
            | "These"
            | "It"
            | "We"
            | "He"
            | "She"
            | "They"
            | "In"
            | "On"
            | "At"
            | "A"
            | "An"
            | "But"
            | "However"
            | "Meanwhile"
            | "China"
            | "Beijing"
            | "Taiwan"
            | "Washington"
            | "Asked"
    )
}

/// Converts a byte offset into a character (Unicode scalar) offset, as Python's `str` counts.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// [`char_offset`] for many increasing byte offsets into one text (a long document's sentence
/// bounds): counts only the characters since the previous offset.
pub struct CharCursor<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> CharCursor<'a> {
        CharCursor {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `b` (any order; increasing is fastest).
    pub fn at(&mut self, b: usize) -> usize {
        if b >= self.byte {
            self.chars += self.text[self.byte..b].chars().count();
        } else {
            self.chars = char_offset(self.text, b);
        }
        self.byte = b;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn simple_sentences() {
        assert_eq!(
            split("China opposes independence. Trade talks continue! Will it rain?"),
            vec![
                "China opposes independence.",
                "Trade talks continue!",
                "Will it rain?"
            ]
        );
    }

    #[test]
    fn abbreviations_and_numbers_do_not_split() {
        let t = "Mr. Lee met Gen. Smith at No. 10 on Jan. 5 and said growth was 3.5 percent. Next item.";
        assert_eq!(
            split(t),
            vec![
                "Mr. Lee met Gen. Smith at No. 10 on Jan. 5 and said growth was 3.5 percent.",
                "Next item."
            ]
        );
        let t = "The U.S. position, e.g. on trade, is unchanged. J. Smith agreed.";
        assert_eq!(
            split(t),
            vec![
                "The U.S. position, e.g. on trade, is unchanged.",
                "J. Smith agreed."
            ]
        );
    }

    #[test]
    fn acronym_at_sentence_end_followed_by_opener() {
        let t = "The delegation flew to the U.S. The minister then spoke.";
        assert_eq!(
            split(t),
            vec![
                "The delegation flew to the U.S.",
                "The minister then spoke."
            ]
        );
    }

    #[test]
    fn quotes_and_brackets_stay_with_their_sentence() {
        let t = "He said it was \"a red line.\" Then he left. (The meeting ended.) Done";
        assert_eq!(
            split(t),
            vec![
                "He said it was \"a red line.\"",
                "Then he left.",
                "(The meeting ended.)",
                "Done"
            ]
        );
    }

    #[test]
    fn paragraphs_and_speaker_turns() {
        let t = "Q: What about trade\nA: It grew\n\nnext paragraph without stop";
        assert_eq!(
            split(t),
            vec![
                "Q: What about trade",
                "A: It grew",
                "next paragraph without stop"
            ]
        );
    }

    #[test]
    fn ellipsis_and_unicode() {
        let t = "Well... we will see. 台湾是中国的一部分。下一个问题。";
        assert_eq!(
            split(t),
            vec![
                "Well... we will see.",
                "台湾是中国的一部分。",
                "下一个问题。"
            ]
        );
        for r in sentences(t) {
            assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
        }
    }

    #[test]
    fn numbered_paragraphs_keep_their_number() {
        let t = "Communiqué\n\n22. The ministers met. 3.5 percent growth.\n\n23. Trade grew.";
        assert_eq!(
            split(t),
            vec![
                "Communiqué",
                "22. The ministers met.",
                "3.5 percent growth.",
                "23. Trade grew."
            ]
        );
    }

    #[test]
    fn chinese_sentences_quotes_semicolons_and_numbered_points() {
        let t = "外交部发言人表示：「台湾是中国的一部分。」中方坚决反对任何形式的官方往来；敦促美方恪守承诺！\n一、维护和平稳定。\n二、反对单方面改变现状。";
        assert_eq!(
            split(t),
            vec![
                "外交部发言人表示：「台湾是中国的一部分。」",
                "中方坚决反对任何形式的官方往来；",
                "敦促美方恪守承诺！",
                "一、维护和平稳定。",
                "二、反对单方面改变现状。",
            ]
        );
        // Traditional, with full-width question and exclamation runs and a closing bracket.
        let t = "這是主權問題嗎？！（當然是）我們不會退讓。";
        assert_eq!(
            split(t),
            vec!["這是主權問題嗎？！", "（當然是）我們不會退讓。"]
        );
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(sentences("").is_empty());
        assert!(sentences("  \n\n ").is_empty());
        assert_eq!(split("  one  "), vec!["one"]);
    }

    #[test]
    fn char_cursor_matches_char_offset_in_any_order() {
        let t = "a\u{e9}\u{4e2d}\u{6587}\u{1f600}b.";
        let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        let mut c = CharCursor::new(t);
        for &b in bounds.iter().chain(bounds.iter().rev()) {
            assert_eq!(c.at(b), char_offset(t, b), "byte {b}");
        }
    }

    #[test]
    fn char_offsets() {
        let t = "é. x";
        assert_eq!(char_offset(t, 4), 3);
    }
}
