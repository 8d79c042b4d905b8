//! Running as a BK-CI atom. The worker writes `input.json` (the atom's inputs AND every pipeline
//! variable, all as strings) into a temp data folder, runs us there, and reads `output.json` back.
//! So under BK-CI only the keys the atom's [`Form`] declares are read (a pipeline variable called
//! `dry_run` changes nothing), relative paths mean the workspace (`bkWorkspace`), and a credential
//! chosen by id is read from BK-CI's ticket service through the build API, as official atoms do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::host::{CredentialKind, Form, KUBECONFIG_CONTENT, SUBCOMMAND};
use crate::{messages, redact, Error, Result};

/// What the worker told us: where its files are.
pub struct Worker {
    /// `bk_data_dir`, absolute.
    pub data_dir: PathBuf,
    pub input: PathBuf,
}

/// `bk_data_dir`, made absolute (the workspace becomes the current folder later).
pub fn data_dir() -> Option<PathBuf> {
    std::path::absolute(std::env::var_os("bk_data_dir")?).ok()
}

impl Worker {
    /// The worker's files, when it runs us (`bk_data_dir` and `bk_data_input` set).
    pub fn from_env() -> Option<Worker> {
        let dir = data_dir()?;
        let input = dir.join(std::env::var_os("bk_data_input")?);
        Some(Worker { data_dir: dir, input })
    }
}

/// The declared inputs of `input.json` (by snake_case or camelCase key), with chosen credentials
/// resolved into the options they fill; and the workspace, which becomes the current folder.
pub fn read_inputs(worker: &Worker, form: &Form) -> Result<(BTreeMap<String, String>, Option<PathBuf>)> {
    let all = read_input_json(&worker.input)?;
    let value = |key: &str| all.get(key).or_else(|| all.get(&camel_case(key))).filter(|v| !v.trim().is_empty());
    let mut inputs: BTreeMap<String, String> = form
        .inputs
        .iter()
        .map(|i| i.option)
        .chain([SUBCOMMAND])
        .filter_map(|key| Some((key.to_string(), value(key)?.clone())))
        .collect();
    for credential in form.credentials {
        let Some(id) = value(credential.id) else { continue };
        let ticket = Ticket::read(&worker.data_dir, id.trim())?;
        if let (Some(option), Some(user)) = (credential.username_option, &ticket.username) {
            inputs.entry(option.to_string()).or_insert_with(|| user.clone());
        }
        match (credential.kind, credential.secret_option) {
            // The step reads kubeconfig content from this variable (`--kubeconfig-content-env`).
            // The build machine's own KUBECONFIG would come first (a path beats content), so the
            // cluster the user chose here would lose to whatever the agent has configured.
            (CredentialKind::Kubeconfig, _) => {
                // Set while parsing options, before any thread starts.
                std::env::set_var(KUBECONFIG_CONTENT, &ticket.secret);
                std::env::remove_var(KUBECONFIG);
            }
            (_, Some(option)) => {
                inputs.entry(option.to_string()).or_insert_with(|| ticket.secret.clone());
            }
            (_, None) => {}
        }
    }
    let workspace = value("bkWorkspace").map(PathBuf::from);
    Ok((inputs, workspace))
}

/// The kubeconfig path variable (the `--kubeconfig` option's `env`).
const KUBECONFIG: &str = "KUBECONFIG";

fn read_input_json(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(&messages::bk_input_unreadable(), path, &e))?;
    let map: BTreeMap<String, Value> = serde_json::from_str(&text).map_err(|e| {
        Error::input(messages::bk_input_not_object(path, &e.to_string())).hint(messages::hint_bk_input())
    })?;
    Ok(map.into_iter().map(|(k, v)| (k, string_of(v))).collect())
}

/// BK-CI sends strings; anything else is taken as its JSON text.
fn string_of(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub(crate) fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A credential from BK-CI's ticket service.
struct Ticket {
    username: Option<String>,
    secret: String,
}

/// The build API's identity headers, from `.sdk.json` keys.
const SDK_HEADERS: [(&str, &str); 7] = [
    ("X-DEVOPS-BUILD-TYPE", "buildType"),
    ("X-DEVOPS-PROJECT-ID", "projectId"),
    ("X-DEVOPS-BUILD-ID", "buildId"),
    ("X-DEVOPS-VM-SID", "vmSeqId"),
    ("X-DEVOPS-AGENT-ID", "agentId"),
    ("X-DEVOPS-AGENT-SECRET-KEY", "secretKey"),
    ("X-DEVOPS-CI-TASK-ID", "taskId"),
];

/// How long one request to the build API may take.
const TICKET_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl Ticket {
    /// `GET <gateway>/ticket/api/build/credentials/<id>/detail`, as the Go plugin SDK does.
    fn read(data_dir: &Path, id: &str) -> Result<Ticket> {
        let sdk_path = data_dir.join(".sdk.json");
        let sdk: BTreeMap<String, Value> = std::fs::read_to_string(&sdk_path)
            .map_err(|e| Error::io(&messages::bk_sdk_unreadable(), &sdk_path, &e))
            .and_then(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| Error::input(messages::bk_sdk_invalid(&sdk_path, &e.to_string())))
            })?;
        let field = |key: &str| sdk.get(key).map(|v| string_of(v.clone())).unwrap_or_default();
        let gateway = field("gateway");
        if gateway.is_empty() {
            return Err(Error::input(messages::bk_sdk_invalid(&sdk_path, &messages::bk_sdk_no_gateway())));
        }
        redact::register(&field("secretKey"));
        let base = if gateway.contains("://") { gateway } else { format!("http://{gateway}") };
        let url = format!("{}/ticket/api/build/credentials/{}/detail", base.trim_end_matches('/'), encode(id));
        let client = reqwest::blocking::Client::builder()
            .timeout(TICKET_TIMEOUT)
            .build()
            .map_err(|e| Error::internal(e.to_string()))?;
        let mut request = client.get(&url);
        for (header, key) in SDK_HEADERS {
            request = request.header(header, field(key));
        }
        let reply = request.send().map_err(|e| {
            Error::remote(messages::bk_ticket_unreachable(id, &crate::http::chain(&e))).hint(messages::hint_bk_ticket())
        })?;
        let status = reply.status();
        let body: Value = reply.json().unwrap_or(Value::Null);
        let data = body.get("data").filter(|d| d.is_object());
        let refused = |why: String| Error::auth(messages::bk_ticket_refused(id, &why)).hint(messages::hint_bk_ticket());
        if !status.is_success() || body.get("status").and_then(Value::as_i64) != Some(0) || data.is_none() {
            let why =
                body.get("message").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| status.to_string());
            return Err(refused(why));
        }
        let data = data.cloned().unwrap_or_default();
        let text = |key: &str| data.get(key).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string);
        let secret = ["password", "access_token", "secretKey", "token"]
            .into_iter()
            .find_map(text)
            .ok_or_else(|| refused(messages::bk_ticket_no_secret()))?;
        redact::register(&secret);
        Ok(Ticket { username: text("username"), secret })
    }
}

/// A credential id as one URL path segment.
fn encode(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>().replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_of_snake_keys() {
        assert_eq!(camel_case("ca_file"), "caFile");
        assert_eq!(camel_case("repo"), "repo");
    }

    /// Serves one HTTP reply with `body` on loopback; the gateway address.
    fn one_reply(body: &'static str) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(format!("{head}{body}").as_bytes());
        });
        address
    }

    #[test]
    fn a_chosen_kubeconfig_credential_beats_the_agents_kubeconfig() {
        const FORM: Form = crate::host::test_form(&[], &[crate::host::KUBECONFIG_CREDENTIAL]);
        let dir = tempfile::tempdir().unwrap();
        let gateway = one_reply(r#"{"status":0,"data":{"password":"apiVersion: v1\nkind: Config\n"},"message":null}"#);
        std::fs::write(dir.path().join(".sdk.json"), format!(r#"{{"buildType":"WORKER","gateway":"{gateway}"}}"#))
            .unwrap();
        std::fs::write(dir.path().join("input.json"), r#"{"kubeconfig_credential":"kube-prod"}"#).unwrap();
        std::env::set_var(KUBECONFIG, "/home/agent/.kube/config");
        let worker = Worker { data_dir: dir.path().to_path_buf(), input: dir.path().join("input.json") };
        read_inputs(&worker, &FORM).unwrap();
        assert_eq!(std::env::var(KUBECONFIG_CONTENT).unwrap(), "apiVersion: v1\nkind: Config\n");
        assert_eq!(std::env::var_os(KUBECONFIG), None, "the agent's KUBECONFIG would have won");
    }

    #[test]
    fn ids_are_one_segment() {
        assert_eq!(encode("harbor/../x y"), "harbor%2F..%2Fx%20y");
    }
}
