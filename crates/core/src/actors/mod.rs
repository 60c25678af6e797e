//! The six actors. Each owns its state, reads only its inbox and last month's public
//! [`World`], and draws from its own random stream, so the order in which actors are stored
//! or stepped cannot change a run.

mod china;
mod dprk;
mod iaea;
mod rok;
mod unsc;
mod us;

pub use china::China;
pub use dprk::{accident_hazard, deal_probability, provocation_drive, transfer_hazard, Dprk};
pub use iaea::Iaea;
pub use rok::policy_clash;
pub use rok::Rok;
pub use unsc::Unsc;
pub use us::{strike_probability, Us};

use crate::message::{ActorId, Envelope, Msg};
use crate::params::{Param as P, Params, REFERENCE};
use crate::world::World;
use crate::SimRng;
use rand::Rng as _;

/// What an actor may look at when it decides.
pub struct Ctx<'a> {
    /// The month being decided.
    pub month: u32,
    /// Last month's public world.
    pub world: &'a World,
    /// Behaviour parameters.
    pub params: &'a Params,
    me: ActorId,
    delivered: &'a [Envelope],
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        month: u32,
        world: &'a World,
        params: &'a Params,
        me: ActorId,
        delivered: &'a [Envelope],
    ) -> Self {
        Ctx { month, world, params, me, delivered }
    }

    /// The messages addressed to this actor, in delivery order, with their senders.
    pub fn inbox(&self) -> impl Iterator<Item = (ActorId, &'a Msg)> + '_ {
        let me = self.me;
        self.delivered.iter().filter(move |e| e.to.has(me)).map(|e| (e.from, &e.msg))
    }
}

/// True with probability `p`: one uniform draw `u` in [0, 1) and `u < p`, so a `p` above 1
/// always fires and a `p` of 0 or below (or NaN) never does. Every call draws once, whatever
/// `p`, so the stream stays aligned between runs that differ only in a probability.
#[inline]
pub(crate) fn chance(rng: &mut SimRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// The trust factor of acceptance and deal odds: 1 at trust 0.5, changing by
/// `trust_sensitivity` per unit of trust, never negative.
#[inline]
pub(crate) fn trust_factor(p: &Params, trust: f64) -> f64 {
    (1.0 + p[P::TrustSensitivity] * (trust - REFERENCE)).max(0.0)
}

/// `x` rounded down or up at random so that its expectation is `x` (x >= 0).
#[inline]
pub(crate) fn stochastic_round(rng: &mut SimRng, x: f64) -> u32 {
    if x <= 0.0 {
        return 0;
    }
    // Truncation is the floor for x >= 0, without a libm call.
    let whole = x as u32;
    whole + u32::from(chance(rng, x - whole as f64))
}

/// Clamps to [0, 1].
#[inline]
pub(crate) fn unit(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}
