//! Actor profiles: the bundled ATT&CK extract plus the trait weights of `traits.toml`, extensible by
//! the user with more TOML in the same format.

use crate::{Error, Trait};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;
use toml::Spanned;

/// The generated ATT&CK extract (see `examples/generate.rs` and `data/ATTACK-NOTICE.txt`).
pub const ATTACK_JSON: &str = include_str!("../data/attack.json");
/// MITRE's copyright notice and licence for [`ATTACK_JSON`], reproduced as the licence requires.
pub const ATTACK_NOTICE: &str = include_str!("../data/ATTACK-NOTICE.txt");
/// The hand-written trait weights, in the format [`Profiles::extend_from_toml`] reads.
pub const TRAITS_TOML: &str = include_str!("../data/traits.toml");

/// Largest weight a trait may carry; weights are meant as 1 (consistent with), 2 (characteristic),
/// 3 (a signature habit), so 10 leaves room without letting one trait swamp the rest.
pub const MAX_TRAIT_WEIGHT: f32 = 10.0;

/// An ATT&CK technique listed for an actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Technique {
    /// `T1566.001`.
    pub id: String,
    /// `Spearphishing Attachment`.
    pub name: String,
    /// The ATT&CK campaign (`C0022`) through which the technique is the group's, when not directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// One actor: who it is and what it does.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Actor {
    /// ATT&CK group id (`G0094`), or the id a user extension gave.
    pub id: String,
    /// `Kimsuky`.
    pub name: String,
    /// ATT&CK's aliases (which include the name) and those added in TOML.
    pub aliases: Vec<String>,
    /// The ATT&CK `intrusion-set` STIX id.
    pub stix_id: Option<String>,
    /// When ATT&CK last modified the group.
    pub modified: Option<String>,
    /// Techniques, sorted by id.
    pub techniques: Vec<Technique>,
    /// Trait weights (only weights above zero count).
    pub traits: BTreeMap<Trait, f32>,
}

impl Actor {
    /// The technique with this exact id.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques
            .binary_search_by(|t| t.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.techniques.get(i))
    }

    /// Whether `query` names this actor: the id, the name or an alias, compared by [`name_key`].
    pub fn is_named(&self, query: &str) -> bool {
        let q = name_key(query);
        !q.is_empty()
            && (name_key(&self.id) == q
                || name_key(&self.name) == q
                || self.aliases.iter().any(|a| name_key(a) == q))
    }

    fn add_technique(&mut self, t: Technique) {
        if let Err(i) = self
            .techniques
            .binary_search_by(|x| x.id.as_str().cmp(&t.id))
        {
            self.techniques.insert(i, t);
        }
    }
}

/// The form in which names are compared: lower-case letters and digits only, so that "Labyrinth
/// Chollima", "labyrinth-chollima" and "LABYRINTH_CHOLLIMA" meet; a leading "apt" before a letter is
/// dropped, the way feeds name files and tags (`apt_kimsuky`), while "APT37" keeps it.
pub fn name_key(s: &str) -> String {
    let k: String = s
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match k.strip_prefix("apt") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest.to_string(),
        _ => k,
    }
}

/// A set of actor profiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Profiles {
    actors: Vec<Actor>,
}

#[derive(Deserialize)]
struct AttackFile {
    groups: Vec<AttackGroup>,
}

#[derive(Deserialize)]
struct AttackGroup {
    id: String,
    name: String,
    aliases: Vec<String>,
    stix_id: String,
    modified: String,
    techniques: Vec<Technique>,
}

static BUNDLED: LazyLock<Result<Profiles, Error>> = LazyLock::new(|| {
    let mut p = Profiles::from_attack_json(ATTACK_JSON)?;
    p.extend_from_toml(TRAITS_TOML)?;
    Ok(p)
});

impl Profiles {
    /// The bundled profiles: the eight ATT&CK groups with the weights of `data/traits.toml`.
    ///
    /// Both files are compiled in and checked by this crate's tests; should they ever not parse,
    /// the result is an empty set (attribution then says nothing) rather than a panic.
    pub fn bundled() -> Profiles {
        match &*BUNDLED {
            Ok(p) => p.clone(),
            Err(_) => Profiles { actors: Vec::new() },
        }
    }

    /// The bundled profiles without a copy (for callers that never extend them).
    pub fn bundled_ref() -> &'static Profiles {
        static EMPTY: Profiles = Profiles { actors: Vec::new() };
        match &*BUNDLED {
            Ok(p) => p,
            Err(_) => &EMPTY,
        }
    }

    /// [`Profiles::bundled`], with the error if the compiled-in data does not load.
    pub fn try_bundled() -> Result<Profiles, Error> {
        BUNDLED.clone()
    }

    /// Profiles from an ATT&CK extract in the format of `data/attack.json`, without traits.
    pub fn from_attack_json(json: &str) -> Result<Profiles, Error> {
        let f: AttackFile =
            serde_json::from_str(json).map_err(|e| Error::AttackData(e.to_string()))?;
        let mut actors = Vec::with_capacity(f.groups.len());
        for g in f.groups {
            let mut techniques = g.techniques;
            techniques.sort_by(|a, b| a.id.cmp(&b.id));
            techniques.dedup_by(|a, b| a.id == b.id);
            actors.push(Actor {
                id: g.id,
                name: g.name,
                aliases: g.aliases,
                stix_id: Some(g.stix_id),
                modified: Some(g.modified),
                techniques,
                traits: BTreeMap::new(),
            });
        }
        Ok(Profiles { actors })
    }

    /// All actors, in load order (the bundled ones first).
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// The actor with this id, name or alias (compared by [`name_key`], so case and punctuation do
    /// not matter). Ids win over names, names over aliases; among aliases the first actor loaded.
    pub fn get(&self, id_or_name_or_alias: &str) -> Option<&Actor> {
        self.index_of(id_or_name_or_alias)
            .and_then(|i| self.actors.get(i))
    }

    fn index_of(&self, query: &str) -> Option<usize> {
        let q = name_key(query);
        if q.is_empty() {
            return None;
        }
        let by = |f: &dyn Fn(&Actor) -> bool| self.actors.iter().position(f);
        by(&|a| name_key(&a.id) == q)
            .or_else(|| by(&|a| name_key(&a.name) == q))
            .or_else(|| by(&|a| a.aliases.iter().any(|x| name_key(x) == q)))
    }

    /// Adds or overrides profiles from TOML in the format of `data/traits.toml`:
    ///
    /// ```toml
    /// [actor.Kimsuky.traits]      # an existing actor, by id, name or alias
    /// lure_tax = 3                # overrides the weight; 0 switches the trait off
    ///
    /// [actor.X0001]               # a new actor: the key is its id, `name` is required
    /// name = "Example Group"
    /// aliases = ["Example Chollima"]
    /// techniques = ["T1566.001"]  # ATT&CK ids; names are taken from the bundled data when known
    /// [actor.X0001.traits]
    /// hwp_document = 2
    /// ```
    ///
    /// `aliases` and `techniques` are added to an existing actor's; `name` renames it. Nothing
    /// changes when an error is returned; the error gives the line (from the TOML spans).
    pub fn extend_from_toml(&mut self, text: &str) -> Result<(), Error> {
        let file: ExtensionFile = toml::from_str(text).map_err(|e| Error::Toml {
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim_end().to_string(),
        })?;
        let at = |span: std::ops::Range<usize>, message: String| Error::Toml {
            line: Some(line_of(text, span.start)),
            message,
        };
        let mut next = self.clone();
        for (key, spec) in file.actor {
            let index = match next.index_of(key.get_ref()) {
                Some(i) => i,
                None => {
                    let Some(name) = spec.name.clone() else {
                        return Err(at(
                            key.span(),
                            format!(
                                "actor {:?} is not a known id, name or alias; a new actor needs `name`",
                                key.get_ref()
                            ),
                        ));
                    };
                    if name_key(key.get_ref()).is_empty() || name_key(&name).is_empty() {
                        return Err(at(
                            key.span(),
                            "an actor needs an id and a name with letters or digits".into(),
                        ));
                    }
                    next.actors.push(Actor {
                        id: key.get_ref().clone(),
                        name: name.clone(),
                        aliases: vec![name],
                        stix_id: None,
                        modified: None,
                        techniques: Vec::new(),
                        traits: BTreeMap::new(),
                    });
                    next.actors.len() - 1
                }
            };
            // Technique names from whichever actor already lists the id.
            let mut known_names: BTreeMap<String, String> = BTreeMap::new();
            for t in spec.techniques.iter().flatten() {
                let id = t.get_ref().trim().to_ascii_uppercase();
                if !is_technique_id(&id) {
                    return Err(at(
                        t.span(),
                        format!(
                            "{:?} is not an ATT&CK technique id (T1234 or T1234.001)",
                            t.get_ref()
                        ),
                    ));
                }
                let name = next
                    .actors
                    .iter()
                    .find_map(|a| a.technique(&id).map(|x| x.name.clone()))
                    .unwrap_or_else(|| id.clone());
                known_names.insert(id, name);
            }
            let mut traits = Vec::new();
            for (name, weight) in &spec.traits {
                let t: Trait = name.get_ref().parse().map_err(|_| {
                    at(
                        name.span(),
                        format!(
                            "unknown trait {:?}; known traits: {}",
                            name.get_ref(),
                            Trait::ALL.map(Trait::as_str).join(", ")
                        ),
                    )
                })?;
                let w = *weight.get_ref();
                if !(0.0..=MAX_TRAIT_WEIGHT).contains(&w) {
                    return Err(at(
                        weight.span(),
                        format!("weight {w} for {t} is outside 0..={MAX_TRAIT_WEIGHT}"),
                    ));
                }
                traits.push((t, w));
            }
            let Some(actor) = next.actors.get_mut(index) else {
                continue;
            };
            if let Some(name) = spec.name {
                actor.name = name;
            }
            for a in spec.aliases.into_iter().flatten() {
                if !actor.aliases.iter().any(|x| name_key(x) == name_key(&a))
                    && !name_key(&a).is_empty()
                {
                    actor.aliases.push(a);
                }
            }
            if let Some(s) = spec.stix_id {
                actor.stix_id = Some(s);
            }
            for (id, name) in known_names {
                actor.add_technique(Technique {
                    id,
                    name,
                    campaign: None,
                });
            }
            for (t, w) in traits {
                if w > 0.0 {
                    actor.traits.insert(t, w);
                } else {
                    actor.traits.remove(&t);
                }
            }
        }
        *self = next;
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtensionFile {
    #[serde(default)]
    actor: BTreeMap<Spanned<String>, ActorSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorSpec {
    name: Option<String>,
    aliases: Option<Vec<String>>,
    stix_id: Option<String>,
    techniques: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    traits: BTreeMap<Spanned<String>, Spanned<f32>>,
}

/// `T1566` or `T1566.001`.
fn is_technique_id(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    match b {
        [b'T', rest @ ..] if rest.len() == 4 => digits(rest),
        [b'T', rest @ ..] if rest.len() == 8 => {
            digits(&rest[..4]) && rest[4] == b'.' && digits(&rest[5..])
        }
        _ => false,
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The techniques, traits and actors of a set of profiles as sets, for the scoring's specificity.
pub(crate) struct Usage {
    /// Actors with at least one technique.
    pub(crate) technique_actors: usize,
    /// Actors with at least one trait.
    pub(crate) trait_actors: usize,
    /// Per technique id (and per parent id, counting its sub-techniques): actors listing it.
    pub(crate) technique_count: BTreeMap<String, usize>,
    /// Per trait: actors giving it a weight.
    pub(crate) trait_count: BTreeMap<Trait, usize>,
}

impl Usage {
    pub(crate) fn of(p: &Profiles) -> Usage {
        let mut technique_count: BTreeMap<String, usize> = BTreeMap::new();
        let mut trait_count: BTreeMap<Trait, usize> = BTreeMap::new();
        let mut technique_actors = 0;
        let mut trait_actors = 0;
        for a in &p.actors {
            if !a.techniques.is_empty() {
                technique_actors += 1;
            }
            if !a.traits.is_empty() {
                trait_actors += 1;
            }
            // An actor listing T1566.001 uses T1566 too: parents count once per actor.
            let ids: BTreeSet<&str> = a
                .techniques
                .iter()
                .flat_map(|t| [t.id.as_str(), parent(&t.id)])
                .collect();
            for id in ids {
                *technique_count.entry(id.to_string()).or_default() += 1;
            }
            for t in a.traits.keys() {
                *trait_count.entry(*t).or_default() += 1;
            }
        }
        Usage {
            technique_actors,
            trait_actors,
            technique_count,
            trait_count,
        }
    }
}

/// `T1566` for `T1566.001`; the id itself for a parent.
pub(crate) fn parent(id: &str) -> &str {
    id.split_once('.').map_or(id, |(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(name_key("Labyrinth-Chollima"), "labyrinthchollima");
        assert_eq!(name_key("apt_kimsuky"), "kimsuky");
        assert_eq!(name_key("APT37"), "apt37");
        assert_eq!(name_key(" -- "), "");
    }

    #[test]
    fn technique_ids() {
        for ok in ["T1566", "T1566.001"] {
            assert!(is_technique_id(ok), "{ok}");
        }
        for bad in [
            "",
            "T",
            "T156",
            "T1566.01",
            "T1566-001",
            "X1566",
            "T15660",
            "TABCD",
        ] {
            assert!(!is_technique_id(bad), "{bad}");
        }
    }

    #[test]
    fn lines() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
