//! chart-deploy in the CI hosts' forms (see `deckhand_common::host`).

use deckhand_common::host::{text, Form, Group, Input, Output, KUBECONFIG_CREDENTIAL};

pub const FORM: Form = Form {
    atom_code: "deckhandChartDeploy",
    name: text("Helm 发布 (Deckhand)", "Helm deploy (Deckhand)"),
    summary: text(
        "用 helm 发布 Chart，盯住滚动更新直到全部就绪，失败时说明原因（镜像拉取失败、资源不足等）并可自动回滚。",
        "Deploy a chart with helm, watch the rollout until every workload is ready, explain a failure (image pull, no room, ...) and optionally roll back.",
    ),
    category: "Deploy",
    timeout_minutes: 30,
    groups: &[
        Group { id: "release", label: text("发布", "Release"), folded: false },
        Group { id: "values", label: text("配置值", "Values"), folded: false },
        Group { id: "rollout", label: text("等待与回滚", "Wait and roll back"), folded: false },
        Group { id: "cluster", label: text("集群", "Cluster"), folded: false },
        Group { id: "advanced", label: text("高级", "Advanced"), folded: true },
    ],
    inputs: &[
        Input::new("chart", text("Chart 路径（目录或 .tgz）", "Chart (folder or .tgz)"))
            .placeholder(text("charts/web-1.2.0.tgz（相对工作空间）", "charts/web-1.2.0.tgz (relative to the workspace)"))
            .group("release"),
        Input::new("release", text("发布名称", "Release name")).group("release"),
        Input::new("namespace", text("命名空间", "Namespace")).group("release"),
        Input::new("create_namespace", text("命名空间不存在时创建", "Create the namespace")).group("release"),
        Input::new("values", text("values 文件", "Values files"))
            .placeholder(text("values-prod.yaml（多个用逗号分隔）", "values-prod.yaml (comma separated)"))
            .group("values"),
        Input::new("set", text("--set 配置值", "--set values"))
            .placeholder(text("image.tag=${{BK_CI_BUILD_NUM}}（每行一个）", "image.tag=${{BK_CI_BUILD_NUM}} (one per line)"))
            .multiline()
            .keeps_commas()
            .group("values"),
        Input::new("set_string", text("--set-string 配置值", "--set-string values")).multiline().keeps_commas().group("values"),
        Input::new("replicas", text("副本数（覆盖 Chart 的值）", "Replicas (overrides the chart's)")).group("values"),
        Input::new("timeout", text("等待就绪的超时", "Wait timeout"))
            .placeholder(text("留空不等待；0 一直等；300 或 5m", "empty: do not wait; 0: wait forever; 300 or 5m"))
            .group("rollout"),
        Input::new("atomic", text("发布失败时自动回滚", "Roll back a failed rollout")).group("rollout"),
        Input::new("grace", text("暂时性问题的宽限时间", "Grace for transient troubles")).group("rollout"),
        Input::new("recover_pending", text("恢复卡在 pending-* 的发布", "Recover a release stuck in pending-*")).group("rollout"),
        Input::new("kubeconfig", text("kubeconfig 文件路径", "kubeconfig path")).group("cluster"),
        Input::new("context", text("kubeconfig 上下文", "kubeconfig context")).group("cluster"),
        Input::new("kube_timeout", text("集群请求超时", "Cluster request timeout")).group("cluster"),
        Input::new("dry_run", text("只演练，不发布", "Dry run only")).group("advanced"),
        Input::new("helm_args", text("附加的 helm 参数", "Extra helm arguments")).multiline().keeps_commas().group("advanced"),
        Input::new("helm", text("helm 可执行文件", "helm binary")).group("advanced"),
        Input::new("tiller_namespace", text("Tiller 所在命名空间（helm 2）", "Tiller namespace (helm 2)")).group("advanced"),
        Input::new("no_preflight", text("跳过发布前检查", "Skip the pre-flight checks")).group("advanced"),
        Input::new("ignore_version_skew", text("忽略 helm 与集群版本不匹配", "Ignore helm/cluster version skew")).group("advanced"),
    ],
    credentials: &[KUBECONFIG_CREDENTIAL],
    outputs: &[
        Output { id: "release_name", description: text("发布名称", "the release") },
        Output { id: "release_namespace", description: text("命名空间", "its namespace") },
        Output { id: "release_revision", description: text("发布的版本号 (revision)", "the revision deployed") },
        Output { id: "release_status", description: text("deployed 或 dry-run", "deployed, or dry-run") },
        Output { id: "chart_version", description: text("Chart 版本", "the chart's version") },
        Output { id: "app_version", description: text("应用版本 (appVersion)", "the chart's appVersion") },
    ],
};
