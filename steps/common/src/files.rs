//! Small file-system facts the steps share.

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;

/// The permissions `open(path, O_CREAT, 0666)` would give a new file under the process's umask:
/// what a file a step saves should get (temporary files are created 0600).
pub fn new_file_permissions() -> Permissions {
    Permissions::from_mode(0o666 & !umask())
}

/// The process's umask. Linux shows it in /proc/self/status; elsewhere (or when /proc is not
/// mounted) it is read by setting and restoring it, which is safe in our single-threaded start.
fn umask() -> u32 {
    let from_proc = std::fs::read_to_string("/proc/self/status").ok().and_then(|status| {
        let line = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
        u32::from_str_radix(line.trim(), 8).ok()
    });
    from_proc.unwrap_or_else(|| {
        // SAFETY: umask only swaps the process's mask; it is put back at once.
        let old = unsafe { libc::umask(0o022) };
        unsafe { libc::umask(old) };
        old
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_follows_the_umask() {
        let mode = new_file_permissions().mode();
        assert_eq!(mode & !0o666, 0, "{mode:o}");
        assert_eq!(mode & umask(), 0, "{mode:o}");
    }
}
