//! Which language a statement is in, as far as routing needs to know: Chinese (Han script) or
//! not, and for Chinese which script (Simplified or Traditional).
//!
//! Routing is by script, not by a language-identification model: a statement is `zh` when at
//! least [`crate::defaults::HAN_SHARE`] of its letters are Han characters, else `en` (all
//! non-Han text is read by the English model). A Chinese statement quoting "Taiwan
//! independence" in English stays `zh`; an English briefing naming 台灣 once stays `en`.

use crate::defaults::HAN_SHARE;

/// The language a statement is routed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Not Han script (read by the English model).
    En,
    /// Han script, Simplified or Traditional.
    Zh,
}

impl Lang {
    /// The `lang` column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// Whether `c` is a Han (CJK unified or compatibility) ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

/// The language a text is routed by: `zh` when Han characters are at least
/// [`HAN_SHARE`] of its letters (alphabetic characters).
pub fn detect(text: &str) -> Lang {
    let (mut han, mut letters) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    if han > 0 && han as f64 >= HAN_SHARE * letters as f64 {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The script of a Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Simplified characters (PRC usage).
    Simplified,
    /// Traditional characters (Taiwan, Hong Kong usage).
    Traditional,
}

impl Script {
    /// The BCP 47 tag: `zh-Hans` or `zh-Hant`.
    pub fn tag(self) -> &'static str {
        match self {
            Script::Simplified => "zh-Hans",
            Script::Traditional => "zh-Hant",
        }
    }
}

/// Common characters whose Simplified and Traditional forms differ, as (Simplified,
/// Traditional) pairs. Enough for diplomatic text: every passage of the real Chinese corpus
/// holds several of them.
const PAIRS: &[(char, char)] = &[
    ('这', '這'),
    ('国', '國'),
    ('说', '說'),
    ('对', '對'),
    ('为', '為'),
    ('发', '發'),
    ('们', '們'),
    ('会', '會'),
    ('与', '與'),
    ('关', '關'),
    ('时', '時'),
    ('个', '個'),
    ('来', '來'),
    ('问', '問'),
    ('题', '題'),
    ('还', '還'),
    ('过', '過'),
    ('进', '進'),
    ('经', '經'),
    ('动', '動'),
    ('实', '實'),
    ('长', '長'),
    ('间', '間'),
    ('现', '現'),
    ('开', '開'),
    ('议', '議'),
    ('见', '見'),
    ('认', '認'),
    ('并', '並'),
    ('华', '華'),
    ('统', '統'),
    ('独', '獨'),
    ('湾', '灣'),
    ('两', '兩'),
    ('岁', '歲'),
    ('军', '軍'),
    ('战', '戰'),
    ('总', '總'),
    ('务', '務'),
    ('协', '協'),
    ('际', '際'),
    ('区', '區'),
    ('领', '領'),
    ('导', '導'),
    ('应', '應'),
    ('该', '該'),
    ('将', '將'),
    ('从', '從'),
    ('东', '東'),
    ('无', '無'),
    ('员', '員'),
    ('产', '產'),
    ('办', '辦'),
    ('执', '執'),
    ('强', '強'),
    ('维', '維'),
    ('护', '護'),
    ('权', '權'),
    ('机', '機'),
    ('构', '構'),
    ('贸', '貿'),
    ('边', '邊'),
    ('岛', '島'),
    ('归', '歸'),
    ('复', '復'),
    ('纪', '紀'),
    ('约', '約'),
    ('条', '條'),
    ('报', '報'),
    ('记', '記'),
];

/// The script of a Chinese text: whichever form of the [`PAIRS`] characters it uses more;
/// `None` when it uses neither (or as many of each).
pub fn script(text: &str) -> Option<Script> {
    let (mut simp, mut trad) = (0usize, 0usize);
    for c in text.chars() {
        for &(s, t) in PAIRS {
            if c == s {
                simp += 1;
            } else if c == t {
                trad += 1;
            }
        }
    }
    match simp.cmp(&trad) {
        std::cmp::Ordering::Greater => Some(Script::Simplified),
        std::cmp::Ordering::Less => Some(Script::Traditional),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_text_is_chinese_and_latin_text_is_english() {
        assert_eq!(detect("我们坚决反对“台独”分裂行径。"), Lang::Zh);
        assert_eq!(detect("中華民國是主權獨立國家。"), Lang::Zh);
        assert_eq!(detect("We do not support Taiwan independence."), Lang::En);
        assert_eq!(detect(""), Lang::En);
        assert_eq!(detect("2024-01-15: 12, 13."), Lang::En);
    }

    #[test]
    fn one_han_name_in_english_stays_english_and_english_quotes_in_chinese_stay_chinese() {
        assert_eq!(
            detect("The spokesperson said the island (台灣) would decide its own future."),
            Lang::En
        );
        assert_eq!(
            detect("外交部发言人表示，所谓“Taiwan independence”是死路一条。"),
            Lang::Zh
        );
    }

    #[test]
    fn script_tells_simplified_from_traditional() {
        assert_eq!(
            script("中国政府坚决反对台独分裂活动，这是我们的一贯立场。"),
            Some(Script::Simplified)
        );
        assert_eq!(
            script("中華民國與中華人民共和國互不隸屬，這是兩岸的現狀。"),
            Some(Script::Traditional)
        );
        assert_eq!(script("Taiwan"), None);
    }

    #[test]
    fn script_matches_the_real_corpus_annotation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/real/zh");
        let (mut n, mut agree) = (0usize, 0usize);
        for split in ["train", "dev", "test"] {
            let text = std::fs::read_to_string(root.join(format!("{split}.jsonl")))
                .expect("the real Chinese corpus is in the checkout");
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("valid JSONL");
                let want = match v["script"].as_str() {
                    Some("simplified") => Script::Simplified,
                    Some("traditional") => Script::Traditional,
                    other => panic!("unexpected script {other:?}"),
                };
                n += 1;
                if script(v["text"].as_str().unwrap_or("")) == Some(want) {
                    agree += 1;
                }
                assert_eq!(detect(v["text"].as_str().unwrap_or("")), Lang::Zh, "{line}");
            }
        }
        assert!(n >= 1500, "{n} passages");
        assert!(agree as f64 >= 0.97 * n as f64, "{agree}/{n} scripts agree");
    }
}
