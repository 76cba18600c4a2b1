//! What the annotation guide's rules need to know about a statement's recorded actor.
//!
//! The guide labels the **recorded actor's own words** (`datasets/GUIDE.md`, section 1 and
//! 5.14.20), and journalists, commentators, news agencies and outlets are never actors
//! (5.14.47): a passage recorded as an outlet's is `off_topic`, whatever stance its text takes,
//! because the outlet's verdict or its account of a government's act is not a government's
//! position. The model reads the text alone and cannot see this, so the classifier applies the
//! rule itself ([`crate::classify::ClassifierSettings::actor_rules`]) and says so in the
//! `rule` column.
//!
//! Whether an actor is a reporting one is read from its name: words that name a reporter or a
//! piece (reporter, journalist, commentator, editorial; 记者, 评论员, 社论 …), words of the news
//! trade (news, media; 新闻, 日报, 电视 …) unless the name is an official body's or a
//! spokesperson's (外交部新闻发言人, 国务院新闻办公室), and the outlets that appear as actors in
//! the real corpus's train and dev splits. The list errs on the side of missing an outlet (the
//! model then labels it) rather than silencing a government.

/// A guide rule that decided a statement's label instead of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorRule {
    /// The recorded actor is a news outlet, agency, journalist or commentator: `off_topic`
    /// (GUIDE 5.14.47).
    ReportingActor,
}

impl ActorRule {
    /// The name written in the `rule` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRule::ReportingActor => "reporting_actor",
        }
    }
}

/// Words naming a reporting person or piece, matched as whole words, case-insensitively: they
/// decide whatever else the name says ("Reporter (question at a U.S. State Department briefing)").
const REPORTER_WORDS: &[&str] = &[
    "reporter",
    "reporters",
    "journalist",
    "journalists",
    "commentator",
    "columnist",
    "correspondent",
    "editorial",
    "press corps",
    "interviewer",
    "(reporting)",
];

/// The same in Chinese (both scripts), matched anywhere in the name.
const REPORTER_WORDS_ZH: &[&str] = &["记者", "記者", "评论员", "評論員", "社论", "社論"];

/// Words naming the news trade, which also appear in official bodies' names (国务院新闻办公室, a
/// ministry's 新闻发言人): they count only in a name with none of [`OFFICIAL_WORDS`].
const NEWS_WORDS: &[&str] = &["news", "media"];
const NEWS_WORDS_ZH: &[&str] = &[
    "新闻",
    "新聞",
    "日报",
    "日報",
    "时报",
    "時報",
    "通讯社",
    "通訊社",
    "电视",
    "電視",
    "广播",
    "廣播",
    "周刊",
    "週刊",
];

/// Marks of an official body or its spokesperson (substrings, case-insensitive).
const OFFICIAL_WORDS: &[&str] = &[
    "ministry",
    "government",
    "office",
    "department",
    "council",
    "embassy",
    "spokes",
    "发言人",
    "發言人",
    "办公室",
    "辦公室",
    "政府",
    "国务院",
    "國務院",
    "外交部",
    "委员会",
    "委員會",
];

/// Outlets whose names carry none of the words above, as they appear among the real corpus's
/// train and dev actors (lower case), matched as whole words.
const OUTLETS: &[&str] = &[
    "xinhua",
    "global times",
    "people's daily",
    "china daily",
    "central news agency",
    "china review",
    "united daily",
    "lianhe zaobao",
    "deutsche welle",
    "voice of america",
    "tvbs",
    "hk01",
    "ming pao",
    "cyberctm",
    "bloomberg",
    "associated press",
    "cnn",
    "kyodo",
    "bbc",
    "agence france-presse",
    "reuters",
    "phoenix tv",
    "ta kung pao",
    "sing tao",
    "liberty times",
    "guancha",
    "ettoday",
    "storm media",
    "i-cable",
    "yahoo",
    "world journal",
    "dotdotnews",
    "taiwan panorama",
    "the journalist",
    "xiamen tv",
    "taihai net",
    "seng pou",
    "newtalk",
    "新頭殼",
    "看中國",
    "中評網",
    "中评网",
    "中国评论",
    "中國評論",
    "中國台灣網",
    "中国台湾网",
    "china taiwan network",
    "ftnn",
    "匯港通訊",
];

/// Whether `actor` names a news outlet, agency, journalist or commentator (see the module docs).
pub fn is_reporting_actor(actor: &str) -> bool {
    let name = actor.to_lowercase();
    let reporter = REPORTER_WORDS
        .iter()
        .chain(OUTLETS)
        .any(|w| contains_word(&name, w))
        || REPORTER_WORDS_ZH.iter().any(|w| name.contains(w));
    let news = NEWS_WORDS.iter().any(|w| contains_word(&name, w))
        || NEWS_WORDS_ZH.iter().any(|w| name.contains(w));
    reporter || (news && !OFFICIAL_WORDS.iter().any(|w| name.contains(w)))
}

/// Whether `word` occurs in `name` with no ASCII letter or digit right before or after it (a
/// Chinese character next to it does not join it to a word: "yahoo奇摩").
fn contains_word(name: &str, word: &str) -> bool {
    name.match_indices(word).any(|(i, m)| {
        let before = name[..i].chars().next_back();
        let after = name[i + m.len()..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && c.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlets_journalists_and_commentators_are_reporting_actors() {
        for a in [
            "Xinhua News Agency",
            "Reporter (question at a PRC MFA press conference)",
            "Unnamed commentator (China Review News Agency, 中国评论通讯社)",
            "People's Daily",
            "HK01 editorial (media)",
            "Kyodo News (reporting)",
            "中央廣播電臺 (Radio Taiwan International)",
            "Yahoo奇摩新聞 (台北綜合報導)",
            "新頭殼 Newtalk",
            "Bei Pingfeng (北平鋒, commentator, Global Times)",
            "cnn",
            "CBS News",
            "Reporter (question at a U.S. State Department briefing)",
            "人民日报评论员",
        ] {
            assert!(is_reporting_actor(a), "{a}");
        }
    }

    #[test]
    fn governments_parties_and_officials_are_not() {
        for a in [
            "PRC Ministry of Foreign Affairs",
            "Taiwan Presidential Office",
            "U.S. Department of State",
            "Kuomintang",
            "Government of Honduras",
            "PRC Taiwan Affairs Office",
            "Taiwan Ministry of Foreign Affairs",
            "中华人民共和国外交部",
            "Democratic Progressive Party",
            "Government of Palau",
            // Outlet names inside other words do not count.
            "Newsom (Governor of California)",
            "Yahoonian Party",
            "Cnnection Council",
            // News words inside an official body's name or its spokesperson's title.
            "外交部新闻发言人",
            "国务院新闻办公室",
            "國台辦新聞發言人",
            "Ministry of Information and Media",
            "State Council Information Office",
        ] {
            assert!(!is_reporting_actor(a), "{a}");
        }
    }
}
