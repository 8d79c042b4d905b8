//! The archive limit options, shared by `chart-untar` and `chart-fetch --untar`.

use clap::Args;

use crate::Limits;

#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Refuse archives that expand to more than this in total (e.g. 100MiB).
    #[arg(long, value_name = "SIZE", default_value = "100MiB")]
    pub max_size: bytesize::ByteSize,
    /// Refuse archives with any one file larger than this (e.g. 5MiB).
    #[arg(long, value_name = "SIZE", default_value = "5MiB")]
    pub max_file_size: bytesize::ByteSize,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits { max_total: self.max_size.as_u64(), max_file: self.max_file_size.as_u64() }
    }
}
