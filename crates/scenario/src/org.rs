//! Hanbit Digital Exchange: its people, its partners and their people, and the profile TOML made
//! from them. Everything else in the scenario (history, cases) reads these tables, so the profile and
//! the mail can never disagree.

pub(crate) const ORG_NAME: &str = "Hanbit Digital Exchange";
pub(crate) const ORG_KO: &str = "한빛디지털거래소";
pub(crate) const ORG_DOMAIN: &str = "hanbit-x.com";
pub(crate) const ORG_ALIASES: &[&str] = &["hanbit-x.co.kr", "hanbitx.io"];
pub(crate) const MX: &str = "mx1.hanbit-x.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Ko,
    En,
}

/// A person: an employee or a partner's contact.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Person {
    /// Profile name, family name first: "Kim Minjun".
    pub latin: &'static str,
    /// Given name first: "Minjun Kim".
    pub western: &'static str,
    /// Hangul name ("" for people without one).
    pub hangul: &'static str,
    /// Further variants for the profile.
    pub extra: &'static [&'static str],
    pub addresses: &'static [&'static str],
    pub role: &'static str,
    /// Korean title written after the name ("세무사", "팀장"); one the name matcher strips.
    pub title: &'static str,
    pub vip: bool,
    pub lang: Lang,
    /// Department or team for signatures.
    pub dept: &'static str,
}

impl Person {
    pub(crate) fn addr(&self) -> &'static str {
        self.addresses[0]
    }

    /// First (given) name in Latin letters: "Minjun".
    pub(crate) fn first(&self) -> &'static str {
        self.western.split(' ').next().unwrap_or(self.western)
    }

    /// The display name the person's own mailer shows.
    pub(crate) fn display(&self) -> &'static str {
        if self.lang == Lang::Ko && !self.hangul.is_empty() {
            self.hangul
        } else {
            self.western
        }
    }

    /// How a Korean colleague addresses them in a greeting: "김민준 세무사님".
    pub(crate) fn honorific(&self) -> String {
        if self.hangul.is_empty() {
            format!("{}님", self.western)
        } else {
            format!("{} {}님", self.hangul, self.title)
        }
    }
}

macro_rules! person {
    ($latin:expr, $western:expr, $hangul:expr, [$($extra:expr),*], [$($addr:expr),+], $role:expr, $title:expr, $vip:expr, $lang:expr, $dept:expr) => {
        Person {
            latin: $latin,
            western: $western,
            hangul: $hangul,
            extra: &[$($extra),*],
            addresses: &[$($addr),+],
            role: $role,
            title: $title,
            vip: $vip,
            lang: $lang,
            dept: $dept,
        }
    };
}

use Lang::{En, Ko};

// Employee indices, for readability where the history and cases name people.
pub(crate) const CEO: usize = 0;
pub(crate) const CFO: usize = 1;
pub(crate) const TREASURY: usize = 2;
pub(crate) const TREASURY2: usize = 3;
pub(crate) const FINANCE: usize = 4;
pub(crate) const ACCOUNTANT: usize = 5;
pub(crate) const HR: usize = 6;
pub(crate) const RECRUITER: usize = 7;
pub(crate) const CCO: usize = 8;
pub(crate) const AML: usize = 9;
pub(crate) const CISO: usize = 10;
pub(crate) const SECENG: usize = 11;
pub(crate) const OPS: usize = 12;
pub(crate) const OPS2: usize = 13;
pub(crate) const ASSISTANT: usize = 14;

pub(crate) const EMPLOYEES: &[Person] = &[
    person!(
        "Park Jiwoo",
        "Jiwoo Park",
        "박지우",
        ["J. W. Park"],
        ["jiwoo.park@hanbit-x.com", "ceo@hanbit-x.com"],
        "CEO",
        "대표",
        true,
        Ko,
        "대표이사"
    ),
    person!(
        "Choi Seoyeon",
        "Seoyeon Choi",
        "최서연",
        [],
        ["seoyeon.choi@hanbit-x.com"],
        "CFO",
        "이사",
        true,
        Ko,
        "재무본부"
    ),
    person!(
        "Lee Dohyun",
        "Dohyun Lee",
        "이도현",
        [],
        ["dohyun.lee@hanbit-x.com"],
        "Treasury manager",
        "팀장",
        false,
        Ko,
        "자금팀"
    ),
    person!(
        "Han Yuna",
        "Yuna Han",
        "한유나",
        [],
        ["yuna.han@hanbit-x.com"],
        "Treasury analyst",
        "매니저",
        false,
        Ko,
        "자금팀"
    ),
    person!(
        "Jang Minseo",
        "Minseo Jang",
        "장민서",
        [],
        ["minseo.jang@hanbit-x.com"],
        "Finance manager",
        "팀장",
        false,
        Ko,
        "재무회계팀"
    ),
    person!(
        "Oh Sungho",
        "Sungho Oh",
        "오성호",
        [],
        ["sungho.oh@hanbit-x.com"],
        "Accountant",
        "매니저",
        false,
        Ko,
        "재무회계팀"
    ),
    person!(
        "Yoon Jiho",
        "Jiho Yoon",
        "윤지호",
        [],
        ["jiho.yoon@hanbit-x.com"],
        "HR manager",
        "팀장",
        false,
        Ko,
        "인사팀"
    ),
    person!(
        "Kang Eunji",
        "Eunji Kang",
        "강은지",
        [],
        ["eunji.kang@hanbit-x.com"],
        "Recruiter",
        "매니저",
        false,
        Ko,
        "인사팀"
    ),
    person!(
        "Shin Hyunwoo",
        "Hyunwoo Shin",
        "신현우",
        [],
        ["hyunwoo.shin@hanbit-x.com"],
        "Chief compliance officer",
        "이사",
        false,
        Ko,
        "준법감시실"
    ),
    person!(
        "Lim Soyoung",
        "Soyoung Lim",
        "임소영",
        [],
        ["soyoung.lim@hanbit-x.com"],
        "AML analyst",
        "매니저",
        false,
        Ko,
        "준법감시실"
    ),
    person!(
        "Song Taeyang",
        "Taeyang Song",
        "송태양",
        [],
        ["taeyang.song@hanbit-x.com"],
        "CISO",
        "이사",
        false,
        Ko,
        "정보보호실"
    ),
    person!(
        "Kwon Nayeon",
        "Nayeon Kwon",
        "권나연",
        [],
        ["nayeon.kwon@hanbit-x.com"],
        "Security engineer",
        "매니저",
        false,
        Ko,
        "정보보호실"
    ),
    person!(
        "Jeon Woojin",
        "Woojin Jeon",
        "전우진",
        [],
        ["woojin.jeon@hanbit-x.com"],
        "Head of operations",
        "본부장",
        false,
        Ko,
        "운영본부"
    ),
    person!(
        "Baek Seungmin",
        "Seungmin Baek",
        "백승민",
        [],
        ["seungmin.baek@hanbit-x.com"],
        "Operations lead",
        "팀장",
        false,
        Ko,
        "운영팀"
    ),
    person!(
        "Moon Haeun",
        "Haeun Moon",
        "문하은",
        [],
        ["haeun.moon@hanbit-x.com"],
        "Executive assistant",
        "매니저",
        false,
        Ko,
        "대표이사실"
    ),
];

/// A partner organisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Partner {
    pub name: &'static str,
    /// Korean name, used in Korean signatures and subjects.
    pub ko: &'static str,
    pub variants: &'static [&'static str],
    pub domains: &'static [&'static str],
    pub contacts: &'static [Person],
    /// Employees who deal with the partner, first one most.
    pub staff: &'static [usize],
    /// Offset of the partner's clock from UTC in minutes.
    pub tz: i32,
    /// The partner's outgoing mail host and address, for Received lines.
    pub host: &'static str,
    pub ip: &'static str,
    /// What the profile says about the partner.
    pub comment: &'static str,
}

pub(crate) const SAMIL: usize = 0;
pub(crate) const DAOL: usize = 1;
pub(crate) const SAEBIT: usize = 2;
pub(crate) const HANEUL: usize = 3;
pub(crate) const NIMBUS: usize = 4;
pub(crate) const TIDEWATER: usize = 5;
pub(crate) const IDENZA: usize = 6;
pub(crate) const PEOPLEBRIDGE: usize = 7;

pub(crate) const PARTNERS: &[Partner] = &[
    Partner {
        name: "Samil Tax",
        ko: "삼일세무회계",
        variants: &["삼일세무회계", "Samil Tax & Accounting"],
        domains: &["samil-tax.kr"],
        contacts: &[
            person!("Kim Minjun", "Minjun Kim", "김민준", [], ["kim.minjun@samil-tax.kr"], "Tax accountant", "세무사", false, Ko, "법인세무팀"),
            person!("Seo Yejin", "Yejin Seo", "서예진", [], ["yejin.seo@samil-tax.kr"], "Tax associate", "매니저", false, Ko, "법인세무팀"),
        ],
        staff: &[FINANCE, ACCOUNTANT, CFO],
        tz: 540,
        host: "mail.samil-tax.kr",
        ip: "203.0.113.18",
        comment: "Tax accountant: VAT, withholding and corporate tax filings. Their team mailbox tax-team@samil-tax.kr is used as Reply-To.",
    },
    Partner {
        name: "Daol Law",
        ko: "법무법인 다올",
        variants: &["법무법인 다올", "Daol Law Firm"],
        domains: &["daol-law.co.kr", "daol-law.com"],
        contacts: &[
            person!("Jung Hyejin", "Hyejin Jung", "정혜진", [], ["hyejin.jung@daol-law.co.kr"], "Attorney", "변호사", false, Ko, "금융규제팀"),
            person!("Cho Wonseok", "Wonseok Cho", "조원석", [], ["wonseok.cho@daol-law.co.kr"], "Partner attorney", "변호사", false, Ko, "금융규제팀"),
        ],
        staff: &[CCO, CEO, HR],
        tz: 540,
        host: "mx.daol-law.co.kr",
        ip: "203.0.113.40",
        comment: "Law firm: regulatory filings, contracts, employment. daol-law.com is their international domain.",
    },
    Partner {
        name: "Saebit Accounting",
        ko: "새빛회계법인",
        variants: &["새빛회계법인", "Saebit Accounting Corporation"],
        domains: &["saebit-cpa.com"],
        contacts: &[
            person!("Ahn Jaehyun", "Jaehyun Ahn", "안재현", [], ["jaehyun.ahn@saebit-cpa.com"], "Audit partner", "회계사", false, Ko, "감사본부"),
            person!("Yoo Seojin", "Seojin Yoo", "유서진", [], ["seojin.yoo@saebit-cpa.com"], "Senior auditor", "회계사", false, Ko, "감사본부"),
        ],
        staff: &[FINANCE, CFO, ACCOUNTANT],
        tz: 540,
        host: "smtp.saebit-cpa.com",
        ip: "198.51.100.91",
        comment: "External auditor (annual audit, quarterly reviews, customer-asset attestation).",
    },
    Partner {
        name: "Haneul Bank",
        ko: "하늘은행",
        variants: &["하늘은행", "Haneul Bank Corporate Banking"],
        domains: &["haneulbank.co.kr"],
        contacts: &[
            person!("Nam Kyungsoo", "Kyungsoo Nam", "남경수", [], ["kyungsoo.nam@haneulbank.co.kr"], "Relationship manager", "부장", false, Ko, "기업금융센터"),
            person!("Hwang Jimin", "Jimin Hwang", "황지민", [], ["jimin.hwang@haneulbank.co.kr"], "Corporate banking officer", "대리", false, Ko, "기업금융센터"),
        ],
        staff: &[TREASURY, TREASURY2, CFO],
        tz: 540,
        host: "mail.haneulbank.co.kr",
        ip: "203.0.113.112",
        comment: "Settlement bank: customer deposit accounts, corporate accounts, real-name verified accounts.",
    },
    Partner {
        name: "Nimbus Cloud",
        ko: "님버스 클라우드",
        variants: &["님버스 클라우드", "Nimbus Cloud Korea"],
        domains: &["nimbuscloud.io"],
        contacts: &[
            person!("Emily Carter", "Emily Carter", "", [], ["emily.carter@nimbuscloud.io"], "Account manager", "매니저", false, En, "Enterprise Accounts"),
            person!("Ryu Jaewon", "Jaewon Ryu", "류재원", [], ["jaewon.ryu@nimbuscloud.io"], "Solutions architect", "매니저", false, Ko, "Solutions Architecture"),
        ],
        staff: &[CISO, SECENG, OPS],
        tz: -420,
        host: "out-3.mta.nimbuscloud.io",
        ip: "198.51.100.23",
        comment: "Cloud provider (matching engine, wallet infrastructure); notices come from mail.nimbuscloud.io.",
    },
    Partner {
        name: "Tidewater Liquidity",
        ko: "타이드워터",
        variants: &["Tidewater Liquidity Pte. Ltd.", "타이드워터"],
        domains: &["tidewater-lq.com"],
        contacts: &[
            person!("Marcus Tan", "Marcus Tan", "", [], ["marcus.tan@tidewater-lq.com"], "Head of APAC trading", "매니저", false, En, "APAC Trading"),
            person!("Priya Raman", "Priya Raman", "", [], ["priya.raman@tidewater-lq.com"], "Settlements", "매니저", false, En, "Settlements"),
        ],
        staff: &[TREASURY, OPS, TREASURY2],
        tz: 480,
        host: "mail.tidewater-lq.com",
        ip: "203.0.113.77",
        comment: "Market maker (Singapore): liquidity agreement, monthly fee invoices, on-chain settlements.",
    },
    Partner {
        name: "Idenza",
        ko: "이덴자",
        variants: &["이덴자", "Idenza KYC"],
        domains: &["idenza.com"],
        contacts: &[
            person!("Bae Sora", "Sora Bae", "배소라", [], ["sora.bae@idenza.com"], "Account manager", "매니저", false, Ko, "Korea Accounts"),
            person!("Lucas Moreau", "Lucas Moreau", "", [], ["lucas.moreau@idenza.com"], "Integration engineer", "매니저", false, En, "Integrations"),
        ],
        staff: &[CCO, AML, OPS2],
        tz: 540,
        host: "mta.idenza.com",
        ip: "192.0.2.144",
        comment: "KYC vendor: identity verification API, monthly usage invoices.",
    },
    Partner {
        name: "Peoplebridge Search",
        ko: "피플브릿지",
        variants: &["피플브릿지", "Peoplebridge"],
        domains: &["peoplebridge.kr"],
        contacts: &[
            person!("Yang Hyeri", "Hyeri Yang", "양혜리", [], ["hyeri.yang@peoplebridge.kr"], "Senior consultant", "컨설턴트", false, Ko, "IT·금융 서치팀"),
            person!("Noh Junseo", "Junseo Noh", "노준서", [], ["junseo.noh@peoplebridge.kr"], "Consultant", "컨설턴트", false, Ko, "IT·금융 서치팀"),
        ],
        staff: &[HR, RECRUITER],
        tz: 540,
        host: "mail.peoplebridge.kr",
        ip: "192.0.2.71",
        comment: "Recruitment agency (security and compliance hires).",
    },
];

/// Kim Minjun's personal address: not in the profile, learned from history, where he writes from it a
/// few times (weekends). The benign case of a partner contact on free-mail.
pub(crate) const MINJUN_GMAIL: &str = "minjun.kim.cpa@gmail.com";
/// Samil Tax's team mailbox, used as Reply-To (not a person, so not in the profile).
pub(crate) const SAMIL_TEAM: &str = "tax-team@samil-tax.kr";
/// The building manager: an outside address seen in history but named nowhere in the profile.
pub(crate) const BUILDING: &str = "admin@gangnam-tower.co.kr";

pub(crate) fn emp(i: usize) -> &'static Person {
    &EMPLOYEES[i]
}

pub(crate) fn contact(p: usize, c: usize) -> &'static Person {
    &PARTNERS[p].contacts[c]
}

fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn person_toml(table: &str, p: &Person) -> String {
    let mut variants: Vec<&str> = Vec::new();
    if !p.hangul.is_empty() {
        variants.push(p.hangul);
    }
    if p.western != p.latin {
        variants.push(p.western);
    }
    variants.extend(p.extra.iter().copied());
    let mut s = format!(
        "[[{table}]]\nname = \"{}\"\nvariants = [{}]\naddresses = [{}]\nrole = \"{}\"\n",
        p.latin,
        quoted(&variants),
        quoted(p.addresses),
        p.role
    );
    if p.vip {
        s.push_str("vip = true\n");
    }
    s
}

/// The profile, in the format of `examples/org/profile.toml` (`spearwatch_org::Profile::from_toml`).
pub(crate) fn profile_toml() -> String {
    let mut s = String::new();
    s.push_str("# Hanbit Digital Exchange: the synthetic organisation of spearwatch-scenario.\n");
    s.push_str(
        "# Generated by crates/scenario (org.rs); edit the tables there, not this file.\n\n",
    );
    s.push_str(&format!(
        "[organisation]\nname = \"{ORG_NAME}\"\ndomains = [\"{ORG_DOMAIN}\"]\naliases = [{}]\n",
        quoted(ORG_ALIASES)
    ));
    s.push_str(&format!(
        "internal_relays = [\"{MX}\", \"10.20.0.0/16\"]\ntrusted_authserv_ids = [\"{MX}\"]\nbundled_protected = true\nsector = \"crypto\"\ncountry = \"KR\"\n\n"
    ));
    s.push_str("# People. VIPs: mail from outside under their names asking for money, wallet moves or codes is BEC.\n");
    for p in EMPLOYEES {
        s.push_str(&person_toml("person", p));
        s.push('\n');
    }
    s.push_str(
        "# Partners and their people. Kim Minjun's personal gmail is deliberately NOT listed:\n",
    );
    s.push_str("# the history teaches it (he writes from it a few times).\n");
    for p in PARTNERS {
        s.push_str(&format!("# {}\n", p.comment));
        s.push_str(&format!(
            "[[partner]]\nname = \"{}\"\nvariants = [{}]\ndomains = [{}]\n\n",
            p.name,
            quoted(p.variants),
            quoted(p.domains)
        ));
        for c in p.contacts {
            s.push_str(&person_toml("partner.contact", c));
            s.push('\n');
        }
    }
    s.push_str("# Authorities beyond the bundled list (which has the NTS/Hometax, FSS and FSC).\n");
    s.push_str("[[protected]]\nname = \"Korea Customs Service\"\nkeywords = [\"관세청\", \"korea customs\"]\ndomains = [\"customs.go.kr\"]\nkind = \"authority\"\n\n");
    s.push_str("[[protected]]\nname = \"Korea Financial Intelligence Unit\"\nkeywords = [\"금융정보분석원\", \"kofiu\"]\ndomains = [\"kofiu.go.kr\"]\nkind = \"authority\"\n\n");
    s.push_str("[store]\npath = \"spearwatch-store.db\"\n");
    s
}
