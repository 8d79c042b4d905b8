//! Folders opened relative to their parent's descriptor with O_NOFOLLOW, and files read, checked
//! and removed relative to that descriptor: a symlink (committed in a checkout, or swapped in while
//! a sweep runs) can never lead a sweep out of the folder it was given, and a path is never
//! resolved twice (no check-then-use race on its components).

use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What a folder entry is, seen without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    Symlink,
    Other,
}

/// What `lstat` says about an entry.
#[derive(Debug, Clone, Copy)]
pub struct Stat {
    pub kind: Kind,
    /// (device, inode): the same folder reached twice (a bind mount) has the same id.
    pub id: (u64, u64),
    pub modified: SystemTime,
}

/// An open folder and the path it was reached by (for reports and for matching /proc).
pub struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

fn c_name(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

fn owned(fd: libc::c_int) -> io::Result<OwnedFd> {
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a descriptor just returned by the kernel, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn kind_of(mode: libc::mode_t) -> Kind {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => Kind::Dir,
        libc::S_IFREG => Kind::File,
        libc::S_IFLNK => Kind::Symlink,
        _ => Kind::Other,
    }
}

fn stat_of(st: &libc::stat) -> Stat {
    let modified = SystemTime::UNIX_EPOCH
        + Duration::from_secs(u64::try_from(st.st_mtime).unwrap_or(0))
        + Duration::from_nanos(u64::try_from(st.st_mtime_nsec).unwrap_or(0));
    Stat { kind: kind_of(st.st_mode), id: (st.st_dev, st.st_ino), modified }
}

impl Dir {
    /// Opens `path` as the caller spelled it (a root, or the target of a `gitdir:` file).
    pub fn open(path: &Path) -> io::Result<Dir> {
        let c_path = c_name(path.as_os_str())?;
        // SAFETY: a NUL-terminated path.
        let fd = owned(unsafe { libc::open(c_path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) })?;
        Ok(Dir { fd, path: path.to_path_buf() })
    }

    /// Opens the sub-folder `name`; a symlink there is refused (ELOOP/ENOTDIR), never followed.
    pub fn child(&self, name: &OsStr) -> io::Result<Dir> {
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        let fd = owned(self.open_at(name, flags)?)?;
        Ok(Dir { fd, path: self.path.join(name) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &OsStr) -> PathBuf {
        self.path.join(name)
    }

    fn open_at(&self, name: &OsStr, flags: libc::c_int) -> io::Result<libc::c_int> {
        let c_name = c_name(name)?;
        // SAFETY: our own descriptor and a NUL-terminated name.
        Ok(unsafe { libc::openat(self.fd.as_raw_fd(), c_name.as_ptr(), flags) })
    }

    /// The folder's own (device, inode).
    pub fn id(&self) -> io::Result<(u64, u64)> {
        self.stat(OsStr::new(".")).map(|s| s.id)
    }

    /// `lstat` of the entry `name`.
    pub fn stat(&self, name: &OsStr) -> io::Result<Stat> {
        let c_name = c_name(name)?;
        // SAFETY: a zeroed stat filled by fstatat on our own descriptor, not following symlinks.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::fstatat(self.fd.as_raw_fd(), c_name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
        if done != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(stat_of(&st))
    }

    pub fn kind(&self, name: &str) -> Option<Kind> {
        self.stat(OsStr::new(name)).ok().map(|s| s.kind)
    }

    /// The text of the regular file `name`, at most `limit` bytes; a symlink, FIFO or folder there
    /// is refused (O_NOFOLLOW, and O_NONBLOCK so that a FIFO cannot hang the sweep).
    pub fn read(&self, name: &OsStr, limit: u64) -> io::Result<String> {
        let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC;
        let file = File::from(owned(self.open_at(name, flags)?)?);
        if !file.metadata()?.is_file() {
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        let mut text = String::new();
        file.take(limit).read_to_string(&mut text)?;
        Ok(text)
    }

    /// Removes the entry `name` (a symlink is removed itself, its target is never touched).
    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        let c_name = c_name(name)?;
        // SAFETY: our own descriptor and a NUL-terminated name.
        if unsafe { libc::unlinkat(self.fd.as_raw_fd(), c_name.as_ptr(), 0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The entries of the folder (without `.` and `..`), sorted by name, each with its kind.
    pub fn entries(&self) -> io::Result<Vec<(OsString, Kind)>> {
        // fdopendir takes the descriptor over: give it a fresh one of the same folder.
        let fd = owned(self.open_at(OsStr::new("."), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC)?)?;
        // SAFETY: fdopendir owns the descriptor from here; closedir below releases both.
        let stream = unsafe { libc::fdopendir(std::os::fd::IntoRawFd::into_raw_fd(fd)) };
        if stream.is_null() {
            return Err(io::Error::last_os_error());
        }
        let mut entries = Vec::new();
        loop {
            // SAFETY: readdir on a stream we opened; the entry is read before the next call.
            let entry = unsafe { libc::readdir(stream) };
            if entry.is_null() {
                break;
            }
            let (name, d_type) =
                unsafe { (CStr::from_ptr((*entry).d_name.as_ptr()).to_bytes().to_vec(), (*entry).d_type) };
            if name == b"." || name == b".." {
                continue;
            }
            let name = OsString::from_vec(name);
            let kind = match d_type {
                libc::DT_DIR => Kind::Dir,
                libc::DT_REG => Kind::File,
                libc::DT_LNK => Kind::Symlink,
                libc::DT_UNKNOWN => self.stat(&name).map(|s| s.kind).unwrap_or(Kind::Other),
                _ => Kind::Other,
            };
            entries.push((name, kind));
        }
        // SAFETY: the stream opened above, closed once.
        unsafe { libc::closedir(stream) };
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlinked_folder_is_refused_and_its_entry_is_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("real")).unwrap();
        std::fs::write(tmp.path().join("real/f"), "x").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("real"), tmp.path().join("link")).unwrap();
        let dir = Dir::open(tmp.path()).unwrap();
        assert!(dir.child(OsStr::new("link")).is_err());
        assert_eq!(dir.kind("link"), Some(Kind::Symlink));
        assert!(dir.read(OsStr::new("link"), 10).is_err(), "a symlinked file is not read either");
        let names: Vec<_> = dir.entries().unwrap().into_iter().map(|(n, k)| (n.into_string().unwrap(), k)).collect();
        assert_eq!(names, [("link".to_string(), Kind::Symlink), ("real".to_string(), Kind::Dir)]);
        assert_eq!(dir.child(OsStr::new("real")).unwrap().read(OsStr::new("f"), 10).unwrap(), "x");
    }
}
