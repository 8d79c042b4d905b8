//! The README's first command, `examples/demo.sh`, runs the whole pipeline on the built-in example
//! and prints what a user would see: each step's own output, checked here for the outcome of each
//! stage (so a broken stage fails this test, not a user's first try).

use std::process::Command;

use deckhand_tests::*;

#[test]
fn the_demo_runs_the_whole_pipeline() {
    let out = run(Command::new(root().join("examples/demo.sh")).env("DECKHAND_PEERS", peers_bin().parent().unwrap()));
    assert_eq!(out.code, 0, "{out:?}");
    let shown = &out.stdout;
    for expected in [
        "fetched hello 1.1.0",
        "unpacked hello 1.1.0 into unpacked/hello",
        "secret harbor-pull in namespace shop: created",
        "release web in namespace shop: revision 1 is deployed",
        "deployment/web-hello: 2/2 ready",
        "image not found in registry",
        "--atomic: rolled back to revision 1",
        "(exit code 7)",
        "Subject: 构建失败: shop/web #42",
        "To: \"Zhang, San\" <zhangsan@example.com>",
        "warning [branch-variable-unverified]",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in the demo's output:\n{shown}");
    }
    assert!(!shown.contains("s3cr3t-demo"), "the registry password is never shown");
}
