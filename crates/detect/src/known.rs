//! Shared look-ups for the organisation-context detectors: is an address or domain known (by the
//! profile or by history), and the history written out as evidence.

use spearwatch_org::{OrgContext, Profile};

/// The address is the profile's (a person's listed address) or has history: it wrote to us or we
/// wrote to it.
pub fn known_address(org: &OrgContext, address: &str) -> bool {
    org.profile.who_uses(address).is_some()
        || org
            .knowledge
            .address(address)
            .is_some_and(|h| h.sent > 0 || h.written_to > 0)
}

/// The domain belongs to the organisation, a partner or a protected authority/brand, or mail has
/// been exchanged with it.
pub fn known_domain(org: &OrgContext, domain: &str) -> bool {
    org.profile.is_org_domain(domain)
        || org.profile.partner_of_domain(domain).is_some()
        || org.profile.protected_of_domain(domain).is_some()
        || org
            .knowledge
            .domain(domain)
            .is_some_and(|h| h.sent > 0 || h.written_to > 0)
}

/// Mailing-list traffic (RFC 2369 List-Post, RFC 2919 List-Id, `Precedence: list`): anyone on the
/// list may post and reply, under any address, so relationship rules (threads, names, first contacts)
/// do not apply to it.
pub fn is_list_mail(mail: &spearwatch_message::Mail) -> bool {
    mail.header("List-Id").is_some()
        || mail.header("List-Post").is_some()
        || mail
            .header("Precedence")
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("list"))
}

/// A correspondent the organisation has a relationship with: listed in the profile, or written to by
/// the organisation. Mail received alone (a newsletter that wrote forty times) is no relationship.
pub fn correspondent(org: &OrgContext, address: &str) -> bool {
    org.profile.who_uses(address).is_some()
        || org
            .knowledge
            .address(address)
            .is_some_and(|h| h.written_to > 0)
}

/// Whom the domain belongs to by the profile, for titles: "the organisation", "partner Samil Tax".
pub fn domain_party(profile: &Profile, domain: &str) -> Option<String> {
    if profile.is_org_domain(domain) {
        return Some(format!("the organisation ({})", profile.name));
    }
    if let Some(p) = profile.partner_of_domain(domain) {
        return Some(format!("partner {}", profile.partners[p].name));
    }
    profile
        .protected_of_domain(domain)
        .map(|p| profile.protected[p].name.clone())
}

/// "wrote 14 times since 2026-04-03, last 2026-09-30; we wrote to it 5 times", or `None` without
/// history.
pub fn history_of(org: &OrgContext, address: &str) -> Option<String> {
    let h = org.knowledge.address(address)?;
    let mut parts = Vec::new();
    if h.sent > 0 {
        parts.push(format!(
            "wrote {} time{} from {address} since {}, last {}",
            h.sent,
            if h.sent == 1 { "" } else { "s" },
            ymd(h.first_seen),
            ymd(h.last_seen)
        ));
    }
    if h.written_to > 0 {
        parts.push(format!(
            "the organisation wrote to {address} {} time{}",
            h.written_to,
            if h.written_to == 1 { "" } else { "s" }
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Unix seconds as a UTC calendar date (proleptic Gregorian; Howard Hinnant's `civil_from_days`).
pub fn ymd(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Registrable domain of an address or host (lower-case).
pub fn site_of(address_or_host: &str) -> String {
    spearwatch_org::knowledge::domain_key(address_or_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(ymd(1_772_499_600), "2026-03-03");
        assert_eq!(ymd(951_782_400), "2000-02-29");
    }
}
