//! Checks made before helm runs, against the manifest the chart renders to, for the failures
//! helm would otherwise meet half-way through (leaving a failed revision behind): missing
//! imagePullSecrets, nodePorts held by another Service, and resources that exist outside the
//! release and belong to no or another release ("invalid ownership metadata"). As helm does, the
//! resources of the release's current manifest are its own whatever their metadata: releases
//! installed by helm 2, helm 3.0/3.1 or migrated with 2to3 carry none.

use std::collections::BTreeSet;

use deckhand_common::kube::{api_error, is_status, metadata_opt, Cluster};
use deckhand_common::{log, Result};
use k8s_openapi::api::core::v1::{Secret, Service};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use serde::Serialize;

use crate::manifest::Resource;
use crate::messages;

/// Something that would make the deploy fail.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub message: String,
    pub hint: String,
}

/// Kinds that live outside namespaces (the common ones charts carry).
const CLUSTER_SCOPED: [&str; 12] = [
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
];

/// What helm will accept of resources that already exist.
#[derive(Debug, Default)]
pub struct Ownership {
    /// `--take-ownership` (helm 3.17+): helm adopts whatever exists.
    pub take_ownership: bool,
    /// helm 3.2+ adopts a resource labelled and annotated for this release; older helm adopts none.
    pub adopts_labelled: bool,
    /// The resources of the release's current manifest: (kind, namespace, name).
    pub current: BTreeSet<(String, String, String)>,
}

impl Ownership {
    /// The resources of a stored manifest, namespaced as helm would apply them.
    pub fn current_from(manifest: &str, namespace: &str) -> BTreeSet<(String, String, String)> {
        let resources = crate::manifest::parse(manifest).unwrap_or_default();
        resources.iter().map(|r| identity(r, namespace)).collect()
    }
}

fn identity(resource: &Resource, namespace: &str) -> (String, String, String) {
    let ns = if CLUSTER_SCOPED.contains(&resource.kind.as_str()) { "" } else { resource.namespace_or(namespace) };
    (resource.kind.clone(), ns.to_string(), resource.name.clone())
}

/// Runs every check; returns what was found (nothing = go ahead).
pub async fn check(
    cluster: &Cluster,
    release: &str,
    namespace: &str,
    resources: &[Resource],
    ownership: &Ownership,
) -> Result<Vec<Finding>> {
    let mut findings = pull_secrets(cluster, namespace, resources).await?;
    findings.extend(node_ports(cluster, namespace, resources).await?);
    if !ownership.take_ownership {
        findings.extend(owners(cluster, release, namespace, resources, ownership).await?);
    }
    Ok(findings)
}

async fn pull_secrets(cluster: &Cluster, namespace: &str, resources: &[Resource]) -> Result<Vec<Finding>> {
    let shipped: BTreeSet<(&str, &str)> =
        resources.iter().filter(|r| r.kind == "Secret").map(|r| (r.namespace_or(namespace), r.name.as_str())).collect();
    let mut asked = BTreeSet::new();
    let mut findings = Vec::new();
    for resource in resources {
        let ns = resource.namespace_or(namespace);
        for secret in resource.image_pull_secrets() {
            if shipped.contains(&(ns, secret.as_str())) || !asked.insert((ns.to_string(), secret.clone())) {
                continue;
            }
            let api: Api<Secret> = Api::namespaced(cluster.client.clone(), ns);
            match metadata_opt(cluster, &api, &secret).await {
                Ok(Some(_)) => {}
                Ok(None) => findings.push(Finding {
                    message: messages::pull_secret_missing(&secret, ns, &resource.display()),
                    hint: messages::hint_pull_secret_missing(&secret, ns),
                }),
                Err(e) if is_status(&e, 403) => log::debug(messages::secret_unchecked(&secret)),
                Err(e) => return Err(api_error(&cluster.server, &messages::reading_secret(&secret, ns), e)),
            }
        }
    }
    Ok(findings)
}

async fn node_ports(cluster: &Cluster, namespace: &str, resources: &[Resource]) -> Result<Vec<Finding>> {
    let wanted: Vec<(&Resource, i64)> =
        resources.iter().flat_map(|r| r.node_ports().into_iter().map(move |p| (r, p))).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    // NodePorts are cluster-wide; a namespace-bound account may only see its own namespace.
    let all: Api<Service> = Api::all(cluster.client.clone());
    let services = match all.list(&ListParams::default()).await {
        Ok(list) => list.items,
        Err(e) if is_status(&e, 403) => {
            log::warn(messages::node_ports_namespace_only());
            let api: Api<Service> = Api::namespaced(cluster.client.clone(), namespace);
            api.list(&ListParams::default())
                .await
                .map_err(|e| api_error(&cluster.server, &messages::listing_services(), e))?
                .items
        }
        Err(e) => return Err(api_error(&cluster.server, &messages::listing_services(), e)),
    };
    let mut findings = Vec::new();
    for (resource, port) in wanted {
        let ns = resource.namespace_or(namespace);
        let holder = services.iter().find(|s| {
            let same =
                s.metadata.namespace.as_deref() == Some(ns) && s.metadata.name.as_deref() == Some(&resource.name);
            !same
                && s.spec
                    .iter()
                    .flat_map(|spec| spec.ports.iter().flatten())
                    .any(|p| p.node_port.map(i64::from) == Some(port))
        });
        if let Some(holder) = holder {
            let held_by = format!(
                "{}/{}",
                holder.metadata.namespace.as_deref().unwrap_or(""),
                holder.metadata.name.as_deref().unwrap_or("")
            );
            findings.push(Finding {
                message: messages::node_port_taken(port, &resource.name, &held_by),
                hint: messages::hint_node_port(),
            });
        }
    }
    Ok(findings)
}

async fn owners(
    cluster: &Cluster,
    release: &str,
    namespace: &str,
    resources: &[Resource],
    ownership: &Ownership,
) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    let outside = |r: &&Resource| !r.is_hook() && !ownership.current.contains(&identity(r, namespace));
    for resource in resources.iter().filter(outside) {
        let (group, version) = resource.api_version.rsplit_once('/').unwrap_or(("", &resource.api_version));
        let api_resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, &resource.kind));
        let ns = resource.namespace_or(namespace);
        let api: Api<DynamicObject> = if CLUSTER_SCOPED.contains(&resource.kind.as_str()) {
            Api::all_with(cluster.client.clone(), &api_resource)
        } else {
            Api::namespaced_with(cluster.client.clone(), ns, &api_resource)
        };
        let existing = match metadata_opt(cluster, &api, &resource.name).await {
            Ok(existing) => existing,
            // An unknown kind (a CRD the chart installs) or no permission: helm will tell.
            Err(e) if is_status(&e, 404) || is_status(&e, 403) => None,
            Err(e) => return Err(api_error(&cluster.server, &messages::reading_resource(&resource.display()), e)),
        };
        let Some(existing) = existing else { continue };
        let label = |k: &str| existing.labels.as_ref().and_then(|l| l.get(k)).map(String::as_str);
        let note = |k: &str| existing.annotations.as_ref().and_then(|a| a.get(k)).map(String::as_str);
        let owner = (note("meta.helm.sh/release-name"), note("meta.helm.sh/release-namespace"));
        let labelled =
            label("app.kubernetes.io/managed-by") == Some("Helm") && owner == (Some(release), Some(namespace));
        if labelled && ownership.adopts_labelled {
            continue;
        }
        let belongs = match owner {
            (Some(other), Some(other_ns)) => Some((other, other_ns)),
            _ => None,
        };
        findings.push(Finding {
            message: messages::resource_taken(&resource.display(), ns, belongs),
            hint: messages::hint_adopt(&resource.kind.to_lowercase(), &resource.name, ns, release, namespace),
        });
    }
    Ok(findings)
}
