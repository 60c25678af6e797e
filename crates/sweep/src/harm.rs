//! The harm-weighted outcome of a run: a weighted count of what happened, so that policies can
//! be compared on one scale that puts an accident or an onward transfer beside an incident, a
//! strike, a war and nuclear use. Weights are expected deaths per event, orders of magnitude
//! from the sources below; an experiment may override any of them under `[harm]`.

use brink_core::{RunOutcome, Status};

/// One kind of harmful event, with its default weight and the reason for it.
#[derive(Clone, Copy, Debug)]
pub struct HarmKind {
    /// Key under `[harm]` and in the docs.
    pub name: &'static str,
    /// What is counted.
    pub counts: &'static str,
    /// Default weight (expected deaths per event).
    pub default: f64,
    /// Where the default comes from.
    pub source: &'static str,
}

/// The kinds, in the order of [`Harm::weights`].
pub const KINDS: [HarmKind; 6] = [
    HarmKind {
        name: "deadly_incident",
        counts: "deadly armed incidents",
        default: 14.0,
        source: "armed_incidents.csv: mean deaths of the recorded military clashes and attacks (6, 1, 46, 4)",
    },
    HarmKind {
        name: "limited_strike",
        counts: "US strikes",
        default: 100.0,
        source: "assumption: a limited strike and the exchange of fire around it (Yeonpyeong 2010 times ten)",
    },
    HarmKind {
        name: "war",
        counts: "wars begun",
        default: 100_000.0,
        source: "CRS R44994 (2017): 30,000-300,000 deaths in the first days of a conventional war",
    },
    HarmKind {
        name: "nuclear_use",
        counts: "runs ending in nuclear use",
        default: 1_000_000.0,
        source: "Zagurek (38 North, 2017): 0.2-2 million deaths for nuclear strikes on Seoul and Tokyo",
    },
    HarmKind {
        name: "nuclear_accident",
        counts: "nuclear accidents",
        default: 1_000.0,
        source: "assumption: between Chernobyl's 31 acute deaths and the WHO's 4,000 projected (2005)",
    },
    HarmKind {
        name: "onward_transfer",
        counts: "shipments of material delivered to a buyer",
        default: 10_000.0,
        source: "assumption: a one-in-ten chance that a weapon's worth of material is used, at 100,000 deaths",
    },
];

/// Weights of the harm-weighted outcome, in the order of [`KINDS`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Harm {
    /// Expected deaths per event of each kind.
    pub weights: [f64; KINDS.len()],
}

impl Default for Harm {
    fn default() -> Self {
        Harm { weights: KINDS.map(|k| k.default) }
    }
}

impl Harm {
    /// The index of the kind named `name`.
    pub fn index(name: &str) -> Option<usize> {
        KINDS.iter().position(|k| k.name == name)
    }

    /// The counts of a run, in the order of [`KINDS`].
    pub fn counts(o: &RunOutcome) -> [u32; KINDS.len()] {
        [o.incidents, o.strikes, o.wars, u32::from(o.status == Status::NuclearUse), o.accidents, o.transfers_delivered]
    }

    /// The harm-weighted outcome of a run: the weighted sum of its counts.
    pub fn of(&self, o: &RunOutcome) -> f64 {
        Harm::counts(o).iter().zip(&self.weights).map(|(n, w)| *n as f64 * w).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brink_core::{run, Params, Policy, RunSpec};

    #[test]
    fn harm_is_the_weighted_sum_of_the_counts() {
        let pol = Policy::builtin_named("maximum_pressure").unwrap();
        let p = Params::default();
        let spec = RunSpec::new(&pol, &p, 120);
        let mut h = Harm::default();
        let o = (0..200).map(|s| run(&spec, s)).find(|o| o.incidents > 0).expect("an incident in 200 runs");
        assert!(h.of(&o) >= 14.0 * o.incidents as f64);
        h.weights = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(h.of(&o), o.incidents as f64);
        assert_eq!(Harm::index("war"), Some(2));
    }
}
