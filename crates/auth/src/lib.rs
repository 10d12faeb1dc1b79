//! Live sender authentication for the spearwatch gateway: SPF (RFC 7208), DKIM (RFC 6376), ARC
//! (RFC 8617) and DMARC (RFC 7489), checked with Stalwart's mail-auth while the message is still in
//! the SMTP session.
//!
//! [`Authenticator`] holds a `mail_auth::MessageAuthenticator` (a hickory DNS resolver) and the DNS
//! caches mail-auth reads before each query; one is built at start-up and shared by every session.
//! [`Authenticator::authenticate`] takes the raw message and the envelope (client address, HELO,
//! MAIL FROM) and returns an [`AuthOutcome`]: one [`MethodOutcome`] per method, spearwatch's own
//! `Authentication-Results` header (RFC 8601), and the same results as report findings.
//!
//! The engine's `auth` detector believes `Authentication-Results` only from trusted authserv-ids. The
//! gateway prepends [`AuthOutcome::header`] to the message before scanning, with its own authserv-id
//! in the trusted list, so the detector reads the live result; [`AuthOutcome::findings`] are the same
//! findings for callers that do not scan the header. Whatever the DNS does, `authenticate` returns
//! within the configured timeout (a DNS failure is a `temperror`, never an error of the call), and no
//! input makes it panic.
//!
//! For tests, [`Authenticator::offline`] has no name server at all: its DNS answers are only the
//! records seeded with [`Authenticator::add_txt`] and friends, and any other name fails at once as a
//! DNS error (`temperror`).

#![forbid(unsafe_code)]

mod cache;
mod results;

use cache::{Caches, TtlCache, MAX_ENTRIES};
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::resolver::ToFqdn;
use mail_auth::common::verify::DomainKey;
use mail_auth::dkim::DkimError;
use mail_auth::dmarc::{Dmarc, Policy};
use mail_auth::hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::spf::verify::SpfParameters;
use mail_auth::spf::Spf;
use mail_auth::{
    AuthenticatedMessage, DkimOutput, DkimResult, DmarcResult, DnsError, DnssecStatus, Error,
    MessageAuthenticator, Parameters, RecordSet, ResolverCache, SpfOutput, SpfResult, Txt, MX,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use spearwatch_core::Finding;

/// Signatures verified per message. RFC 6376 §6.1: "a Verifier MAY limit the number of signatures it
/// tries", to avoid denial-of-service; each costs a DNS query and a public-key operation, and real
/// mail carries one to three.
pub const MAX_DKIM_SIGNATURES: usize = 8;

/// How long a seeded record stays valid: for the life of the process.
const SEEDED_TTL: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Which DNS servers the live authenticator asks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResolverChoice {
    /// The system's resolvers (`/etc/resolv.conf`).
    #[default]
    System,
    /// These servers, over UDP with TCP fallback (a local validating resolver such as unbound).
    Nameservers(Vec<SocketAddr>),
}

/// Settings of the live authenticator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// This gateway's authserv-id (RFC 8601 §2.5): the name its `Authentication-Results` carry, which
    /// the engine must list as trusted. Usually the gateway's host name.
    pub authserv_id: String,
    pub resolver: ResolverChoice,
    /// Time budget for authenticating one message, all DNS queries included (also each query's own
    /// timeout). What is not finished by then is a `temperror`.
    pub timeout: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            authserv_id: "localhost".to_string(),
            resolver: ResolverChoice::System,
            timeout: Duration::from_secs(5),
        }
    }
}

/// Why an [`Authenticator`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The authserv-id is not a token (RFC 8601 §2.2: `authserv-id = value`); it would make the
    /// header unreadable or let it be mistaken for another server's.
    #[error("invalid authserv-id {0:?}: expected a host name")]
    InvalidAuthservId(String),
    /// `ResolverChoice::Nameservers` with an empty list.
    #[error("no DNS name server configured")]
    NoNameservers,
    /// The system resolver configuration could not be read, or the resolver not built.
    #[error("DNS resolver: {0}")]
    Resolver(String),
}

/// The result of one method for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodOutcome {
    /// RFC 8601 result keyword: `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`,
    /// `permerror`.
    pub result: String,
    /// Why, in words (written as the result's comment in the header).
    pub detail: String,
    /// The RFC 8601 properties written after the result (`smtp.mailfrom`, `header.d`, `header.s`,
    /// `header.b`, `header.from`, `policy.dmarc`), values as written (quoted when not a plain token).
    pub props: Vec<(String, String)>,
}

impl MethodOutcome {
    fn new(result: &str, detail: impl Into<String>) -> Self {
        MethodOutcome {
            result: result.to_string(),
            detail: detail.into(),
            props: Vec::new(),
        }
    }

    fn prop(mut self, key: &str, value: &str) -> Self {
        self.props.push((key.to_string(), results::pvalue(value)));
        self
    }

    /// A property's value without quotes.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim_matches('"'))
    }
}

/// Everything learned about one message.
#[derive(Debug, Clone)]
pub struct AuthOutcome {
    /// SPF of the MAIL FROM identity (of the HELO identity for the null sender, RFC 7208 §2.4).
    pub spf: MethodOutcome,
    /// One per DKIM-Signature (at most [`MAX_DKIM_SIGNATURES`]), in header order; one `none` when
    /// the message is unsigned. Never empty.
    pub dkim: Vec<MethodOutcome>,
    pub arc: MethodOutcome,
    pub dmarc: MethodOutcome,
    /// `Authentication-Results: <authserv-id>;\r\n\tspf=...;\r\n\tdkim=...;\r\n\tarc=...;\r\n\tdmarc=...\r\n`:
    /// the whole header field, folded, ending in CRLF, ready to prepend to the message.
    pub header: String,
    /// The results as report findings, as the engine's `auth` detector derives them from a trusted
    /// header: `auth.spf_fail`, `auth.spf_softfail`, `auth.spf_none`, `auth.spf_error`,
    /// `auth.dkim_fail`, `auth.arc_fail`, `auth.dmarc_fail` (policy in the evidence note),
    /// `auth.dmarc_none`, `auth.dmarc_error`.
    pub findings: Vec<Finding>,
    /// The applied DMARC policy when the From domain publishes one (`none`, `quarantine`, `reject`;
    /// RFC 7489 §6.3, after `sp`/`np` and `t=y`), for a gateway that enforces it.
    pub dmarc_policy: Option<String>,
}

impl AuthOutcome {
    /// The header's value (after `Authentication-Results: `, without the final CRLF), for APIs that
    /// add a header by name and value (milter `SMFIR_INSHEADER`).
    pub fn header_value(&self) -> &str {
        self.header
            .strip_prefix("Authentication-Results: ")
            .unwrap_or(&self.header)
            .trim_end_matches("\r\n")
    }
}

/// Checks messages' senders; build one and share it (`Arc`) between sessions.
pub struct Authenticator {
    authserv_id: String,
    resolver: MessageAuthenticator,
    caches: Caches,
    timeout: Duration,
}

type Params<'x, P> = Parameters<
    'x,
    P,
    TtlCache<Box<str>, Txt>,
    TtlCache<Box<str>, RecordSet<MX>>,
    TtlCache<Box<str>, RecordSet<Ipv4Addr>>,
    TtlCache<Box<str>, RecordSet<Ipv6Addr>>,
    TtlCache<IpAddr, RecordSet<Box<str>>>,
>;

/// RFC 8601 §2.2: the authserv-id is a `value` (token or quoted-string); a host name is the norm.
fn valid_authserv_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 255
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

impl Authenticator {
    /// A live authenticator asking the configured DNS servers. Needs a Tokio runtime (with time) to
    /// run `authenticate`, not to be built.
    pub fn new(cfg: &AuthConfig) -> Result<Self, AuthError> {
        if !valid_authserv_id(&cfg.authserv_id) {
            return Err(AuthError::InvalidAuthservId(cfg.authserv_id.clone()));
        }
        let (config, mut opts) = match &cfg.resolver {
            ResolverChoice::System => mail_auth::hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| AuthError::Resolver(e.to_string()))?,
            ResolverChoice::Nameservers(addrs) => {
                if addrs.is_empty() {
                    return Err(AuthError::NoNameservers);
                }
                let servers = addrs
                    .iter()
                    .map(|a| {
                        let conns = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                            .into_iter()
                            .map(|mut c| {
                                c.port = a.port();
                                c
                            })
                            .collect();
                        NameServerConfig::new(a.ip(), true, conns)
                    })
                    .collect();
                (
                    ResolverConfig::from_name_servers(servers),
                    ResolverOpts::default(),
                )
            }
        };
        opts.timeout = cfg.timeout;
        // One retry: the per-message budget bounds the total anyway.
        opts.attempts = 2;
        let resolver = MessageAuthenticator::new(config, opts)
            .map_err(|e| AuthError::Resolver(e.to_string()))?;
        Ok(Authenticator {
            authserv_id: cfg.authserv_id.to_ascii_lowercase(),
            resolver,
            caches: Caches::new(MAX_ENTRIES),
            timeout: cfg.timeout,
        })
    }

    /// For tests (hermetic): an authenticator whose DNS answers come only from records added with
    /// [`add_txt`](Self::add_txt) and friends. Its resolver has no name server, so any other name
    /// fails at once as a DNS error (`temperror`); no query ever leaves the process. An invalid
    /// `authserv_id` has its invalid characters removed.
    ///
    /// # Panics
    ///
    /// Only if hickory cannot build a resolver with no name server nor with one loopback server
    /// (no configuration is read; it does not happen). Test use only.
    pub fn offline(authserv_id: &str) -> Self {
        let mut id: String = authserv_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(255)
            .collect();
        if id.is_empty() {
            id = "localhost".to_string();
        }
        let mut opts = ResolverOpts::default();
        opts.use_hosts_file = ResolveHosts::Never;
        opts.timeout = Duration::from_millis(50);
        opts.attempts = 1;
        // Building a hickory resolver only fails on an unreadable configuration; this one has none.
        // Should it still fail, fall back to a closed local port: every query is refused.
        let resolver = MessageAuthenticator::new(ResolverConfig::from_name_servers(vec![]), opts)
            .or_else(|_| {
                let mut conn = ConnectionConfig::udp();
                conn.port = 9;
                MessageAuthenticator::new(
                    ResolverConfig::from_name_servers(vec![NameServerConfig::new(
                        IpAddr::V4(Ipv4Addr::LOCALHOST),
                        true,
                        vec![conn],
                    )]),
                    ResolverOpts::default(),
                )
            });
        let resolver = match resolver {
            Ok(r) => r,
            // Both builds failing would be a hickory bug; there is no value to return without a
            // resolver, and this constructor exists for tests.
            Err(e) => panic!("hickory resolver cannot be built: {e}"),
        };
        Authenticator {
            authserv_id: id.to_ascii_lowercase(),
            resolver,
            caches: Caches::new(usize::MAX),
            timeout: Duration::from_secs(2),
        }
    }

    /// This authenticator's authserv-id, lower-case (the one to trust in the engine's config).
    pub fn authserv_id(&self) -> &str {
        &self.authserv_id
    }

    fn seeded_until() -> Instant {
        let now = Instant::now();
        now.checked_add(SEEDED_TTL)
            .unwrap_or(now + Duration::from_secs(86_400))
    }

    /// Seeds the cache with a TXT record: an SPF policy at a domain, a DKIM key at
    /// `<selector>._domainkey.<domain>`, a DMARC policy at `_dmarc.<domain>`. The record type is told
    /// by the name (RFC 6376 §3.6.2.1, RFC 7489 §6.1), anything else is read as SPF. A record that does
    /// not parse is stored as that parse error, as a real lookup would. A name holds one record;
    /// adding again replaces it.
    pub fn add_txt(&self, name: &str, value: &str) {
        let fqdn = name.to_fqdn().into_owned();
        let v = value.as_bytes();
        let txt: Txt = if fqdn.starts_with("_dmarc.") {
            Dmarc::parse(v).into()
        } else if fqdn.contains("._domainkey.") {
            DomainKey::parse(v).into()
        } else {
            Spf::parse(v).into()
        };
        self.caches
            .txt
            .insert(fqdn.into_boxed_str(), txt, Self::seeded_until());
    }

    /// Seeds "this name does not exist" (NXDOMAIN) for TXT lookups: no SPF record, no DMARC
    /// record, no DKIM key. (Offline, an unseeded name is a DNS error, not an absent record.)
    pub fn add_nxdomain(&self, name: &str) {
        self.caches.txt.insert(
            name.to_fqdn().into_owned().into_boxed_str(),
            Txt::Error(Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain))),
            Self::seeded_until(),
        );
    }

    /// Seeds A records (SPF `a`, `mx`, `exists`, DMARC's RFC 8020 existence check).
    pub fn add_ipv4(&self, name: &str, ips: &[Ipv4Addr]) {
        self.caches.ipv4.insert(
            name.to_fqdn().into_owned().into_boxed_str(),
            record_set(ips.to_vec()),
            Self::seeded_until(),
        );
    }

    /// Seeds AAAA records.
    pub fn add_ipv6(&self, name: &str, ips: &[Ipv6Addr]) {
        self.caches.ipv6.insert(
            name.to_fqdn().into_owned().into_boxed_str(),
            record_set(ips.to_vec()),
            Self::seeded_until(),
        );
    }

    /// Seeds MX records: `(preference, exchange)` (SPF `mx`).
    pub fn add_mx(&self, name: &str, exchanges: &[(u16, &str)]) {
        let mut prefs: Vec<u16> = exchanges.iter().map(|(p, _)| *p).collect();
        prefs.sort_unstable();
        prefs.dedup();
        let mx: Vec<MX> = prefs
            .into_iter()
            .map(|p| MX {
                preference: p,
                exchanges: exchanges
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .map(|(_, e)| e.to_fqdn().into_owned().into_boxed_str())
                    .collect(),
            })
            .collect();
        self.caches.mx.insert(
            name.to_fqdn().into_owned().into_boxed_str(),
            record_set(mx),
            Self::seeded_until(),
        );
    }

    /// Seeds PTR records of an address (SPF `ptr`, `%{p}`).
    pub fn add_ptr(&self, ip: IpAddr, names: &[&str]) {
        self.caches.ptr.insert(
            ip,
            record_set(
                names
                    .iter()
                    .map(|n| n.to_fqdn().into_owned().into_boxed_str())
                    .collect(),
            ),
            Self::seeded_until(),
        );
    }

    /// Names held in the TXT cache (seeded or resolved and not yet expired or evicted).
    pub fn cached_txt_records(&self) -> usize {
        self.caches.txt.len()
    }

    fn params<P>(&self, p: P) -> Params<'_, P> {
        Parameters::new(p)
            .with_txt_cache(&self.caches.txt)
            .with_mx_cache(&self.caches.mx)
            .with_ipv4_cache(&self.caches.ipv4)
            .with_ipv6_cache(&self.caches.ipv6)
            .with_ptr_cache(&self.caches.ptr)
    }

    /// Authenticates one message. `raw` is the message as received (header and body), `mail_from`
    /// the MAIL FROM path with or without angle brackets (empty or `<>` for the null sender), `helo`
    /// the HELO/EHLO name. Never fails: DNS trouble is a `temperror`, a broken message a `permerror`
    /// or `none`, and everything is over within the configured timeout.
    pub async fn authenticate(
        &self,
        raw: &[u8],
        client_ip: IpAddr,
        helo: &str,
        mail_from: &str,
    ) -> AuthOutcome {
        let deadline = tokio::time::Instant::now() + self.timeout;
        // An IPv4 client reached over an IPv6 socket arrives as ::ffff:a.b.c.d (RFC 4291 §2.5.5.2);
        // SPF's ip4 mechanisms must see a.b.c.d.
        let ip = client_ip.to_canonical();
        let helo = helo.trim().trim_end_matches('.');
        let mail_from = mail_from.trim();
        let mail_from = mail_from
            .strip_prefix('<')
            .and_then(|m| m.strip_suffix('>'))
            .unwrap_or(mail_from);
        // RFC 7208 §2.4: for the null reverse-path, SPF checks postmaster@<HELO>, and DMARC's SPF
        // identifier is the HELO domain (RFC 7489 §3.1.2 via RFC 7208).
        let spf_domain = match mail_from.rsplit_once('@') {
            Some((_, d)) if !mail_from.is_empty() => d,
            _ => helo,
        };

        let parsed = AuthenticatedMessage::parse(raw).map(|mut m| {
            m.dkim_headers.truncate(MAX_DKIM_SIGNATURES);
            m
        });

        let spf_fut = async {
            let p = if mail_from.is_empty() {
                SpfParameters::verify_ehlo(ip, helo, &self.authserv_id)
            } else {
                SpfParameters::verify_mail_from(ip, helo, &self.authserv_id, mail_from)
            };
            tokio::time::timeout_at(deadline, self.resolver.verify_spf(self.params(p)))
                .await
                .ok()
        };
        let dkim_fut = async {
            match &parsed {
                Some(m) => {
                    tokio::time::timeout_at(deadline, self.resolver.verify_dkim(self.params(m)))
                        .await
                        .ok()
                }
                None => Some(Vec::new()),
            }
        };
        let arc_fut = async {
            match &parsed {
                Some(m) => {
                    tokio::time::timeout_at(deadline, self.resolver.verify_arc(self.params(m)))
                        .await
                        .ok()
                        .map(|a| arc_outcome(a.result(), a.sets().len()))
                }
                None => Some(MethodOutcome::new("none", "no ARC set")),
            }
        };
        // The three are independent; their DNS queries overlap.
        let (spf_out, dkim_out, arc) = tokio::join!(spf_fut, dkim_fut, arc_fut);
        let timed_out = || {
            MethodOutcome::new(
                "temperror",
                format!("DNS did not answer within {} ms", self.timeout.as_millis()),
            )
        };

        let spf = match &spf_out {
            Some(o) => spf_outcome(o, ip, helo, mail_from),
            None => with_identity(timed_out(), helo, mail_from),
        };
        let mut dkim: Vec<MethodOutcome> = match &dkim_out {
            Some(outs) => outs
                .iter()
                .take(MAX_DKIM_SIGNATURES)
                .map(dkim_outcome)
                .collect(),
            None => vec![timed_out()],
        };
        if dkim.is_empty() {
            dkim.push(MethodOutcome::new("none", "no DKIM signature"));
        }
        let arc = arc.unwrap_or_else(timed_out);

        let (dmarc, dmarc_policy) = match &parsed {
            None => (
                MethodOutcome::new("none", "the message has no header section"),
                None,
            ),
            Some(m) => {
                let domains = from_domains(m);
                if domains.len() > 1 {
                    // RFC 7489 §6.6.1: a From with several domains cannot be checked against one
                    // policy; mail-auth skips it (result none), which would let a forger hide
                    // a protected domain beside their own. Report it instead.
                    (
                        MethodOutcome::new(
                            "permerror",
                            format!("From holds several domains: {}", domains.join(", ")),
                        )
                        .prop("header.from", &domains[0]),
                        None,
                    )
                } else {
                    let no_spf = SpfOutput::default();
                    let spf_ref = spf_out.as_ref().unwrap_or(&no_spf);
                    let dkim_ref: &[DkimOutput<'_>] = dkim_out.as_deref().unwrap_or(&[]);
                    let p = mail_auth::dmarc::verify::DmarcParameters::new(
                        m, dkim_ref, spf_domain, spf_ref,
                    );
                    match tokio::time::timeout_at(
                        deadline,
                        self.resolver.verify_dmarc(self.params(p)),
                    )
                    .await
                    {
                        Ok(out) => {
                            let incomplete = spf_out.is_none() || dkim_out.is_none();
                            dmarc_outcome(&out, incomplete)
                        }
                        Err(_) => (timed_out(), None),
                    }
                }
            }
        };

        let mut methods: Vec<(&str, &MethodOutcome)> = vec![("spf", &spf)];
        methods.extend(dkim.iter().map(|d| ("dkim", d)));
        methods.push(("arc", &arc));
        methods.push(("dmarc", &dmarc));
        let header = results::header(&self.authserv_id, &methods);
        // The findings are the engine's own reading of this header (one implementation of what a
        // trusted result means, in spearwatch-detect's `auth` detector).
        let value = results::unfolded_value(&header);
        let mut findings = Vec::new();
        spearwatch_detect::auth::trusted_findings(
            &spearwatch_detect::auth::parse(&value),
            &value,
            &mut findings,
        );
        AuthOutcome {
            spf,
            dkim,
            arc,
            dmarc,
            header,
            findings,
            dmarc_policy,
        }
    }
}

fn record_set<T>(v: Vec<T>) -> RecordSet<T> {
    RecordSet {
        rrset: Arc::from(v.into_boxed_slice()),
        dnssec_status: DnssecStatus::Indeterminate,
    }
}

/// The distinct domains of the From header's addresses, lower-case, in order.
fn from_domains(m: &AuthenticatedMessage<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in &m.from {
        if let Some((_, d)) = f.rsplit_once('@') {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if !d.is_empty() && !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// `smtp.mailfrom` (RFC 8601 §2.7.2); for the null sender also `smtp.helo`, the identity checked.
fn with_identity(m: MethodOutcome, helo: &str, mail_from: &str) -> MethodOutcome {
    if mail_from.is_empty() {
        m.prop("smtp.mailfrom", "<>").prop("smtp.helo", helo)
    } else {
        m.prop("smtp.mailfrom", mail_from)
    }
}

fn spf_outcome(o: &SpfOutput, ip: IpAddr, helo: &str, mail_from: &str) -> MethodOutcome {
    let d = o.domain();
    let (result, detail) = match o.result() {
        SpfResult::Pass => ("pass", format!("{d} designates {ip} as permitted sender")),
        SpfResult::Fail => (
            "fail",
            format!("{d} does not designate {ip} as permitted sender"),
        ),
        SpfResult::SoftFail => ("softfail", format!("{d} reports soft fail for {ip}")),
        SpfResult::Neutral => ("neutral", format!("{d} reports neutral for {ip}")),
        SpfResult::None => ("none", format!("no SPF record for {d}")),
        SpfResult::TempError => ("temperror", format!("DNS error checking SPF of {d}")),
        SpfResult::PermError => (
            "permerror",
            format!("SPF record of {d} is invalid or needs too many lookups"),
        ),
    };
    with_identity(MethodOutcome::new(result, detail), helo, mail_from)
}

fn dkim_outcome(o: &DkimOutput<'_>) -> MethodOutcome {
    let (result, err) = match o.result() {
        DkimResult::Pass => ("pass", None),
        // mail-auth reports a body hash mismatch as neutral; RFC 6376 §6.1.3 makes it PERMFAIL ("body
        // hash did not verify"), which RFC 8601 §2.7.1 writes as fail: the message was altered.
        DkimResult::Neutral(e @ Error::Dkim(DkimError::FailedBodyHashMatch)) => ("fail", Some(e)),
        DkimResult::Neutral(e) => ("neutral", Some(e)),
        DkimResult::Fail(e) => ("fail", Some(e)),
        DkimResult::PermError(e) => ("permerror", Some(e)),
        DkimResult::TempError(e) => ("temperror", Some(e)),
        DkimResult::None => ("none", None),
    };
    let mut m = match (err, o.signature()) {
        (None, Some(s)) => MethodOutcome::new(result, format!("signature of {} verifies", s.d)),
        (None, None) => MethodOutcome::new(result, ""),
        (Some(e), _) => MethodOutcome::new(result, e.to_string()),
    };
    if let Some(s) = o.signature() {
        // RFC 8601 §2.7.1 header.d / header.s, RFC 6008 header.b (first 8 base64 characters).
        m = m.prop("header.d", &s.d).prop("header.s", &s.s);
        if let Some(b) = s.b.get(..6) {
            m = m.prop("header.b", &results::base64(b));
        }
    }
    m
}

/// RFC 8617 §4.4 / §5.2: the chain's validation status. mail-auth reports a malformed chain as
/// neutral; for ARC (result values none, pass, fail, RFC 8617 §10.1) that is a fail.
fn arc_outcome(r: &DkimResult, sets: usize) -> MethodOutcome {
    match r {
        DkimResult::Pass => MethodOutcome::new("pass", format!("chain of {sets} set(s) validates")),
        DkimResult::None => MethodOutcome::new("none", "no ARC set"),
        DkimResult::TempError(e) => MethodOutcome::new("temperror", e.to_string()),
        DkimResult::Fail(e) | DkimResult::PermError(e) | DkimResult::Neutral(e) => {
            MethodOutcome::new("fail", e.to_string())
        }
    }
}

fn policy_name(p: Policy) -> &'static str {
    match p {
        Policy::Reject => "reject",
        Policy::Quarantine => "quarantine",
        Policy::None | Policy::Unspecified => "none",
    }
}

/// `incomplete`: SPF or DKIM ran out of time, so an unaligned result may be a missing pass.
fn dmarc_outcome(o: &mail_auth::DmarcOutput, incomplete: bool) -> (MethodOutcome, Option<String>) {
    let d = o.domain();
    let has_record = o.dmarc_record().is_some();
    let (result, detail) = match o.result() {
        DmarcResult::Pass => {
            let by = if matches!(o.dkim_result(), DmarcResult::Pass) {
                "aligned DKIM"
            } else {
                "aligned SPF"
            };
            ("pass", format!("{by} for {d}"))
        }
        DmarcResult::Fail(_) if incomplete => (
            "temperror",
            "SPF or DKIM timed out before alignment could be decided".to_string(),
        ),
        DmarcResult::Fail(_) => ("fail", format!("neither SPF nor DKIM aligned with {d}")),
        DmarcResult::TempError(e) => ("temperror", e.to_string()),
        DmarcResult::PermError(e) => ("permerror", e.to_string()),
        DmarcResult::None if d.is_empty() => ("none", "no From domain".to_string()),
        DmarcResult::None => ("none", format!("no DMARC record for {d}")),
    };
    let mut m = MethodOutcome::new(result, detail);
    if !d.is_empty() {
        m = m.prop("header.from", d);
    }
    let policy = has_record.then(|| policy_name(o.policy()).to_string());
    if let Some(p) = &policy {
        m = m.prop("policy.dmarc", p);
    }
    (m, policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authserv_id_must_be_a_token() {
        for bad in ["", "a b", "mx;spf=pass", "mx\r\nX: y", "(c)"] {
            let cfg = AuthConfig {
                authserv_id: bad.into(),
                resolver: ResolverChoice::Nameservers(vec!["127.0.0.1:53".parse().unwrap()]),
                ..Default::default()
            };
            assert!(matches!(
                Authenticator::new(&cfg),
                Err(AuthError::InvalidAuthservId(_))
            ));
        }
        let cfg = AuthConfig {
            authserv_id: "mx1.hanbit-x.com".into(),
            resolver: ResolverChoice::Nameservers(vec![]),
            ..Default::default()
        };
        assert!(matches!(
            Authenticator::new(&cfg),
            Err(AuthError::NoNameservers)
        ));
        assert_eq!(Authenticator::offline("MX;1 x").authserv_id(), "mx1x");
    }

    #[test]
    fn builds_with_explicit_nameservers_without_a_runtime() {
        let cfg = AuthConfig {
            authserv_id: "mx.example.org".into(),
            resolver: ResolverChoice::Nameservers(vec!["127.0.0.1:5353".parse().unwrap()]),
            timeout: Duration::from_secs(1),
        };
        assert!(Authenticator::new(&cfg).is_ok());
    }
}
