//! The resources of a rendered release manifest (what `helm template` prints and what a release
//! stores): which workloads to wait for, and what the pre-flight checks look at.

use serde_json::Value;

/// The workload kinds whose readiness is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
}

impl WorkloadKind {
    pub fn from_kind(kind: &str) -> Option<Self> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "Job" => WorkloadKind::Job,
            _ => return None,
        })
    }

    /// The lower-case name kubectl uses, e.g. `deployment/web`.
    pub fn short(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::StatefulSet => "statefulset",
            WorkloadKind::DaemonSet => "daemonset",
            WorkloadKind::Job => "job",
        }
    }
}

/// One object of the manifest.
#[derive(Debug, Clone)]
pub struct Resource {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// As written in the manifest; `None` means the release namespace.
    pub namespace: Option<String>,
    pub body: Value,
}

/// Parses a multi-document manifest; empty documents are skipped.
pub fn parse(manifest: &str) -> Result<Vec<Resource>, String> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(manifest).map_err(|e| e.to_string())?;
    let mut resources = Vec::new();
    for body in docs.into_iter().filter(serde_json::Value::is_object) {
        let text = |path: &str| body.pointer(path).and_then(Value::as_str).map(str::to_string);
        let (Some(api_version), Some(kind), Some(name)) = (text("/apiVersion"), text("/kind"), text("/metadata/name"))
        else {
            continue;
        };
        let namespace = text("/metadata/namespace");
        resources.push(Resource { api_version, kind, name, namespace, body });
    }
    Ok(resources)
}

impl Resource {
    pub fn workload(&self) -> Option<WorkloadKind> {
        WorkloadKind::from_kind(&self.kind)
    }

    /// A helm hook (run by helm around the release, not part of it).
    pub fn is_hook(&self) -> bool {
        self.body.pointer("/metadata/annotations/helm.sh~1hook").is_some()
    }

    pub fn namespace_or<'a>(&'a self, release_namespace: &'a str) -> &'a str {
        self.namespace.as_deref().unwrap_or(release_namespace)
    }

    /// The pod spec of a workload, CronJob or bare Pod.
    pub fn pod_spec(&self) -> Option<&Value> {
        match self.kind.as_str() {
            "Pod" => self.body.get("spec"),
            "CronJob" => self.body.pointer("/spec/jobTemplate/spec/template/spec"),
            _ => self.body.pointer("/spec/template/spec"),
        }
    }

    pub fn image_pull_secrets(&self) -> Vec<String> {
        let list = self.pod_spec().and_then(|s| s.get("imagePullSecrets")).and_then(Value::as_array);
        list.into_iter().flatten().filter_map(|s| s.get("name").and_then(Value::as_str)).map(str::to_string).collect()
    }

    /// Explicit nodePorts of a Service.
    pub fn node_ports(&self) -> Vec<i64> {
        if self.kind != "Service" {
            return Vec::new();
        }
        let ports = self.body.pointer("/spec/ports").and_then(Value::as_array);
        ports.into_iter().flatten().filter_map(|p| p.get("nodePort").and_then(Value::as_i64)).collect()
    }

    pub fn replicas(&self) -> Option<i64> {
        self.body.pointer("/spec/replicas").and_then(Value::as_i64)
    }

    /// `deployment/web`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind.to_lowercase(), self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: other
spec:
  replicas: 3
  template:
    spec:
      imagePullSecrets:
        - name: harbor-pull
      containers:
        - name: web
          image: web:1
---
# Source: web/templates/empty.yaml
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    "helm.sh/hook": pre-upgrade
"#;

    #[test]
    fn reads_what_the_checks_need() {
        let resources = parse(MANIFEST).unwrap();
        assert_eq!(resources.len(), 3, "the empty document is skipped");
        let (service, deployment, job) = (&resources[0], &resources[1], &resources[2]);
        assert_eq!(service.node_ports(), [30080]);
        assert_eq!(deployment.workload(), Some(WorkloadKind::Deployment));
        assert_eq!(deployment.namespace_or("web"), "other");
        assert_eq!(deployment.replicas(), Some(3));
        assert_eq!(deployment.image_pull_secrets(), ["harbor-pull"]);
        assert!(job.is_hook() && !deployment.is_hook());
        assert_eq!(service.display(), "service/web");
    }

    #[test]
    fn malformed_manifest_is_an_error() {
        assert!(parse("a: [b\n").is_err());
    }
}
