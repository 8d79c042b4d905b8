//! A release's revisions as helm stores them (Helm 3/4: Secrets `sh.helm.release.v1.<name>.v<N>`
//! labelled `owner=helm`; Helm 2: ConfigMaps in Tiller's namespace labelled `OWNER=TILLER`), read
//! from their labels only. Used to find a revision stuck in `pending-*` and the one to go back to.

use deckhand_common::kube::{api_error, Cluster};
use deckhand_common::Result;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, DeleteParams, ListParams};
use kube::Resource;
use serde::Serialize;

use crate::helm::Target;

/// One stored revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub number: u32,
    /// helm 3 spelling: `deployed`, `superseded`, `failed`, `pending-upgrade`...
    pub status: String,
    /// The Secret or ConfigMap that holds it.
    pub object: String,
}

impl Revision {
    pub fn is_pending(&self) -> bool {
        self.status.starts_with("pending-")
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

/// The revisions of `target.release`, oldest first.
pub async fn history(cluster: &Cluster, helm_major: u64, target: &Target) -> Result<Vec<Revision>> {
    let fail = |e| api_error(&cluster.server, &format!("read the history of release {} on", target.release), e);
    let mut revisions: Vec<Revision> = if helm_major >= 3 {
        let api: Api<Secret> = Api::namespaced(cluster.client.clone(), &target.namespace);
        let selector = format!("owner=helm,name={}", target.release);
        let list = api.list(&ListParams::default().labels(&selector)).await.map_err(fail)?;
        list.items.iter().filter_map(|s| revision(s.meta(), "version", "status")).collect()
    } else {
        let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), &target.tiller_namespace);
        let selector = format!("OWNER=TILLER,NAME={}", target.release);
        let list = api.list(&ListParams::default().labels(&selector)).await.map_err(fail)?;
        list.items.iter().filter_map(|c| revision(c.meta(), "VERSION", "STATUS")).collect()
    };
    revisions.sort_by_key(|r| r.number);
    Ok(revisions)
}

fn revision(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    version: &str,
    status: &str,
) -> Option<Revision> {
    let labels = meta.labels.as_ref()?;
    Some(Revision {
        number: labels.get(version)?.parse().ok()?,
        // Helm 2 writes PENDING_UPGRADE; helm 3 pending-upgrade.
        status: labels.get(status)?.to_lowercase().replace('_', "-"),
        object: meta.name.clone()?,
    })
}

/// The newest revision, when it is stuck in `pending-*`.
pub fn stuck(history: &[Revision]) -> Option<&Revision> {
    history.last().filter(|r| r.is_pending())
}

/// The newest revision that is (or was) deployed: where a rollback goes.
pub fn last_good(history: &[Revision]) -> Option<u32> {
    history.iter().rev().find(|r| r.status == "deployed" || r.status == "superseded").map(|r| r.number)
}

/// The safe way out of a pending release.
pub fn recovery(history: &[Revision]) -> Recovery {
    match last_good(history) {
        Some(number) => Recovery::Rollback(number),
        None => Recovery::RemovePending(history.iter().filter(|r| r.is_pending()).cloned().collect()),
    }
}

/// Removes stored revisions (of a first install that never finished).
pub async fn remove(cluster: &Cluster, helm_major: u64, target: &Target, revisions: &[Revision]) -> Result<()> {
    for revision in revisions {
        let fail = |e| api_error(&cluster.server, &format!("remove the pending revision {} on", revision.object), e);
        if helm_major >= 3 {
            let api: Api<Secret> = Api::namespaced(cluster.client.clone(), &target.namespace);
            api.delete(&revision.object, &DeleteParams::default()).await.map_err(fail)?;
        } else {
            let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), &target.tiller_namespace);
            api.delete(&revision.object, &DeleteParams::default()).await.map_err(fail)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(number: u32, status: &str) -> Revision {
        Revision { number, status: status.into(), object: format!("sh.helm.release.v1.web.v{number}") }
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
}
