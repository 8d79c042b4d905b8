//! BK-CI atoms: `hosts/bk-ci/<step>/task.json`, the declaration the store releases and the worker
//! reads (`../shared/reference/pipelines.md`). Labels are Chinese, as BK-CI's UI is; the English help
//! is the field's description. Credentials are picked from BK-CI's credential store and read by
//! the step through the build API at run time.

use serde_json::{json, Map, Value};

use crate::spec::{Credential, Input, Ordered, Step};
use crate::Files;

/// The architectures of the committed declarations: what this project's CI builds.
pub const COMMITTED_ARCHES: [&str; 1] = ["amd64"];

/// BK-CI's credential types for each kind of credential a step takes.
fn ticket_types(kind: &str) -> &'static str {
    match kind {
        "username-password" => "USERNAME_PASSWORD",
        "kubeconfig" => "PASSWORD,MULTI_LINE_PASSWORD",
        _ => "PASSWORD,ACCESSTOKEN",
    }
}

/// The executable of `step` for `arch` inside the atom zip.
pub fn package_file(step: &str, arch: &str) -> String {
    format!("{step}-linux-{arch}")
}

pub fn files(step: &Step) -> Files {
    let path = format!("hosts/bk-ci/{}/task.json", step.step);
    Files::from([(path.into(), task_json(step, &COMMITTED_ARCHES))])
}

/// The atom's task.json, for an atom zip holding the binaries of `arches`.
pub fn task_json(step: &Step, arches: &[&str]) -> String {
    let os: Vec<Value> = arches
        .iter()
        .enumerate()
        .map(|(i, arch)| {
            let file = package_file(&step.step, arch);
            json!({"osName": "linux", "osArch": arch, "target": format!("./{file}"), "packagePath": file,
                   "demands": [], "defaultFlag": i == 0})
        })
        .collect();
    let first = package_file(&step.step, arches[0]);
    let mut input = Ordered::default();
    if !step.subcommands.is_empty() {
        let options: Vec<Value> = step
            .subcommands
            .iter()
            .map(|s| json!({"id": s.name, "name": format!("{} - {}", s.name, s.about.as_deref().unwrap_or(""))}))
            .collect();
        input.push(
            "subcommand",
            json!({"label": "操作", "type": "selector", "required": true,
            "default": step.subcommands[0].name, "options": options}),
        );
    }
    for field in &step.inputs {
        // A credential picker comes before the fields it fills.
        if let Some(credential) = step.credentials.iter().find(|c| fills(c, &field.id)) {
            if !input.contains(&credential.id) {
                input.push(&credential.id, credential_field(step, credential));
            }
        }
        input.push(&field.id, input_field(step, field));
    }
    for credential in &step.credentials {
        if !input.contains(&credential.id) {
            input.push(&credential.id, credential_field(step, credential));
        }
    }
    let groups: Vec<Value> =
        step.groups.iter().map(|g| json!({"name": g.id, "label": g.label.zh, "isExpanded": !g.folded})).collect();
    let mut output = Ordered::default();
    for o in &step.outputs {
        output.push(&o.id, json!({"type": "string", "description": o.description.zh}));
    }
    Ordered::default()
        .with("atomCode", json!(step.atom_code))
        .with("execution", json!({"language": "golang", "packagePath": first, "demands": [], "target": format!("./{first}"), "os": os}))
        .with("inputGroups", json!(groups))
        .with("input", input)
        .with("output", output)
        .with("config", json!({"defaultTimeout": step.timeout_minutes, "defaultFailPolicy": "MANUALLY_CONTINUE",
                   "defaultRetryPolicy": ["MANUALLY_RETRY"], "retryTimes": 0}))
        .with("releaseInfo", json!({
            "name": step.name.zh, "language": "golang", "category": "TASK", "jobType": "AGENT",
            "os": ["LINUX"], "summary": step.summary.zh, "description": format!("{}\n\n{}", step.summary.zh, step.summary.en),
            "configInfo": {"frontendType": "NORMAL"},
            "versionInfo": {"publisher": "deckhand", "releaseType": "NEW", "version": step.version,
                            "versionContent": format!("Deckhand {}", step.version)},
        }))
        .to_pretty()
}

fn fills(credential: &Credential, option: &str) -> bool {
    [&credential.username_option, &credential.secret_option].into_iter().flatten().any(|o| o == option)
}

fn input_field(step: &Step, field: &Input) -> Value {
    let mut out = Map::new();
    out.insert("label".into(), json!(field.label.zh));
    let widget = match field.kind.as_str() {
        "bool" => "atom-checkbox",
        "choice" => "selector",
        _ if field.multiline => "vuex-textarea",
        _ => "vuex-input",
    };
    out.insert("type".into(), json!(widget));
    match field.kind.as_str() {
        "bool" => {
            out.insert("default".into(), json!(field.default.as_deref() == Some("true")));
        }
        "choice" => {
            let options: Vec<Value> = field.choices.iter().map(|c| json!({"id": c, "name": c})).collect();
            out.insert("options".into(), json!(options));
            // Never absent: the worker writes only stored values into input.json, over the
            // pipeline variables, so a selector with no default would let a variable of its
            // name (`lang`, `template`) choose for the user. An empty one means "not given".
            out.insert("default".into(), json!(field.default.clone().unwrap_or_default()));
        }
        _ => {
            out.insert("default".into(), json!(field.default.clone().unwrap_or_default()));
        }
    }
    // A required option with a default need not be typed; one that a subcommand needs is
    // required only when that subcommand is chosen, which BK-CI cannot say: the step says it.
    out.insert("required".into(), json!(field.required && field.default.is_none() && field.subcommands.is_empty()));
    if let Some(placeholder) = &field.placeholder {
        out.insert("placeholder".into(), json!(placeholder.zh));
    }
    if field.secret {
        out.insert("inputType".into(), json!("password"));
        out.insert("isSensitive".into(), json!(true));
    }
    let mut desc = field.help.clone();
    if field.kind == "list" {
        desc.push_str(if field.keeps_commas {
            " (每行一个 / one per line)"
        } else {
            " (逗号分隔 / comma separated)"
        });
    }
    out.insert("desc".into(), json!(desc));
    if let Some(group) = &field.group {
        out.insert("groupName".into(), json!(group));
    }
    if let Some(rely) = rely(step, &field.subcommands) {
        out.insert("rely".into(), rely);
    }
    Value::Object(out)
}

/// Shown only when one of `subcommands` is chosen.
fn rely(step: &Step, subcommands: &[String]) -> Option<Value> {
    if step.subcommands.is_empty() || subcommands.is_empty() {
        return None;
    }
    let expression: Vec<Value> = subcommands.iter().map(|s| json!({"key": "subcommand", "value": s})).collect();
    Some(json!({"operation": "OR", "expression": expression}))
}

fn credential_field(step: &Step, credential: &Credential) -> Value {
    let types = ticket_types(&credential.kind);
    let url = format!(
        "/ticket/api/user/credentials/{{projectId}}/hasPermissionList?permission=USE&page=1&pageSize=100&credentialTypes={types}"
    );
    let mut out = json!({
        "label": credential.label.zh,
        "type": "select-input",
        "required": false,
        "default": "",
        "desc": format!("{} (BK-CI 凭证管理中的凭证，类型 {types}；也可直接填下面的字段)", credential.label.en),
        "optionsConf": {"searchable": true, "multiple": false, "url": url, "paramId": "credentialId", "paramName": "credentialId"},
    });
    if let Some(group) = &credential.group {
        out["groupName"] = json!(group);
    }
    let mut subcommands: Vec<String> =
        step.inputs.iter().filter(|i| fills(credential, &i.id)).flat_map(|i| i.subcommands.iter().cloned()).collect();
    subcommands.dedup();
    if let Some(rely) = rely(step, &subcommands) {
        out["rely"] = rely;
    }
    out
}
