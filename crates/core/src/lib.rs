//! # brink-core
//!
//! The actor model of brink: six actors (the United States, North Korea, South Korea, China,
//! the UN Security Council and the IAEA) each own their state and exchange typed
//! [`Msg`]s month by month. A run returns a [`RunOutcome`]: the highest rung reached on the
//! escalation ladder, when each key rung was first reached, the arsenal, the hazards, the
//! alliance, trust and sanctions at the end.
//!
//! **Invariants:** this crate does no IO, spawns no threads, reads no clock and holds no
//! globals. Randomness comes only from the seed a caller passes. Transcendental functions come
//! from the `libm` crate (a software port of musl's), not the platform's libm, so a run gives
//! the same bits on every machine.
//!
//! ```
//! use brink_core::{run, Params, Policy, RunSpec};
//! let policy = Policy::builtin_named("containment_transparency").unwrap();
//! let params = Params::default();
//! let spec = RunSpec::new(&policy, &params, 120);
//! let a = run(&spec, 42);
//! assert_eq!(a, run(&spec, 42)); // same seed, same run
//! ```
#![deny(missing_docs)]

pub mod actors;
pub mod draw;
pub mod ladder;
pub mod message;
pub mod params;
pub mod policy;
pub mod sim;
pub mod trace;
pub mod world;

pub use ladder::{Category, Rung, KEY_RUNGS};
pub use message::{ActorId, Envelope, Msg, Terms, To};
pub use params::{Param, ParamSpec, Params};
pub use policy::{BadRange, Lever, Policy, OPED_POLICY};
pub use sim::{run, run_observed, Event, EventKind, MonthLog, Observer, RunOutcome, RunSpec, Status};
pub use world::World;

/// The random number generator of a run's actors: SplitMix64 (Steele, Lea and Flood 2014), a
/// named algorithm whose output does not change between versions of the crate. Its state is
/// one word, so a fresh stream for every actor and month costs one hash (see
/// [`sim::actor_rng`]); it passes BigCrush.
pub type SimRng = rand_xoshiro::SplitMix64;

/// Version of the model; part of every experiment's hash, so a model change renames results.
pub const MODEL_VERSION: &str = concat!("brink-model-", env!("CARGO_PKG_VERSION"), "-m4");
