use std::path::PathBuf;
use std::process::ExitCode;

use chart_deploy::helm::{Target, Values};
use chart_deploy::{Deploy, Wait};
use clap::Parser;
use deckhand_common::kube::KubeArgs;
use deckhand_common::options::CommonArgs;
use deckhand_common::output::run_step;
use deckhand_common::Error;

/// Deploy a local chart with helm (upgrade --install) and wait for its workloads.
///
/// Before helm runs: the helm and cluster versions are checked against each other, a release stuck
/// in pending-* is explained (or recovered with --recover-pending), and the rendered manifest is
/// checked for missing imagePullSecrets, taken nodePorts and resources owned by another release.
/// After: the workloads are watched (not polled) and the first failure that waiting will not fix
/// (ImagePullBackOff, CrashLoopBackOff, Unschedulable, quota, failed Job...) ends the wait with a
/// diagnosis.
#[derive(Parser, Debug)]
#[command(name = "chart-deploy", version, after_help = format!("{}\n\n{}", chart_deploy::messages::EXAMPLES, deckhand_common::error::EXIT_CODES))]
struct Cli {
    /// The chart: a folder with Chart.yaml, or a .tgz.
    #[arg(value_name = "CHART")]
    chart: PathBuf,
    /// The release name.
    #[arg(long, value_name = "NAME", env = "DECKHAND_RELEASE")]
    release: String,
    /// The namespace to deploy into.
    #[arg(short = 'n', long, value_name = "NS", env = "HELM_NAMESPACE")]
    namespace: String,
    /// A values file (repeatable; later ones win).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// KEY=VALUE values (repeatable), as helm --set.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// KEY=VALUE values kept as strings (repeatable), as helm --set-string.
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    set_string: Vec<String>,
    /// Overrides the chart's replica count (set as --replicas-key).
    #[arg(long, value_name = "N", env = "DECKHAND_REPLICAS")]
    replicas: Option<u32>,
    /// The chart value that holds the replica count.
    #[arg(long, value_name = "KEY", default_value = "replicaCount")]
    replicas_key: String,
    /// How long to wait for the workloads: unset = do not wait, 0 = forever, else a duration.
    #[arg(long, value_name = "DURATION", env = "DECKHAND_TIMEOUT")]
    timeout: Option<String>,
    /// On a failed rollout, roll back to the last revision seen healthy (or uninstall a first
    /// install); waits 5m when --timeout is not given, as helm's --atomic implies --wait.
    #[arg(long)]
    atomic: bool,
    /// How long a failure that clusters recover from may last before it fails the deploy.
    #[arg(long, value_name = "DURATION", default_value = "90s")]
    grace: String,
    /// Create the namespace when it does not exist.
    #[arg(long)]
    create_namespace: bool,
    /// Render and check everything, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// An extra argument for `helm upgrade` (repeatable), e.g. --helm-arg=--take-ownership.
    #[arg(long = "helm-arg", value_name = "ARG", allow_hyphen_values = true)]
    helm_args: Vec<String>,
    /// The helm binary (default: helm on PATH).
    #[arg(long = "helm", value_name = "PATH", env = "HELM_BIN")]
    helm: Option<PathBuf>,
    /// Tiller's namespace (Helm 2 only).
    #[arg(long, value_name = "NS", env = "TILLER_NAMESPACE", default_value = "kube-system")]
    tiller_namespace: String,
    /// If the release is stuck in pending-*, roll back to its last deployed revision (or remove
    /// the pending revision of an unfinished first install) before deploying.
    #[arg(long)]
    recover_pending: bool,
    /// Skip the pre-flight checks of the rendered manifest.
    #[arg(long)]
    no_preflight: bool,
    /// Go ahead even when helm's version does not support the cluster's.
    #[arg(long)]
    ignore_version_skew: bool,
    #[command(flatten)]
    kube: KubeArgs,
    #[command(flatten)]
    common: CommonArgs,
}

deckhand_common::step_cli!(Cli, chart_deploy::form::FORM);

fn main() -> ExitCode {
    run_step(|cli: Cli| {
        let wait = Wait::parse(cli.timeout.as_deref()).map_err(Error::usage)?;
        let grace = parse_grace(&cli.grace).map_err(Error::usage)?;
        let step = Deploy {
            chart: cli.chart,
            target: Target {
                release: cli.release,
                namespace: cli.namespace,
                context: cli.kube.context.clone(),
                tiller_namespace: cli.tiller_namespace,
            },
            values: Values {
                files: cli.values,
                set: cli.set,
                set_string: cli.set_string,
                replicas: cli.replicas.map(|n| (cli.replicas_key, n)),
            },
            wait,
            atomic: cli.atomic,
            grace,
            // helm reads it from the environment too: the step follows where helm keeps releases.
            helm_driver: std::env::var("HELM_DRIVER").ok(),
            create_namespace: cli.create_namespace,
            dry_run: cli.dry_run,
            helm_args: cli.helm_args,
            helm: cli.helm,
            recover_pending: cli.recover_pending,
            preflight: !cli.no_preflight,
            ignore_version_skew: cli.ignore_version_skew,
        };
        step.run(&cli.kube)
    })
}

/// `--grace`: a duration, or plain seconds as `--timeout` takes them.
fn parse_grace(text: &str) -> Result<std::time::Duration, String> {
    match Wait::parse(Some(text)) {
        Ok(Wait::Within(duration)) => Ok(duration),
        Ok(_) => Ok(std::time::Duration::ZERO),
        Err(_) => Err(chart_deploy::messages::bad_grace(text, &chart_deploy::messages::not_a_duration())),
    }
}
