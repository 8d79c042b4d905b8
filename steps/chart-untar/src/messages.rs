//! User-facing messages of chart-untar, kept together for translation.

use std::path::Path;

pub const HINT_TARGET_EXISTS: &str = "pass --force to replace it whole, or choose another --name or -d folder";
pub const HINT_HOSTILE: &str =
    "this archive is not a chart helm would accept; do not use it, and check where it came from";
pub const HINT_LIMIT: &str = "if the chart is really this big, raise --max-size / --max-file-size";

pub fn bad_name_flag(name: &str, why: &str) -> String {
    format!("--name {name:?} is not a usable folder name: {why}")
}

pub fn target_exists(target: &Path) -> String {
    format!("{} already exists", target.display())
}

pub fn refused_entry(entry: &str, why: &str) -> String {
    format!("refused archive entry {entry:?}: {why}")
}

pub fn not_gzip() -> String {
    "not a gzip-compressed archive (a chart is a .tgz)".to_string()
}

pub fn bad_tar(cause: &str) -> String {
    format!("not a valid tar archive inside the gzip stream: {cause}")
}

pub fn too_big_total(limit: u64) -> String {
    format!("the archive expands to more than {} (--max-size)", bytesize::ByteSize::b(limit).display().iec())
}

pub fn too_big_file(entry: &str, limit: u64) -> String {
    format!("archive entry {entry:?} is larger than {} (--max-file-size)", bytesize::ByteSize::b(limit).display().iec())
}

pub fn no_chart_yaml() -> String {
    "the archive has no Chart.yaml in its chart folder".to_string()
}

pub fn bad_chart_yaml(why: &str) -> String {
    format!("Chart.yaml is not valid: {why}")
}

pub fn not_the_chart_asked_for(wanted: &str, got: &str) -> String {
    format!("the archive holds the chart {got:?}, not {wanted:?} that was asked for")
}

pub const HINT_LOCAL_IO: &str = "the archive is not at fault: check the free space and permissions of the destination \
folder (-d)";
pub const HINT_LONG_NAME: &str =
    "the chart holds a file name too long for a file system (and for helm); shorten it in the chart";

pub fn cannot_write(entry: &str) -> String {
    format!("cannot write archive entry {entry:?} to")
}

pub fn name_part_too_long(max: usize) -> String {
    format!("a part of its path is longer than {max} bytes")
}

pub fn path_too_long(max: usize) -> String {
    format!("its path in the destination is longer than {max} bytes")
}
