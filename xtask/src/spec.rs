//! The host spec each step prints with `--host-spec` (`deckhand_common::host::spec`): its form
//! joined with its clap options. Every generator reads only this.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Deserialize)]
pub struct Step {
    pub step: String,
    pub version: String,
    pub about: Option<String>,
    pub atom_code: String,
    pub name: Text,
    pub summary: Text,
    pub category: String,
    pub timeout_minutes: u32,
    pub groups: Vec<Group>,
    pub subcommands: Vec<Subcommand>,
    pub inputs: Vec<Input>,
    pub credentials: Vec<Credential>,
    pub outputs: Vec<Output>,
}

#[derive(Debug, Deserialize)]
pub struct Group {
    pub id: String,
    pub label: Text,
    pub folded: bool,
}

#[derive(Debug, Deserialize)]
pub struct Subcommand {
    pub name: String,
    pub about: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Input {
    pub id: String,
    /// `--long`, or none for a positional argument.
    pub flag: Option<String>,
    /// The subcommands that have it (empty: the top-level command).
    pub subcommands: Vec<String>,
    /// bool | choice | list | path | text
    pub kind: String,
    pub multiline: bool,
    pub secret: bool,
    pub required: bool,
    pub default: Option<String>,
    pub choices: Vec<String>,
    pub env: Option<String>,
    pub help: String,
    pub label: Text,
    pub placeholder: Option<Text>,
    pub group: Option<String>,
    pub keeps_commas: bool,
}

#[derive(Debug, Deserialize)]
pub struct Credential {
    pub id: String,
    /// username-password | secret-text | kubeconfig
    pub kind: String,
    pub label: Text,
    pub group: Option<String>,
    pub username_option: Option<String>,
    pub secret_option: Option<String>,
    /// The environment variable the user name / secret reaches the step in.
    pub username_env: Option<String>,
    pub secret_env: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Output {
    pub id: String,
    pub description: Text,
}

impl Step {
    /// The step's name in camelCase (`chartFetch`), for Groovy and atom names.
    pub fn camel(&self) -> String {
        camel_case(&self.step, '-')
    }

    pub fn input(&self, id: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.id == id)
    }
}

/// `text` in camelCase, its words split at `separator` (`chart-fetch` -> `chartFetch`).
pub fn camel_case(text: &str, separator: char) -> String {
    let mut out = String::new();
    for (i, part) in text.split(separator).enumerate() {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.push(first);
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// The workspace root (xtask's parent folder).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

/// Every step: each folder under `steps/` with a `src/main.rs`, in name order.
pub fn step_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("steps"))
        .expect("steps/ is readable")
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().join("src/main.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Where the debug binaries are: `$CARGO_TARGET_DIR/debug` or `target/debug`.
pub fn bin_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target")).join("debug")
}

/// Builds the steps and reads each one's spec.
pub fn load_all() -> Result<Vec<Step>, String> {
    let built = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args(["build", "-q", "--bins", "--workspace", "--exclude", "xtask"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Err("cargo build failed".into());
    }
    step_names().iter().map(|name| load(&bin_dir().join(name))).collect()
}

fn load(bin: &Path) -> Result<Step, String> {
    let out = Command::new(bin)
        .arg("--host-spec")
        .env_clear()
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!("{} --host-spec failed: {}", bin.display(), String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{} --host-spec: {e}", bin.display()))
}

/// A JSON object that keeps its keys in the order given (hosts show form fields in file order;
/// serde_json's own map sorts them).
#[derive(Debug, Default)]
pub struct Ordered(pub Vec<(String, Node)>);

/// A value in an [`Ordered`] object.
#[derive(Debug)]
pub enum Node {
    Value(serde_json::Value),
    Ordered(Ordered),
}

impl Ordered {
    pub fn with(mut self, key: &str, value: impl Into<Node>) -> Self {
        self.0.push((key.to_string(), value.into()));
        self
    }
    pub fn push(&mut self, key: &str, value: impl Into<Node>) {
        self.0.push((key.to_string(), value.into()));
    }
    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
    /// Pretty JSON text with a final newline.
    pub fn to_pretty(&self) -> String {
        format!("{}\n", serde_json::to_string_pretty(self).expect("JSON"))
    }
}

impl From<serde_json::Value> for Node {
    fn from(value: serde_json::Value) -> Self {
        Node::Value(value)
    }
}

impl From<Ordered> for Node {
    fn from(value: Ordered) -> Self {
        Node::Ordered(value)
    }
}

impl serde::Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, node) in &self.0 {
            match node {
                Node::Value(v) => map.serialize_entry(key, v)?,
                Node::Ordered(o) => map.serialize_entry(key, o)?,
            }
        }
        map.end()
    }
}
