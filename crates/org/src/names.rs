//! Display-name keys: the part of a display name that names the person.
//!
//! Mail clients show display names in many shapes for one person: "Kim Minjun", "Minjun Kim",
//! "KIM Min-jun", "Kim, Minjun", "Minjun Kim (Samil Tax)", "김민준 세무사", "김민준 | 삼일세무회계",
//! "Dr. Minjun Kim, CPA". [`name_key`] reduces them to one comparable key: company parts after a
//! separator or in brackets dropped, titles and honorifics dropped, Latin tokens lower-cased with
//! hyphens removed and sorted (so word order does not matter), Hangul joined without spaces.
//!
//! Hangul and Latin forms of one name are not romanised into each other: "김민준" and "Kim Minjun" meet
//! because the profile lists both, or because history saw both names on one address.

/// Titles, honorifics, positions and professional suffixes that follow or precede names.
const TITLES: &[&str] = &[
    // English
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "madam",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "ciso",
    "cpa",
    "phd",
    "esq",
    "jr",
    "sr",
    "mba",
    "manager",
    "director",
    "president",
    "chairman",
    "vp",
    "team",
    "lead",
    "head",
    "accountant",
    "attorney",
    "lawyer",
    "partner",
    "associate",
    "officer",
    "secretary",
    "assistant",
    "intern",
    // Korean (written as separate words: "김민준 세무사", "박지우 대표님")
    "님",
    "씨",
    "귀하",
    "대표",
    "대표님",
    "대표이사",
    "이사",
    "이사님",
    "상무",
    "상무님",
    "전무",
    "전무님",
    "부장",
    "부장님",
    "차장",
    "차장님",
    "과장",
    "과장님",
    "대리",
    "대리님",
    "사원",
    "주임",
    "팀장",
    "팀장님",
    "실장",
    "실장님",
    "본부장",
    "본부장님",
    "회장",
    "회장님",
    "사장",
    "사장님",
    "부사장",
    "세무사",
    "회계사",
    "변호사",
    "노무사",
    "법무사",
    "교수",
    "교수님",
    "박사",
    "박사님",
    "선생님",
    "매니저",
    "담당",
    "담당자",
    "책임",
    "책임님",
    "선임",
    "선임님",
    "수석",
    "연구원",
    "위원",
    "위원장",
    "원장",
    "국장",
    "처장",
    "센터장",
    "그룹장",
    "파트장",
    "드림",
    "올림",
];

/// Korean titles written straight after the name without a space ("김민준님", "박지우대표").
const ATTACHED_TITLES: &[&str] = &[
    "대표이사",
    "본부장님",
    "본부장",
    "대표님",
    "이사님",
    "팀장님",
    "부장님",
    "과장님",
    "실장님",
    "세무사",
    "회계사",
    "변호사",
    "대표",
    "이사",
    "팀장",
    "부장",
    "과장",
    "대리",
    "실장",
    "님",
];

/// The comparable key of a display name, or `None` when too little of a name is left to compare
/// (fewer than two Hangul syllables or four letters): "Kim" alone or "HR" would match far too much.
pub fn name_key(display: &str) -> Option<String> {
    let mut s = display.trim().trim_matches(['"', '\'']).to_string();
    // Company or department in brackets: "Minjun Kim (Samil Tax)", "김민준[삼일세무]".
    for (open, close) in [
        ('(', ')'),
        ('[', ']'),
        ('<', '>'),
        ('（', '）'),
        ('【', '】'),
    ] {
        while let Some(i) = s.find(open) {
            let end = s[i..]
                .find(close)
                .map_or(s.len(), |j| i + j + close.len_utf8());
            s.replace_range(i..end, " ");
        }
    }
    // "Name | Company", "Name / Company", "Name - Company", "Name @ Company", "Name, CPA": the name is
    // the first segment, unless that is a bare surname ("Kim, Minjun" is "Last, First").
    for sep in [" | ", "|", " / ", " - ", " – ", " @ ", " at "] {
        if let Some(i) = s.find(sep) {
            s.truncate(i);
        }
    }
    if let Some((first, rest)) = s.split_once(',') {
        let first_words = first.split_whitespace().count();
        s = if first_words == 1 {
            format!("{first} {rest}")
        } else {
            first.to_string()
        };
    }

    let mut latin: Vec<String> = Vec::new();
    let mut hangul = String::new();
    for word in s.split(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '·' | '_')) {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        let lower = w.to_lowercase();
        if TITLES.contains(&lower.as_str()) {
            continue;
        }
        if w.chars().any(is_hangul) {
            let mut h: String = w.chars().filter(|c| is_hangul(*c)).collect();
            // "김민준님", "박지우대표": a title stuck to a name of at least two syllables.
            for t in ATTACHED_TITLES {
                if let Some(stripped) = h.strip_suffix(t) {
                    if stripped.chars().count() >= 2 {
                        h = stripped.to_string();
                        break;
                    }
                }
            }
            hangul.push_str(&h);
        } else {
            let t: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
            if !t.is_empty() {
                latin.push(t);
            }
        }
    }
    if hangul.chars().count() >= 2 && latin.is_empty() {
        return Some(hangul);
    }
    if !hangul.is_empty() {
        // Mixed "김민준 Minjun": keep both parts so it still matches only itself.
        latin.push(hangul);
    }
    latin.sort();
    let key = latin.join(" ");
    (key.chars().filter(|c| c.is_alphanumeric()).count() >= 4 && !key.is_empty()).then_some(key)
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_many_shapes() {
        let k = name_key("Kim Minjun").unwrap();
        for v in [
            "Minjun Kim",
            "KIM Minjun",
            "Kim, Minjun",
            "Minjun Kim (Samil Tax)",
            "\"Minjun Kim\"",
            "Dr. Minjun Kim, CPA",
            "Minjun Kim | Samil Tax",
            "Mr Kim Minjun",
        ] {
            assert_eq!(name_key(v).as_deref(), Some(k.as_str()), "{v}");
        }
        let h = name_key("김민준").unwrap();
        for v in [
            "김민준 세무사",
            "김 민준",
            "김민준님",
            "김민준 (삼일세무회계)",
            "김민준 | 삼일세무",
            "김민준 드림",
        ] {
            assert_eq!(name_key(v).as_deref(), Some(h.as_str()), "{v}");
        }
        assert_eq!(name_key("Kim Min-jun"), name_key("Minjun Kim"));
    }

    #[test]
    fn too_little_to_compare() {
        for v in ["Kim", "HR", "", "   ", "김", "Dr. Li", "(Samil Tax)"] {
            assert_eq!(name_key(v), None, "{v}");
        }
    }

    #[test]
    fn different_people_differ() {
        assert_ne!(name_key("Kim Minjun"), name_key("Kim Minji"));
        assert_ne!(name_key("김민준"), name_key("김민지"));
    }
}
