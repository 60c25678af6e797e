//! Behaviour and initial-state parameters of the model, each with its default, its valid
//! range and where the default comes from.
//!
//! Parameters are addressed by the typed [`Param`] enum; [`Params`] is a dense array indexed by
//! it, so a sweep can set any parameter by name without string maps in the hot loop.

use serde::Serialize;

/// Everything known about one parameter.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ParamSpec {
    /// Name used in experiment files and output columns.
    pub name: &'static str,
    /// Default value.
    pub default: f64,
    /// Smallest valid value.
    pub min: f64,
    /// Largest valid value.
    pub max: f64,
    /// Hypothesis of the brief the parameter belongs to (H1..H7), or the mechanism.
    pub group: &'static str,
    /// Where the default comes from: literature, the historical record, or "assumption".
    pub source: &'static str,
    /// One line on what it does.
    pub doc: &'static str,
}

macro_rules! params {
    ($( $var:ident = $name:literal, $default:expr, [$lo:expr, $hi:expr], $group:literal, $doc:literal, $source:literal; )*) => {
        /// A model parameter. See [`ParamSpec`] via [`Param::spec`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum Param { $( $var, )* }

        impl Param {
            /// Every parameter, in declaration order (the order of output columns).
            pub const ALL: &'static [Param] = &[$(Param::$var),*];
            /// Number of parameters.
            pub const COUNT: usize = Self::ALL.len();
        }

        const SPECS: &[ParamSpec] = &[ $( ParamSpec {
            name: $name, default: $default, min: $lo, max: $hi, group: $group, doc: $doc, source: $source,
        } ),* ];
    };
}

params! {
    // ---- initial state (default scenario: January 2021, after the op-ed's election) ----
    InitialWarheads = "initial_warheads", 35.0, [0.0, 1000.0], "state",
        "assembled warheads at month 0", "SIPRI Yearbook 2020: 30-40 warheads (Jan 2020)";
    InitialFissileKg = "initial_fissile_kg", 50.0, [0.0, 10000.0], "state",
        "unassembled fissile material (kg Pu-equivalent) at month 0", "assumption: material for ~10 more warheads, inside SIPRI 2020's range";
    InitialCapability = "initial_capability", 0.7, [0.0, 1.0], "state",
        "missile capability (0 none .. 1 proven ICBM) at month 0", "assumption: Hwasong-15 flown 2017, re-entry unproven";
    InitialSanctions = "initial_sanctions", 0.8, [0.0, 1.0], "state",
        "UNSC sanctions level (0 none .. 1 total embargo) at month 0", "assumption: resolutions 1718-2397 in force (unsc_resolutions.csv + 2017)";
    InitialTrust = "initial_trust", 0.2, [0.0, 1.0], "H6",
        "DPRK trust in US commitments at month 0", "assumption: after the failed 2019 Hanoi summit";
    InitialThreat = "initial_threat", 0.6, [0.0, 1.0], "state",
        "DPRK regime threat perception at month 0", "assumption";
    InitialStress = "initial_stress", 0.6, [0.0, 1.0], "H5",
        "DPRK economic stress at month 0", "assumption: sanctions plus border closure";
    InitialCohesion = "initial_cohesion", 0.7, [0.0, 1.0], "H3",
        "US-ROK alliance cohesion at month 0", "assumption";
    InitialEnforcement = "initial_enforcement", 0.5, [0.0, 1.0], "state",
        "China's sanctions enforcement at month 0 (1 - leakage), and its baseline", "assumption: UN panel-of-experts reports of leakage";

    // ---- the programme ----
    FissileKgPerMonth = "fissile_kg_per_month", 2.5, [0.0, 100.0], "H1",
        "fissile production when unconstrained (kg/month)", "Hecker 2017, SIPRI 2020: about 6-7 weapons' worth a year";
    KgPerWarhead = "kg_per_warhead", 5.0, [0.5, 100.0], "H1",
        "fissile material per warhead (kg)", "Hecker; ISIS: 4-6 kg plutonium per weapon";
    AssemblyRate = "assembly_rate", 0.1, [0.0, 1.0], "H1",
        "share of spare warhead-worths assembled each month", "assumption";
    StressProductionDrag = "stress_production_drag", 0.4, [0.0, 1.0], "H1",
        "share of production lost at full economic stress", "assumption";
    CapabilityLearning = "capability_learning", 0.02, [0.0, 1.0], "H2",
        "missile capability gained per missile test (it scales the deliverable arsenal, H2)", "assumption";

    // ---- provocations ----
    MissileRate = "missile_rate", 0.5, [0.0, 20.0], "H1",
        "missile launches a month at threat 0.5, no talks, no deal", "missile_launches.csv: strategic patience 9.3/yr (≈0.75/month at threat 0.7)";
    ThreatElasticity = "threat_elasticity", 2.0, [0.0, 10.0], "H1",
        "log-change of provocation rates per unit of threat perception", "assumption";
    LongRangeShare = "long_range_share", 0.15, [0.0, 1.0], "H1",
        "share of launches that are long-range or satellite launches", "CNS database 2009-2016, approximate";
    MoratoriumEffect = "moratorium_effect", 0.95, [0.0, 1.0], "H4",
        "reduction of testing while a deal is in force", "missile_launches.csv: 0.1/yr under the Agreed Framework; 1999 moratorium";
    TalksRestraint = "talks_restraint", 0.7, [0.0, 1.0], "H6",
        "reduction of testing while talks are under way", "missile_launches.csv: 1.2/yr during the six-party talks";
    NuclearTestRate = "nuclear_test_rate", 0.05, [0.0, 1.0], "H1",
        "nuclear tests a month at threat 0.5, no deal, no talks", "nuclear_tests.csv: 5 tests 2006-2016, a 6th in Sept 2017";
    IncidentRate = "incident_rate", 0.008, [0.0, 1.0], "escalation",
        "deadly armed incidents a month at threat perception 0.5", "armed_incidents.csv: 3 deadly incidents 1984-2016";
    IncidentEscalation = "incident_escalation", 0.05, [0.0, 1.0], "escalation",
        "probability a deadly incident draws a limited US strike at force 1 and no arsenal (x max(force, 0.2), deterred like strikes)", "assumption: 2002 and 2010 incidents did not escalate";

    // ---- threat perception and deterrence ----
    ThreatAdjust = "threat_adjust", 0.15, [0.0, 1.0], "H2",
        "monthly adjustment of threat perception toward its target", "assumption";
    DeterrenceComfort = "deterrence_comfort", 0.4, [0.0, 1.0], "H2",
        "fall in threat perception that a secure arsenal brings", "assumption (deterrence literature; sweep)";
    DeterrenceHalf = "deterrence_half", 20.0, [0.1, 1000.0], "H2",
        "deliverable warheads (warheads x capability) at which half the deterrent comfort is reached", "assumption";

    // ---- bargaining ----
    DealRate = "deal_rate", 0.08, [0.0, 1.0], "H1",
        "monthly deal probability in talks at trust 1, stress 0.5, no demand, no mediation", "assumption scaled to 3 deals (1994, 2007, 2012) in ~12 years of talks";
    CvidResistance = "cvid_resistance", 1.5, [0.0, 20.0], "H1",
        "DPRK resistance to deals that demand disarmament", "assumption (Powell 2006 commitment problem; sweep)";
    AttachmentHalf = "attachment_half", 20.0, [0.1, 1000.0], "H1",
        "warheads at which resistance to disarmament doubles", "assumption";
    TalksAcceptance = "talks_acceptance", 0.6, [0.0, 1.0], "H6",
        "probability DPRK accepts talks without preconditions at trust 0.5", "assumption";
    TalksBreakoff = "talks_breakoff", 0.08, [0.0, 1.0], "H1",
        "monthly probability talks break off without a deal", "assumption: rounds of the six-party talks stalled for months at a time";
    CheatRate = "cheat_rate", 0.02, [0.0, 1.0], "H4",
        "monthly probability DPRK starts cheating on a deal at trust 0, threat 0.5", "assumption: 2002 enrichment dispute after 8 years";
    DetectWithAccess = "detect_with_access", 0.3, [0.0, 1.0], "H4",
        "monthly detection probability of cheating at full IAEA confidence", "assumption";
    DetectWithoutAccess = "detect_without_access", 0.02, [0.0, 1.0], "H4",
        "monthly detection probability by national means alone", "assumption: the HEU programme exposed in 2002";
    DealBreakdown = "deal_breakdown", 0.01, [0.0, 1.0], "H4",
        "monthly hazard that a deal collapses for other reasons", "policy_eras.csv: Agreed Framework 8 years, 2007 deal 2 years";
    DismantleRate = "dismantle_rate", 0.03, [0.0, 1.0], "H1",
        "share of the arsenal dismantled a month under a full-CVID deal", "assumption";
    CovertProduction = "covert_production", 0.3, [0.0, 1.0], "H4",
        "share of production that continues while cheating", "assumption";

    // ---- trust ----
    TrustGain = "trust_gain", 0.05, [0.0, 1.0], "H6",
        "trust gained per honoured commitment", "assumption";
    TrustLoss = "trust_loss", 0.15, [0.0, 1.0], "H6",
        "trust lost per broken commitment", "assumption (trust is lost faster than built; Kydd 2005)";
    TrustDecay = "trust_decay", 0.01, [0.0, 1.0], "H6",
        "monthly drift of trust toward 0.1 without commitments", "assumption";
    WalkoutTrust = "walkout_trust", 0.1, [0.0, 1.0], "H6",
        "trust below which DPRK walks out of a deal", "assumption";

    // ---- UNSC and sanctions ----
    SanctionsStep = "sanctions_step", 0.1, [0.0, 1.0], "H4",
        "rise of the sanctions level per resolution", "assumption: ~9 resolutions 2006-2017 took sanctions near the ceiling";
    ChinaVetoNuclear = "china_veto_nuclear", 0.05, [0.0, 1.0], "H4",
        "probability China vetoes sanctions after a nuclear test or a detected violation", "unsc_resolutions.csv: every such resolution 2006-2016 unanimous";
    ChinaVetoMissile = "china_veto_missile", 0.5, [0.0, 1.0], "H4",
        "probability China vetoes sanctions after a missile test", "assumption: 1695 (2006) passed, May 2022 draft vetoed";
    P3BlockRelief = "p3_block_relief", 0.3, [0.0, 1.0], "H4",
        "probability the UK and France block relief without confident verification", "assumption";
    ReliefConfidence = "relief_confidence", 0.8, [0.0, 1.0], "H4",
        "IAEA confidence at which the P3 no longer block relief", "assumption";
    E10SupportRelief = "e10_support_relief", 0.7, [0.0, 1.0], "H4",
        "probability each elected member votes for relief", "assumption";
    SanctionBite = "sanction_bite", 0.8, [0.0, 1.0], "H5",
        "economic stress at full, fully enforced sanctions", "assumption";
    StressAdjust = "stress_adjust", 0.1, [0.0, 1.0], "H5",
        "monthly adjustment of economic stress toward its target", "assumption";

    // ---- China ----
    ChinaStabilityReaction = "china_stability_reaction", 0.3, [0.0, 1.0], "H3",
        "rise of China's enforcement after a nuclear test", "assumption: coal and textile bans after the 2016-2017 tests";
    ChinaAllianceLeverage = "china_alliance_leverage", 0.3, [0.0, 1.0], "H3",
        "how much a cohesive US-ROK alliance raises China's enforcement", "assumption (op-ed's claim; sweep)";
    ChinaMediation = "china_mediation", 0.5, [0.0, 5.0], "H6",
        "relative rise of deal odds when China hosts the talks", "assumption";
    ChinaRelax = "china_relax", 0.03, [0.0, 1.0], "H3",
        "monthly relaxation of China's enforcement toward its baseline", "assumption";

    // ---- ROK and the alliance ----
    RokEngagement = "rok_engagement", 0.7, [0.0, 1.0], "H3",
        "Seoul's preference for engagement (0 hawkish .. 1 engagement)", "the op-ed: the Moon government bent on engagement; sweep 0.2-0.9";
    AllianceStrain = "alliance_strain", 0.01, [0.0, 1.0], "H3",
        "monthly loss of cohesion per unit of policy clash", "assumption";
    AllianceRecovery = "alliance_recovery", 0.01, [0.0, 1.0], "H3",
        "monthly recovery of cohesion toward 1", "assumption";
    RokStrikeVeto = "rok_strike_veto", 0.7, [0.0, 1.0], "H3",
        "how strongly an engagement-minded Seoul restrains US strikes", "assumption";

    // ---- IAEA ----
    IaeaLearning = "iaea_learning", 0.1, [0.0, 1.0], "H4",
        "monthly gain of verification confidence with access", "assumption";
    IaeaDecay = "iaea_decay", 0.03, [0.0, 1.0], "H4",
        "monthly loss of verification confidence without access", "assumption";
    SafetyAdoption = "safety_adoption", 0.05, [0.0, 1.0], "H5",
        "monthly adoption rate of agreed safety measures", "assumption";

    // ---- hazards ----
    AccidentRate = "accident_rate", 0.000005, [0.0, 1.0], "H5",
        "nuclear accident hazard per warhead-month at alert 0, no safety measures", "assumption (no DPRK record; Sagan 1993 on US near-misses)";
    SafetyEffect = "safety_effect", 0.6, [0.0, 1.0], "H5",
        "reduction of the accident hazard at full safety measures", "assumption (the op-ed's claim; sweep)";
    AlertAccidentFactor = "alert_accident_factor", 1.0, [0.0, 10.0], "H5",
        "relative rise of the accident hazard at full alert", "assumption (Sagan 1993)";
    TransferRate = "transfer_rate", 0.002, [0.0, 1.0], "H5",
        "onward-transfer hazard a month at full stress, large stock, no transparency", "assumption: one known case (Syria, al-Kibar, 2007) in ~30 years";
    TransparencyEffect = "transparency_effect", 0.7, [0.0, 1.0], "H5",
        "reduction of the transfer hazard at full verification confidence", "assumption (the op-ed's claim; sweep)";
    InadvertentRate = "inadvertent_rate", 0.02, [0.0, 1.0], "escalation",
        "monthly misread-intent hazard at full alert, top rung, no verification", "assumption (Schelling 1960: the threat that leaves something to chance)";
    MisreadTransparency = "misread_transparency", 0.3, [0.0, 1.0], "H5",
        "reduction of the misread hazard at full verification confidence", "assumption";
    AlertDecay = "alert_decay", 0.7, [0.0, 1.0], "escalation",
        "share of the alert level kept from one month to the next", "assumption";

    // ---- force ----
    StrikeRate = "strike_rate", 0.03, [0.0, 1.0], "H2",
        "monthly US strike probability in a crisis at full willingness, no arsenal, no restraint from Seoul", "assumption: two near-decisions (1994, 2017) in 26 years";
    DeterrenceScale = "deterrence_scale", 15.0, [0.1, 1000.0], "H2",
        "deliverable warheads (warheads x capability) that divide the strike probability by e", "assumption (the op-ed's H2; sweep)";
    Retaliation = "retaliation", 0.5, [0.0, 1.0], "escalation",
        "probability DPRK answers a strike with force", "assumption";
    WarFromRetaliation = "war_from_retaliation", 0.3, [0.0, 1.0], "escalation",
        "probability a retaliation exchange becomes major war", "assumption";
    NuclearAlertInWar = "nuclear_alert_in_war", 0.5, [0.0, 1.0], "escalation",
        "monthly probability of nuclear threats or alert in war", "assumption";
    NuclearUseInWar = "nuclear_use_in_war", 0.08, [0.0, 1.0], "escalation",
        "monthly probability of nuclear use in war at full regime threat", "assumption";
    WarEnd = "war_end", 0.15, [0.0, 1.0], "escalation",
        "monthly probability a war ends in a ceasefire", "assumption";

    // ---- elections ----
    ElectionSwitch = "election_switch", 0.0, [0.0, 1.0], "H7",
        "probability a US election every 48 months switches policy", "off by default for pure policy comparisons; 2 of 7 elections 1992-2020 changed course";
}

impl Param {
    /// The full description of this parameter.
    pub fn spec(self) -> &'static ParamSpec {
        &SPECS[self as usize]
    }

    /// Name used in files and columns.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Looks a parameter up by its name.
    pub fn from_name(name: &str) -> Option<Param> {
        Param::ALL.iter().copied().find(|p| p.name() == name)
    }
}

/// A full set of parameter values.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    values: [f64; Param::COUNT],
}

impl Default for Params {
    fn default() -> Self {
        let mut values = [0.0; Param::COUNT];
        for p in Param::ALL {
            values[*p as usize] = p.spec().default;
        }
        Params { values }
    }
}

/// A value outside its parameter's valid range.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfRange {
    /// The parameter.
    pub param: Param,
    /// The value refused.
    pub value: f64,
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.param.spec();
        write!(f, "{} = {} is outside [{}, {}]", s.name, self.value, s.min, s.max)
    }
}

impl Params {
    /// Reads one value.
    #[inline]
    pub fn get(&self, p: Param) -> f64 {
        self.values[p as usize]
    }

    /// Sets one value, refusing NaN and values outside the parameter's range.
    pub fn set(&mut self, p: Param, value: f64) -> Result<(), OutOfRange> {
        let s = p.spec();
        if !(value >= s.min && value <= s.max) {
            return Err(OutOfRange { param: p, value });
        }
        self.values[p as usize] = value;
        Ok(())
    }

    /// Values in [`Param::ALL`] order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

impl std::ops::Index<Param> for Params {
    type Output = f64;
    #[inline]
    fn index(&self, p: Param) -> &f64 {
        &self.values[p as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_in_their_ranges_and_names_are_unique() {
        let mut names = std::collections::BTreeSet::new();
        for p in Param::ALL {
            let s = p.spec();
            assert!(s.min <= s.default && s.default <= s.max, "{}", s.name);
            assert!(names.insert(s.name), "duplicate {}", s.name);
            assert_eq!(Param::from_name(s.name), Some(*p));
            assert!(!s.source.is_empty());
        }
    }

    #[test]
    fn set_refuses_nan_and_out_of_range() {
        let mut p = Params::default();
        assert!(p.set(Param::DealRate, f64::NAN).is_err());
        assert!(p.set(Param::DealRate, 1.5).is_err());
        assert!(p.set(Param::DealRate, 0.5).is_ok());
        assert_eq!(p[Param::DealRate], 0.5);
    }
}
