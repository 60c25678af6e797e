//! The escalation ladder and the monthly escalation score.
//!
//! Ten rungs condensed from Kahn's 44 (On Escalation, 1965) for this dyad, with its firebreaks:
//! first deadly violence ([`Rung::DeadlyIncident`]) and first nuclear use ([`Rung::NuclearUse`]).
//! Actions score by category on the exponential scale of Rivera et al. (2024).

use serde::Serialize;

/// A rung of the escalation ladder, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Rung {
    /// No hostile action.
    #[default]
    Calm = 0,
    /// Exercises, threats, rhetoric.
    Posturing = 1,
    /// Short- or medium-range missile test.
    MissileTest = 2,
    /// Long-range missile or satellite launch.
    LongRangeLaunch = 3,
    /// Nuclear test.
    NuclearTest = 4,
    /// Deadly armed incident (Cheonan, Yeonpyeong 2010). Firebreak: first deadly violence.
    DeadlyIncident = 5,
    /// Limited strikes and counter-strikes.
    LimitedStrikes = 6,
    /// Major conventional war.
    War = 7,
    /// Nuclear threat or alert.
    NuclearAlert = 8,
    /// Nuclear use. Firebreak: first nuclear use.
    NuclearUse = 9,
}

impl Rung {
    /// Every rung, lowest first.
    pub const ALL: [Rung; 10] = [
        Rung::Calm,
        Rung::Posturing,
        Rung::MissileTest,
        Rung::LongRangeLaunch,
        Rung::NuclearTest,
        Rung::DeadlyIncident,
        Rung::LimitedStrikes,
        Rung::War,
        Rung::NuclearAlert,
        Rung::NuclearUse,
    ];

    /// Snake-case name used in columns.
    pub fn name(self) -> &'static str {
        [
            "calm",
            "posturing",
            "missile_test",
            "long_range_launch",
            "nuclear_test",
            "deadly_incident",
            "limited_strikes",
            "war",
            "nuclear_alert",
            "nuclear_use",
        ][self as usize]
    }

    /// Rung from its index, saturating at the top.
    pub fn from_index(i: u8) -> Rung {
        Rung::ALL[(i as usize).min(9)]
    }

    /// One rung up, saturating at the top.
    pub fn up(self) -> Rung {
        Rung::from_index(self as u8 + 1)
    }
}

/// Category of an action in the scoring of Rivera et al. (2024).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Status quo: 0 points.
    StatusQuo,
    /// De-escalation: -2 points.
    DeEscalation,
    /// Posturing: 4 points.
    Posturing,
    /// Non-violent escalation: 12 points.
    NonViolent,
    /// Violent escalation: 28 points.
    Violent,
    /// Nuclear: 60 points.
    Nuclear,
}

impl Category {
    /// Points on the exponential scale of Rivera et al. (2024).
    pub fn points(self) -> i32 {
        match self {
            Category::StatusQuo => 0,
            Category::DeEscalation => -2,
            Category::Posturing => 4,
            Category::NonViolent => 12,
            Category::Violent => 28,
            Category::Nuclear => 60,
        }
    }
}

/// The rungs whose first-reach month is recorded for every run.
pub const KEY_RUNGS: [Rung; 5] =
    [Rung::NuclearTest, Rung::DeadlyIncident, Rung::LimitedStrikes, Rung::War, Rung::NuclearUse];
