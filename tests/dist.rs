//! `cargo xtask dist` builds the whole release from the tree (as from a clean clone): the static
//! binaries and their checksums (checked with the real `sha256sum -c`), a BK-CI atom zip per step
//! (unpacked with the real `unzip`, its binary run), the KubeSphere manifest, the Jenkins library,
//! and the images as OCI archives (read back with the real buildah).

use std::path::Path;
use std::process::Command;

use deckhand_tests::*;
use serde_json::Value;

const STEPS: [&str; 6] =
    ["build-notify", "chart-deploy", "chart-fetch", "chart-untar", "checkout-guard", "pull-secret"];

fn in_dist(dist: &Path, args: &[&str]) -> Run {
    run(Command::new(args[0]).args(&args[1..]).current_dir(dist))
}

#[test]
fn dist_holds_the_whole_release() {
    let out = run(Command::new(env!("CARGO")).args(["run", "-q", "-p", "xtask", "--", "dist"]).current_dir(root()));
    assert_eq!(out.code, 0, "{out:?}");
    let dist = root().join("dist");
    assert!(!root().join("dist.tmp").exists(), "staging is renamed");

    let sums = in_dist(&dist, &["sha256sum", "-c", "SHA256SUMS"]);
    assert_eq!(sums.code, 0, "{sums:?}");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dist.join("manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap().lines().count());
    let version = manifest["version"].as_str().unwrap();

    for step in STEPS {
        let binary = dist.join(format!("bin/{step}-linux-amd64"));
        let ldd = run(Command::new("ldd").arg(&binary));
        assert!(
            ldd.stdout.contains("statically linked") || ldd.stderr.contains("not a dynamic executable"),
            "{step}: {ldd:?}"
        );

        let unpacked = tempfile::tempdir().unwrap();
        let zip = dist.join(format!("bk-ci/{step}-{version}.zip"));
        assert_eq!(run(Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(unpacked.path())).code, 0, "{step}");
        let task: Value =
            serde_json::from_str(&std::fs::read_to_string(unpacked.path().join("task.json")).unwrap()).unwrap();
        let os = task["execution"]["os"].as_array().unwrap();
        assert_eq!(os.len(), 1, "{step}: only amd64 is built here");
        assert_eq!(os[0]["osArch"], "amd64");
        let target = unpacked.path().join(os[0]["packagePath"].as_str().unwrap());
        let shown = run(Command::new(&target).arg("--tool-version"));
        assert_eq!(shown.code, 0, "{step}: the zip's binary is executable: {shown:?}");
        assert!(shown.stdout.starts_with(&format!("{step} {version} (commit ")), "{shown:?}");
    }

    let ks = std::fs::read_to_string(dist.join("kubesphere/deckhand-steps.yaml")).unwrap();
    assert_eq!(ks.matches("kind: ClusterStepTemplate").count(), STEPS.len());

    let listing = run(Command::new("tar")
        .arg("-tzf")
        .arg(dist.join(format!("jenkins/deckhand-jenkins-library-{version}.tar.gz"))));
    assert_eq!(listing.code, 0);
    for step in STEPS {
        let camel: String = step
            .split('-')
            .enumerate()
            .map(|(i, p)| if i == 0 { p.to_string() } else { p[..1].to_uppercase() + &p[1..] })
            .collect();
        let entry =
            format!("deckhand-jenkins-library/vars/deckhand{}{}.groovy", &camel[..1].to_uppercase(), &camel[1..]);
        assert!(listing.stdout.lines().any(|l| l == entry), "{entry} not in {}", listing.stdout);
    }

    let agent = dist.join(format!("images/deckhand-agent-{version}.oci.tar"));
    let pulled = run(Command::new("buildah")
        .args(["--storage-driver", "vfs", "pull", "-q"])
        .arg(format!("oci-archive:{}", agent.display())));
    assert_eq!(pulled.code, 0, "{pulled:?}");
    let inspect = run(Command::new("buildah")
        .args(["--storage-driver", "vfs", "inspect", "--type", "image", "--format", "{{.OCIv1.Config.User}}"])
        .arg(pulled.stdout.trim()));
    assert_eq!(inspect.code, 0, "{inspect:?}");
    assert_eq!(inspect.stdout.trim(), "1000:1000");
    for step in STEPS {
        let plugin = dist.join(format!("images/deckhand-{step}-{version}.oci.tar"));
        assert!(plugin.is_file(), "the {step} plugin image is in dist/images");
    }
}
