//! The agent image (images/build.sh, built with buildah: no Docker engine runs here) smoke-run
//! inside with `buildah run`, as the user it runs as: every step answers `--tool-version`, the
//! workdir and HOME are writable, a chart is fetched from a repository on loopback into the
//! workdir, and checkout-guard guards a real git command.

mod support;

use std::process::Command;

use support::*;

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
    let server = StaticServer::start(&repo, ServeOptions::default());
    let fetched = container.run(&["chart-fetch", "--repo", &server.url(), "demo", "--untar", "-d", "charts"]);
    assert_eq!(fetched.code, 0, "{fetched:?}");
    let listed = container.run(&["ls", "charts/demo"]);
    assert!(listed.stdout.contains("Chart.yaml"), "{listed:?}");

    let guarded = container.run(&["checkout-guard", "exec", "--dir", "repo", "--", "git", "init", "-q", "repo"]);
    assert_eq!(guarded.code, 0, "{guarded:?}");
    let status = container.run(&["git", "-C", "repo", "status", "--short", "--branch"]);
    assert_eq!(status.code, 0, "git runs in the image: {status:?}");
}
