//! Kubernetes resource quantities ("1500m", "2", "4Gi"), enough to say "requested 2, allocatable 1.5".

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, PodSpec};

/// Resource name -> amount (cores for cpu, bytes for memory).
pub type Resources = BTreeMap<String, f64>;

/// Parses a quantity; `None` when it is not one.
pub fn parse(text: &str) -> Option<f64> {
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    let text = text.trim();
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    text.parse().ok()
}

/// A quantity for people: cores for cpu, Mi/Gi for memory.
pub fn display(resource: &str, value: f64) -> String {
    if resource == "memory" {
        let gib = value / 1073741824.0;
        return if gib >= 1.0 { format!("{}Gi", round(gib)) } else { format!("{}Mi", round(value / 1048576.0)) };
    }
    round(value)
}

fn round(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What a pod asks the scheduler for: its containers' requests added up.
pub fn pod_requests(spec: &PodSpec) -> Resources {
    let mut total = Resources::new();
    for container in &spec.containers {
        for (name, amount) in container.resources.iter().flat_map(|r| r.requests.iter().flatten()) {
            if let Some(value) = parse(&amount.0) {
                *total.entry(name.clone()).or_default() += value;
            }
        }
    }
    total
}

/// The most any one node can give of each resource.
pub fn largest_node(nodes: &[Node]) -> Option<Resources> {
    let mut largest: Option<Resources> = None;
    for node in nodes {
        for (name, amount) in node.status.iter().flat_map(|s| s.allocatable.iter().flatten()) {
            if let Some(value) = parse(&amount.0) {
                let slot = largest.get_or_insert_with(Resources::new).entry(name.clone()).or_default();
                *slot = slot.max(value);
            }
        }
    }
    largest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse("1500m"), Some(1.5));
        assert_eq!(parse("2"), Some(2.0));
        assert_eq!(parse("4Gi"), Some(4.0 * 1073741824.0));
        assert_eq!(parse("lots"), None);
        assert_eq!(display("cpu", 1.5), "1.5");
        assert_eq!(display("cpu", 2.0), "2");
        assert_eq!(display("memory", 512.0 * 1048576.0), "512Mi");
        assert_eq!(display("memory", 6.0 * 1073741824.0), "6Gi");
    }
}
