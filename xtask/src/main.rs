//! `cargo xtask hosts`: writes every generated host file from the steps' own definitions.
//! `cargo xtask check [--against DIR]`: fails when a generated file is missing, different or left
//! over (in the workspace, or in a copy of it at DIR).
//! `cargo xtask dist [--no-images]`: builds the release into `dist/` (see [`dist`]).

mod bk_ci;
mod dist;
mod docs;
mod drone;
mod jenkins;
mod kubesphere;
mod reference;
mod spec;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Generated files by path relative to the workspace root.
pub type Files = BTreeMap<PathBuf, String>;

/// The folders whose every file is generated (a file there that is not is left over).
const GENERATED_DIRS: [&str; 8] = [
    "hosts/bk-ci",
    "hosts/kubesphere",
    "hosts/jenkins",
    "hosts/drone",
    "hosts/woodpecker",
    "docs/options",
    "docs/reference",
    "docs/man",
];

fn generate(steps: &[spec::Step]) -> Result<Files, String> {
    let mut files = Files::new();
    for step in steps {
        files.extend(bk_ci::files(step));
        files.extend(docs::files(step));
        files.extend(reference::files(step)?);
        files.extend(jenkins::files(step));
        files.extend(drone::files(step));
    }
    files.extend(reference::index(steps));
    files.extend(kubesphere::files(steps));
    files.extend(jenkins::library_files(steps));
    Ok(files)
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "hosts" => spec::load_all().and_then(|steps| generate(&steps)).map(|files| write(&files)),
        "check" => {
            let against = match std::env::args().nth(2).as_deref() {
                Some("--against") => std::env::args().nth(3).map(PathBuf::from).unwrap_or_default(),
                _ => spec::root(),
            };
            spec::load_all().and_then(|steps| check(&generate(&steps)?, &against))
        }
        "dist" => {
            let images = !std::env::args().any(|a| a == "--no-images");
            spec::load_all().and_then(|steps| dist::run(&steps, &generate(&steps)?, images))
        }
        _ => Err("usage: cargo xtask hosts | check [--against DIR] | dist [--no-images]".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(files: &Files) {
    let root = spec::root();
    for dir in GENERATED_DIRS {
        let _ = std::fs::remove_dir_all(root.join(dir));
    }
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("the folder can be made");
        std::fs::write(&path, text).expect("the file can be written");
    }
    println!("wrote {} files", files.len());
}

fn check(files: &Files, root: &std::path::Path) -> Result<(), String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str()))
        .map(|(path, _)| path.display().to_string())
        .collect();
    for dir in GENERATED_DIRS {
        stale.extend(walk(&root.join(dir)).into_iter().filter_map(|path| {
            let relative = path.strip_prefix(root).ok()?.to_path_buf();
            (!files.contains_key(&relative)).then(|| format!("{} (left over)", relative.display()))
        }));
    }
    if stale.is_empty() {
        println!("{} generated files are current", files.len());
        Ok(())
    } else {
        Err(format!("out of date (run `cargo xtask hosts`):\n  {}", stale.join("\n  ")))
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(std::result::Result::ok)
        .flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] })
        .collect()
}
