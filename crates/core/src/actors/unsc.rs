use super::{chance, unit, Ctx};
use crate::message::{Draft, Msg, Outbox, To};
use crate::params::{Param as P, Params};
use crate::world::UnscPublic;
use crate::SimRng;

/// The UN Security Council: the sanctions level and the drafts awaiting China's vote.
///
/// Votes: the US (yes on its own drafts), the UK and France, China with Russia, and ten elected
/// members. A draft passes with nine votes and no veto. The US circulates a draft to the
/// Council and to China at once; China's vote arrives a month later, so a resolution follows a
/// test by three months (test, US draft, China's vote, tally), inside the record's one to three.
#[derive(Clone, Debug)]
pub struct Unsc {
    /// Sanctions level, 0..1.
    pub sanctions: f64,
    /// Drafts on the table: what, how much, and the month they were proposed.
    pending: Vec<(Draft, f64, u32)>,
}

impl Unsc {
    /// The Council at the initial state the parameters give.
    pub fn new(p: &Params) -> Unsc {
        Unsc { sanctions: p[P::InitialSanctions], pending: Vec::with_capacity(4) }
    }

    /// Public facts.
    pub fn public(&self) -> UnscPublic {
        UnscPublic { sanctions: self.sanctions }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        // Proposals arriving now were sent last month.
        let proposed = cx.month.saturating_sub(1);
        for (_, m) in cx.inbox() {
            match *m {
                Msg::ProposeSanctions(kind) if !self.pending.iter().any(|d| d.0.is_sanctions()) => {
                    self.pending.push((kind, cx.params[P::SanctionsStep], proposed))
                }
                Msg::ProposeRelief { amount } => self.pending.push((Draft::Relief, amount, proposed)),
                // A vote on a draft the Council did not table (one was pending) finds no match.
                Msg::Vote { kind, proposed, yes } => self.tally(cx, rng, out, (kind, proposed), yes),
                _ => {}
            }
        }
    }

    fn tally(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox, draft: (Draft, u32), china_yes: bool) {
        let Some(i) = self.pending.iter().position(|d| (d.0, d.2) == draft) else { return };
        let (kind, size, _) = self.pending.remove(i);
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
