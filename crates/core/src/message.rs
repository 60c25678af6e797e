//! Actors and the typed messages they exchange.

use crate::ladder::{Category, Rung};
use crate::policy::{Lever, Policy};
use serde::{Serialize, Serializer};

/// One of the six actors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum ActorId {
    /// United States.
    Us = 0,
    /// North Korea.
    Dprk = 1,
    /// South Korea.
    Rok = 2,
    /// China (with Russia folded in at the UNSC).
    China = 3,
    /// UN Security Council.
    Unsc = 4,
    /// International Atomic Energy Agency.
    Iaea = 5,
}

impl ActorId {
    /// Every actor, in the canonical order that fixes message delivery order.
    pub const ALL: [ActorId; 6] =
        [ActorId::Us, ActorId::Dprk, ActorId::Rok, ActorId::China, ActorId::Unsc, ActorId::Iaea];

    /// Short name for traces.
    pub fn name(self) -> &'static str {
        ["US", "DPRK", "ROK", "China", "UNSC", "IAEA"][self as usize]
    }

    /// This actor's bit in a [`To`] mask.
    pub const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of recipients as a bit mask over [`ActorId`]; serialized as the list of their names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct To(pub u8);

impl Serialize for To {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(ActorId::ALL.iter().filter(|a| self.has(**a)))
    }
}

impl To {
    /// Every actor.
    pub const ALL: To = To(0b11_1111);
    /// Nobody: a private event that only the run's record sees.
    pub const NOBODY: To = To(0);
    /// One actor.
    pub const fn one(a: ActorId) -> To {
        To(a.bit())
    }
    /// Two actors.
    pub const fn two(a: ActorId, b: ActorId) -> To {
        To(a.bit() | b.bit())
    }
    /// Whether `a` is among the recipients.
    pub fn has(self, a: ActorId) -> bool {
        self.0 & a.bit() != 0
    }
}

/// The terms a US policy puts on the table, frozen into a deal once agreed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Terms {
    /// Disarmament demanded (0 cap or freeze .. 1 CVID).
    pub demand: f64,
    /// Prior commitment required before talks.
    pub precondition: f64,
    /// China hosts (multilateral).
    pub multilateral: f64,
    /// IAEA access required.
    pub verification: f64,
    /// IAEA safety measures agreed.
    pub safety: f64,
    /// Sanctions relief per verified step.
    pub relief: f64,
    /// Share of relief that goes through the UNSC.
    pub relief_via_unsc: f64,
    /// Direct inducements a month.
    pub inducements: f64,
}

impl Terms {
    /// The terms a policy offers.
    pub fn of(p: &Policy) -> Terms {
        Terms {
            demand: p.get(Lever::Demand),
            precondition: p.get(Lever::Precondition),
            multilateral: p.get(Lever::Multilateral),
            verification: p.get(Lever::Verification),
            safety: p.get(Lever::Safety),
            relief: p.get(Lever::Relief),
            relief_via_unsc: p.get(Lever::ReliefViaUnsc),
            inducements: p.get(Lever::Inducements),
        }
    }
}

/// What a UNSC draft resolution does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Draft {
    /// New sanctions after a missile launch.
    SanctionsAfterMissile,
    /// New sanctions after a nuclear test.
    SanctionsAfterNuclearTest,
    /// Sanctions snap back after a detected violation of a deal.
    SanctionsAfterViolation,
    /// New sanctions after an onward transfer is attributed to the DPRK.
    SanctionsAfterTransfer,
    /// Partial relief for verified steps.
    Relief,
}

impl Draft {
    /// Whether the draft adds sanctions (rather than removing them).
    pub fn is_sanctions(self) -> bool {
        !matches!(self, Draft::Relief)
    }

    /// Severity of the trigger, for merging triggers into one pending draft (higher wins).
    pub fn severity(self) -> u8 {
        match self {
            Draft::Relief => 0,
            Draft::SanctionsAfterMissile => 1,
            Draft::SanctionsAfterViolation => 2,
            Draft::SanctionsAfterNuclearTest => 3,
            Draft::SanctionsAfterTransfer => 4,
        }
    }

    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            Draft::SanctionsAfterMissile => "sanctions_after_missile",
            Draft::SanctionsAfterNuclearTest => "sanctions_after_nuclear_test",
            Draft::SanctionsAfterViolation => "sanctions_after_violation",
            Draft::SanctionsAfterTransfer => "sanctions_after_transfer",
            Draft::Relief => "relief",
        }
    }
}

/// Who ended a deal, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Collapse {
    /// The US (or the IAEA's report) found a violation.
    ViolationDetected,
    /// DPRK walked out, having lost trust in US commitments.
    DprkWalkout,
    /// Other causes (domestic politics, a new dispute).
    Breakdown,
}

/// A typed message. Delivered at the next month boundary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    // ---- United States ----
    /// Offer of talks on these terms (the precondition eased after a crisis).
    TalksOffer(Terms),
    /// Joint US-ROK exercise.
    ExerciseHeld,
    /// Public threat.
    Threat,
    /// Draft of new sanctions put to the UNSC (the snap-back after a violation; the Council
    /// tables drafts after provocations itself, on the US's public instruction).
    ProposeSanctions(Draft),
    /// Draft of sanctions relief put to the UNSC.
    ProposeRelief {
        /// Reduction of the sanctions level asked for.
        amount: f64,
    },
    /// Bilateral easing and inducements delivered (fuel oil, aid, unilateral easing).
    Inducement {
        /// Size, on the sanctions scale.
        amount: f64,
    },
    /// A deal ended by the US side.
    DealEndedByUs(Collapse),
    /// Limited military strike.
    Strike,
    /// Start of major war.
    WarBegins,
    /// End of a war.
    Ceasefire,
    /// The policy changed after an election.
    PolicyChanged,
    /// An interdiction of shipment `id` of DPRK material at sea or in the air.
    Interdiction(u32),
    /// Delivered onward transfer `id` attributed to the DPRK.
    TransferAttributed(u32),
    // ---- DPRK ----
    /// A request for talks (the DPRK seeking relief under stress).
    TalksRequest,
    /// Talks accepted.
    TalksAccepted,
    /// Talks refused.
    TalksRefused,
    /// Talks broken off without a deal.
    TalksEnded,
    /// A deal agreed on these terms.
    DealAgreed(Terms),
    /// A deal ended by DPRK.
    DealEndedByDprk(Collapse),
    /// Inspectors invited under a deal.
    InspectorsInvited {
        /// Coverage of access (0..1).
        coverage: f64,
        /// Safety measures agreed (0..1).
        safety: f64,
    },
    /// Inspectors expelled.
    InspectorsExpelled,
    /// What inspectors or satellites could see at the sites this month.
    SiteActivity {
        /// Whether banned work is going on.
        covert: bool,
    },
    /// Missile launches this month.
    MissileTest {
        /// Missiles launched.
        count: u8,
        /// Whether any was long-range or a satellite launch.
        long_range: bool,
    },
    /// Nuclear test.
    NuclearTest,
    /// A self-declared moratorium on nuclear and long-range tests.
    MoratoriumDeclared,
    /// The end of a self-declared moratorium.
    MoratoriumEnded,
    /// Deadly armed incident.
    DeadlyIncident,
    /// Military retaliation (limited strikes).
    Retaliation,
    /// Nuclear threat or alert.
    NuclearAlert,
    /// Nuclear use.
    NuclearUse,
    /// A nuclear accident at a DPRK site.
    NuclearAccident,
    /// Fissile material sold to a foreign actor (private: only the run's record sees it).
    MaterialTransferred,
    /// A shipment of sold material in transit (`delivered: false`) or delivered and not yet
    /// attributed (`delivered: true`): what US intelligence may find this month.
    Shipment {
        /// The shipment (the DPRK numbers its sales).
        id: u32,
        /// Whether the buyer already holds it.
        delivered: bool,
    },
    /// Sold material reached its buyer (private: only the run's record sees it).
    TransferDelivered,
    /// A shipment was seized before delivery (private: only the run's record sees it).
    ShipmentSeized,
    // ---- ROK ----
    /// Inter-Korean engagement (talks, projects, aid).
    InterKoreanEngagement,
    // ---- UNSC ----
    /// A resolution adopted; the new sanctions level.
    ResolutionAdopted {
        /// What it did.
        kind: Draft,
        /// Sanctions level after it.
        sanctions: f64,
        /// How far it moved the sanctions level (>= 0).
        step: f64,
    },
    /// A draft vetoed or short of nine votes.
    ResolutionFailed {
        /// What it would have done.
        kind: Draft,
    },
    // ---- IAEA ----
    /// Monthly report while inspectors have access.
    Report {
        /// Verification confidence (0..1).
        confidence: f64,
        /// Whether a violation was found.
        violation: bool,
    },
}

impl Msg {
    /// The rung on the escalation ladder this action reaches.
    pub fn rung(&self) -> Rung {
        match self {
            Msg::ExerciseHeld | Msg::Threat | Msg::Interdiction(_) => Rung::Posturing,
            Msg::MissileTest { long_range: false, .. } => Rung::MissileTest,
            Msg::MissileTest { long_range: true, .. } => Rung::LongRangeLaunch,
            Msg::NuclearTest | Msg::NuclearAccident | Msg::TransferAttributed(_) => Rung::NuclearTest,
            Msg::DeadlyIncident => Rung::DeadlyIncident,
            Msg::Strike | Msg::Retaliation => Rung::LimitedStrikes,
            Msg::WarBegins => Rung::War,
            Msg::NuclearAlert => Rung::NuclearAlert,
            Msg::NuclearUse => Rung::NuclearUse,
            _ => Rung::Calm,
        }
    }

    /// Category in the scoring of Rivera et al. (2024).
    pub fn category(&self) -> Category {
        match self {
            // Inspectors come and go with a deal, whose start or end scores the event once.
            Msg::TalksAccepted
            | Msg::DealAgreed(_)
            | Msg::MoratoriumDeclared
            | Msg::InterKoreanEngagement
            | Msg::Ceasefire => Category::DeEscalation,
            Msg::ResolutionAdopted { kind: Draft::Relief, .. } => Category::DeEscalation,
            Msg::ExerciseHeld | Msg::Threat => Category::Posturing,
            Msg::MissileTest { .. }
            | Msg::NuclearTest
            | Msg::DealEndedByUs(_)
            | Msg::DealEndedByDprk(_)
            | Msg::MoratoriumEnded
            | Msg::NuclearAccident
            | Msg::TransferAttributed(_)
            | Msg::Interdiction(_)
            | Msg::NuclearAlert => Category::NonViolent,
            Msg::ResolutionAdopted { .. } => Category::NonViolent,
            Msg::DeadlyIncident | Msg::Strike | Msg::Retaliation | Msg::WarBegins => Category::Violent,
            Msg::NuclearUse => Category::Nuclear,
            _ => Category::StatusQuo,
        }
    }
}

/// A message with its sender and recipients.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Envelope {
    /// Sender.
    pub from: ActorId,
    /// Recipients.
    pub to: To,
    /// Content.
    pub msg: Msg,
}

/// Where an actor puts the messages it sends this month.
pub struct Outbox<'a> {
    from: ActorId,
    out: &'a mut Vec<Envelope>,
}

impl<'a> Outbox<'a> {
    pub(crate) fn new(from: ActorId, out: &'a mut Vec<Envelope>) -> Self {
        Outbox { from, out }
    }

    /// Sends `msg` to `to`, delivered at the next month boundary.
    pub fn send(&mut self, to: To, msg: Msg) {
        self.out.push(Envelope { from: self.from, to, msg });
    }
}
