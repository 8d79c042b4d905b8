//! A release's revisions as helm stores them, read and (for the outcome of our own wait) written
//! by Deckhand:
//! - helm 3/4 `HELM_DRIVER=secret` (the default): Secrets `sh.helm.release.v1.<name>.v<N>` labelled
//!   `owner=helm`, data `release` = base64(gzip(release JSON));
//! - `HELM_DRIVER=configmap`: the same in ConfigMaps;
//! - helm 2: ConfigMaps in Tiller's namespace labelled `OWNER=TILLER` (a protobuf body: only the
//!   labels are read);
//! - `HELM_DRIVER=sql` (a database the step cannot reach): `helm history -o json`, read-only.
//!
//! Used to find a revision stuck in `pending-*`, the manifest of the deployed revision (the
//! ownership pre-flight), and the last revision that was verified healthy (where a rollback goes).
//! A rollout that failed our wait is recorded `failed`, as helm records its own failed `--wait`, so
//! that `helm history` and `helm rollback` tell the same story.

use std::io::{Read, Write};

use base64::Engine;
use deckhand_common::kube::{api_error, is_status, Cluster};
use deckhand_common::{Error, Result};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::ByteString;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use serde::Serialize;
use serde_json::Value;

use crate::helm::Target;
use crate::messages;

/// The words chart-deploy adds to a revision's description once its workloads were seen ready:
/// `helm history` shows them, and a rollback goes to the newest revision that has them.
pub const VERIFIED: &str = "chart-deploy: all workloads were ready";

/// Where helm keeps the release records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Secrets,
    ConfigMaps,
    /// Helm 2: ConfigMaps in Tiller's namespace.
    Tiller,
    /// `HELM_DRIVER=sql` or `memory`: out of the step's reach; history comes from helm itself.
    Elsewhere,
}

impl Storage {
    /// The storage helm of `major` uses with `HELM_DRIVER` set to `driver`.
    pub fn of(helm_major: u64, driver: Option<&str>) -> Storage {
        if helm_major == 2 {
            return Storage::Tiller;
        }
        match driver.map(|d| d.trim().to_lowercase()).as_deref() {
            None | Some("" | "secret" | "secrets") => Storage::Secrets,
            Some("configmap" | "configmaps") => Storage::ConfigMaps,
            Some(_) => Storage::Elsewhere,
        }
    }

    /// Whether the step reads and writes the records itself.
    pub fn in_cluster(self) -> bool {
        self != Storage::Elsewhere
    }
}

/// One stored revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub number: u32,
    /// helm 3 spelling: `deployed`, `superseded`, `failed`, `pending-upgrade`...
    pub status: String,
    /// The Secret or ConfigMap that holds it (empty when read through helm).
    pub object: String,
    /// helm's description of what happened (`Upgrade complete`, `Rollback to 2`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The rendered manifest that revision applied (not read for helm 2 or through helm).
    #[serde(skip)]
    pub manifest: Option<String>,
}

impl Revision {
    pub fn is_pending(&self) -> bool {
        self.status.starts_with("pending-")
    }

    /// Deployed at some point (and not recorded failed since).
    fn was_deployed(&self) -> bool {
        self.status == "deployed" || self.status == "superseded"
    }

    pub fn verified(&self) -> bool {
        self.description.as_deref().is_some_and(|d| d.contains(VERIFIED))
    }
}

/// What `--recover-pending` does about a pending release.
#[derive(Debug, PartialEq, Eq)]
pub enum Recovery {
    /// Roll back to the last revision that was deployed.
    Rollback(u32),
    /// A first install never finished: remove its pending revisions.
    RemovePending(Vec<Revision>),
}

/// Where a rollback goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollbackTarget {
    pub number: u32,
    /// Seen healthy by chart-deploy; otherwise only deployed (by a wait-less run or another tool).
    pub verified: bool,
}

/// The revisions of `target.release` stored in the cluster, oldest first.
pub async fn history(cluster: &Cluster, storage: Storage, target: &Target) -> Result<Vec<Revision>> {
    let fail = |e| api_error(&cluster.server, &messages::reading_history(&target.release), e);
    let mut revisions: Vec<Revision> = match storage {
        Storage::Secrets => {
            let list = secrets(cluster, target).list(&helm_selector(target)).await.map_err(fail)?;
            list.items
                .iter()
                .filter_map(|s| revision(&s.metadata, "version", "status", secret_record(s).as_ref()))
                .collect()
        }
        Storage::ConfigMaps => {
            let list = configmaps(cluster, &target.namespace).list(&helm_selector(target)).await.map_err(fail)?;
            list.items
                .iter()
                .filter_map(|c| revision(&c.metadata, "version", "status", configmap_record(c).as_ref()))
                .collect()
        }
        Storage::Tiller => {
            let selector = ListParams::default().labels(&format!("OWNER=TILLER,NAME={}", target.release));
            let list = configmaps(cluster, &target.tiller_namespace).list(&selector).await.map_err(fail)?;
            list.items.iter().filter_map(|c| revision(&c.metadata, "VERSION", "STATUS", None)).collect()
        }
        Storage::Elsewhere => Vec::new(),
    };
    revisions.sort_by_key(|r| r.number);
    Ok(revisions)
}

/// The revisions from `helm history -o json` (helm 3/4 write `app_version`, helm 2 `appVersion`;
/// both write `revision`, `status`, `description`).
pub fn from_helm_history(json: &str) -> std::result::Result<Vec<Revision>, String> {
    let rows: Vec<Value> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mut revisions: Vec<Revision> = rows
        .iter()
        .filter_map(|row| {
            Some(Revision {
                number: u32::try_from(row["revision"].as_u64()?).ok()?,
                status: row["status"].as_str()?.to_lowercase().replace('_', "-"),
                object: String::new(),
                description: row["description"].as_str().map(str::to_string),
                manifest: None,
            })
        })
        .collect();
    revisions.sort_by_key(|r| r.number);
    Ok(revisions)
}

fn helm_selector(target: &Target) -> ListParams {
    ListParams::default().labels(&format!("owner=helm,name={}", target.release))
}

fn secrets(cluster: &Cluster, target: &Target) -> Api<Secret> {
    Api::namespaced(cluster.client.clone(), &target.namespace)
}

fn configmaps(cluster: &Cluster, namespace: &str) -> Api<ConfigMap> {
    Api::namespaced(cluster.client.clone(), namespace)
}

fn revision(meta: &ObjectMeta, version: &str, status: &str, record: Option<&Value>) -> Option<Revision> {
    let labels = meta.labels.as_ref()?;
    let text = |pointer: &str| record?.pointer(pointer)?.as_str().map(str::to_string);
    Some(Revision {
        number: labels.get(version)?.parse().ok()?,
        // Helm 2 writes PENDING_UPGRADE; helm 3 pending-upgrade.
        status: labels.get(status)?.to_lowercase().replace('_', "-"),
        object: meta.name.clone()?,
        description: text("/info/description"),
        manifest: text("/manifest"),
    })
}

/// helm's release record: base64 of the gzipped JSON (a Secret's value is that text's bytes).
fn decode_record(text: &[u8]) -> Option<Value> {
    let gzipped = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
    let mut json = Vec::new();
    // A release record is rarely above a few MiB; the cap keeps a hostile one from filling memory.
    flate2::read::GzDecoder::new(&gzipped[..]).take(64 << 20).read_to_end(&mut json).ok()?;
    serde_json::from_slice(&json).ok()
}

fn encode_record(record: &Value) -> Option<String> {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&serde_json::to_vec(record).ok()?).ok()?;
    Some(base64::engine::general_purpose::STANDARD.encode(gzip.finish().ok()?))
}

fn secret_record(secret: &Secret) -> Option<Value> {
    decode_record(&secret.data.as_ref()?.get("release")?.0)
}

fn configmap_record(configmap: &ConfigMap) -> Option<Value> {
    decode_record(configmap.data.as_ref()?.get("release")?.as_bytes())
}

/// The newest revision, when it is stuck in `pending-*`.
pub fn stuck(history: &[Revision]) -> Option<&Revision> {
    history.last().filter(|r| r.is_pending())
}

/// The newest revision that is (or was) deployed, preferring one chart-deploy saw healthy: where a
/// rollback goes. A revision whose rollout failed is recorded `failed` and is never chosen.
pub fn rollback_target(history: &[Revision]) -> Option<RollbackTarget> {
    let deployed = || history.iter().rev().filter(|r| r.was_deployed());
    let verified = deployed().find(|r| r.verified()).map(|r| RollbackTarget { number: r.number, verified: true });
    verified.or_else(|| deployed().next().map(|r| RollbackTarget { number: r.number, verified: false }))
}

/// The manifest of the release as it is deployed now (helm's "current release", whose resources
/// are the release's own and need no ownership metadata).
pub fn current_manifest(history: &[Revision]) -> Option<&str> {
    let deployed = history.iter().rev().find(|r| r.status == "deployed");
    deployed.or(history.last()).and_then(|r| r.manifest.as_deref())
}

/// The safe way out of a pending release.
pub fn recovery(history: &[Revision]) -> Recovery {
    match rollback_target(history) {
        Some(to) => Recovery::Rollback(to.number),
        None => Recovery::RemovePending(history.iter().filter(|r| r.is_pending()).cloned().collect()),
    }
}

/// Removes stored revisions (of a first install that never finished).
pub async fn remove(cluster: &Cluster, storage: Storage, target: &Target, revisions: &[Revision]) -> Result<()> {
    for revision in revisions {
        let fail = |e| api_error(&cluster.server, &messages::removing_revision(&revision.object), e);
        let dp = DeleteParams::default();
        match storage {
            Storage::Secrets => secrets(cluster, target).delete(&revision.object, &dp).await.map(|_| ()),
            Storage::ConfigMaps => {
                configmaps(cluster, &target.namespace).delete(&revision.object, &dp).await.map(|_| ())
            }
            Storage::Tiller => {
                configmaps(cluster, &target.tiller_namespace).delete(&revision.object, &dp).await.map(|_| ())
            }
            Storage::Elsewhere => return Err(Error::input(messages::storage_out_of_reach())),
        }
        .map_err(fail)?;
    }
    Ok(())
}

/// How a revision's record is changed.
pub enum Outcome<'a> {
    /// The workloads were seen ready: the description gains [`VERIFIED`].
    Verified,
    /// The rollout failed our wait: status `failed`, and why.
    Failed(&'a str),
}

/// Records the outcome of our wait in revision `number`'s record, as helm itself records the
/// outcome of its own `--wait`; says whether it was written. Helm 2's protobuf records and records
/// out of reach are left alone, and so is a record already saying so.
pub async fn record(
    cluster: &Cluster,
    storage: Storage,
    target: &Target,
    number: u32,
    outcome: Outcome<'_>,
) -> Result<bool> {
    let name = format!("sh.helm.release.v1.{}.v{number}", target.release);
    let fail = |e| api_error(&cluster.server, &messages::recording_outcome(&name), e);
    // A replace that meets a newer write (409) is read again and redone.
    for _ in 0..3 {
        let done = match storage {
            Storage::Secrets => {
                let api = secrets(cluster, target);
                let Some(mut secret) = api.get_opt(&name).await.map_err(fail)? else { return Ok(false) };
                let Some(text) = secret_record(&secret).and_then(|r| changed(r, &outcome)) else { return Ok(false) };
                secret
                    .data
                    .get_or_insert_with(Default::default)
                    .insert("release".into(), ByteString(text.into_bytes()));
                relabel(&mut secret.metadata, &outcome);
                api.replace(&name, &PostParams::default(), &secret).await.map(|_| ())
            }
            Storage::ConfigMaps => {
                let api = configmaps(cluster, &target.namespace);
                let Some(mut map) = api.get_opt(&name).await.map_err(fail)? else { return Ok(false) };
                let Some(text) = configmap_record(&map).and_then(|r| changed(r, &outcome)) else { return Ok(false) };
                map.data.get_or_insert_with(Default::default).insert("release".into(), text);
                relabel(&mut map.metadata, &outcome);
                api.replace(&name, &PostParams::default(), &map).await.map(|_| ())
            }
            Storage::Tiller | Storage::Elsewhere => return Ok(false),
        };
        match done {
            Err(e) if is_status(&e, 409) => continue,
            other => return other.map(|()| true).map_err(fail),
        }
    }
    Ok(false)
}

/// The record with the outcome written in; `None` when it is already there.
fn changed(mut record: Value, outcome: &Outcome<'_>) -> Option<String> {
    let info = record.get_mut("info")?.as_object_mut()?;
    let description = info.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
    match outcome {
        Outcome::Verified if description.contains(VERIFIED) => return None,
        Outcome::Verified => {
            let text = if description.is_empty() { VERIFIED.to_string() } else { format!("{description}; {VERIFIED}") };
            info.insert("description".into(), text.into());
        }
        Outcome::Failed(why) => {
            info.insert("status".into(), "failed".into());
            info.insert("description".into(), messages::failed_description(why).into());
        }
    }
    encode_record(&record)
}

fn relabel(meta: &mut ObjectMeta, outcome: &Outcome<'_>) {
    if let Outcome::Failed(_) = outcome {
        meta.labels.get_or_insert_with(Default::default).insert("status".into(), "failed".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(number: u32, status: &str) -> Revision {
        Revision {
            number,
            status: status.into(),
            object: format!("sh.helm.release.v1.web.v{number}"),
            description: None,
            manifest: None,
        }
    }

    fn verified(number: u32, status: &str) -> Revision {
        Revision { description: Some(format!("Upgrade complete; {VERIFIED}")), ..rev(number, status) }
    }

    #[test]
    fn pending_upgrade_rolls_back_to_the_last_deployed() {
        let history = [rev(1, "superseded"), rev(2, "deployed"), rev(3, "pending-upgrade")];
        assert_eq!(stuck(&history), Some(&history[2]));
        assert_eq!(recovery(&history), Recovery::Rollback(2));
    }

    #[test]
    fn pending_first_install_is_removed() {
        let history = [rev(1, "pending-install")];
        assert_eq!(recovery(&history), Recovery::RemovePending(vec![history[0].clone()]));
    }

    #[test]
    fn healthy_history_is_not_stuck() {
        assert_eq!(stuck(&[rev(1, "superseded"), rev(2, "failed")]), None);
        assert_eq!(stuck(&[]), None);
    }

    #[test]
    fn rollback_goes_to_the_last_verified_revision() {
        // 2 was seen ready; 3 was deployed without a wait; 4 failed.
        let history = [rev(1, "superseded"), verified(2, "superseded"), rev(3, "deployed"), rev(4, "failed")];
        assert_eq!(rollback_target(&history), Some(RollbackTarget { number: 2, verified: true }));
        let unverified = [rev(1, "superseded"), rev(2, "deployed"), rev(3, "failed")];
        assert_eq!(rollback_target(&unverified), Some(RollbackTarget { number: 2, verified: false }));
        assert_eq!(rollback_target(&[rev(1, "failed")]), None);
    }

    #[test]
    fn storage_follows_helm_driver() {
        assert_eq!(Storage::of(3, None), Storage::Secrets);
        assert_eq!(Storage::of(4, Some("ConfigMap")), Storage::ConfigMaps);
        assert_eq!(Storage::of(3, Some("sql")), Storage::Elsewhere);
        assert_eq!(Storage::of(2, Some("secret")), Storage::Tiller);
    }

    #[test]
    fn records_round_trip_and_outcomes_are_written_once() {
        let record = serde_json::json!({"name": "web", "version": 3, "info": {"status": "deployed",
            "description": "Upgrade complete"}, "manifest": "---\nkind: Service\n"});
        let text = encode_record(&record).unwrap();
        assert_eq!(decode_record(text.as_bytes()), Some(record.clone()));
        let marked = decode_record(changed(record, &Outcome::Verified).unwrap().as_bytes()).unwrap();
        assert_eq!(marked["info"]["description"], format!("Upgrade complete; {VERIFIED}"));
        assert_eq!(changed(marked.clone(), &Outcome::Verified), None, "already verified");
        let failed =
            decode_record(changed(marked, &Outcome::Failed("pod web-1: CrashLoopBackOff")).unwrap().as_bytes());
        assert_eq!(failed.unwrap()["info"]["status"], "failed");
    }

    #[test]
    fn helm_history_of_every_major() {
        let helm3 = r#"[{"revision":1,"updated":"x","status":"superseded","chart":"web-1.0.0-rc.1","app_version":"1","description":"Install complete"},
                        {"revision":2,"status":"deployed","chart":"web-1.0.0","app_version":"1","description":"Upgrade complete"}]"#;
        let helm2 = r#"[{"revision":1,"updated":"x","status":"DEPLOYED","chart":"web-1.0.0","appVersion":"1","description":"Install complete"}]"#;
        assert_eq!(from_helm_history(helm3).unwrap().iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(from_helm_history(helm2).unwrap()[0].status, "deployed");
    }
}
