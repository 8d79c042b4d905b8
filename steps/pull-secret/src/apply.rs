//! Writing to the cluster: the namespace, the secret (created or replaced in place, never deleted
//! first, so pods never see it missing), and service accounts' `imagePullSecrets`.

use std::collections::BTreeMap;

use deckhand_common::kube::{api_error, is_status, Cluster};
use deckhand_common::{Error, Result};
use k8s_openapi::api::core::v1::{LocalObjectReference, Secret, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::ByteString;
use kube::api::{Api, PostParams};
use serde::Serialize;

use crate::messages;

pub const SECRET_TYPE: &str = "kubernetes.io/dockerconfigjson";
pub const DATA_KEY: &str = ".dockerconfigjson";
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "deckhand");

/// How many times a replace is retried when the object changed under us (HTTP 409).
const CONFLICT_RETRIES: usize = 5;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Created,
    Updated,
    Unchanged,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Updated => "updated",
            Change::Unchanged => "unchanged",
        }
    }
}

/// Creates the secret, or replaces its data in place; refuses a secret of another type.
pub async fn upsert_secret(cluster: &Cluster, namespace: &str, name: &str, config_json: Vec<u8>) -> Result<Change> {
    let api: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
    let fail = |action: &str, e| api_error(&cluster.server, &messages::doing_secret(action, name, namespace), e);
    let data = BTreeMap::from([(DATA_KEY.to_string(), ByteString(config_json))]);
    for _ in 0..CONFLICT_RETRIES {
        let Some(mut existing) = api.get_opt(name).await.map_err(|e| fail("read", e))? else {
            let secret = Secret {
                metadata: ObjectMeta {
                    name: Some(name.to_string()),
                    namespace: Some(namespace.to_string()),
                    labels: Some(BTreeMap::from([(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string())])),
                    ..Default::default()
                },
                type_: Some(SECRET_TYPE.to_string()),
                data: Some(data.clone()),
                ..Default::default()
            };
            match api.create(&PostParams::default(), &secret).await {
                Ok(_) => return Ok(Change::Created),
                Err(e) if is_status(&e, 409) => continue, // created meanwhile: update it
                Err(e) => return Err(fail("create", e)),
            }
        };
        let kind = existing.type_.clone().unwrap_or_else(|| "Opaque".into());
        if kind != SECRET_TYPE {
            return Err(Error::input(messages::other_type(name, namespace, &kind)).hint(messages::hint_other_type()));
        }
        let labels = existing.metadata.labels.get_or_insert_with(BTreeMap::new);
        let labelled = labels.get(MANAGED_BY.0).map(String::as_str) == Some(MANAGED_BY.1);
        if labelled && existing.data.as_ref() == Some(&data) {
            return Ok(Change::Unchanged);
        }
        labels.insert(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string());
        existing.data = Some(data.clone());
        existing.string_data = None;
        match api.replace(name, &PostParams::default(), &existing).await {
            Ok(_) => return Ok(Change::Updated),
            Err(e) if is_status(&e, 409) => continue,
            Err(e) => return Err(fail("update", e)),
        }
    }
    Err(Error::remote(messages::conflict(name)))
}

/// How long to wait for the controller to create `default` (and others) in a new namespace.
const NEW_NAMESPACE_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Adds `secret` to a service account's `imagePullSecrets` (once). In a namespace created just now,
/// waits a little for the service account to appear (the cluster creates `default` on its own).
pub async fn attach_to_service_account(
    cluster: &Cluster,
    namespace: &str,
    account: &str,
    secret: &str,
    new_namespace: bool,
) -> Result<Change> {
    let api: Api<ServiceAccount> = Api::namespaced(cluster.client.clone(), namespace);
    let fail =
        |action: &str, e| api_error(&cluster.server, &messages::doing_service_account(action, account, namespace), e);
    let grace = if new_namespace { NEW_NAMESPACE_GRACE } else { std::time::Duration::ZERO };
    let deadline = tokio::time::Instant::now() + grace;
    for _ in 0..CONFLICT_RETRIES {
        let mut sa = loop {
            match api.get_opt(account).await.map_err(|e| fail("read", e))? {
                Some(sa) => break sa,
                None if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
                None => return Err(Error::input(messages::service_account_missing(account, namespace))),
            }
        };
        let refs = sa.image_pull_secrets.get_or_insert_with(Vec::new);
        if refs.iter().any(|r| r.name == secret) {
            return Ok(Change::Unchanged);
        }
        refs.push(LocalObjectReference { name: secret.to_string() });
        match api.replace(account, &PostParams::default(), &sa).await {
            Ok(_) => return Ok(Change::Updated),
            Err(e) if is_status(&e, 409) => continue,
            Err(e) => return Err(fail("update", e)),
        }
    }
    Err(Error::remote(messages::conflict(account)))
}
