//! The archive reader: gzip + tar in, a checked tree of plain files out, into a folder the caller
//! owns. Only regular files and folders are ever created; every other entry type, every path that
//! could leave the folder and every size past the limits is refused with the entry's name.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use deckhand_common::{process, Error, Result};
use tar::EntryType;

use crate::messages;

/// Size limits, enforced while reading (helm's defaults, CVE-2025-32386).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total bytes of all files once decompressed.
    pub max_total: u64,
    /// Bytes of any one file.
    pub max_file: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_total: 100 * 1024 * 1024, max_file: 5 * 1024 * 1024 }
    }
}

/// What [`extract_into`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extracted {
    pub files: usize,
    pub bytes: u64,
}

/// Room for tar headers and padding on top of `max_total` in the decompressed stream, so that a
/// stream of huge headers (a PAX header of gigabytes) is cut off too.
const HEADER_ALLOWANCE: u64 = 4 * 1024 * 1024;

/// Extracts a gzipped tar stream into `dest` (an empty folder), dropping the archive's top-level
/// folder as helm does. Every file and folder is made under [`process::create_inside`], so a run
/// ended by a signal removes `dest` whole when it is a `process::remove_if_ended` folder.
pub fn extract_into<R: BufRead>(mut reader: R, dest: &Path, limits: &Limits) -> Result<Extracted> {
    let magic = reader.fill_buf().map_err(|e| Error::input(messages::bad_tar(&e.to_string())))?;
    if magic.len() < 2 || magic[..2] != [0x1f, 0x8b] {
        return Err(Error::input(messages::not_gzip()).hint(messages::hint_hostile()));
    }
    // Saturating: a limit of u64::MAX means "no limit", not an overflow.
    let left = limits.max_total.saturating_add(HEADER_ALLOWANCE);
    let stream = CappedReader { inner: flate2::bufread::MultiGzDecoder::new(reader), left };
    let mut archive = tar::Archive::new(stream);
    let entries = archive.entries().map_err(|e| tar_error(&e, limits))?;
    let mut done = Extracted::default();
    for entry in entries {
        let mut entry = entry.map_err(|e| tar_error(&e, limits))?;
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&raw).into_owned();
        let refuse =
            |why: Refusal| Error::input(messages::refused_entry(&name, why.code())).hint(messages::hint_hostile());
        if std::str::from_utf8(&raw).is_err() {
            return Err(refuse(Refusal::NotUtf8));
        }
        let kind = entry.header().entry_type();
        let is_dir = match kind {
            EntryType::Regular | EntryType::Continuous => false,
            EntryType::Directory => true,
            EntryType::Symlink => return Err(refuse(Refusal::Symlink)),
            EntryType::Link => return Err(refuse(Refusal::HardLink)),
            EntryType::Char | EntryType::Block => return Err(refuse(Refusal::Device)),
            EntryType::Fifo => return Err(refuse(Refusal::Fifo)),
            // PAX records and GNU long names are folded into the next entry by the tar reader.
            EntryType::XGlobalHeader | EntryType::XHeader | EntryType::GNULongName | EntryType::GNULongLink => continue,
            _ => return Err(refuse(Refusal::EntryType)),
        };
        let Some(relative) = chart_relative_path(&name, is_dir).map_err(refuse)? else {
            continue;
        };
        let target = dest.join(&relative);
        check_name_fits(&name, &relative, &target)?;
        if is_dir {
            process::create_inside(|| std::fs::create_dir_all(&target)).map_err(|e| local_io(&name, &target, &e))?;
            continue;
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > limits.max_file {
            return Err(Error::input(messages::too_big_file(&name, limits.max_file)).hint(messages::hint_limit()));
        }
        if let Some(parent) = target.parent() {
            process::create_inside(|| std::fs::create_dir_all(parent)).map_err(|e| local_io(&name, parent, &e))?;
        }
        let mode = if entry.header().mode().unwrap_or(0o644) & 0o111 != 0 { 0o755 } else { 0o644 };
        let mut file =
            process::create_inside(|| create_file(&target, mode)).map_err(|e| local_io(&name, &target, &e))?;
        let copied = match copy_entry(&mut entry, &mut file, limits.max_file.saturating_add(1)) {
            Ok(copied) => copied,
            Err(Copy::Read(e)) => return Err(tar_error(&e, limits)),
            Err(Copy::Write(e)) => return Err(local_io(&name, &target, &e)),
        };
        if copied > limits.max_file {
            return Err(Error::input(messages::too_big_file(&name, limits.max_file)).hint(messages::hint_limit()));
        }
        file.flush().map_err(|e| local_io(&name, &target, &e))?;
        done.files += 1;
        done.bytes = done.bytes.saturating_add(copied);
        if done.bytes > limits.max_total {
            return Err(Error::input(messages::too_big_total(limits.max_total)).hint(messages::hint_limit()));
        }
    }
    Ok(done)
}

/// Where a copy failed: reading the archive (its fault) or writing the disk (ours).
enum Copy {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// Copies at most `limit` bytes of an entry into its file.
fn copy_entry(entry: &mut impl Read, file: &mut std::fs::File, limit: u64) -> std::result::Result<u64, Copy> {
    let mut entry = entry.take(limit);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut copied = 0u64;
    loop {
        let n = match entry.read(&mut buffer) {
            Ok(0) => return Ok(copied),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Copy::Read(e)),
        };
        file.write_all(&buffer[..n]).map_err(Copy::Write)?;
        copied = copied.saturating_add(n as u64);
    }
}

/// A failure of the local disk (full, read-only, permissions) while writing entry `name`: not
/// the archive's fault, so not reported as a hostile archive.
fn local_io(name: &str, path: &Path, err: &std::io::Error) -> Error {
    let message = messages::cannot_write(name, path, &err.to_string());
    crate::io_error(message, err).hint(messages::hint_local_io())
}

/// Longest file name component, and whole path, Linux file systems take (NAME_MAX, PATH_MAX).
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4095;

/// A name too long to store here is a bad name (a chart helm could not use either), said as such.
fn check_name_fits(name: &str, relative: &Path, target: &Path) -> Result<()> {
    let long_part = relative.iter().any(|part| part.len() > NAME_MAX);
    if long_part || target.as_os_str().len() > PATH_MAX {
        let message = if long_part {
            messages::name_part_too_long(name, NAME_MAX)
        } else {
            messages::path_too_long(name, PATH_MAX)
        };
        return Err(Error::input(message).hint(messages::hint_long_name()));
    }
    Ok(())
}

fn create_file(path: &Path, mode: u32) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path)
}

/// The entry's path below the archive's top-level folder, or `None` for that folder itself.
/// Refuses what helm's loader refuses: absolute and drive paths, `..`, files at the top level.
fn chart_relative_path(name: &str, is_dir: bool) -> std::result::Result<Option<PathBuf>, Refusal> {
    if name.starts_with('/') || name.starts_with('\\') {
        return Err(Refusal::Absolute);
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(Refusal::Drive);
    }
    let parts: Vec<&str> = name.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.contains(&"..") {
        return Err(Refusal::DotDot);
    }
    match parts.split_first() {
        None if is_dir => Ok(None),
        None => Err(Refusal::NoFileName),
        Some((_, [])) if is_dir => Ok(None),
        Some((_, [])) => Err(Refusal::TopLevel),
        Some((_, rest)) => Ok(Some(rest.iter().collect())),
    }
}

/// Why an archive entry is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    NotUtf8,
    Symlink,
    HardLink,
    Device,
    Fifo,
    EntryType,
    Absolute,
    Drive,
    DotDot,
    NoFileName,
    TopLevel,
}

impl Refusal {
    /// The reason as [`messages::refused_entry`] takes it.
    fn code(self) -> &'static str {
        match self {
            Refusal::NotUtf8 => "not-utf8",
            Refusal::Symlink => "symlink",
            Refusal::HardLink => "hard-link",
            Refusal::Device => "device",
            Refusal::Fifo => "fifo",
            Refusal::EntryType => "entry-type",
            Refusal::Absolute => "absolute",
            Refusal::Drive => "drive",
            Refusal::DotDot => "dot-dot",
            Refusal::NoFileName => "no-file-name",
            Refusal::TopLevel => "top-level",
        }
    }
}

/// Errors from the tar reader: a size cap hit, or a malformed stream.
fn tar_error(err: &std::io::Error, limits: &Limits) -> Error {
    if err.kind() == std::io::ErrorKind::FileTooLarge || err.to_string().contains(CAP_HIT) {
        Error::input(messages::too_big_total(limits.max_total)).hint(messages::hint_limit())
    } else {
        Error::input(messages::bad_tar(&err.to_string())).hint(messages::hint_hostile())
    }
}

const CAP_HIT: &str = "decompressed size limit reached";

/// Cuts the decompressed stream off after `left` bytes.
struct CappedReader<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for CappedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One more byte means the cap is exceeded; EOF exactly at the cap is fine.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, CAP_HIT)),
            };
        }
        let max = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::chart_relative_path as rel;
    use std::path::PathBuf;

    #[test]
    fn keeps_paths_below_the_top_folder() {
        assert_eq!(rel("demo/templates/a.yaml", false), Ok(Some(PathBuf::from("templates/a.yaml"))));
        assert_eq!(rel("./demo/./Chart.yaml", false), Ok(Some(PathBuf::from("Chart.yaml"))));
        assert_eq!(rel("demo/", true), Ok(None));
    }

    #[test]
    fn refuses_escapes() {
        assert!(rel("/etc/passwd", false).is_err());
        assert!(rel("demo/../../x", false).is_err());
        assert!(rel("C:/x/y", false).is_err());
        assert!(rel("demo\\..\\..\\x", false).is_err());
        assert!(rel("Chart.yaml", false).is_err());
    }
}
