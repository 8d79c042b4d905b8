//! Reading jobs from Jenkins: `config.xml` of one job (`a/b` is `job/a/job/b`), every pipeline job
//! under folders (`/api/json`), and the plugin versions (`/pluginManager/api/json?depth=1`), with
//! Basic auth `user:apiToken` (no crumb is needed for GET).

use std::collections::BTreeMap;

use deckhand_common::http::{Auth, HttpClient};
use deckhand_common::{redact, Error, Result};
use serde_json::Value;
use url::Url;

use crate::messages;

pub struct Jenkins {
    pub base: Url,
    pub auth: Auth,
    pub client: HttpClient,
}

/// Classes whose `config.xml` names a Jenkinsfile to check out.
const PIPELINE_CLASSES: [&str; 2] = [
    "org.jenkinsci.plugins.workflow.job.WorkflowJob",
    "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
];

impl Jenkins {
    pub fn new(base: &str, auth: Auth, client: HttpClient) -> Result<Jenkins> {
        let text = if base.ends_with('/') { base.to_string() } else { format!("{base}/") };
        let base = Url::parse(&text)
            .map_err(|e| Error::usage(messages::bad_jenkins_url(&redact::scrub_unparsed_url(base), &e.to_string())))?;
        Ok(Jenkins { base, auth, client })
    }

    fn get(&self, path: &str, what: &str) -> Result<String> {
        let url = self.base.join(path).map_err(|e| Error::usage(e.to_string()))?;
        let response = self.client.check(self.client.get(&url, &self.auth, None)?, what)?;
        response.text().map_err(|e| Error::remote(messages::jenkins_unreadable(what, &e.to_string())))
    }

    fn json(&self, path: &str, what: &str) -> Result<Value> {
        serde_json::from_str(&self.get(path, what)?)
            .map_err(|e| Error::remote(messages::jenkins_unreadable(what, &e.to_string())))
    }

    pub fn job_path(job: &str) -> String {
        job.split('/').filter(|s| !s.is_empty()).map(|s| format!("job/{s}/")).collect()
    }

    /// The `config.xml` of `job` (`folder/name`).
    pub fn config(&self, job: &str) -> Result<String> {
        self.get(&format!("{}config.xml", Self::job_path(job)), &messages::what_job_config(job))
    }

    /// Every pipeline and multibranch job, by full name, folders walked.
    pub fn all_jobs(&self) -> Result<Vec<String>> {
        let tree = "api/json?tree=jobs[name,jobs[name,jobs[name,jobs[name,jobs[name]]]]]";
        let root = self.json(tree, &messages::what_job_list())?;
        let mut names = Vec::new();
        collect(&root, "", &mut names);
        Ok(names)
    }

    /// Plugin short name -> version.
    pub fn plugins(&self) -> Result<BTreeMap<String, String>> {
        let doc = self.json("pluginManager/api/json?depth=1", &messages::what_plugin_list())?;
        Ok(doc["plugins"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["shortName"].as_str()?.to_string(), p["version"].as_str()?.to_string())))
            .collect())
    }
}

fn collect(node: &Value, prefix: &str, names: &mut Vec<String>) {
    for job in node["jobs"].as_array().into_iter().flatten() {
        let name = format!("{prefix}{}", job["name"].as_str().unwrap_or_default());
        let class = job["_class"].as_str().unwrap_or_default();
        if PIPELINE_CLASSES.contains(&class) {
            names.push(name);
        } else if job.get("jobs").is_some() {
            collect(job, &format!("{name}/"), names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_and_multibranch_is_one_job() {
        let tree = serde_json::json!({"jobs": [
            {"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": "shop", "jobs": [
                {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "web"},
                {"_class": "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject", "name": "api",
                 "jobs": [{"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "main"}]}]},
            {"_class": "hudson.model.FreeStyleProject", "name": "legacy"}]});
        let mut names = Vec::new();
        collect(&tree, "", &mut names);
        assert_eq!(names, ["shop/web", "shop/api"]);
        assert_eq!(Jenkins::job_path("shop/web"), "job/shop/job/web/");
    }
}
