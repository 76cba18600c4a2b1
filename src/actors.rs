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
//! The organs of the PRC party-state (its ministries, the Taiwan Affairs Office, embassies, the
//! army, the party) never take the supports side in their own words: where they quote, summarise
//! or rebut Taipei's words, the passage is labelled by their own position (5.14.88; none of the
//! real corpus's 1,721 train, dev and retired passages of such actors is on that side). The
//! model misreads a rebuttal now and then as the position it rebuts, so the classifier reads such
//! a statement over the other four labels when the model puts it on the supports side.
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
    /// The recorded actor is an organ of the PRC party-state and the model read the statement
    /// on the supports side: the label is the likeliest of the other four (GUIDE 5.14.88).
    PartyStateSide,
}

impl ActorRule {
    /// The name written in the `rule` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRule::ReportingActor => "reporting_actor",
            ActorRule::PartyStateSide => "party_state_side",
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

/// How the names of the PRC party-state's organs begin (case-insensitive), as the real corpus
/// records them ("PRC Ministry of Foreign Affairs", "PLA Eastern Theater Command") and as other
/// collections commonly write them. A name that only mentions China ("U.S. Embassy in China",
/// "Governments of Cambodia and China", a committee on "Canada-People's Republic of China
/// Relationship") does not begin so.
const PARTY_STATE_PREFIXES: &[&str] = &[
    "prc ",
    "pla ",
    "embassy of the prc",
    "consulate general of the prc",
    "permanent mission of the prc",
    "mission of the prc",
    "governments of the prc and",
    "xi jinping",
    "习近平",
    "習近平",
    "people's liberation army",
    "people's republic of china",
    "government of the people's republic of china",
    "embassy of the people's republic of china",
    "ministry of foreign affairs of the people's republic of china",
    "government of china",
    "chinese government",
    "chinese central government",
    "chinese foreign ministry",
    "chinese ministry of",
    "chinese embassy",
    "chinese defence ministry",
    "chinese defense ministry",
    "china's foreign ministry",
    "china's ministry of",
    "taiwan affairs office",
    "state council taiwan affairs office",
    "communist party of china",
    "chinese communist party",
    "cpc central committee",
    "china coast guard",
    "中华人民共和国",
    "中華人民共和國",
    "中国政府",
    "中國政府",
    "中国外交部",
    "中國外交部",
    "中国国防部",
    "中國國防部",
    "国务院台湾事务办公室",
    "國務院台灣事務辦公室",
    "国台办",
    "國台辦",
    "中共中央",
    "中国共产党",
    "中國共產黨",
    "中国人民解放军",
    "中國人民解放軍",
    "解放军",
    "解放軍",
    "东部战区",
    "東部戰區",
    "中国驻",
    "中國駐",
    "中国海警",
    "中國海警",
];

/// Whole names that stand for the PRC party-state (lower case).
const PARTY_STATE_NAMES: &[&str] = &["china", "beijing", "prc", "中国", "中國", "中方", "北京"];

/// How a name that gives the party-state after the body ends ("Hunan Provincial Government
/// (PRC)", "Association for Relations Across the Taiwan Straits (PRC)").
const PARTY_STATE_SUFFIXES: &[&str] = &["(prc)", "(people's republic of china)", "(china)"];

/// Whether `actor` names an organ of the PRC party-state (see the module docs). A reporting
/// actor's name can look so too ("国台办 (journalist question)"); the reporting rule decides
/// those first.
pub fn is_party_state_actor(actor: &str) -> bool {
    let name = actor.trim().to_lowercase();
    PARTY_STATE_NAMES.contains(&name.as_str())
        || PARTY_STATE_PREFIXES.iter().any(|p| name.starts_with(p))
        || PARTY_STATE_SUFFIXES.iter().any(|s| name.ends_with(s))
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

    #[test]
    fn organs_of_the_prc_party_state_are_party_state_actors() {
        for a in [
            "PRC Ministry of Foreign Affairs",
            "PRC Taiwan Affairs Office",
            "PRC Government and Government of Nauru",
            "PLA Eastern Theater Command",
            "Communist Party of China",
            "China Coast Guard",
            "Chinese Foreign Ministry",
            "Ministry of Foreign Affairs of the People's Republic of China",
            "prc embassy in the uk",
            "中华人民共和国外交部",
            "國台辦",
            "中国驻美国大使馆",
            "China",
            "Beijing",
            "Embassy of the PRC in Japan",
            "Hunan Provincial Government (PRC)",
            "Association for Relations Across the Taiwan Straits (PRC)",
            "Governments of the PRC and Nicaragua (joint communique)",
            "Xi Jinping",
        ] {
            assert!(is_party_state_actor(a), "{a}");
        }
    }

    #[test]
    fn governments_that_only_mention_china_are_not_party_state_actors() {
        for a in [
            "U.S. Embassy in China",
            "Governments of Cambodia and China",
            "Canadian House of Commons Special Committee on the Canada-People's Republic of China Relationship",
            "Taiwan Mainland Affairs Council",
            "Taiwan Ministry of Foreign Affairs",
            "外交部",
            "中華民國外交部",
            "Kuomintang",
            "Republic of China (Taiwan) Government",
            "Chinese Nationalist Party",
            "China Times",
            "Inter-Parliamentary Alliance on China (IPAC)",
            "Republic of China",
            "Taiwan (ROC) government",
        ] {
            assert!(!is_party_state_actor(a), "{a}");
        }
    }
}
