//! Nine months of mail (2026-01 to 2026-09) as the organisation's mailboxes hold it: threads with each
//! partner (inbound, and the employees' replies from hanbit-x.com), internal threads, notices from
//! authorities, vendor newsletters, and the building manager's monthly bills.
//!
//! What the cases rely on is kept in [`Thread`]: Message-IDs and participants, so that a hijack case
//! can answer a real message and a benign reply can come from a real participant.

use crate::compose::{ar_pass, domain_of, mb, message_id, Draft, Mb, Via};
use crate::files::pdf;
use crate::mime::{kst, rfc5322_date, wall, Attachment, MONTHS_LONG};
use crate::org::{
    emp, Lang, Partner, Person, ACCOUNTANT, AML, BUILDING, CCO, CISO, FINANCE, MINJUN_GMAIL, OPS,
    ORG_KO, ORG_NAME, PARTNERS, SAMIL, SAMIL_TEAM, SECENG,
};
use crate::rng::Rng;
use crate::topics::{Topic, INTERNAL, PARTNER_TOPICS};
use crate::Message;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Partner(usize),
    Internal,
    /// The building manager (an outside address the profile does not name).
    Building,
}

/// One message of a thread, as later mail refers to it.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub id: String,
    pub from: Mb,
    pub at: i64,
    pub subject: String,
    /// The text above any quoted parent, for quoting in a reply.
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Thread {
    pub kind: Kind,
    /// Index of the topic in its partner's table (or in `INTERNAL`).
    pub topic: usize,
    pub subject: String,
    pub msgs: Vec<Sent>,
    /// Every address in From, To or Cc of the thread, lower-case.
    pub participants: Vec<String>,
    /// Kim Minjun wrote in it from his personal gmail.
    pub gmail: bool,
    /// The employee who carried the thread.
    pub employee: usize,
}

impl Thread {
    pub(crate) fn last(&self) -> &Sent {
        // Threads are built with at least one message.
        &self.msgs[self.msgs.len() - 1]
    }

    /// In-Reply-To and References (RFC 5322 §3.6.4) of a reply to the last message.
    pub(crate) fn reply_refs(&self) -> (String, Vec<String>) {
        (
            self.last().id.clone(),
            self.msgs.iter().map(|m| m.id.clone()).collect(),
        )
    }
}

pub(crate) struct History {
    pub messages: Vec<Message>,
    pub threads: Vec<Thread>,
}

/// Values of the placeholders of one thread.
pub(crate) struct Vars {
    yyyy: String,
    mon: String,
    mm: String,
    mon_en: String,
    q: String,
    day: String,
    due_ko: String,
    due_en: String,
    amt: String,
    usd: String,
    n: String,
    tx: String,
}

impl Vars {
    fn new(rng: &mut Rng, at: i64, prefix: &str) -> Vars {
        let (y, m, d, ..) = wall(at, 540);
        let due = at + 86_400 * rng.range(6, 14);
        let (_, dm, dd, ..) = wall(due, 540);
        let amt = rng.range(120, 4800) * 10_000;
        let usd_cents = rng.range(1_200_000, 9_500_000);
        Vars {
            yyyy: y.to_string(),
            mon: m.to_string(),
            mm: format!("{m:02}"),
            mon_en: MONTHS_LONG[(m as usize + 11) % 12].to_string(),
            q: (m.div_ceil(3)).to_string(),
            day: d.to_string(),
            due_ko: format!("{dm}월 {dd}일"),
            due_en: format!("{} {dd}", MONTHS_LONG[(dm as usize + 11) % 12]),
            amt: thousands(amt),
            usd: format!("{}.{:02}", thousands(usd_cents / 100), usd_cents % 100),
            n: format!("{prefix}-{y}-{:04}", rng.range(100, 9999)),
            tx: format!("0x{}", rng.hex(64)),
        }
    }

    fn fill(&self, t: &str, lang: Lang) -> String {
        t.replace("{yyyy}", &self.yyyy)
            .replace("{mon_en}", &self.mon_en)
            .replace("{mon}", &self.mon)
            .replace("{mm}", &self.mm)
            .replace("{q}", &self.q)
            .replace("{day}", &self.day)
            .replace(
                "{due}",
                if lang == Lang::Ko {
                    &self.due_ko
                } else {
                    &self.due_en
                },
            )
            .replace("{amt}", &self.amt)
            .replace("{usd}", &self.usd)
            .replace("{n}", &self.n)
            .replace("{tx}", &self.tx)
    }
}

/// 12480000 -> "12,480,000".
pub(crate) fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A stable office phone number for an address (FNV-1a of the address).
pub(crate) fn phone(addr: &str) -> String {
    let mut h: u32 = 0x811C_9DC5;
    for b in addr.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("02-{}-{:04}", 3000 + h % 6000, (h >> 13) % 10_000)
}

/// Korean or English greeting, signature and quoted parent around a body's point.
pub(crate) fn letter(
    rng: &mut Rng,
    lang: Lang,
    from: &Person,
    from_org: (&str, &str),
    to: &Person,
    core: &str,
) -> String {
    match lang {
        Lang::Ko => {
            let greet = match rng.below(4) {
                0 => format!(
                    "{}, 안녕하세요.\n{} {}입니다.\n\n",
                    to.honorific(),
                    from_org.1,
                    from.hangul
                ),
                1 => format!("안녕하세요, {}.\n\n", to.honorific()),
                2 => format!("{},\n\n", to.honorific()),
                _ => format!(
                    "{} 안녕하세요,\n{} {} {}입니다.\n\n",
                    to.honorific(),
                    from_org.1,
                    from.hangul,
                    from.title
                ),
            };
            let close = *rng.pick(&[
                "감사합니다.",
                "감사합니다.",
                "좋은 하루 보내세요.",
                "잘 부탁드립니다.",
            ]);
            format!(
                "{greet}{core}\n\n{close}\n\n{} {}\n{} | {}\nT. {}\n",
                if from.hangul.is_empty() {
                    from.western
                } else {
                    from.hangul
                },
                from.title,
                from_org.1,
                from.dept,
                phone(from.addr())
            )
        }
        Lang::En => {
            let greet = match rng.below(3) {
                0 => format!("Hi {},\n\n", to.first()),
                1 => format!("Dear {},\n\n", to.western),
                _ => format!("Hello {},\n\n", to.first()),
            };
            let close = *rng.pick(&["Best regards,", "Thanks,", "Kind regards,", "Best,"]);
            format!(
                "{greet}{core}\n\n{close}\n{}\n{} | {}\n",
                from.western, from.role, from_org.0
            )
        }
    }
}

/// The parent quoted under a reply, the way Outlook (Korean) and Gmail-style clients (English) do.
pub(crate) fn quote(lang: Lang, from: &Mb, at: i64, subject: &str, text: &str) -> String {
    match lang {
        Lang::Ko => {
            let (y, m, d, hh, mm, ..) = wall(at, 540);
            format!(
                "\n\n-----Original Message-----\nFrom: \"{}\" <{}>\nSent: {y}-{m:02}-{d:02} {hh:02}:{mm:02}\nSubject: {subject}\n\n{text}",
                from.0, from.1
            )
        }
        Lang::En => {
            let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect();
            format!(
                "\n\nOn {}, {} <{}> wrote:\n{quoted}",
                rfc5322_date(at, 540),
                from.0,
                from.1
            )
        }
    }
}

/// Moves `ts` into office hours (08-19 KST, Monday to Friday).
fn office_hours(rng: &mut Rng, mut ts: i64) -> i64 {
    loop {
        let (_, _, _, hh, _, _, wd) = wall(ts, 540);
        if wd == 0 || wd == 6 {
            ts += 86_400;
            ts = ts - i64::from(hh) * 3600 + 9 * 3600 + rng.range(0, 50) * 60;
            continue;
        }
        if hh < 8 {
            ts += i64::from(9 - hh) * 3600 + rng.range(0, 40) * 60;
            continue;
        }
        if hh >= 19 {
            ts += i64::from(24 - hh + 9) * 3600 + rng.range(0, 40) * 60;
            continue;
        }
        return ts;
    }
}

fn mailer(kind: Kind, org_side: bool) -> Option<&'static str> {
    if org_side {
        return Some("Microsoft Outlook 16.0");
    }
    match kind {
        Kind::Partner(0) | Kind::Partner(3) => Some("Microsoft Outlook 16.0"),
        Kind::Partner(2) => Some("Hiworks Mail"),
        Kind::Partner(7) => Some("Daou Office"),
        _ => None,
    }
}

fn invoice_prefix(p: usize) -> &'static str {
    ["SMT", "DAOL", "SBA", "HNB", "NBC", "TW", "IDZ", "PB"][p % 8]
}

fn attachment(v: &Vars, lang: Lang, name: &str, partner: &str) -> Attachment {
    let name = v.fill(name, lang);
    let title = format!("{ORG_NAME} / {partner}");
    let reference = format!("Reference: {}", v.n);
    let amount = format!("Amount: KRW {} / USD {}", v.amt, v.usd);
    let period = format!("Period: {}-{}", v.yyyy, v.mm);
    Attachment {
        content_type: "application/pdf",
        data: pdf(&title, &[&reference, &amount, &period, "Confidential"]),
        name,
    }
}

struct Gen {
    rng: Rng,
    /// (time, sequence, raw): sorted by time at the end.
    out: Vec<(i64, usize, String)>,
    threads: Vec<Thread>,
}

impl Gen {
    fn push(&mut self, d: &Draft) {
        let raw = d.build(&mut self.rng);
        let seq = self.out.len();
        self.out.push((d.at, seq, raw));
    }

    /// `base` plus up to `jitter_minutes`, moved into office hours.
    fn hours(&mut self, base: i64, jitter_minutes: i64) -> i64 {
        let j = self.rng.range(0, jitter_minutes) * 60;
        office_hours(&mut self.rng, base + j)
    }

    fn id(&mut self, at: i64, from: &str) -> String {
        let seq = self.out.len() + 1;
        message_id(&mut self.rng, at, from, seq)
    }

    fn partner_threads(&mut self) {
        const COUNTS: [usize; 8] = [16, 10, 9, 12, 10, 12, 8, 10];
        // Samil threads in which Kim Minjun answers from his personal gmail.
        const GMAIL: [usize; 4] = [0, 2, 7, 12];
        for (pi, partner) in PARTNERS.iter().enumerate() {
            let topics = PARTNER_TOPICS[pi];
            let count = COUNTS[pi];
            for k in 0..count {
                let ti = k % topics.len();
                let gmail = pi == SAMIL && GMAIL.contains(&k);
                let day = (k * 262 / count) as i64 + self.rng.range(0, 7);
                let start = kst(2026, 1, 5, 9, 0) + day * 86_400 + self.rng.range(0, 8 * 60) * 60;
                let start = office_hours(&mut self.rng, start);
                self.partner_thread(pi, partner, ti, &topics[ti], start, gmail);
            }
        }
    }

    fn partner_thread(
        &mut self,
        pi: usize,
        partner: &'static Partner,
        ti: usize,
        topic: &Topic,
        start: i64,
        gmail: bool,
    ) {
        let kind = Kind::Partner(pi);
        let v = Vars::new(&mut self.rng, start, invoice_prefix(pi));
        let subject = v.fill(topic.subject, topic.lang);
        let max = topic.bodies.len().min(6);
        let min = if gmail { 4.min(max) } else { 2.min(max) };
        let len = self.rng.range(min as i64, max as i64) as usize;
        let main_contact = &partner.contacts[topic.contact % partner.contacts.len()];
        let main_emp = partner.staff[topic.staff % partner.staff.len()];
        // A colleague copied on the organisation's side for the whole thread, sometimes.
        let cc_colleague = if self.rng.chance(30) {
            partner.staff.iter().copied().find(|&e| e != main_emp)
        } else {
            None
        };
        let mut thread = Thread {
            kind,
            topic: ti,
            subject: subject.clone(),
            msgs: Vec::new(),
            participants: Vec::new(),
            gmail,
            employee: main_emp,
        };
        let mut at = start;
        let mut gmail_used = false;
        // Who last wrote on each side (person, address used, Reply-To).
        let mut last_partner: Option<(&'static Person, String, Option<String>)> = None;
        let mut last_emp: Option<usize> = None;
        let mut prev: Option<(Mb, i64, String, String)> = None; // from, at, subject, text
        for j in 0..len {
            let partner_side = (j % 2 == 0) == topic.partner_opens;
            let body = &topic.bodies[j];
            let core = v.fill(body.text, topic.lang);
            let subj = if j == 0 {
                subject.clone()
            } else if topic.lang == Lang::Ko {
                format!("RE: {subject}")
            } else {
                format!("Re: {subject}")
            };
            let mut files = Vec::new();
            if !body.file.is_empty() {
                files.push(attachment(&v, topic.lang, body.file, partner.name));
            }
            let mut d;
            let mut personal = false;
            if partner_side {
                // The thread's contact, or now and then the colleague at the partner.
                let person: &'static Person =
                    if j >= 2 && partner.contacts.len() > 1 && self.rng.chance(15) {
                        partner
                            .contacts
                            .iter()
                            .find(|c| c.latin != main_contact.latin)
                            .unwrap_or(main_contact)
                    } else {
                        main_contact
                    };
                let use_gmail = gmail && !gmail_used && j >= 1 && person.latin == "Kim Minjun";
                let (name, addr) = if use_gmail {
                    gmail_used = true;
                    personal = true;
                    ("Kim Minjun".to_string(), MINJUN_GMAIL.to_string())
                } else {
                    (person.display().to_string(), person.addr().to_string())
                };
                let to_emp = last_emp.unwrap_or(main_emp);
                let mut text = letter(
                    &mut self.rng,
                    topic.lang,
                    person,
                    (partner.name, partner.ko),
                    emp(to_emp),
                    &if use_gmail {
                        format!("외근 중이라 개인 메일로 회신드립니다.\n\n{core}")
                    } else {
                        core.clone()
                    },
                );
                if let Some((pf, pat, ps, pt)) = &prev {
                    text.push_str(&quote(topic.lang, pf, *pat, ps, pt));
                }
                let id = self.id(at, &addr);
                d = Draft::new(
                    mb(&name, &addr),
                    vec![mb(emp(to_emp).display(), emp(to_emp).addr())],
                    &subj,
                    at,
                    id,
                );
                if let Some(c) = cc_colleague.filter(|&c| c != to_emp) {
                    d.cc.push(mb(emp(c).display(), emp(c).addr()));
                }
                if use_gmail {
                    d.cc.push(mb(person.display(), person.addr()));
                }
                let dom = domain_of(&addr).to_string();
                let (host, ip) = if use_gmail {
                    (
                        "mail-sor-f41.google.com".to_string(),
                        "209.85.220.41".to_string(),
                    )
                } else {
                    (partner.host.to_string(), partner.ip.to_string())
                };
                d.via = Via::Inbound { host, ip };
                d.text = text;
                d.auth.push(ar_pass(&dom));
                d.tz = if use_gmail { 540 } else { partner.tz };
                let mut reply_to = None;
                if pi == SAMIL && !use_gmail && (person.latin == "Seo Yejin" || self.rng.chance(30))
                {
                    d.reply_to = Some(mb("삼일세무회계 법인세무팀", SAMIL_TEAM));
                    reply_to = Some(SAMIL_TEAM.to_string());
                }
                last_partner = Some((person, addr.clone(), reply_to));
            } else {
                // The employee carrying the thread, or a colleague joining.
                let e = if j >= 2 && self.rng.chance(15) {
                    partner
                        .staff
                        .iter()
                        .copied()
                        .find(|&s| s != main_emp)
                        .unwrap_or(main_emp)
                } else {
                    main_emp
                };
                let me = emp(e);
                let (to_person, to_addr) = match &last_partner {
                    Some((p, a, rt)) => (*p, rt.clone().unwrap_or_else(|| a.clone())),
                    None => (main_contact, main_contact.addr().to_string()),
                };
                let mut text = letter(
                    &mut self.rng,
                    topic.lang,
                    me,
                    (ORG_NAME, ORG_KO),
                    to_person,
                    &core,
                );
                if let Some((pf, pat, ps, pt)) = &prev {
                    text.push_str(&quote(topic.lang, pf, *pat, ps, pt));
                }
                let id = self.id(at, me.addr());
                let to_name = if to_addr == SAMIL_TEAM {
                    "삼일세무회계 법인세무팀".to_string()
                } else if to_addr == MINJUN_GMAIL {
                    "Kim Minjun".to_string()
                } else {
                    to_person.display().to_string()
                };
                d = Draft::new(
                    mb(me.display(), me.addr()),
                    vec![mb(&to_name, &to_addr)],
                    &subj,
                    at,
                    id,
                );
                if to_addr != to_person.addr() {
                    d.cc.push(mb(to_person.display(), to_person.addr()));
                }
                if let Some(c) = cc_colleague.filter(|&c| c != e) {
                    d.cc.push(mb(emp(c).display(), emp(c).addr()));
                }
                if e != main_emp {
                    d.cc.push(mb(emp(main_emp).display(), emp(main_emp).addr()));
                }
                d.via = Via::Outbound;
                d.text = text;
                last_emp = Some(e);
            }
            if let Some(m) = mailer(kind, !partner_side).filter(|_| !personal) {
                d.extra.push(("X-Mailer".into(), m.into()));
            }
            if j > 0 {
                let (irt, refs) = thread.reply_refs();
                d.in_reply_to = Some(irt);
                d.references = refs;
            }
            d.files = files;
            d.base64 = self.rng.chance(35);
            self.push(&d);
            for a in std::iter::once(&d.from).chain(&d.to).chain(&d.cc) {
                let a = a.1.to_lowercase();
                if !thread.participants.contains(&a) {
                    thread.participants.push(a);
                }
            }
            thread.msgs.push(Sent {
                id: d.id.clone(),
                from: d.from.clone(),
                at,
                subject: subj.clone(),
                text: first_part(&d.text),
            });
            prev = Some((d.from.clone(), at, subj.clone(), first_part(&d.text)));
            let gap = self.rng.range(40 * 60, 26 * 3600);
            at = office_hours(&mut self.rng, at + gap);
        }
        self.threads.push(thread);
    }

    fn internal_threads(&mut self) {
        const COUNTS: [usize; 8] = [6, 3, 1, 4, 5, 8, 4, 2];
        for (ii, &count) in COUNTS.iter().enumerate().take(INTERNAL.len()) {
            for k in 0..count {
                let day = (k * 262 / count) as i64 + self.rng.range(0, 9) + ii as i64;
                let start = self.hours(kst(2026, 1, 6, 9, 30) + day * 86_400, 7 * 60);
                self.internal_thread(ii, start);
            }
        }
    }

    fn internal_thread(&mut self, ii: usize, start: i64) {
        let it = &INTERNAL[ii];
        let v = Vars::new(&mut self.rng, start, "INT");
        let subject = v.fill(it.subject, Lang::Ko);
        let mut thread = Thread {
            kind: Kind::Internal,
            topic: ii,
            subject: subject.clone(),
            msgs: Vec::new(),
            participants: Vec::new(),
            gmail: false,
            employee: it.writers[0],
        };
        let mut at = start;
        let mut prev: Option<(Mb, i64, String, String)> = None;
        for (j, body) in it.bodies.iter().enumerate() {
            let w = it.writers[j % it.writers.len()];
            let me = emp(w);
            let to: Vec<usize> = if j == 0 {
                let mut t: Vec<usize> = it.writers[1..].to_vec();
                if t.is_empty() {
                    t = it.also.to_vec();
                }
                t
            } else {
                vec![it.writers[j - 1]]
            };
            let cc: Vec<usize> = it
                .writers
                .iter()
                .chain(it.also)
                .copied()
                .filter(|x| *x != w && !to.contains(x))
                .collect();
            let core = v.fill(body, Lang::Ko);
            let first = emp(to[0]);
            let mut text = letter(
                &mut self.rng,
                Lang::Ko,
                me,
                (ORG_NAME, ORG_KO),
                first,
                &core,
            );
            let subj = if j == 0 {
                subject.clone()
            } else {
                format!("RE: {subject}")
            };
            if let Some((pf, pat, ps, pt)) = &prev {
                text.push_str(&quote(Lang::Ko, pf, *pat, ps, pt));
            }
            let id = self.id(at, me.addr());
            let mut d = Draft::new(
                mb(me.display(), me.addr()),
                to.iter()
                    .map(|&e| mb(emp(e).display(), emp(e).addr()))
                    .collect(),
                &subj,
                at,
                id,
            );
            d.cc = cc
                .iter()
                .map(|&e| mb(emp(e).display(), emp(e).addr()))
                .collect();
            d.via = Via::Internal;
            d.auth.push(ar_pass("hanbit-x.com"));
            d.extra
                .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
            if j > 0 {
                let (irt, refs) = thread.reply_refs();
                d.in_reply_to = Some(irt);
                d.references = refs;
            }
            d.text = text;
            d.base64 = self.rng.chance(30);
            self.push(&d);
            for a in std::iter::once(&d.from).chain(&d.to).chain(&d.cc) {
                if !thread.participants.contains(&a.1) {
                    thread.participants.push(a.1.clone());
                }
            }
            thread.msgs.push(Sent {
                id: d.id.clone(),
                from: d.from.clone(),
                at,
                subject: subj.clone(),
                text: first_part(&d.text),
            });
            prev = Some((d.from.clone(), at, subj.clone(), first_part(&d.text)));
            let gap = self.rng.range(20 * 60, 6 * 3600);
            at = office_hours(&mut self.rng, at + gap);
        }
        self.threads.push(thread);
    }

    /// One-off mail: authorities, newsletters, vendor notices.
    #[allow(clippy::too_many_arguments)]
    fn notice(
        &mut self,
        from: Mb,
        to: &[usize],
        subject: &str,
        text: &str,
        at: i64,
        host: &str,
        ip: &str,
        list: Option<&str>,
        html: Option<String>,
        file: Option<Attachment>,
    ) -> String {
        let id = self.id(at, &from.1);
        let mut d = Draft::new(
            from.clone(),
            to.iter()
                .map(|&e| mb(emp(e).display(), emp(e).addr()))
                .collect(),
            subject,
            at,
            id.clone(),
        );
        let dom = domain_of(&from.1).to_string();
        // Newsletters bounce to a VERP address on the sending domain (RFC 5321 §4.4 Return-Path).
        if let Some(l) = list {
            d.return_path = Some(format!("bounce-{}@{dom}", self.rng.hex(10)));
            d.extra.push(("List-Id".into(), format!("<{l}>")));
            d.extra.push((
                "List-Unsubscribe".into(),
                format!("<https://{dom}/unsubscribe?u={}>", self.rng.hex(12)),
            ));
            d.extra.push(("Precedence".into(), "bulk".into()));
        }
        let auth_domain = registrable(&dom);
        d.auth.push(crate::compose::ar(
            "pass",
            &dom,
            "pass",
            auth_domain,
            "pass",
            &dom,
        ));
        d.via = Via::Inbound {
            host: host.to_string(),
            ip: ip.to_string(),
        };
        d.text = text.to_string();
        d.html = html;
        if let Some(f) = file {
            d.files.push(f);
        }
        d.base64 = self.rng.chance(50);
        self.push(&d);
        id
    }

    fn notices(&mut self) {
        let nts = mb("국세청", "webmaster@nts.go.kr");
        let hometax = mb("홈택스", "noreply@hometax.go.kr");
        let fss = mb("금융감독원", "fssnotice@fss.or.kr");
        let kofiu = mb("금융정보분석원", "admin@kofiu.go.kr");
        let nts_subjects = [
            (1, 12, "[국세청] 2025년 2기 부가가치세 확정신고 안내", "2025년 2기 부가가치세 확정신고·납부 기한은 1월 26일입니다.\n홈택스(https://www.hometax.go.kr)에서 전자신고하실 수 있습니다."),
            (3, 9, "[국세청] 2025 사업연도 법인세 신고 안내", "12월 결산법인의 법인세 신고·납부 기한은 3월 31일입니다.\n성실신고 안내 자료는 홈택스에서 확인하실 수 있습니다."),
            (4, 13, "[국세청] 2026년 1기 부가가치세 예정신고 안내", "1기 예정신고 대상 법인은 4월 25일까지 신고·납부해 주시기 바랍니다."),
            (6, 8, "[국세청] 원천징수이행상황신고 기한 안내", "반기별 납부 승인 사업자는 7월 10일까지 상반기 원천세를 신고해 주시기 바랍니다."),
            (7, 13, "[국세청] 2026년 1기 부가가치세 확정신고 안내", "1기 확정신고·납부 기한은 7월 27일입니다. 가상자산사업자 관련 유의사항을 함께 안내드립니다."),
            (8, 17, "[국세청] 법인세 중간예납 안내", "8월 31일까지 법인세 중간예납세액을 신고·납부해 주시기 바랍니다.\n자세한 내용은 https://www.nts.go.kr 에서 확인하세요."),
        ];
        for (m, d, s, t) in nts_subjects {
            let at = self.hours(kst(2026, m, d, 10, 0), 300);
            let text = format!("{t}\n\n※ 본 메일은 발신전용입니다.\n국세청 국세상담센터 126\n");
            self.notice(
                nts.clone(),
                &[FINANCE, ACCOUNTANT],
                s,
                &text,
                at,
                "mail.nts.go.kr",
                "203.0.113.20",
                None,
                None,
                None,
            );
        }
        let ht_subjects = [
            (1, 27, "[홈택스] 전자신고 접수 완료 안내 (부가가치세)"),
            (2, 10, "[홈택스] 전자세금계산서 발급 내역 안내 (1월)"),
            (3, 31, "[홈택스] 전자신고 접수 완료 안내 (법인세)"),
            (5, 11, "[홈택스] 전자세금계산서 발급 내역 안내 (4월)"),
            (7, 27, "[홈택스] 전자신고 접수 완료 안내 (부가가치세)"),
            (9, 10, "[홈택스] 전자세금계산서 발급 내역 안내 (8월)"),
        ];
        for (m, d, s) in ht_subjects {
            let at = self.hours(kst(2026, m, d, 14, 0), 200);
            let text = format!(
                "{ORG_KO} 귀하\n\n요청하신 처리 결과를 안내드립니다.\n접수번호: {}-{}\n상세 내역은 홈택스 > My홈택스에서 조회하실 수 있습니다.\nhttps://www.hometax.go.kr/\n\n본 메일은 발신전용입니다.\n",
                self.rng.range(100, 999),
                self.rng.range(10_000_000, 99_999_999)
            );
            self.notice(
                hometax.clone(),
                &[ACCOUNTANT],
                s,
                &text,
                at,
                "mail.hometax.go.kr",
                "203.0.113.31",
                None,
                None,
                None,
            );
        }
        let fss_subjects = [
            (2, 4, "[금융감독원] 가상자산사업자 내부통제 자율점검 안내"),
            (
                4,
                21,
                "[금융감독원] 가상자산이용자보호법 이행 점검 설명회 개최 안내",
            ),
            (
                6,
                16,
                "[금융감독원] 이상거래 상시감시 체계 점검 결과 회신 요청",
            ),
            (9, 1, "[금융감독원] 하반기 가상자산사업자 간담회 안내"),
        ];
        for (m, d, s) in fss_subjects {
            let at = self.hours(kst(2026, m, d, 15, 0), 120);
            let text = format!(
                "{ORG_KO} 준법감시인 귀하\n\n{}\n관련 공문은 금융감독원 홈페이지(https://www.fss.or.kr) 공지사항에서 확인하실 수 있습니다.\n\n금융감독원 가상자산감독국\n",
                &s[s.find(']').map_or(0, |i| i + 2)..]
            );
            self.notice(
                fss.clone(),
                &[CCO],
                s,
                &text,
                at,
                "mail.fss.or.kr",
                "203.0.113.11",
                None,
                None,
                None,
            );
        }
        for (m, d, s) in [
            (
                3,
                17,
                "[금융정보분석원] 의심거래보고(STR) 제출 기준 변경 안내",
            ),
            (
                6,
                2,
                "[금융정보분석원] 고객확인제도 이행 현황 자료 제출 요청",
            ),
            (8, 25, "[금융정보분석원] 트래블룰 이행 점검 일정 안내"),
        ] {
            let at = self.hours(kst(2026, m, d, 11, 0), 120);
            let text = "보고책임자 귀하\n\n붙임 공문을 확인하시고 기한 내 회신하여 주시기 바랍니다.\n문의: 금융정보분석원 제도운영과\n".to_string();
            let file = Attachment {
                name: "공문.pdf".to_string(),
                content_type: "application/pdf",
                data: pdf(
                    "KoFIU notice",
                    &["Korea Financial Intelligence Unit", "Official letter"],
                ),
            };
            self.notice(
                kofiu.clone(),
                &[CCO, AML],
                s,
                &text,
                at,
                "mail.kofiu.go.kr",
                "203.0.113.5",
                None,
                None,
                Some(file),
            );
        }
        let cp_topics = [
            "Korean regulators finalise the second phase of the Virtual Asset User Protection Act",
            "Stablecoin volumes on KRW pairs hit a record",
            "Exchange hot wallet incidents: lessons from the first half",
            "Travel Rule interoperability: where the VASP networks stand",
            "Market makers and the spread question",
            "What the new STR guidance means for exchanges",
            "Cold storage audits are becoming the norm",
            "The quiet rise of address-poisoning scams",
            "Q3 preview: listings, delistings and liquidity",
        ];
        for (i, t) in cp_topics.iter().enumerate() {
            let at = office_hours(
                &mut self.rng,
                kst(2026, 1, 8, 7, 30) + (i as i64 * 29 + 3) * 86_400,
            );
            let text = format!(
                "ChainPulse Weekly\n\nThis week: {t}.\n\nRead the full issue: https://chainpulse.io/weekly/{}\n\nYou receive this because you subscribed at chainpulse.io. Unsubscribe: https://chainpulse.io/unsubscribe\n",
                i + 101
            );
            let html = format!(
                "<html><body><h2>ChainPulse Weekly</h2><p>This week: {t}.</p><p><a href=\"https://chainpulse.io/weekly/{n}\">Read the full issue</a></p><p style=\"font-size:11px\"><a href=\"https://chainpulse.io/unsubscribe\">Unsubscribe</a></p></body></html>",
                n = i + 101
            );
            self.notice(
                mb("ChainPulse Weekly", "news@chainpulse.io"),
                &[OPS, CCO],
                &format!("ChainPulse Weekly #{}: {t}", i + 101),
                &text,
                at,
                "mta7.chainpulse.io",
                "198.51.100.150",
                Some("weekly.chainpulse.io"),
                Some(html),
                None,
            );
        }
        for (i, (m, d, s)) in [
            (
                2,
                18,
                "Nimbus Cloud product update: managed HSM now in Seoul",
            ),
            (
                4,
                15,
                "Nimbus Cloud product update: new audit log retention options",
            ),
            (
                6,
                24,
                "Nimbus Cloud product update: private network egress pricing",
            ),
            (
                8,
                19,
                "Nimbus Cloud product update: key rotation policies for KMS",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let at = office_hours(&mut self.rng, kst(2026, m, d, 2, 0));
            let text = format!(
                "{s}\n\nRead more in the release notes: https://docs.nimbuscloud.io/release-notes/2026-{:02}\nManage your console: https://console.nimbuscloud.io/\n\nNimbus Cloud, Inc.\n",
                i * 2 + 2
            );
            self.notice(
                mb("Nimbus Cloud", "updates@mail.nimbuscloud.io"),
                &[CISO, SECENG],
                s,
                &text,
                at,
                "o12.mail.nimbuscloud.io",
                "198.51.100.31",
                Some("product-updates.nimbuscloud.io"),
                None,
                None,
            );
        }
        // The building manager: monthly bills, two of them answered (a real, if humble, correspondent).
        for m in 1..=9u32 {
            let at = self.hours(kst(2026, m, 5, 10, 0), 180);
            let fee = thousands(self.rng.range(780, 960) * 10_000);
            let text = format!(
                "{ORG_KO} 담당자님 안녕하세요.\n강남타워 관리사무소입니다.\n\n2026년 {m}월 관리비 고지서를 첨부드립니다.\n청구 금액: {fee}원 / 납부 기한: {m}월 25일\n납부 계좌는 기존과 같습니다.\n\n강남타워 관리사무소\nT. 02-555-0199\n"
            );
            let file = Attachment {
                name: format!("관리비고지서_2026{m:02}.pdf"),
                content_type: "application/pdf",
                data: pdf(
                    "Gangnam Tower management fee",
                    &[&format!("2026-{m:02}"), &format!("KRW {fee}")],
                ),
            };
            let subject = format!("[강남타워] 2026년 {m}월 관리비 고지서");
            let id = self.notice(
                mb("강남타워 관리사무소", BUILDING),
                &[OPS],
                &subject,
                &text,
                at,
                "mail.gangnam-tower.co.kr",
                "192.0.2.140",
                None,
                None,
                Some(file),
            );
            let mut thread = Thread {
                kind: Kind::Building,
                topic: m as usize,
                subject: subject.clone(),
                msgs: vec![Sent {
                    id: id.clone(),
                    from: mb("강남타워 관리사무소", BUILDING),
                    at,
                    subject: subject.clone(),
                    text: text.clone(),
                }],
                participants: vec![BUILDING.to_string(), emp(OPS).addr().to_string()],
                gmail: false,
                employee: OPS,
            };
            if m == 3 || m == 7 {
                let rat = office_hours(&mut self.rng, at + 5 * 3600);
                let me = emp(OPS);
                let rid = self.id(rat, me.addr());
                let mut d = Draft::new(
                    mb(me.display(), me.addr()),
                    vec![mb("강남타워 관리사무소", BUILDING)],
                    &format!("RE: {subject}"),
                    rat,
                    rid.clone(),
                );
                d.text = format!(
                    "안녕하세요, {ORG_KO} 운영본부 전우진입니다.\n\n이번 달 관리비에 포함된 공용 전기료 항목의 산정 기준을 알 수 있을까요?\n\n감사합니다.\n전우진 본부장\n{}",
                    quote(Lang::Ko, &mb("강남타워 관리사무소", BUILDING), at, &subject, &text)
                );
                d.in_reply_to = Some(id.clone());
                d.references = vec![id];
                d.via = Via::Outbound;
                self.push(&d);
                thread.msgs.push(Sent {
                    id: rid,
                    from: d.from.clone(),
                    at: rat,
                    subject: format!("RE: {subject}"),
                    text: first_part(&d.text),
                });
            }
            self.threads.push(thread);
        }
    }
}

/// The registrable domain of the hosts the scenario uses (one or two labels under a known suffix).
pub(crate) fn registrable(host: &str) -> &str {
    const TWO_LEVEL: &[&str] = &[".go.kr", ".or.kr", ".co.kr", ".ac.kr"];
    let cut = if TWO_LEVEL.iter().any(|s| host.ends_with(s)) {
        3
    } else {
        2
    };
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() <= cut {
        return host;
    }
    let skip: usize = labels[..labels.len() - cut]
        .iter()
        .map(|l| l.len() + 1)
        .sum();
    &host[skip..]
}

/// The part of a message above its quoted parent.
fn first_part(text: &str) -> String {
    let cut = [
        text.find("\n\n-----Original Message-----"),
        text.find("\n\nOn "),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(text.len());
    text[..cut].to_string()
}

/// The whole history, chronologically named 0001.eml, 0002.eml, ...
pub(crate) fn generate(seed: u64) -> History {
    let mut g = Gen {
        rng: Rng::new(seed),
        out: Vec::new(),
        threads: Vec::new(),
    };
    g.partner_threads();
    g.internal_threads();
    g.notices();
    g.out.sort_by_key(|(at, seq, _)| (*at, *seq));
    let messages = g
        .out
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, raw))| Message {
            name: format!("{:04}.eml", i + 1),
            raw,
        })
        .collect();
    History {
        messages,
        threads: g.threads,
    }
}
