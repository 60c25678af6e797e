use super::{chance, unit, Ctx};
use crate::message::{ActorId, Draft, Msg, Outbox, To};
use crate::params::{Param as P, Params};
use crate::world::UnscPublic;
use crate::SimRng;

/// The UN Security Council: the sanctions level and the drafts awaiting China's vote.
///
/// Votes: the US (yes on its own drafts), the UK and France, China with Russia, and ten elected
/// members. A draft passes with nine votes and no veto. China's vote comes by message, so a
/// resolution follows its trigger by one to three months, as in the record.
#[derive(Clone, Debug)]
pub struct Unsc {
    /// Sanctions level, 0..1.
    pub sanctions: f64,
    pending: Vec<(u32, Draft, f64)>,
    next_draft: u32,
}

impl Unsc {
    /// The Council at the initial state the parameters give.
    pub fn new(p: &Params) -> Unsc {
        Unsc { sanctions: p[P::InitialSanctions], pending: Vec::with_capacity(4), next_draft: 0 }
    }

    /// Public facts.
    pub fn public(&self) -> UnscPublic {
        UnscPublic { sanctions: self.sanctions }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        for (_, m) in cx.inbox() {
            match *m {
                Msg::ProposeSanctions(kind) if !self.pending.iter().any(|d| d.1.is_sanctions()) => {
                    self.table(kind, cx.params[P::SanctionsStep], out)
                }
                Msg::ProposeRelief { amount } => self.table(Draft::Relief, amount, out),
                Msg::Vote { draft, yes } => self.tally(cx, rng, out, draft, yes),
                _ => {}
            }
        }
    }

    fn table(&mut self, kind: Draft, size: f64, out: &mut Outbox) {
        let draft = self.next_draft;
        self.next_draft += 1;
        self.pending.push((draft, kind, size));
        out.send(To::one(ActorId::China), Msg::VoteCall { draft, kind });
    }

    fn tally(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox, draft: u32, china_yes: bool) {
        let Some(i) = self.pending.iter().position(|d| d.0 == draft) else {
            return;
        };
        let (_, kind, size) = self.pending.remove(i);
        if adopted(cx.params, rng, kind, china_yes, cx.world.iaea.confidence) {
            self.sanctions =
                if kind.is_sanctions() { unit(self.sanctions + size) } else { unit(self.sanctions - size) };
            out.send(To::ALL, Msg::ResolutionAdopted { kind, sanctions: self.sanctions });
        } else {
            out.send(To::ALL, Msg::ResolutionFailed { kind });
        }
    }
}

/// Whether a draft passes: no veto and at least nine of fifteen votes.
fn adopted(p: &Params, rng: &mut SimRng, kind: Draft, china_yes: bool, confidence: f64) -> bool {
    if !china_yes {
        return false;
    }
    let (p3_yes, e10_support) = if kind.is_sanctions() {
        (true, 0.9)
    } else {
        let block = confidence < p[P::ReliefConfidence] && chance(rng, p[P::P3BlockRelief]);
        (!block, p[P::E10SupportRelief])
    };
    if !p3_yes {
        return false;
    }
    let e10 = (0..10).filter(|_| chance(rng, e10_support)).count();
    // US + UK + France + China + Russia = 5, plus the elected members.
    5 + e10 >= 9
}
