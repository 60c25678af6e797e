//! US strategies as data: named bundles of typed levers.
//!
//! Each lever is a number in [0, 1]. The six built-in policies encode the brief's table
//! (`shared/domain/BRIEF.md` §3) by judgment; users define new ones in TOML from a base policy
//! and a few overrides, without touching code.
//!
//! A policy may also be a *family*: some of its levers are given as a range instead of a
//! value ([`Policy::set_range`]), a region of lever space rather than one point. The core runs
//! only concrete settings: [`Policy::instance`] turns a family into one, from draws the caller
//! supplies (the sweep crate draws them per scenario; the core holds no randomness of its own).

use serde::Serialize;

macro_rules! levers {
    ($( $var:ident = $name:literal, $doc:literal; )*) => {
        /// One lever of a US policy; every lever takes values in [0, 1].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum Lever { $( $var, )* }

        impl Lever {
            /// Every lever in declaration order.
            pub const ALL: &'static [Lever] = &[$(Lever::$var),*];
            /// Number of levers.
            pub const COUNT: usize = Self::ALL.len();
            /// Name used in files.
            pub fn name(self) -> &'static str {
                [$($name),*][self as usize]
            }
            /// The lever of a name used in files.
            pub fn from_name(name: &str) -> Option<Lever> {
                Self::ALL.iter().copied().find(|l| l.name() == name)
            }
            /// What the lever means.
            pub fn doc(self) -> &'static str {
                [$($doc),*][self as usize]
            }
        }
    };
}

levers! {
    Talks = "talks", "monthly probability the US offers talks while no deal is in force";
    Precondition = "precondition", "how far talks require a prior denuclearization commitment";
    Demand = "demand", "disarmament demanded in a deal (0 cap or freeze .. 1 CVID)";
    Multilateral = "multilateral", "how far talks are multilateral with China as host";
    SanctionPush = "sanction_push", "probability the US pushes UNSC sanctions after a provocation (1 - forgiveness)";
    Relief = "relief", "sanctions relief offered per verified step (share of the sanctions level)";
    ReliefViaUnsc = "relief_via_unsc", "share of relief that needs a UNSC resolution";
    Inducements = "inducements", "direct economic inducements under a deal (fuel oil, reactors, aid)";
    Verification = "verification", "IAEA access demanded in a deal";
    Safety = "safety", "IAEA safety measures agreed in a deal";
    Exercises = "exercises", "intensity of joint US-ROK military exercises";
    Rhetoric = "rhetoric", "intensity of threats and rhetoric";
    Force = "force", "willingness to use force in a crisis";
}

/// A US strategy: a name and one value per [`Lever`], and for a family the levers that vary
/// with their ranges.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Policy {
    name: String,
    summary: String,
    levers: [f64; Lever::COUNT],
    /// Levers given as a range (a family), in lever order; empty for a concrete setting. The
    /// value in `levers` of such a lever is the middle of its range.
    #[serde(skip)]
    ranges: Vec<(Lever, f64, f64)>,
}

/// A lever value outside [0, 1] or not a number.
#[derive(Clone, Debug, PartialEq)]
pub struct BadLever {
    /// The lever.
    pub lever: Lever,
    /// The value refused.
    pub value: f64,
}

impl std::fmt::Display for BadLever {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {} is outside [0, 1]", self.lever.name(), self.value)
    }
}

/// A lever range that is not a sub-interval of [0, 1].
#[derive(Clone, Debug, PartialEq)]
pub struct BadRange {
    /// The lever.
    pub lever: Lever,
    /// Lowest value given.
    pub low: f64,
    /// Highest value given.
    pub high: f64,
}

impl std::fmt::Display for BadRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (l, h) = (self.low, self.high);
        if !(0.0..=1.0).contains(&l) {
            write!(f, "{}: low = {l} is outside [0, 1]", self.lever.name())
        } else if !(0.0..=1.0).contains(&h) {
            write!(f, "{}: high = {h} is outside [0, 1]", self.lever.name())
        } else {
            write!(f, "{}: low ({l}) is above high ({h})", self.lever.name())
        }
    }
}

impl Policy {
    /// A policy from a name, a one-line summary and its lever values.
    pub fn new(name: &str, summary: &str, levers: [f64; Lever::COUNT]) -> Result<Policy, BadLever> {
        let mut p = Policy {
            name: name.to_string(),
            summary: summary.to_string(),
            levers: [0.0; Lever::COUNT],
            ranges: Vec::new(),
        };
        for l in Lever::ALL {
            p.set(*l, levers[*l as usize])?;
        }
        Ok(p)
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One line on what it is.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// A copy under another name, for user policies built on a base (a family's ranges
    /// included).
    pub fn derived(&self, name: &str, summary: &str) -> Policy {
        Policy {
            name: name.to_string(),
            summary: summary.to_string(),
            levers: self.levers,
            ranges: self.ranges.clone(),
        }
    }

    /// Reads one lever: for a lever of a family given as a range, the middle of the range
    /// (runs use [`Policy::instance`]).
    #[inline]
    pub fn get(&self, l: Lever) -> f64 {
        self.levers[l as usize]
    }

    /// Sets one lever, refusing values outside [0, 1]; a lever given as a range becomes fixed.
    pub fn set(&mut self, l: Lever, value: f64) -> Result<(), BadLever> {
        if !(0.0..=1.0).contains(&value) {
            return Err(BadLever { lever: l, value });
        }
        self.levers[l as usize] = value;
        self.ranges.retain(|r| r.0 != l);
        Ok(())
    }

    /// Makes one lever uncertain: each run of the family takes a value in [`low`, `high`],
    /// which must lie within [0, 1] with `low` <= `high`.
    pub fn set_range(&mut self, l: Lever, low: f64, high: f64) -> Result<(), BadRange> {
        let unit = 0.0..=1.0;
        if !(unit.contains(&low) && unit.contains(&high) && low <= high) {
            return Err(BadRange { lever: l, low, high });
        }
        self.levers[l as usize] = low + (high - low) / 2.0;
        self.ranges.retain(|r| r.0 != l);
        self.ranges.push((l, low, high));
        self.ranges.sort_by_key(|r| r.0);
        Ok(())
    }

    /// The levers given as a range, with their lowest and highest values, in lever order;
    /// empty for a concrete setting.
    pub fn uncertain(&self) -> &[(Lever, f64, f64)] {
        &self.ranges
    }

    /// The range of one lever, if it is uncertain.
    pub fn range(&self, l: Lever) -> Option<(f64, f64)> {
        self.ranges.iter().find(|r| r.0 == l).map(|r| (r.1, r.2))
    }

    /// Whether some lever is given as a range.
    pub fn is_family(&self) -> bool {
        !self.ranges.is_empty()
    }

    /// The concrete setting of a family: each uncertain lever at `low + u (high - low)`, where
    /// `u` in [0, 1) is `draw(lever)`; the other levers as they are. The name and summary stay.
    pub fn instance(&self, mut draw: impl FnMut(Lever) -> f64) -> Policy {
        let mut p =
            Policy { name: self.name.clone(), summary: self.summary.clone(), levers: self.levers, ranges: Vec::new() };
        for (l, low, high) in &self.ranges {
            let u = draw(*l);
            p.levers[*l as usize] = (low + u * (high - low)).clamp(*low, *high);
        }
        p
    }

    /// How hard-line the policy is, 0..1: the mean of the coercive levers and the demand.
    pub fn hardness(&self) -> f64 {
        use Lever::*;
        (self.get(Demand) + self.get(SanctionPush) + self.get(Exercises) + self.get(Rhetoric) + self.get(Force)) / 5.0
    }

    /// The six built-in policies of the brief, in a stable order.
    pub fn builtin() -> Vec<Policy> {
        BUILTIN.iter().map(|(n, s, v)| Policy::new(n, s, *v).expect("built-in policies are valid")).collect()
    }

    /// A built-in policy by name.
    pub fn builtin_named(name: &str) -> Option<Policy> {
        Policy::builtin().into_iter().find(|p| p.name == name)
    }
}

/// Name of the op-ed's policy, the default reference for paired comparisons.
pub const OPED_POLICY: &str = "containment_transparency";

// Lever order: talks, precondition, demand, multilateral, sanction_push, relief,
// relief_via_unsc, inducements, verification, safety, exercises, rhetoric, force.
// Values encode the brief's §3 table by judgment; docs/MODEL.md explains each row.
const BUILTIN: &[(&str, &str, [f64; Lever::COUNT])] = &[
    (
        "maximum_pressure",
        "2017-early 2018: CVID first, sanctions ratchet after every test, no talks, threats",
        [0.05, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.6],
    ),
    (
        "strategic_patience",
        "2009-2016: CVID commitment before talks, sanctions after provocations",
        [0.05, 1.0, 1.0, 0.3, 0.9, 0.0, 1.0, 0.0, 1.0, 0.0, 0.8, 0.4, 0.2],
    ),
    (
        "six_party_talks",
        "2003-2008: multilateral talks hosted by China, CVID as end state, action for action",
        [0.5, 0.3, 0.9, 1.0, 0.5, 0.3, 0.5, 0.5, 0.8, 0.2, 0.6, 0.2, 0.1],
    ),
    (
        "summit_diplomacy",
        "2018-2019: leader-level talks, vague denuclearization, no relief, exercises suspended",
        [0.6, 0.0, 0.6, 0.0, 0.3, 0.0, 1.0, 0.1, 0.0, 0.0, 0.1, 0.3, 0.2],
    ),
    (
        OPED_POLICY,
        "the op-ed: a cap not CVID, partial UNSC relief for IAEA transparency and safety",
        [0.5, 0.0, 0.0, 0.5, 0.7, 0.3, 1.0, 0.2, 1.0, 1.0, 0.5, 0.2, 0.1],
    ),
    (
        "engagement_freeze",
        "1994-2002 Agreed Framework: bilateral freeze for fuel oil and reactors, IAEA monitoring",
        [0.6, 0.0, 0.1, 0.0, 0.3, 0.3, 0.0, 0.8, 0.8, 0.3, 0.4, 0.1, 0.1],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_six_and_distinct() {
        let b = Policy::builtin();
        assert_eq!(b.len(), 6);
        let names: std::collections::BTreeSet<_> = b.iter().map(|p| p.name().to_string()).collect();
        assert_eq!(names.len(), 6);
        assert!(Policy::builtin_named(OPED_POLICY).is_some());
    }

    #[test]
    fn a_family_is_instantiated_within_its_ranges() {
        let mut p = Policy::builtin_named(OPED_POLICY).unwrap().derived("fam", "a family");
        assert!(!p.is_family());
        p.set_range(Lever::Talks, 0.2, 0.8).unwrap();
        p.set_range(Lever::Relief, 0.5, 0.5).unwrap();
        assert!(p.is_family());
        assert_eq!(p.uncertain(), &[(Lever::Talks, 0.2, 0.8), (Lever::Relief, 0.5, 0.5)]);
        assert_eq!(p.get(Lever::Talks), 0.5);
        for u in [0.0, 0.25, 0.999_999_999_999] {
            let q = p.instance(|_| u);
            assert!(!q.is_family());
            assert!((0.2..=0.8).contains(&q.get(Lever::Talks)));
            assert_eq!(q.get(Lever::Relief), 0.5);
            assert_eq!(q.get(Lever::Force), p.get(Lever::Force));
        }
        assert_eq!(p.instance(|_| 0.5).get(Lever::Talks), 0.5);
        // A value overrides a range; derived policies keep the ranges.
        let d = p.derived("fam2", "");
        assert_eq!(d.uncertain().len(), 2);
        p.set(Lever::Talks, 0.3).unwrap();
        assert_eq!(p.range(Lever::Talks), None);
        assert_eq!(p.range(Lever::Relief), Some((0.5, 0.5)));
        for (lo, hi) in [(-0.1, 0.5), (0.2, 1.5), (0.8, 0.2), (f64::NAN, 0.5)] {
            assert!(p.set_range(Lever::Force, lo, hi).is_err(), "{lo}..{hi}");
        }
    }

    #[test]
    fn set_refuses_out_of_range() {
        let mut p = Policy::builtin_named(OPED_POLICY).unwrap();
        assert!(p.set(Lever::Talks, 1.1).is_err());
        assert!(p.set(Lever::Talks, f64::NAN).is_err());
        assert!(p.set(Lever::Talks, 0.9).is_ok());
    }
}
