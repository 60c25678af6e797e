use super::{chance, unit, Ctx};
use crate::message::{Draft, Msg, Outbox, To};
use crate::params::{Param as P, Params};
use crate::world::{UnscPublic, World};
use crate::SimRng;

/// Permanent members: the US, the UK, France, and China with Russia (UN Charter, Art. 23).
const PERMANENT: usize = 5;
/// Elected members (UN Charter, Art. 23).
const ELECTED: usize = 10;
/// Affirmative votes a substantive resolution needs (UN Charter, Art. 27).
const VOTES_NEEDED: usize = 9;

/// The UN Security Council: the sanctions level and the drafts on the table.
///
/// After a provocation (a nuclear test, a long-range launch, an attributed transfer) the US
/// mission tables a sanctions draft as its policy instructs (`sanction_push`, public); the US
/// also tables the snap-back after a violation and relief for verified steps. A tabled draft
/// comes to a vote each month with `unsc_pace`, so the first chance is the month after the
/// trigger. At the vote, China and Russia veto with a probability set by the trigger and by
/// their public stance; the UK and France, and each elected member, vote as their parameters
/// say; nine votes and no veto adopt it. Triggers that arrive while a sanctions draft is on the
/// table merge into it (the most severe names it), so none is lost.
#[derive(Clone, Debug)]
pub struct Unsc {
    /// Sanctions level, 0..1.
    pub sanctions: f64,
    sanctions_draft: Option<Draft>,
    relief_draft: f64,
}

impl Unsc {
    /// The Council at the initial state the parameters give.
    pub fn new(p: &Params) -> Unsc {
        Unsc { sanctions: p[P::InitialSanctions], sanctions_draft: None, relief_draft: 0.0 }
    }

    /// Public facts.
    pub fn public(&self) -> UnscPublic {
        UnscPublic { sanctions: self.sanctions }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let (p, w) = (cx.params, cx.world);
        for (_, m) in cx.inbox() {
            let provoked = match *m {
                Msg::NuclearTest => Some(Draft::SanctionsAfterNuclearTest),
                Msg::MissileTest { long_range: true, .. } => Some(Draft::SanctionsAfterMissile),
                Msg::TransferAttributed(_) => Some(Draft::SanctionsAfterTransfer),
                _ => None,
            };
            if let Some(kind) = provoked {
                let push = if kind == Draft::SanctionsAfterNuclearTest {
                    w.us.sanction_push.max(p[P::NuclearPushFloor])
                } else {
                    w.us.sanction_push
                };
                if chance(rng, push) {
                    self.table(kind);
                }
            }
            match *m {
                Msg::ProposeSanctions(kind) => self.table(kind),
                Msg::ProposeRelief { amount } => self.relief_draft += amount,
                _ => {}
            }
        }
        if let Some(kind) = self.sanctions_draft {
            if chance(rng, p[P::UnscPace]) {
                self.sanctions_draft = None;
                let size = p[P::SanctionsStep];
                self.vote(p, w, rng, out, kind, size);
            }
        }
        if self.relief_draft > 0.0 && chance(rng, p[P::UnscPace]) {
            let size = self.relief_draft.min(self.sanctions);
            self.relief_draft = 0.0;
            self.vote(p, w, rng, out, Draft::Relief, size);
        }
    }

    fn table(&mut self, kind: Draft) {
        if self.sanctions_draft.is_none_or(|d| kind.severity() > d.severity()) {
            self.sanctions_draft = Some(kind);
        }
    }

    fn vote(&mut self, p: &Params, w: &World, rng: &mut SimRng, out: &mut Outbox, kind: Draft, size: f64) {
        if adopted(p, w, rng, kind) {
            let before = self.sanctions;
            self.sanctions = if kind.is_sanctions() { unit(before + size) } else { unit(before - size) };
            let step = (self.sanctions - before).abs();
            out.send(To::ALL, Msg::ResolutionAdopted { kind, sanctions: self.sanctions, step });
        } else {
            out.send(To::ALL, Msg::ResolutionFailed { kind });
        }
    }
}

/// Whether a draft passes: no veto and at least nine of fifteen votes.
fn adopted(p: &Params, w: &World, rng: &mut SimRng, kind: Draft) -> bool {
    let veto = match kind {
        Draft::SanctionsAfterMissile => p[P::ChinaVetoMissile],
        Draft::SanctionsAfterNuclearTest | Draft::SanctionsAfterViolation | Draft::SanctionsAfterTransfer => {
            p[P::ChinaVetoNuclear]
        }
        // China and Russia favour relief.
        Draft::Relief => 0.0,
    };
    if chance(rng, veto * w.china.stance) {
        return false;
    }
    let e10_support = if kind.is_sanctions() {
        p[P::E10SupportSanctions]
    } else {
        // The UK and France block relief without confident verification.
        if w.iaea.confidence < p[P::ReliefConfidence] && chance(rng, p[P::P3BlockRelief]) {
            return false;
        }
        p[P::E10SupportRelief]
    };
    let e10 = (0..ELECTED).filter(|_| chance(rng, e10_support)).count();
    PERMANENT + e10 >= VOTES_NEEDED
}
