//! A month-by-month trace of a run, for `brink run`: readable text or serializable records.

use crate::message::{ActorId, Draft, Envelope, Msg};
use crate::sim::{MonthLog, Observer};
use crate::Rung;
use serde::Serialize;
use std::fmt;

/// One month of a trace.
#[derive(Clone, Debug, Serialize)]
pub struct TraceMonth {
    /// Month (0-based).
    pub month: u32,
    /// Highest rung this month.
    pub rung: Rung,
    /// Escalation score this month.
    pub score: i32,
    /// Alert level at the end of the month.
    pub alert: f64,
    /// Warheads at the end of the month.
    pub warheads: u32,
    /// Sanctions level.
    pub sanctions: f64,
    /// DPRK trust in the US.
    pub trust: f64,
    /// Alliance cohesion.
    pub cohesion: f64,
    /// Whether a deal is in force.
    pub deal: bool,
    /// Every message sent.
    pub messages: Vec<Envelope>,
}

/// Observer that keeps every month.
#[derive(Default, Debug)]
pub struct Trace {
    /// The months recorded.
    pub months: Vec<TraceMonth>,
}

impl Observer for Trace {
    fn month(&mut self, log: &MonthLog) {
        let w = log.world;
        self.months.push(TraceMonth {
            month: log.month,
            rung: w.rung,
            score: log.score,
            alert: w.alert,
            warheads: w.dprk.warheads,
            sanctions: w.unsc.sanctions,
            trust: log.trust,
            cohesion: w.rok.cohesion,
            deal: w.dprk.deal.is_some(),
            messages: log.messages.to_vec(),
        });
    }
}

/// A short human description of a message.
pub fn describe(m: &Msg) -> String {
    match m {
        Msg::TalksOffer(t) => {
            format!("offers talks (demand {:.1}, verification {:.1}, relief {:.1})", t.demand, t.verification, t.relief)
        }
        Msg::ProposeSanctions(d) => format!("tables sanctions ({})", draft_name(*d)),
        Msg::ProposeRelief { amount } => format!("tables sanctions relief of {amount:.2}"),
        Msg::Inducement { amount } => format!("delivers inducements worth {amount:.2}"),
        Msg::DealEndedByUs(c) | Msg::DealEndedByDprk(c) => format!("ends the deal ({c:?})"),
        Msg::DealAgreed(t) => format!("agrees a deal (demand {:.1}, verification {:.1})", t.demand, t.verification),
        Msg::InspectorsInvited { coverage, safety } => {
            format!("invites inspectors (coverage {coverage:.1}, safety {safety:.1})")
        }
        Msg::SiteActivity { covert } => format!("site activity{}", if *covert { " (covert work)" } else { "" }),
        Msg::MissileTest { count, long_range } => {
            format!("launches {count} missile(s){}", if *long_range { ", one long-range" } else { "" })
        }
        Msg::Shipment { id, delivered } => {
            format!("shipment {id}: {}", if *delivered { "delivered, not yet attributed" } else { "in transit" })
        }
        Msg::ResolutionAdopted { kind, sanctions, .. } => {
            format!("adopts {} (sanctions now {sanctions:.2})", draft_name(*kind))
        }
        Msg::ResolutionFailed { kind } => format!("fails to adopt {}", draft_name(*kind)),
        Msg::Report { confidence, violation } => {
            format!("reports: confidence {confidence:.2}{}", if *violation { ", VIOLATION found" } else { "" })
        }
        other => format!("{other:?}"),
    }
}

fn draft_name(d: Draft) -> &'static str {
    match d {
        Draft::SanctionsAfterMissile => "sanctions after a missile launch",
        Draft::SanctionsAfterNuclearTest => "sanctions after a nuclear test",
        Draft::SanctionsAfterViolation => "snap-back sanctions after a violation",
        Draft::SanctionsAfterTransfer => "sanctions after an attributed transfer",
        Draft::Relief => "sanctions relief",
    }
}

fn recipients(e: &Envelope) -> String {
    if e.to == crate::To::ALL {
        return "all".into();
    }
    if e.to == crate::To::NOBODY {
        return "(private)".into();
    }
    ActorId::ALL.iter().filter(|a| e.to.has(**a)).map(|a| a.name()).collect::<Vec<_>>().join(",")
}

impl fmt::Display for TraceMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "month {:>3}  rung {:<17} score {:>4}  alert {:.2}  warheads {:>3}  sanctions {:.2}  trust {:.2}  cohesion {:.2}{}",
            self.month,
            self.rung.name(),
            self.score,
            self.alert,
            self.warheads,
            self.sanctions,
            self.trust,
            self.cohesion,
            if self.deal { "  [deal in force]" } else { "" }
        )?;
        for e in &self.messages {
            writeln!(f, "    {:>5} -> {:<10} {}", e.from.name(), recipients(e), describe(&e.msg))?;
        }
        Ok(())
    }
}
