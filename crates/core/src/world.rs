//! The public world: a read-only snapshot of last month that every actor may read.

use crate::ladder::Rung;
use crate::message::Terms;
use serde::Serialize;

/// Public facts at the end of a month. Actors read last month's snapshot, never each other.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct World {
    /// Month index (0-based) this snapshot describes.
    pub month: u32,
    /// Highest rung of any action last month.
    pub rung: Rung,
    /// Crisis level: last month's rung or the one before, decaying one rung a month.
    pub tension: Rung,
    /// Military alert level, 0..1.
    pub alert: f64,
    /// Whether a major war is under way.
    pub at_war: bool,
    /// Political crisis level, 0..1: 1 in a month whose rung is a long-range launch or worse
    /// (a nuclear test, an accident, an attributed transfer, violence); decays by
    /// `crisis_memory` a month. Diplomacy reads it.
    pub crisis: f64,
    /// US public posture.
    pub us: UsPublic,
    /// DPRK public facts.
    pub dprk: DprkPublic,
    /// ROK public facts.
    pub rok: RokPublic,
    /// China's public facts.
    pub china: ChinaPublic,
    /// UNSC public facts.
    pub unsc: UnscPublic,
    /// IAEA public facts.
    pub iaea: IaeaPublic,
}

/// What everyone can see of the US.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsPublic {
    /// Index of the policy in force in the run's policy list (0: the run's policy).
    pub policy_index: u8,
    /// Hard-line-ness of the policy in force, 0..1.
    pub hardness: f64,
    /// The policy's willingness to use force (its `force` lever): the US resolve others see.
    pub force: f64,
    /// The policy's standing instruction to table sanctions after a provocation (its
    /// `sanction_push` lever), which the Council acts on.
    pub sanction_push: f64,
}

/// What everyone can see of DPRK (estimates that open sources publish).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DprkPublic {
    /// Assembled warheads.
    pub warheads: u32,
    /// Missile capability, 0..1 (0 none .. 1 proven ICBM), as tests reveal it.
    pub capability: f64,
    /// Whether talks are under way.
    pub in_talks: bool,
    /// The deal in force, if any.
    pub deal: Option<Terms>,
    /// Whether a self-declared testing moratorium is in force.
    pub moratorium: bool,
}

/// What everyone can see of the ROK.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RokPublic {
    /// Alliance cohesion with the US, 0..1.
    pub cohesion: f64,
    /// Seoul's engagement preference, 0..1.
    pub engagement: f64,
}

/// What everyone can see of China.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChinaPublic {
    /// Sanctions enforcement, 0..1 (1 - leakage).
    pub enforcement: f64,
    /// China's and Russia's protectiveness at the Council (multiplies veto probabilities).
    pub stance: f64,
}

/// What everyone can see of the UNSC.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnscPublic {
    /// Sanctions level, 0..1.
    pub sanctions: f64,
}

/// What everyone can see of the IAEA.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IaeaPublic {
    /// Whether inspectors have access.
    pub access: bool,
    /// Verification confidence, 0..1.
    pub confidence: f64,
    /// Safety measures in place, 0..1.
    pub safety: f64,
}
