//! The model version names results: a result hash covers the experiment and MODEL_VERSION, so
//! any change of behaviour must come with a new version, or an old hash would name new bytes.
//! This test pins a fingerprint of the model's behaviour to the version. When it fails after a
//! deliberate change, bump MODEL_VERSION in src/lib.rs and update both constants below.

use brink_core::{run, Params, Policy, RunSpec, MODEL_VERSION};

const PINNED_VERSION: &str = "brink-model-0.1.0-m4";
// 0x01cc4e09fddfd515 before `nuclear_test_month` joined RunOutcome; the same runs with that field
// struck from their Debug form still give it (checked when the field was added and at each merge).
const PINNED_FINGERPRINT: u64 = 0x1696a859f3ef16a4;

/// FNV-1a over the debug form of 50 runs of every built-in policy.
fn fingerprint() -> u64 {
    let params = Params::default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for policy in Policy::builtin() {
        let spec = RunSpec::new(&policy, &params, 120);
        for seed in 0..50 {
            for b in format!("{:?}", run(&spec, seed)).bytes() {
                h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    h
}

#[test]
fn model_behaviour_is_pinned_to_the_model_version() {
    let f = fingerprint();
    assert_eq!(
        (MODEL_VERSION, f),
        (PINNED_VERSION, PINNED_FINGERPRINT),
        "the model's behaviour or version changed: bump MODEL_VERSION and set PINNED_FINGERPRINT = {f:#x}"
    );
}
