//! The agent image (images/build.sh, built with buildah: no Docker engine runs here) smoke-run
//! inside with `buildah run`, as the user it runs as: every step answers `--tool-version`, the
//! workdir and HOME are writable, a chart is fetched from a repository on loopback into the
//! workdir, and checkout-guard guards a real git command. And two Drone/Woodpecker plugin images
//! (`images/build.sh plugins`): FROM scratch with the one binary, run from their ENTRYPOINT with
//! only PLUGIN_* settings in a mounted workspace, as a runner runs them.

use std::process::Command;

use deckhand_tests::*;

const IMAGE: &str = "localhost/deckhand-agent:latest";
const STEPS: [&str; 6] =
    ["chart-fetch", "chart-untar", "chart-deploy", "pull-secret", "build-notify", "checkout-guard"];

fn buildah() -> Command {
    let mut cmd = Command::new("buildah");
    cmd.args(["--storage-driver", "vfs"]);
    cmd
}

/// A working container of the image, removed when dropped.
struct Container(String);

impl Container {
    fn of(image: &str) -> Container {
        let out = run(buildah().args(["from", "--pull-never", image]));
        assert_eq!(out.code, 0, "{out:?}");
        Container(out.stdout.trim().to_string())
    }

    /// Runs `args` inside, as the image's user, in its workdir, on the host's network (loopback).
    fn run(&self, args: &[&str]) -> Run {
        run(buildah().args(["run", "--isolation", "chroot", "--network", "host", &self.0, "--"]).args(args))
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = buildah().args(["rm", &self.0]).output();
    }
}

#[test]
fn the_agent_image_runs_every_step_as_its_user() {
    let built = run(&mut Command::new(root().join("images/build.sh")));
    assert_eq!(built.code, 0, "{built:?}");
    let container = Container::of(IMAGE);
    for step in STEPS {
        let out = container.run(&[step, "--tool-version"]);
        assert_eq!(out.code, 0, "{step}: {out:?}");
        assert!(out.stdout.starts_with(&format!("{step} ")), "{out:?}");
    }
    let me = container.run(&["sh", "-c", "id -u; pwd; echo $HOME; touch ./w \"$HOME/h\" && echo writable"]);
    assert_eq!(
        me.stdout.split_whitespace().collect::<Vec<_>>(),
        ["1000", "/workspace", "/home/jenkins", "writable"],
        "{me:?}"
    );

    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    Helm::new(HELM3).package(work.path(), "demo", "1.2.3", &repo);
    Helm::new(HELM3).ok(&["repo", "index", repo.to_str().unwrap()]);
    let server = StaticServer::start(&repo, &ServeOptions::default());
    let fetched = container.run(&["chart-fetch", "--repo", &server.url(), "demo", "--untar", "-d", "charts"]);
    assert_eq!(fetched.code, 0, "{fetched:?}");
    let listed = container.run(&["ls", "charts/demo"]);
    assert!(listed.stdout.contains("Chart.yaml"), "{listed:?}");

    let guarded = container.run(&["checkout-guard", "exec", "--dir", "repo", "--", "git", "init", "-q", "repo"]);
    assert_eq!(guarded.code, 0, "{guarded:?}");
    let status = container.run(&["git", "-C", "repo", "status", "--short", "--branch"]);
    assert_eq!(status.code, 0, "git runs in the image: {status:?}");
}

/// The image's configuration as buildah reports it (OCI form).
fn config(image: &str) -> serde_json::Value {
    let out = run(buildah().args(["inspect", "--type", "image", image]));
    assert_eq!(out.code, 0, "{out:?}");
    let inspected: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    inspected["OCIv1"]["config"].clone()
}

fn image_size(image: &str) -> String {
    let out = run(buildah().args(["images", "--format", "{{.Size}}", image]));
    out.stdout.trim().to_string()
}

#[test]
fn plugin_images_run_from_their_entrypoint_with_plugin_settings() {
    let built = run(Command::new(root().join("images/build.sh")).args(["plugins", "chart-untar", "checkout-guard"]));
    assert_eq!(built.code, 0, "{built:?}");
    let work = tempfile::tempdir().unwrap();
    let workspace = work.path().join("ws");
    std::fs::create_dir_all(workspace.join("charts")).unwrap();
    Helm::new(HELM3).package(work.path(), "demo", "1.2.3", &workspace.join("charts"));
    assert_eq!(run(Command::new("git").args(["init", "-q"]).arg(workspace.join("repo"))).code, 0);
    let lock = workspace.join("repo/.git/index.lock");
    std::fs::write(&lock, "").unwrap();
    assert_eq!(run(Command::new("touch").args(["-d", "3 hours ago"]).arg(&lock)).code, 0);
    // The workspace is root's, 0755, as the runners' clone step (run as root) leaves it.
    let mount = format!("{}:/drone/src", workspace.display());

    for (step, settings) in [
        ("chart-untar", vec!["PLUGIN_ARCHIVE=charts/demo-1.2.3.tgz", "PLUGIN_DESTINATION=build", "PLUGIN_FORCE=true"]),
        ("checkout-guard", vec!["PLUGIN_SUBCOMMAND=clean", "PLUGIN_ROOTS=.", "PLUGIN_MIN_AGE=1h"]),
    ] {
        let image = format!("localhost/deckhand-{step}:latest");
        let config = config(&image);
        assert_eq!(config["Entrypoint"], serde_json::json!([format!("/bin/{step}")]), "{config}");
        assert_eq!(config["User"], "0:0", "{config}: the runners' workspace is root's");
        println!("{image}: {}", image_size(&image));
        let container = Container::of(&image);
        // What a runner runs: the image's ENTRYPOINT and nothing else, the settings as PLUGIN_*.
        let entrypoint: Vec<String> =
            config["Entrypoint"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        let mut cmd = buildah();
        cmd.args(["run", "--isolation", "chroot", "--network", "host", "-v", &mount, "--workingdir", "/drone/src"]);
        for setting in &settings {
            cmd.args(["-e", setting]);
        }
        cmd.arg(&container.0).arg("--").args(&entrypoint);
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{step}: {out:?}");
        if step == "checkout-guard" {
            // It read its settings, scanned the mounted workspace and removed the stale lock.
            assert!(out.stdout.contains("1 repository, 1 lock file"), "{out:?}");
            assert!(!lock.exists(), "the stale lock is removed: {out:?}");
        }
        // Nothing else is in the image to run: no shell.
        let shell = container.run(&["/bin/sh", "-c", "true"]);
        assert_ne!(shell.code, 0, "{step}: a plugin image has no shell: {shell:?}");
    }
    assert!(workspace.join("build/demo/Chart.yaml").is_file(), "chart-untar unpacked in the workspace");
}
