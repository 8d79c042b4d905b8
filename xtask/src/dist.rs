//! `cargo xtask dist [--no-images]`: the release, in `dist/`:
//!
//! - `bin/<step>-linux-<arch>`: the static binaries;
//! - `bk-ci/<step>-<version>.zip`: each BK-CI atom (task.json, whose `execution.os` lists the
//!   binaries built, and those binaries), ready for the store;
//! - `kubesphere/deckhand-steps.yaml`: every ClusterStepTemplate, for `kubectl apply -f`;
//! - `jenkins/deckhand-jenkins-library-<version>.tar.gz`: the shared library;
//! - `images/<image>-<version>.oci.tar`: the agent and plugin images as OCI archives
//!   (`buildah pull oci-archive:...`, `skopeo copy`, or `ctr import` load them);
//! - `SHA256SUMS` (for `sha256sum -c`) and `manifest.json` (what each file is).
//!
//! It is built in `dist.tmp/` and renamed, so an interrupted run leaves the previous `dist/` whole.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::spec::{self, Step};
use crate::{bk_ci, Files};

/// The Rust targets built, and the BK-CI architecture name of each. Only x86_64 is built here;
/// an arm64 build needs the aarch64 target and a linker for it.
const TARGETS: [(&str, &str); 1] = [("x86_64-unknown-linux-gnu", "amd64")];

pub fn run(steps: &[Step], generated: &Files, images: bool) -> Result<(), String> {
    let root = spec::root();
    let staging = root.join("dist.tmp");
    let _ = std::fs::remove_dir_all(&staging);
    let mut made: Vec<(PathBuf, &str)> = Vec::new();
    let arches: Vec<&str> = TARGETS.iter().map(|(_, arch)| *arch).collect();
    for (target, arch) in TARGETS {
        build_static(target)?;
        for step in steps {
            let from = root.join("target").join(target).join("release").join(&step.step);
            let to = staging.join("bin").join(bk_ci::package_file(&step.step, arch));
            copy(&from, &to)?;
            made.push((to, "binary"));
        }
    }
    for step in steps {
        let zip = staging.join("bk-ci").join(format!("{}-{}.zip", step.step, step.version));
        atom_zip(step, &arches, &staging.join("bin"), &zip)?;
        made.push((zip, "bk-ci atom"));
    }
    let version = steps.first().map(|s| s.version.clone()).unwrap_or_default();
    let manifest = staging.join("kubesphere/deckhand-steps.yaml");
    write_generated(generated, "hosts/kubesphere/deckhand-steps.yaml", &manifest)?;
    made.push((manifest, "kubesphere manifest"));
    let library = staging.join(format!("jenkins/deckhand-jenkins-library-{version}.tar.gz"));
    library_tarball(generated, &library)?;
    made.push((library, "jenkins library"));
    if images {
        for image in build_images()? {
            let archive =
                staging.join("images").join(format!("{}-{version}.oci.tar", image.trim_start_matches("localhost/")));
            std::fs::create_dir_all(archive.parent().expect("a folder")).map_err(|e| e.to_string())?;
            let dest = format!("oci-archive:{}:{image}:{version}", archive.display());
            command(Command::new("buildah").args([
                "--storage-driver",
                "vfs",
                "push",
                "-q",
                &format!("{image}:latest"),
                &dest,
            ]))?;
            made.push((archive, "oci image"));
        }
    }
    checksums(&staging, &made, &version)?;
    let dist = root.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::rename(&staging, &dist).map_err(|e| format!("cannot move dist.tmp to dist: {e}"))?;
    println!("dist/: {} files, checksums in dist/SHA256SUMS", made.len());
    Ok(())
}

fn build_static(target: &str) -> Result<(), String> {
    command(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(spec::root())
            .env("RUSTFLAGS", "-C target-feature=+crt-static")
            .args(["build", "-q", "--release", "--target", target, "--workspace", "--bins", "--exclude", "xtask"]),
    )
}

fn command(cmd: &mut Command) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("{cmd:?} failed: {status}"))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to.parent().expect("a folder")).map_err(|e| e.to_string())?;
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("cannot copy {}: {e}", from.display()))
}

fn write_generated(generated: &Files, key: &str, to: &Path) -> Result<(), String> {
    let text = generated.get(Path::new(key)).ok_or_else(|| format!("{key} is not generated"))?;
    std::fs::create_dir_all(to.parent().expect("a folder")).map_err(|e| e.to_string())?;
    std::fs::write(to, text).map_err(|e| e.to_string())
}

/// The atom's zip: task.json for `arches` and each binary, executable.
fn atom_zip(step: &Step, arches: &[&str], bin: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to.parent().expect("a folder")).map_err(|e| e.to_string())?;
    let file = std::fs::File::create(to).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("task.json", options.unix_permissions(0o644)).map_err(|e| e.to_string())?;
    zip.write_all(bk_ci::task_json(step, arches).as_bytes()).map_err(|e| e.to_string())?;
    for arch in arches {
        let name = bk_ci::package_file(&step.step, arch);
        let bytes = std::fs::read(bin.join(&name)).map_err(|e| e.to_string())?;
        zip.start_file(name, options.unix_permissions(0o755)).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    zip.finish().map(|_| ()).map_err(|e| e.to_string())
}

/// The generated Jenkins library (`hosts/jenkins/`) as `deckhand-jenkins-library/...`.
fn library_tarball(generated: &Files, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to.parent().expect("a folder")).map_err(|e| e.to_string())?;
    let file = std::fs::File::create(to).map_err(|e| e.to_string())?;
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::best()));
    let mut count = 0;
    for (path, text) in generated {
        let Ok(inside) = path.strip_prefix("hosts/jenkins") else { continue };
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, Path::new("deckhand-jenkins-library").join(inside), text.as_bytes())
            .map_err(|e| e.to_string())?;
        count += 1;
    }
    if count == 0 {
        return Err("no Jenkins library files are generated (hosts/jenkins)".into());
    }
    tar.into_inner().and_then(flate2::write::GzEncoder::finish).map(|_| ()).map_err(|e| e.to_string())
}

/// Builds the agent image and the plugin images (images/build.sh) and names them.
fn build_images() -> Result<Vec<String>, String> {
    let root = spec::root();
    command(Command::new(root.join("images/build.sh")).current_dir(&root))?;
    command(Command::new(root.join("images/build.sh")).arg("plugins").current_dir(&root))?;
    let out = Command::new("buildah")
        .args(["--storage-driver", "vfs", "images", "--format", "{{.Name}}"])
        .output()
        .map_err(|e| e.to_string())?;
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|n| n.starts_with("localhost/deckhand-"))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

fn sha256(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

fn checksums(staging: &Path, made: &[(PathBuf, &str)], version: &str) -> Result<(), String> {
    let mut sums = String::new();
    let mut files = Vec::new();
    for (path, kind) in made {
        let relative = path.strip_prefix(staging).expect("inside dist").display().to_string();
        let digest = sha256(path)?;
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        sums.push_str(&format!("{digest}  {relative}\n"));
        files.push(json!({"path": relative, "kind": kind, "sha256": digest, "size": size}));
    }
    let commit = std::env::var("DECKHAND_COMMIT").ok().or_else(|| {
        let out = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(spec::root()).output().ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    });
    let manifest = json!({"version": version, "commit": commit, "files": files});
    std::fs::write(staging.join("SHA256SUMS"), sums).map_err(|e| e.to_string())?;
    std::fs::write(
        staging.join("manifest.json"),
        format!("{}\n", serde_json::to_string_pretty(&manifest).expect("JSON")),
    )
    .map_err(|e| e.to_string())
}
