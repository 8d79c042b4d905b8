//! Records the commit the steps are built from, for `--tool-version`: `DECKHAND_COMMIT` when the
//! builder sets it (a release from a source archive), else `git rev-parse`, else "unknown".
fn main() {
    println!("cargo:rerun-if-env-changed=DECKHAND_COMMIT");
    for path in ["../../.git/HEAD", "../../.git/refs/heads", "../../.git/packed-refs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let commit = std::env::var("DECKHAND_COMMIT").ok().filter(|c| !c.is_empty()).or_else(|| {
        let out = std::process::Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    });
    println!("cargo:rustc-env=DECKHAND_COMMIT={}", commit.unwrap_or_else(|| "unknown".into()));
}
