use brink_core::sim::run_observed;
use brink_core::trace::Trace;
use brink_core::{Msg, Params, RunSpec};
use brink_sweep::{Record, Replay};
fn main() {
    let r = Record::embedded();
    let rp = Replay::from_record(&r);
    let p = rp.params(&Params::default());
    let spec =
        RunSpec { policy: &rp.policy, election_target: None, params: &p, horizon: rp.horizon, events: &rp.events };
    let mut why = std::collections::BTreeMap::new();
    for s in 0..500 {
        let mut t = Trace::default();
        run_observed(&spec, s, &mut t);
        'o: for m in &t.months {
            for e in &m.messages {
                let k = match e.msg {
                    Msg::DealEndedByDprk(c) => format!("dprk {c:?}"),
                    Msg::DealEndedByUs(c) => format!("us {c:?} m{}", if m.month < 97 { "<97" } else { ">=97" }),
                    _ => continue,
                };
                *why.entry(k).or_insert(0) += 1;
                break 'o;
            }
        }
    }
    println!("{why:?}");
}
