use std::path::PathBuf;
use std::process::ExitCode;

use chart_untar::{cli::LimitArgs, Untar};
use clap::Parser;
use deckhand_common::options::CommonArgs;
use deckhand_common::output::run_step;

/// Unpack a Helm chart archive safely into DIR/<chart name>.
///
/// Extraction goes to a temporary folder beside the target and is renamed into place only when the
/// whole archive passed: absolute paths, `..`, drive paths, files at the top level, links, devices,
/// FIFOs, bad chart names, non-gzip/tar input and archives past the size limits are refused.
#[derive(Parser, Debug)]
#[command(name = "chart-untar", version, after_help = deckhand_common::error::EXIT_CODES)]
struct Cli {
    /// The chart archive (.tgz).
    #[arg(value_name = "FILE.tgz")]
    archive: PathBuf,
    /// Folder to unpack into; the chart lands in DIR/<chart name>.
    #[arg(short = 'd', long = "destination", value_name = "DIR", default_value = ".")]
    destination: PathBuf,
    /// Name of the unpacked folder instead of the chart's name.
    #[arg(long, value_name = "NEWNAME")]
    name: Option<String>,
    /// Replace an existing target folder whole (it is removed only after the new one is in place).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    common: CommonArgs,
}

deckhand_common::step_cli!(Cli, chart_untar::form::FORM);

fn main() -> ExitCode {
    run_step(|cli: Cli| {
        let untar = Untar {
            archive: cli.archive,
            dest_dir: cli.destination,
            name: cli.name,
            expect_chart: None,
            force: cli.force,
            limits: cli.limits.limits(),
        };
        untar.run()
    })
}
