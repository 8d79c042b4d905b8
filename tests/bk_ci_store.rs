//! Every BK-CI atom declaration (examples/bk-ci/*/task.json) passes the checks the BK-CI store
//! runs on release (`MarketAtomCommonServiceImpl.validateConfigMap`, described in
//! ../shared/reference/pipelines.md): `defaultFailPolicy` AUTO_CONTINUE or MANUALLY_CONTINUE,
//! `defaultRetryPolicy` a list of AUTO_RETRY / MANUALLY_RETRY, numbers for the timeout and retries;
//! and `execution.language` one the worker runs (a static binary declares golang).

mod support;

use serde_json::Value;
use support::*;

#[test]
fn every_atom_passes_the_store_release_checks() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("examples/bk-ci")).unwrap() {
        let path = entry.unwrap().path().join("task.json");
        let task: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let config = &task["config"];
        let shown = path.display();
        assert!(
            ["AUTO_CONTINUE", "MANUALLY_CONTINUE"].contains(&config["defaultFailPolicy"].as_str().unwrap_or("")),
            "{shown}: defaultFailPolicy {}",
            config["defaultFailPolicy"]
        );
        let retry =
            config["defaultRetryPolicy"].as_array().unwrap_or_else(|| panic!("{shown}: defaultRetryPolicy is a list"));
        assert!(retry.iter().all(|r| ["AUTO_RETRY", "MANUALLY_RETRY"].contains(&r.as_str().unwrap_or(""))), "{shown}");
        assert!(config["defaultTimeout"].is_u64() && config["retryTimes"].is_u64(), "{shown}");
        assert!(["java", "python", "golang", "nodejs"].contains(&task["execution"]["language"].as_str().unwrap_or("")));
        assert_eq!(task["atomCode"].as_str().map(str::is_empty), Some(false), "{shown}: atomCode");
        checked += 1;
    }
    assert_eq!(checked, 3, "the three atoms there are so far");
}
