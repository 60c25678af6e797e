//! Reading a results folder: the manifest, the stored config, a part's monthly aggregates, the
//! posterior copy, the historical record and a part's record. The input is cut into those files
//! at each `\n--8<--\n`; none of the readers may panic, whatever the bytes, and what they
//! accept reads back the same once written again.
#![no_main]

use brink_sweep::calibrate::Posterior;
use brink_sweep::history::{Record, EMBEDDED};
use brink_sweep::manifest::{Manifest, PartRecord};
use brink_sweep::{Experiment, Monthly};
use libfuzzer_sys::fuzz_target;

const CUT: &[u8] = b"\n--8<--\n";

fn pieces(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(CUT.len()).position(|w| w == CUT) {
        out.push(&rest[..i]);
        rest = &rest[i + CUT.len()..];
    }
    out.push(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let p = pieces(data);
    let get = |i: usize| p.get(i).copied().unwrap_or(&[]);
    if let Ok(m) = Manifest::from_json(get(0)) {
        // Every file a manifest names stays inside its folder.
        for name in m.files.keys() {
            assert!(!name.starts_with('/') && !name.split('/').any(|c| c == ".."), "{name}");
        }
        assert_eq!(Manifest::from_json(&m.to_json()), Ok(m), "a manifest round-trips");
    }
    if let Ok(exp) = Experiment::parse_bytes(get(1), "config.toml") {
        if exp.posterior.is_none() {
            // The canonical round trip of a stored config.
            let again = Experiment::parse(&exp.canonical(), "config.toml").expect("the canonical form validates");
            assert_eq!(again.hash(), exp.hash(), "the canonical form changed the experiment");
        }
    }
    if let Some(m) = Monthly::from_bytes(get(2)) {
        assert_eq!(Monthly::from_bytes(&m.to_bytes()), Some(m), "monthly aggregates round-trip");
    }
    if let Ok(text) = std::str::from_utf8(get(3)) {
        if let Ok(post) = Posterior::parse(text) {
            let _ = post.ranges();
        }
    }
    if let Some(r) = PartRecord::from_json(get(5)) {
        assert_eq!(PartRecord::from_json(&r.to_json()), Some(r), "a part record round-trips");
    }
    if let Ok(text) = std::str::from_utf8(get(4)) {
        // One file of the record replaced by the input, the others as compiled in.
        let which = EMBEDDED[data.len() % EMBEDDED.len()].0;
        let _ = Record::parse(&|name| {
            if name == which {
                Ok(text.to_string())
            } else {
                Ok(EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()).unwrap_or_default())
            }
        });
    }
});
