//! Behaviour and initial-state parameters of the model, each with its default, its valid
//! range, its unit, what it does and where the default comes from.
//!
//! Parameters are addressed by the typed [`Param`] enum; [`Params`] is a dense array indexed by
//! it, so a sweep can set any parameter by name without string maps in the hot loop. No number
//! that shapes an actor's decision lives outside this table (a test scans `src/actors/` for
//! numeric literals).

use serde::Serialize;

/// The reference point of the unit scales (threat, stress, trust) at which hazards and odds
/// are quoted: `missile_rate` is the launch rate at threat 0.5 and stress 0.5, and so on.
/// It fixes what the rate parameters mean, not how the model behaves: moving it would only
/// rescale them.
pub const REFERENCE: f64 = 0.5;

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
    /// Unit of the value ("probability/month", "kg", "share", "months", ...).
    pub unit: &'static str,
    /// Hypothesis of the brief the parameter belongs to (H1..H7), or the mechanism.
    pub group: &'static str,
    /// One line on what it does.
    pub doc: &'static str,
    /// Where the default comes from: literature, the historical record, or "assumption" with
    /// the reasoning.
    pub source: &'static str,
}

macro_rules! params {
    ($( $var:ident = $name:literal, $default:expr, [$lo:expr, $hi:expr], $unit:literal, $group:literal, $doc:literal, $source:literal; )*) => {
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
            name: $name, default: $default, min: $lo, max: $hi, unit: $unit, group: $group, doc: $doc, source: $source,
        } ),* ];
    };
}

params! {
    // ---- initial state (default scenario: January 2021, after the op-ed's election) ----
    InitialWarheads = "initial_warheads", 35.0, [0.0, 1000.0], "warheads", "state",
        "assembled warheads at month 0", "SIPRI Yearbook 2020: 30-40 warheads (Jan 2020)";
    InitialFissileKg = "initial_fissile_kg", 50.0, [0.0, 10000.0], "kg", "state",
        "unassembled fissile material (kg Pu-equivalent) at month 0", "assumption: material for ~10 more warheads, inside SIPRI 2020's range";
    InitialCapability = "initial_capability", 0.7, [0.0, 1.0], "share", "state",
        "missile capability (0 none .. 1 proven ICBM) at month 0", "assumption: Hwasong-15 flown 2017, re-entry unproven";
    InitialDesign = "initial_design", 0.9, [0.0, 1.0], "share", "state",
        "nuclear design maturity (0 untested .. 1 proven) at month 0", "nuclear_tests.csv and the Sept 2017 test: six tests, a claimed thermonuclear design";
    InitialMonthsSinceTest = "initial_months_since_test", 40.0, [-600.0, 1200.0], "months", "state",
        "months since the last nuclear test at month 0; negative: months still needed for a first test site and device", "the record: last test Sept 2017, 40 months before Jan 2021";
    InitialSanctions = "initial_sanctions", 0.8, [0.0, 1.0], "share", "state",
        "UNSC sanctions level (0 none .. 1 total embargo) at month 0", "assumption: resolutions 1718-2397 in force (unsc_resolutions.csv + 2017)";
    InitialTrust = "initial_trust", 0.2, [0.0, 1.0], "share", "H6",
        "DPRK trust in US commitments at month 0", "assumption: after the failed 2019 Hanoi summit";
    InitialThreat = "initial_threat", 0.6, [0.0, 1.0], "share", "state",
        "DPRK regime threat perception at month 0", "assumption: above the no-posture baseline after 2017";
    InitialStress = "initial_stress", 0.6, [0.0, 1.0], "share", "H5",
        "DPRK economic stress at month 0", "assumption: sanctions plus border closure";
    InitialCohesion = "initial_cohesion", 0.7, [0.0, 1.0], "share", "H3",
        "US-ROK alliance cohesion at month 0 (China's enforcement baseline is set at it)", "assumption: strained by 2019 cost-sharing talks";
    InitialEnforcement = "initial_enforcement", 0.5, [0.0, 1.0], "share", "state",
        "China's sanctions enforcement at month 0 (1 - leakage), and its baseline at the initial cohesion", "assumption: UN panel-of-experts reports of leakage";
    ChinaRussiaStance = "china_russia_stance", 1.0, [0.0, 10.0], "multiplier", "H4",
        "China's and Russia's protectiveness of the DPRK at the Council: multiplies every veto probability", "1 = the 2006-2017 stance (every resolution unanimous); the May 2022 veto suggests 3 or more since";

    // ---- the programme: fissile production, assembly, design, tests ----
    PlutoniumKgPerMonth = "plutonium_kg_per_month", 0.5, [0.0, 20.0], "kg/month", "programme",
        "plutonium production capacity of the Yongbyon reactors", "Hecker 2017: the 5 MWe reactor makes about 6 kg a year";
    EnrichmentKgPerMonth = "enrichment_kg_per_month", 2.0, [0.0, 50.0], "kg/month", "programme",
        "enrichment capacity, kg Pu-equivalent (HEU divided by about 4)", "SIPRI 2020 (growth of 6-7 warheads a year) less the plutonium share";
    KgPerWarhead = "kg_per_warhead", 5.0, [0.5, 100.0], "kg", "programme",
        "fissile material per warhead (and per test device), kg Pu-equivalent", "Hecker; ISIS: 4-6 kg plutonium per weapon";
    AssemblyRate = "assembly_rate", 0.1, [0.0, 1.0], "share/month", "programme",
        "share of spare warhead-worths assembled each month", "assumption: material becomes weapons within about a year";
    StressProductionDrag = "stress_production_drag", 0.4, [0.0, 1.0], "share", "programme",
        "share of production lost at full economic stress", "assumption";
    CapabilityLearning = "capability_learning", 0.02, [0.0, 1.0], "share/missile", "H2",
        "missile capability gained per missile test (it scales the deliverable arsenal, H2)", "assumption: ~35 tests 2014-2017 took capability from ~0.2 to ~0.7";
    DesignLearning = "design_learning", 0.25, [0.0, 1.0], "share/test", "programme",
        "nuclear design maturity gained per nuclear test", "the record: a standardised warhead claimed after the 5th test (Sept 2016)";
    TestPrepMonths = "test_prep_months", 12.0, [0.0, 120.0], "months", "programme",
        "months of tunnel and device preparation a nuclear test needs after the previous one", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: nuclear_tests.csv: the shortest gap is 8 months (Jan-Sept 2016)";
    ProvenRestraint = "proven_restraint", 0.8, [0.0, 1.0], "share", "programme",
        "reduction of the nuclear-test hazard once the design is proven (maturity 1)", "the record: no test from 2018 on after the claimed thermonuclear test";
    CampaignStart = "campaign_start", 0.082, [0.0, 1.0], "probability/month", "programme",
        "monthly probability a missile development campaign starts, at capability 0 (times 1 - capability)", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption: campaigns in 1998, 2006, 2009, 2012, 2014-17 (missile_launches.csv)";
    CampaignEnd = "campaign_end", 0.08, [0.0, 1.0], "probability/month", "programme",
        "monthly probability a missile campaign ends", "assumption: campaigns of one to two years";
    CampaignBoost = "campaign_boost", 3.6, [0.0, 50.0], "multiplier", "programme",
        "rise of the missile launch rate during a campaign (x(1 + boost))", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: missile_launches.csv: 2014-2017 years of 15-24 launches against ~4 otherwise";
    PlanWeight = "plan_weight", 0.3, [0.0, 1.0], "share", "rivals",
        "share of testing that follows the development plan whatever talks, deals and moratoria (rival of talks_restraint)", "assumption (BRIEF §7: talks buy time; testing follows a plan)";

    // ---- provocations ----
    MissileRate = "missile_rate", 0.52, [0.0, 20.0], "missiles/month", "H1",
        "missile launches a month at threat 0.5 and stress 0.5, outside campaigns, no talks, no deal", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: missile_launches.csv: strategic patience 9.3/yr";
    ThreatElasticity = "threat_elasticity", 3.3, [0.0, 10.0], "log-rate/unit", "H1",
        "log-change of provocation hazards per unit of threat perception", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption";
    LongRangeShare = "long_range_share", 0.15, [0.0, 1.0], "share", "H1",
        "share of launches that are long-range or satellite launches", "CNS database 2009-2016, approximate";
    MoratoriumEffect = "moratorium_effect", 0.76, [0.0, 1.0], "share", "H4",
        "reduction of testing under a deal or a declared moratorium (of nuclear and long-range tests only, for a declared one)", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: missile_launches.csv: 0.1/yr under the Agreed Framework; 1999 moratorium";
    TalksRestraint = "talks_restraint", 0.45, [0.0, 1.0], "share", "rivals",
        "reduction of testing while talks are under way (of the part not set by the plan)", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: missile_launches.csv: 1.2/yr during the six-party talks";
    NuclearTestRate = "nuclear_test_rate", 0.22, [0.0, 1.0], "probability/month", "H1",
        "nuclear-test hazard a month at threat 0.5, an unproven design, material and preparation ready", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: nuclear_tests.csv: 5 tests 2006-2016, a 6th in Sept 2017";
    IncidentRate = "incident_rate", 0.034, [0.0, 1.0], "probability/month", "escalation",
        "deadly armed incident hazard a month at threat 0.5 and stress 0.5, no allied resolve, no arsenal effect", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: armed_incidents.csv: 4-8 deadly incidents 1996-2016";
    MoratoriumDeclare = "moratorium_declare", 0.02, [0.0, 1.0], "probability/month", "programme",
        "monthly probability of a self-declared testing moratorium, in talks or with a proven programme (x capability x design)", "the record: 1999 (in talks with the US) and April 2018 (after the ICBM test)";
    MoratoriumLapse = "moratorium_lapse", 0.05, [0.0, 1.0], "probability/month", "programme",
        "monthly probability a declared moratorium lapses, at threat 1 (x threat)", "the record: the 1999 moratorium lasted to 2006, the 2018 one to 2022";

    // ---- threat perception: the spiral channel ----
    ThreatAdjust = "threat_adjust", 0.15, [0.0, 1.0], "share/month", "spiral",
        "monthly adjustment of threat perception toward its target", "assumption";
    ThreatBase = "threat_base", 0.35, [0.0, 1.0], "share", "spiral",
        "threat perception with no posture, sanctions, talks or deal", "assumption";
    ExerciseThreat = "exercise_threat", 0.25, [0.0, 1.0], "share", "spiral",
        "threat added by a joint exercise heard last month", "assumption: Pyongyang's reaction to Key Resolve and Ulchi Freedom Guardian";
    RhetoricThreat = "rhetoric_threat", 0.1, [0.0, 1.0], "share", "spiral",
        "threat added by a US threat heard last month", "assumption";
    SanctionsThreat = "sanctions_threat", 0.3, [0.0, 1.0], "share", "spiral",
        "threat added by sanctions at full level and full enforcement", "assumption";
    TalksCalm = "talks_calm", 0.15, [0.0, 1.0], "share", "H6",
        "threat removed while talks are under way", "assumption";
    DealCalm = "deal_calm", 0.25, [0.0, 1.0], "share", "H6",
        "threat removed while a deal is in force", "assumption";
    EngagementCalm = "engagement_calm", 0.1, [0.0, 1.0], "share", "H3",
        "threat removed by inter-Korean engagement heard last month", "assumption";
    SpiralWeight = "spiral_weight", 1.0, [0.0, 3.0], "weight", "rivals",
        "weight of the spiral channel: multiplies the threat that exercises, threats and sanctions create", "Jervis 1976 (spiral model); 1 = the m3 model";

    // ---- rival channels on provocations ----
    DeterrenceWeight = "deterrence_weight", 1.0, [0.0, 3.0], "log-rate", "rivals",
        "weight of the deterrence channel: log-reduction of provocation hazards at full allied resolve", "deterrence model (Schelling 1966; Huth 1988); assumption: as strong as the spiral at default";
    ArsenalBoldness = "arsenal_boldness", 0.5, [-3.0, 3.0], "log-rate", "rivals",
        "effect of a secure deliverable arsenal on provocation hazards: < 0 comforted, > 0 emboldened (stability-instability)", "Snyder 1965, Powell 2015; the record: provocations and the 2010 attacks grew with the programme";
    ArsenalHalf = "arsenal_half", 20.0, [0.1, 1000.0], "warheads", "rivals",
        "deliverable warheads (warheads x capability) at which half the arsenal effect is reached", "assumption";
    StressToTalks = "stress_to_talks", 1.0, [0.0, 3.0], "weight", "rivals",
        "weight of the sanctions-to-talks channel: stress raises deal odds (x exp(w (stress - 0.5))) and the DPRK's requests for talks", "the pressure view (sanctions bring Pyongyang to the table); 1 = m3's (0.5 + stress) factor";
    TalksSeeking = "talks_seeking", 0.24, [0.0, 1.0], "probability/month", "rivals",
        "monthly probability the DPRK seeks talks at full stress (x stress_to_talks)", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption: 2011 and 2018 approaches under sanctions";
    StressToProvocation = "stress_to_provocation", 1.0, [0.0, 3.0], "log-rate", "rivals",
        "weight of the provoke-to-be-paid channel: stress raises provocation and sale hazards (+ w (stress - 0.5) in the log)", "Cha 2012 on coercive bargaining; assumption";

    // ---- bargaining ----
    DealRate = "deal_rate", 0.18, [0.0, 1.0], "probability/month", "H1",
        "monthly deal probability in talks at trust 0.5, stress 0.5, no demand, no mediation", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption scaled to 3 deals (1994, 2007, 2012) in ~12 years of talks";
    CvidResistance = "cvid_resistance", 1.5, [0.0, 20.0], "log-odds", "H1",
        "DPRK resistance to deals that demand disarmament", "assumption (Powell 2006 commitment problem; sweep)";
    AttachmentHalf = "attachment_half", 20.0, [0.1, 1000.0], "warheads", "H1",
        "warheads at which resistance to disarmament doubles", "assumption";
    TalksAcceptance = "talks_acceptance", 0.6, [0.0, 1.0], "probability", "H6",
        "probability the DPRK accepts talks without preconditions at trust 0.5", "assumption";
    PreconditionBar = "precondition_bar", 0.7, [0.0, 1.0], "share", "H1",
        "share of the DPRK's acceptance (and of the US's answer to a request) lost at a full precondition", "assumption: talks under strategic patience were rare but happened (2012)";
    TrustSensitivity = "trust_sensitivity", 1.0, [0.0, 2.0], "share/unit", "H6",
        "relative change of talks acceptance and deal odds per unit of trust around 0.5", "1 = m3's (0.5 + trust) acceptance factor";
    CrisisTalks = "crisis_talks", 0.13, [0.0, 1.0], "probability/month", "H1",
        "monthly probability of a US offer of talks right after a crisis, whatever the policy (x crisis level)", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: the record: Carter 1994, Singapore 2018 after the 2017 crisis";
    CrisisEasing = "crisis_easing", 0.5, [0.0, 1.0], "share", "H1",
        "share of a policy's precondition waived right after a crisis (x crisis level)", "assumption: 2018 summit without a prior denuclearisation step";
    CrisisMemory = "crisis_memory", 0.9, [0.0, 1.0], "share/month", "H1",
        "share of the crisis level kept from one month to the next", "assumption: diplomacy answers crises within about a year";
    TalksBreakoff = "talks_breakoff", 0.17, [0.0, 1.0], "probability/month", "H1",
        "monthly probability talks break off without a deal", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption: rounds of the six-party talks stalled for months at a time";
    CheatRate = "cheat_rate", 0.044, [0.0, 1.0], "probability/month", "H4",
        "monthly probability the DPRK starts cheating on a deal at trust 0, threat 0.5 (x (1 - trust) x exp(threat_elasticity (threat - 0.5)))", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption: 2002 enrichment dispute after 8 years";
    DetectWithAccess = "detect_with_access", 0.23, [0.0, 1.0], "probability/month", "H4",
        "monthly detection probability of cheating at full IAEA confidence", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: assumption";
    DetectWithoutAccess = "detect_without_access", 0.02, [0.0, 1.0], "probability/month", "H4",
        "monthly detection probability of cheating by national means alone", "assumption: the HEU programme exposed in 2002";
    DealBreakdown = "deal_breakdown", 0.0098, [0.0, 1.0], "probability/month", "H4",
        "monthly hazard that a deal collapses for other reasons", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: policy_eras.csv: Agreed Framework 8 years, 2007 deal 2 years";
    DismantleRate = "dismantle_rate", 0.03, [0.0, 1.0], "share/month", "H1",
        "share of the arsenal dismantled a month under a full-CVID deal", "assumption";
    CovertProduction = "covert_production", 0.3, [0.0, 1.0], "share", "H4",
        "share of enrichment that continues while cheating on a deal", "assumption: the covert HEU effort of 1998-2002";
    ChinaMediation = "china_mediation", 0.5, [0.0, 5.0], "multiplier", "H6",
        "relative rise of deal odds when China hosts the talks", "assumption";

    // ---- trust ----
    TrustGain = "trust_gain", 0.05, [0.0, 1.0], "share", "H6",
        "trust gained per honoured commitment (UNSC relief adopted)", "assumption";
    TrustLoss = "trust_loss", 0.15, [0.0, 1.0], "share", "H6",
        "trust lost per broken commitment", "assumption (trust is lost faster than built; Kydd 2005)";
    StrikeBetrayal = "strike_betrayal", 0.3, [0.0, 1.0], "share", "H6",
        "trust lost when the US strikes", "assumption: twice a broken commitment (m3)";
    InducementTrust = "inducement_trust", 0.5, [0.0, 5.0], "share/unit", "H6",
        "trust gained per unit of economic value delivered (inducements, bilateral easing, UNSC relief; sanctions scale)", "assumption: m3's fixed 10 x trust_gain";
    TrustDecay = "trust_decay", 0.01, [0.0, 1.0], "share/month", "H6",
        "monthly drift of trust toward trust_baseline (every month)", "assumption";
    TrustBaseline = "trust_baseline", 0.1, [0.0, 1.0], "share", "H6",
        "level trust drifts toward", "assumption: decades of mutual suspicion";
    WalkoutTrust = "walkout_trust", 0.1, [0.0, 1.0], "share", "H6",
        "trust below which the DPRK walks out of a deal", "assumption";

    // ---- the US ----
    ExerciseRate = "exercise_rate", 0.25, [0.0, 1.0], "probability/month", "spiral",
        "monthly probability of a major joint exercise at full intensity and full cohesion", "the record: two to three major exercises a year (Key Resolve/Foal Eagle, Ulchi Freedom Guardian)";
    RhetoricRate = "rhetoric_rate", 0.3, [0.0, 1.0], "probability/month", "spiral",
        "monthly probability of a public US threat in tension, at full rhetoric", "assumption";
    InducementSize = "inducement_size", 0.02, [0.0, 1.0], "sanctions scale/month", "H6",
        "economic value a month of full inducements under a deal (fuel oil, aid), on the sanctions scale", "assumption: KEDO's 500,000 t of fuel oil a year";
    ReliefInterval = "relief_interval", 6.0, [1.0, 120.0], "months", "H4",
        "months of verified compliance between two relief steps", "assumption: semi-annual IAEA reporting";
    VerifiedConfidence = "verified_confidence", 0.3, [0.0, 1.0], "share", "H4",
        "IAEA confidence from which a clean report counts as a verified month", "assumption";
    MinForceResponse = "min_force_response", 0.2, [0.0, 1.0], "share", "escalation",
        "force lever floor in the answer to a deadly incident: any administration answers some attacks", "assumption";
    UsElectionPeriod = "us_election_period", 48.0, [1.0, 1200.0], "months", "H7",
        "months between US elections (from month 0)", "the US constitution: four-year terms";
    NuclearPushFloor = "nuclear_push_floor", 0.9, [0.0, 1.0], "probability", "H4",
        "probability any administration tables sanctions after a nuclear test (the policy's sanction_push if higher)", "unsc_resolutions.csv: every test 2006-2016 drew a resolution within 2 months, under two administrations";
    ElectionSwitch = "election_switch", 0.0, [0.0, 1.0], "probability", "H7",
        "probability a US election switches policy", "off by default for pure policy comparisons; 2 of 7 elections 1992-2020 changed course";

    // ---- UNSC and sanctions ----
    SanctionsStep = "sanctions_step", 0.1, [0.0, 1.0], "share", "H4",
        "rise of the sanctions level per resolution", "assumption: ~9 resolutions 2006-2017 took sanctions near the ceiling";
    UnscPace = "unsc_pace", 0.61, [0.0, 1.0], "probability/month", "H4",
        "monthly probability a tabled draft comes to a vote (the first chance is the month after the trigger)", "posterior median of the calibration to 1994-2016 (configs/posterior.csv, docs/CALIBRATION.md); earlier anchor: unsc_resolutions.csv: resolutions 0-2 months after a test (mean 1.2)";
    ChinaVetoNuclear = "china_veto_nuclear", 0.05, [0.0, 1.0], "probability", "H4",
        "probability China or Russia vetoes sanctions after a nuclear test, a violation or a transfer (x stance)", "unsc_resolutions.csv: every such resolution 2006-2016 unanimous";
    ChinaVetoMissile = "china_veto_missile", 0.5, [0.0, 1.0], "probability", "H4",
        "probability China or Russia vetoes sanctions after a long-range launch (x stance)", "assumption: 1695 (2006) and 2087 (2013) passed, May 2022 draft vetoed";
    E10SupportSanctions = "e10_support_sanctions", 0.9, [0.0, 1.0], "probability", "H4",
        "probability each elected member votes for sanctions", "unsc_resolutions.csv: all unanimous";
    P3BlockRelief = "p3_block_relief", 0.3, [0.0, 1.0], "probability", "H4",
        "probability the UK and France block relief without confident verification", "assumption";
    ReliefConfidence = "relief_confidence", 0.8, [0.0, 1.0], "share", "H4",
        "IAEA confidence at which the P3 no longer block relief", "assumption";
    E10SupportRelief = "e10_support_relief", 0.7, [0.0, 1.0], "probability", "H4",
        "probability each elected member votes for relief", "assumption";
    SanctionBite = "sanction_bite", 0.8, [0.0, 1.0], "share", "H5",
        "economic stress at full, fully enforced sanctions", "assumption";
    UnenforcedBite = "unenforced_bite", 0.3, [0.0, 1.0], "share", "H5",
        "share of sanctions' bite that does not depend on China's enforcement", "assumption: China carries ~90% of DPRK trade";
    StressAdjust = "stress_adjust", 0.1, [0.0, 1.0], "share/month", "H5",
        "monthly adjustment of economic stress toward its target", "assumption";

    // ---- China ----
    ChinaStabilityReaction = "china_stability_reaction", 0.3, [0.0, 1.0], "share", "H3",
        "rise of China's enforcement after a nuclear test", "assumption: coal and textile bans after the 2016-2017 tests";
    ChinaAllianceLeverage = "china_alliance_leverage", 0.3, [0.0, 1.0], "share/unit", "H3",
        "how much alliance cohesion above its initial level raises China's enforcement baseline", "assumption (op-ed's claim; sweep)";
    ChinaRelax = "china_relax", 0.03, [0.0, 1.0], "share/month", "H3",
        "monthly relaxation of China's enforcement toward its baseline", "assumption";

    // ---- ROK and the alliance ----
    RokEngagement = "rok_engagement", 0.7, [0.0, 1.0], "share", "H3",
        "Seoul's preference for engagement at month 0 (0 hawkish .. 1 engagement)", "the op-ed: the Moon government bent on engagement; sweep 0.2-0.9";
    AllianceStrain = "alliance_strain", 0.01, [0.0, 1.0], "share/month", "H3",
        "monthly loss of cohesion per unit of policy clash", "assumption";
    AllianceRecovery = "alliance_recovery", 0.01, [0.0, 1.0], "share/month", "H3",
        "monthly recovery of cohesion toward 1", "assumption";
    RallyCohesion = "rally_cohesion", 0.1, [0.0, 1.0], "share", "H3",
        "cohesion gained when the South is attacked", "assumption: the alliance closed ranks after Cheonan (2010)";
    StrikeStrain = "strike_strain", 0.1, [0.0, 1.0], "share", "H3",
        "cohesion lost when the US strikes, at full engagement preference in Seoul", "assumption: Seoul's veto on force in 1994 and 2017";
    RokStrikeVeto = "rok_strike_veto", 0.7, [0.0, 1.0], "share", "H3",
        "how strongly an engagement-minded Seoul restrains US strikes", "assumption";
    InterKoreanRate = "inter_korean_rate", 0.1, [0.0, 1.0], "probability/month", "H3",
        "monthly probability of an inter-Korean engagement step at full engagement preference", "assumption: summits, projects and aid under Kim, Roh and Moon";
    RokElectionPeriod = "rok_election_period", 60.0, [1.0, 1200.0], "months", "H3",
        "months between ROK presidential elections", "the ROK constitution: five-year single terms";
    RokFirstElection = "rok_first_election", 14.0, [0.0, 1200.0], "months", "H3",
        "month of the first ROK presidential election", "March 2022, 14 months after January 2021";
    RokTurnover = "rok_turnover", 0.6, [0.0, 1.0], "probability", "H3",
        "probability an ROK election hands power to the other camp (engagement becomes 1 - engagement)", "the record: 4 turnovers in 6 elections 1997-2022";

    // ---- IAEA ----
    IaeaLearning = "iaea_learning", 0.1, [0.0, 1.0], "share/month", "H4",
        "monthly gain of verification confidence with access", "assumption";
    IaeaDecay = "iaea_decay", 0.03, [0.0, 1.0], "share/month", "H4",
        "monthly loss of verification confidence without access", "assumption";
    SafetyAdoption = "safety_adoption", 0.05, [0.0, 1.0], "share/month", "H5",
        "monthly adoption rate of agreed safety measures", "assumption";
    SafetyDecay = "safety_decay", 0.01, [0.0, 1.0], "share/month", "H5",
        "monthly loss of safety measures without access", "assumption: a third of iaea_decay (m3)";

    // ---- hazards and their consequences ----
    AccidentRate = "accident_rate", 0.00001, [0.0, 0.001], "probability/warhead-month", "H5",
        "nuclear accident hazard per warhead-month at alert 0, no safety measures", "no DPRK record; twice the US 'Broken Arrow' rate of 1950-1980 (32 accidents in ~450,000 warhead-years, DoD 1981; Sagan 1993) for a young programme";
    SafetyEffect = "safety_effect", 0.6, [0.0, 1.0], "share", "H5",
        "reduction of the accident hazard at full safety measures", "assumption (the op-ed's claim; sweep)";
    AlertAccidentFactor = "alert_accident_factor", 1.0, [0.0, 10.0], "multiplier", "H5",
        "relative rise of the accident hazard at full alert", "assumption (Sagan 1993)";
    AccidentAlert = "accident_alert", 0.5, [0.0, 1.0], "share", "H5",
        "alert level an accident brings while its cause is unclear", "assumption";
    AccidentThreat = "accident_threat", 0.3, [0.0, 1.0], "share", "rivals",
        "rise of the regime's threat perception after its own accident (fear that the US exploits the chaos; x (1 - threat))", "assumption (Sagan 1993: accidents in crises are read as threats)";
    AccidentCrisis = "accident_crisis", 0.5, [0.0, 1.0], "probability", "rivals",
        "probability the US treats an accident as a crisis (a strike window)", "BRIEF §7: an accident is itself a crisis; assumption";
    TransferRate = "transfer_rate", 0.002, [0.0, 0.1], "probability/month", "H5",
        "onward-sale hazard a month at stress 0.5, a large stock, no transparency", "assumption: one known case (Syria, al-Kibar, 2007) in ~30 years";
    TransferStockHalf = "transfer_stock_half", 25.0, [0.1, 10000.0], "kg", "H5",
        "stock (kg) at which the sale hazard is half its large-stock value", "assumption: five warheads' worth";
    TransparencyEffect = "transparency_effect", 0.7, [0.0, 1.0], "share", "H5",
        "reduction of the sale hazard at full verification confidence (material accounting)", "assumption (the op-ed's claim; sweep)";
    TransferDelivery = "transfer_delivery", 0.3, [0.0, 1.0], "probability/month", "H5",
        "monthly probability a shipment in transit reaches its buyer", "assumption: transit of a few months (So San, 2002)";
    TransferDetection = "transfer_detection", 0.05, [0.0, 1.0], "probability/month", "H5",
        "monthly probability the US detects a shipment in transit, or attributes a delivered one, by national means", "assumption: al-Kibar attributed months after the transfer";
    TransparencyDetection = "transparency_detection", 0.3, [0.0, 1.0], "probability/month", "H5",
        "added monthly detection probability at full verification confidence", "assumption (the op-ed's claim: transparency exposes sales)";
    InterdictionClash = "interdiction_clash", 0.2, [0.0, 1.0], "probability", "rivals",
        "probability an interdiction of a shipment turns into a deadly clash", "assumption: interdictions at sea (So San 2002) ended without shots";
    InadvertentRate = "inadvertent_rate", 0.02, [0.0, 1.0], "probability/month", "escalation",
        "monthly misread-intent hazard at full alert, top rung, no verification", "assumption (Schelling 1960: the threat that leaves something to chance)";
    MisreadTransparency = "misread_transparency", 0.3, [0.0, 1.0], "share", "H5",
        "reduction of the misread hazard at full verification confidence", "assumption";
    AlertDecay = "alert_decay", 0.7, [0.0, 1.0], "share/month", "escalation",
        "share of the alert level kept from one month to the next", "assumption";

    // ---- force ----
    StrikeRate = "strike_rate", 0.03, [0.0, 1.0], "probability/month", "H2",
        "monthly US strike probability in a crisis at full willingness, no arsenal, no restraint from Seoul", "assumption: two near-decisions (1994, 2017) in 26 years";
    DeterrenceScale = "deterrence_scale", 15.0, [0.1, 1000.0], "warheads", "H2",
        "deliverable warheads (warheads x capability) that divide the strike probability by e", "assumption (the op-ed's H2; sweep)";
    IncidentEscalation = "incident_escalation", 0.05, [0.0, 1.0], "probability", "escalation",
        "probability a deadly incident draws a limited US strike at force 1 and no arsenal", "assumption: 2002 and 2010 incidents did not escalate";
    Retaliation = "retaliation", 0.5, [0.0, 1.0], "probability", "escalation",
        "probability the DPRK answers a strike with force", "assumption";
    WarFromRetaliation = "war_from_retaliation", 0.3, [0.0, 1.0], "probability", "escalation",
        "probability a retaliation exchange becomes major war", "assumption";
    NuclearAlertInWar = "nuclear_alert_in_war", 0.5, [0.0, 1.0], "probability/month", "escalation",
        "monthly probability of nuclear threats or alert in war", "assumption";
    NuclearUseInWar = "nuclear_use_in_war", 0.08, [0.0, 1.0], "probability/month", "escalation",
        "monthly probability of nuclear use in war at full regime threat", "assumption";
    WarEnd = "war_end", 0.15, [0.0, 1.0], "probability/month", "escalation",
        "monthly probability a war ends in a ceasefire", "assumption";
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
