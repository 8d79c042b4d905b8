//! The Kubernetes API STAND-IN's own tests (tests/peers/standin_test.py, Python unittest): that it
//! answers as the real versions it emulates do (406 metadata reads on 1.14, 410 after compaction,
//! field selectors, asynchronous controllers, scheduler messages per version, SSA conflicts...),
//! run from here so that `tests/run` (cargo test) runs them too.

use std::process::Command;

use deckhand_tests::*;
use serde_json::json;

#[test]
fn the_stand_in_behaves_like_the_versions_it_emulates() {
    let out = run(Command::new("python3").args(["-m", "unittest", "tests/peers/standin_test.py"]).current_dir(root()));
    assert_eq!(out.code, 0, "the stand-in's own tests failed:\n{}\n{}", out.stdout, out.stderr);

    // The Rust side of the interface: --emulate, pass-through options and the control endpoint.
    let kube = KubeStandin::start_with(
        &json!([{"kind": "Namespace", "metadata": {"name": "shop"}}]),
        StandinOptions {
            tls: true,
            emulate: Some("1.14"),
            extra_args: vec!["--nodes".into(), "three".into()],
            ..Default::default()
        },
    );
    assert!(kube.find("Node", "", "standin-control-plane").is_some(), "--nodes three reached the stand-in");
    let secret = json!({"kind": "Secret", "metadata": {"name": "later", "namespace": "shop"}, "type": "Opaque"});
    let answer = kube.control("put", &json!({"object": secret}));
    assert_eq!(answer["ok"], true, "{answer}");
    assert!(kube.find("Secret", "shop", "later").is_some());
    kube.control("delete", &json!({"kind": "Secret", "namespace": "shop", "name": "later"}));
    assert!(kube.find("Secret", "shop", "later").is_none());
}
