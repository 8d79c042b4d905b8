//! Jenkins plugin versions: `4.14.0`, `621.vda_a_b_055e58f7`, `3601.v9b_36a_d99e1cc`,
//! `2656.vf7a_e7b_75a_457`. The leading numbers decide (incremental builds add a hash suffix).

use std::cmp::Ordering;

fn numbers(version: &str) -> Vec<u64> {
    version.split(['.', '-']).map_while(|part| part.parse().ok()).collect()
}

/// Compares the numeric parts; missing parts count as 0.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (numbers(a), numbers(b));
    for i in 0..a.len().max(b.len()) {
        match a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

pub fn at_least(version: &str, minimum: &str) -> bool {
    compare(version, minimum) != Ordering::Less
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jenkins_versions() {
        assert!(at_least("4.14.0", "4.14.0") && at_least("5.2.1", "4.14.0") && !at_least("4.11.3", "4.14.0"));
        assert!(at_least("3601.v9b_36a_d99e1cc", "3601.v9b_36a_d99e1cc"));
        assert!(at_least("3894.3896.vca_2c931e7935", "3601.v9b_36a_d99e1cc"));
        assert!(!at_least("2.94", "2656.vf7a_e7b_75a_457"));
        assert!(!at_least("600.v2a_35e1b_1cc5d", "621.vda_a_b_055e58f7"));
    }
}
