//! The canonical form (the `config.toml` of every result) reads back, in brink and in any TOML
//! reader, to the same experiment and hash: every string (control and format characters,
//! quotes, backslashes) and every float (-0.0, subnormals, the largest values).

use brink_core::{Lever, Param, Policy};
use brink_sweep::experiment::{toml_float, toml_string};
use brink_sweep::{Experiment, Method, Uncertain};
use proptest::prelude::*;

/// Characters a writer must escape or may get wrong: every C0 and C1 control, DEL, quotes,
/// backslashes, and the format characters (Unicode category Cf) and separators that are
/// invisible in an editor.
fn tricky() -> Vec<char> {
    let mut v: Vec<char> = (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32).collect();
    v.extend(['"', '\\', '\'', '#', '=', '[', ']', '{', '}', '\u{301}', '\u{3000}', '\u{fffd}', 'é', '😀']);
    let ranges: &[(u32, u32)] = &[
        (0xad, 0xad),
        (0x600, 0x605),
        (0x61c, 0x61c),
        (0x6dd, 0x6dd),
        (0x70f, 0x70f),
        (0x890, 0x891),
        (0x8e2, 0x8e2),
        (0x180e, 0x180e),
        (0x200b, 0x200f),
        (0x2028, 0x202e),
        (0x2060, 0x2064),
        (0x2066, 0x206f),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
        (0xe000, 0xe000),
        (0x10ffff, 0x10ffff),
    ];
    for (a, b) in ranges {
        v.extend((*a..=*b).filter_map(char::from_u32));
    }
    v
}

fn text() -> impl Strategy<Value = String> {
    let pick = prop::sample::select(tricky());
    prop::collection::vec(prop_oneof![3 => pick, 1 => any::<char>()], 0..24).prop_map(|v| v.into_iter().collect())
}

/// A value in [lo, hi], often an edge: an end, -0.0, a subnormal, the smallest normal.
fn value(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    let edges = vec![lo, hi, -0.0, f64::from_bits(1), f64::MIN_POSITIVE, f64::MIN_POSITIVE / 3.0, hi * 0.1];
    prop_oneof![prop::sample::select(edges), lo..=hi].prop_map(move |x| if x >= lo && x <= hi { x } else { lo })
}

prop_compose! {
    fn policy(i: usize)(summary in text(), levers in prop::collection::vec(value(0.0, 1.0), Lever::COUNT)) -> Policy {
        Policy::new(&format!("user-{i}"), &summary, levers.try_into().unwrap()).unwrap()
    }
}

prop_compose! {
    fn experiment()(
        name in text(),
        description in text(),
        horizon in 1u32..=1200,
        replications in 1u32..=1_000_000_000,
        seed in prop_oneof![Just(0u64), Just(i64::MAX as u64), 0..=i64::MAX as u64],
        builtin in prop::sample::subsequence((0..6).collect::<Vec<usize>>(), 0..=6),
        users in (0usize..3).prop_flat_map(|n| (0..n).map(policy).collect::<Vec<_>>()),
        reference in any::<prop::sample::Index>(),
        values in Param::ALL.iter().map(|p| value(p.spec().min, p.spec().max)).collect::<Vec<_>>(),
        swept in prop::sample::subsequence(Param::ALL.to_vec(), 0..4),
        ends in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 4),
        method in prop::sample::select(vec![Method::MonteCarlo, Method::LatinHypercube, Method::Grid, Method::Sobol]),
        samples in 1u32..1000,
        levels in 2u32..10,
        election in prop::option::of(0usize..6),
    ) -> Experiment {
        let mut e = Experiment::default_experiment();
        e.posterior = None;
        e.posterior_params.clear();
        e.name = name;
        e.description = description;
        e.horizon = horizon;
        e.replications = replications;
        e.seed = seed;
        let all = Policy::builtin();
        e.policies = builtin.iter().map(|i| all[*i].clone()).chain(users).collect();
        if e.policies.is_empty() {
            e.policies.push(all[0].clone());
        }
        e.reference = reference.index(e.policies.len());
        for (p, x) in Param::ALL.iter().zip(values) {
            e.params.set(*p, x).unwrap();
        }
        e.election_target = election.map(|i| all[i].clone());
        if e.election_target.is_none() {
            e.params.set(Param::ElectionSwitch, 0.0).unwrap();
        }
        e.uncertain = swept
            .iter()
            .zip(ends)
            .filter(|(p, _)| **p != Param::ElectionSwitch)
            .map(|(p, (a, b))| {
                let s = p.spec();
                let grid: Vec<f64> = (0..=16).map(|k| s.min + (s.max - s.min) * k as f64 / 16.0).collect();
                let (x, y) = (grid[a.index(grid.len())], grid[b.index(grid.len())]);
                Uncertain { param: *p, low: x.min(y), high: x.max(y) }
            })
            .collect();
        e.method = if e.uncertain.is_empty() { Method::Fixed } else { method };
        e.samples = samples;
        e.levels = levels;
        e
    }
}

/// Reads `text` with the `toml` crate's ordinary deserializer, as another program would.
fn plain(text: &str) -> toml::Table {
    toml::from_str(text).unwrap_or_else(|e| panic!("not TOML: {e}\n{text}"))
}

fn same_bits(a: f64, b: f64) -> bool {
    (a + 0.0).to_bits() == (b + 0.0).to_bits()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn an_experiment_survives_its_canonical_form(e in experiment()) {
        let text = e.canonical();
        let again = Experiment::parse(&text, "config.toml").unwrap_or_else(|err| panic!("{err}\n{text}"));
        prop_assert_eq!(&again.canonical(), &text);
        prop_assert_eq!(again.hash(), e.hash());
        prop_assert_eq!(&again.name, &e.name);
        prop_assert_eq!(&again.description, &e.description);
        for (a, b) in again.policies.iter().zip(&e.policies) {
            prop_assert_eq!(a.summary(), b.summary());
            for l in Lever::ALL {
                prop_assert!(same_bits(a.get(*l), b.get(*l)));
            }
        }
        for p in Param::ALL.iter().filter(|p| !e.uncertain.iter().any(|u| u.param == **p)) {
            prop_assert!(same_bits(again.params.get(*p), e.params.get(*p)), "{}", p.name());
        }
        // Any TOML reader gets the same strings.
        let t = plain(&text);
        prop_assert_eq!(t["experiment"]["name"].as_str(), Some(e.name.as_str()));
        prop_assert_eq!(t["experiment"]["description"].as_str(), Some(e.description.as_str()));
        for p in &e.policies {
            prop_assert_eq!(t["policies"][p.name()]["summary"].as_str(), Some(p.summary()));
        }
    }

    #[test]
    fn every_finite_float_is_written_as_a_toml_float_of_the_same_value(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        let t = plain(&format!("x = {}\n", toml_float(x)));
        let back = t["x"].as_float().unwrap();
        prop_assert!(same_bits(back, x), "{x:?} -> {back:?}");
        prop_assert_eq!(back.to_bits(), (x + 0.0).to_bits(), "-0.0 is written as 0.0");
    }
}

/// Every character, control and format characters included, reads back from `toml_string` with
/// the ordinary TOML reader (in chunks, so the test stays quick).
#[test]
fn every_character_reads_back_from_a_toml_string() {
    let all: Vec<char> = (0..=0x10ffffu32).filter_map(char::from_u32).collect();
    for chunk in all.chunks(4096) {
        let s: String = chunk.iter().collect();
        let t = plain(&format!("s = {}\n", toml_string(&s)));
        assert_eq!(t["s"].as_str(), Some(s.as_str()), "chunk from U+{:04X}", chunk[0] as u32);
    }
}

#[test]
fn a_stored_config_with_control_and_format_characters_reads_back() {
    let name: String = tricky().into_iter().collect();
    let mut e = Experiment::parse("[design]\nmethod = \"fixed\"\n[posterior]\nfile = \"none\"\n", "t.toml").unwrap();
    e.name = name.clone();
    e.description = "bell\u{7} soft\u{ad}hyphen \"quoted\" back\\slash".to_string();
    let again = Experiment::parse(&e.canonical(), "config.toml").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(again.name, name);
    assert_eq!(again.description, e.description);
    assert_eq!(again.hash(), e.hash());
}

#[test]
fn minus_zero_hashes_like_zero() {
    let p = Param::ALL.iter().find(|p| p.spec().min == 0.0 && *p != &Param::ElectionSwitch).unwrap().name();
    let base = "[design]\nmethod = \"fixed\"\n[posterior]\nfile = \"none\"\n[policies.mine]\nbase = \"maximum_pressure\"\n[experiment]\npolicies = [\"containment_transparency\", \"mine\"]\n";
    let a = Experiment::parse(&format!("{base}[model]\n{p} = 0.0\n"), "a.toml").unwrap();
    let b = Experiment::parse(&format!("{base}[model]\n{p} = -0.0\n"), "b.toml").unwrap();
    assert_eq!(a.hash(), b.hash());
    let with = |x: &str| {
        let lever = format!("[policies.mine]\nbase = \"maximum_pressure\"\nrelief = {x}\n");
        base.replace("[policies.mine]\nbase = \"maximum_pressure\"\n", &lever)
    };
    let c = Experiment::parse(&with("0.0"), "c.toml").unwrap();
    let d = Experiment::parse(&with("-0.0"), "d.toml").unwrap();
    assert_eq!(c.hash(), d.hash());
    assert!(!c.canonical().contains("-0.0"));
}
