//! What organisation context costs per message: the same messages scanned without a profile and with
//! a profile of 10,000 known contacts (2,000 partners with 5 contacts each, Hangul and Latin name
//! variants) plus a learned history of those 10,000 addresses and 20,000 threads.
//!
//! Groups: `org/none/<message>` and `org/10k/<message>`; the difference of the medians is the cost of
//! the organisation-context detectors (target: <= 20 us per message).
//! Run with `cargo bench -p spearwatch-engine --bench org`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use spearwatch_engine::{Engine, OrgContext};
use spearwatch_org::observe::{Direction, Observation};
use spearwatch_org::{Knowledge, Profile};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

const SURNAMES: &[(&str, &str)] = &[
    ("Kim", "김"),
    ("Lee", "이"),
    ("Park", "박"),
    ("Choi", "최"),
    ("Jung", "정"),
    ("Kang", "강"),
    ("Cho", "조"),
    ("Yoon", "윤"),
    ("Jang", "장"),
    ("Lim", "임"),
];
const GIVEN: &[(&str, &str)] = &[
    ("Minjun", "민준"),
    ("Seoyeon", "서연"),
    ("Dohyun", "도현"),
    ("Jiwoo", "지우"),
    ("Hayoon", "하윤"),
    ("Siwoo", "시우"),
    ("Jiho", "지호"),
    ("Sua", "수아"),
    ("Yejun", "예준"),
    ("Jiyu", "지유"),
    ("Eunwoo", "은우"),
    ("Harin", "하린"),
    ("Juwon", "주원"),
    ("Chaewon", "채원"),
    ("Hyunwoo", "현우"),
    ("Jimin", "지민"),
    ("Gunwoo", "건우"),
    ("Yuna", "유나"),
    ("Woojin", "우진"),
    ("Soyul", "소율"),
];

/// Partner `p`'s contact `c`: a unique Latin name (surname, given name, a number word) and its Hangul form.
fn person(p: usize, c: usize) -> (String, String, String) {
    let (s, sh) = SURNAMES[(p * 5 + c) % SURNAMES.len()];
    let (g, gh) = GIVEN[(p * 5 + c) / SURNAMES.len() % GIVEN.len()];
    let n = p * 5 + c;
    (
        format!("{s} {g} {}", n / 200),
        format!(
            "{sh}{gh}{}",
            ["가", "나", "다", "라", "마", "바", "사", "아", "자", "차"][n / 200 % 10]
        ),
        format!(
            "{}.{}{n}@partner{p}.co.kr",
            g.to_lowercase(),
            s.to_lowercase()
        ),
    )
}

fn big_org() -> OrgContext {
    let mut toml = String::from(
        "[organisation]\nname = \"Hanbit Digital Exchange\"\ndomains = [\"hanbit-x.com\"]\ntrusted_authserv_ids = [\"mx1.hanbit-x.com\"]\n\n[[person]]\nname = \"Park Jiwoo\"\nvariants = [\"박지우\"]\naddresses = [\"jiwoo.park@hanbit-x.com\"]\nvip = true\n",
    );
    let mut knowledge = Knowledge::default();
    for p in 0..2_000 {
        let _ = write!(
            toml,
            "\n[[partner]]\nname = \"Partner Company {p}\"\ndomains = [\"partner{p}.co.kr\"]\n"
        );
        for c in 0..5 {
            let (latin, hangul, addr) = person(p, c);
            let _ = write!(toml, "[[partner.contact]]\nname = \"{latin}\"\nvariants = [\"{hangul}\"]\naddresses = [\"{addr}\"]\n");
            for t in 0..2 {
                knowledge.apply(&Observation {
                    key: format!("{addr}{t}"),
                    at: 1_770_000_000 + (p * 10 + c * 2 + t) as i64 * 600,
                    from: addr.clone(),
                    from_name: Some(latin.clone()),
                    recipients: vec!["finance@hanbit-x.com".into()],
                    direction: Direction::Inbound,
                    message_id: Some(format!("{p}.{c}.{t}@partner{p}.co.kr")),
                    thread: Some(format!("{p}.{c}.{t}@partner{p}.co.kr")),
                    is_reply: false,
                });
            }
        }
    }
    let profile = Profile::from_toml(&toml).expect("generated profile parses");
    assert_eq!(profile.people_count(), 10_001);
    OrgContext::new(profile, knowledge)
}

fn messages() -> Vec<(&'static str, String)> {
    let (latin, _, addr) = person(1234, 3);
    vec![
        ("known_contact", format!("From: \"{latin}\" <{addr}>\r\nTo: finance@hanbit-x.com\r\nSubject: Q3 invoice\r\nDate: Tue, 3 Nov 2026 10:00:00 +0900\r\nMessage-ID: <a1@partner1234.co.kr>\r\nIn-Reply-To: <1234.3.0@partner1234.co.kr>\r\nAuthentication-Results: mx1.hanbit-x.com; spf=pass smtp.mailfrom=partner1234.co.kr; dkim=pass header.d=partner1234.co.kr; dmarc=pass header.from=partner1234.co.kr\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nplease find the Q3 statement in our portal as usual. Let me know if anything is unclear.\r\n\r\nBest regards\r\n{latin}\r\n")),
        ("impersonation", format!("From: \"{latin}\" <{}.tax@gmail.com>\r\nTo: finance@hanbit-x.com\r\nSubject: 계좌 변경 안내\r\nDate: Tue, 3 Nov 2026 10:00:00 +0900\r\nMessage-ID: <b2@mail.gmail.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n안녕하세요, 입금 계좌가 변경되어 안내드립니다. 오늘 중으로 새 계좌로 송금 부탁드립니다.\r\n", latin.split(' ').nth(1).unwrap_or("x").to_lowercase())),
        ("newsletter", "From: News <news@some-vendor.example.com>\r\nTo: ops@hanbit-x.com\r\nSubject: This month at Some Vendor\r\nDate: Tue, 3 Nov 2026 10:00:00 +0900\r\nMessage-ID: <c3@some-vendor.example.com>\r\nList-Id: <news.some-vendor.example.com>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><h1>News</h1><p>Our new release is out. <a href=\"https://www.some-vendor.example.com/blog/release\">Read more</a></p><p><a href=\"https://www.some-vendor.example.com/unsubscribe\">Unsubscribe</a></p></body></html>\r\n".to_string()),
    ]
}

fn bench(c: &mut Criterion) {
    let plain = Engine::default();
    let org = Engine::default().with_org(Arc::new(big_org()));
    let mut g = c.benchmark_group("org");
    g.measurement_time(Duration::from_secs(4));
    for (name, raw) in messages() {
        g.bench_with_input(BenchmarkId::new("none", name), &raw, |b, raw| {
            b.iter(|| black_box(plain.scan(raw.as_bytes(), "bench")))
        });
        g.bench_with_input(BenchmarkId::new("10k", name), &raw, |b, raw| {
            b.iter(|| black_box(org.scan(raw.as_bytes(), "bench")))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
