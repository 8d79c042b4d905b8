//! checkout-guard in the CI hosts' forms (see `deckhand_common::host`): one form for its three
//! subcommands, chosen by the host's `subcommand` input.

use deckhand_common::host::{text, Credential, CredentialKind, Form, Group, Input, Output};

pub const FORM: Form = Form {
    atom_code: "deckhandCheckoutGuard",
    name: text("检出守护 (Deckhand)", "Checkout guard (Deckhand)"),
    summary: text(
        "检查 Jenkins 任务为何拿不到轻量检出；在仓库独占锁下运行 git 命令并清理确已失效的 .lock 文件。",
        "Explain why a Jenkins job gets no lightweight checkout; run git under a guard of its repository and remove provably stale locks.",
    ),
    category: "SCM",
    timeout_minutes: 15,
    groups: &[
        Group { id: "lint", label: text("检查任务配置 (lint)", "Check job configs (lint)"), folded: false },
        Group { id: "exec", label: text("守护运行 git (exec)", "Guarded git (exec)"), folded: false },
        Group { id: "clean", label: text("清理失效锁 (clean)", "Remove stale locks (clean)"), folded: false },
    ],
    inputs: &[
        Input::new("files", text("config.xml 文件", "config.xml files")).group("lint"),
        Input::new("jenkins_url", text("Jenkins 地址", "Jenkins URL")).group("lint"),
        Input::new("jobs", text("任务全名", "Jobs by full name")).placeholder(text("shop/web（多个用逗号分隔）", "shop/web (comma separated)")).group("lint"),
        Input::new("all", text("检查全部流水线任务", "Every pipeline job")).group("lint"),
        Input::new("user", text("Jenkins 用户", "Jenkins user")).group("lint"),
        Input::new("token", text("Jenkins API 令牌", "Jenkins API token")).group("lint"),
        Input::new("fetch_versions", text("从 Jenkins 读取插件版本", "Ask Jenkins for its plugin versions")).group("lint"),
        Input::new("multibranch_heavyweight", text("控制器启用了 USE_HEAVYWEIGHT_CHECKOUT", "Controller uses USE_HEAVYWEIGHT_CHECKOUT")).group("lint"),
        Input::new("ca_file", text("额外信任的 CA 证书 (PEM)", "Extra CA certificate (PEM)")).group("lint"),
        Input::new("cert_file", text("客户端证书 (PEM)", "Client certificate (PEM)")).group("lint"),
        Input::new("key_file", text("客户端私钥 (PEM)", "Client key (PEM)")).group("lint"),
        Input::new("insecure_skip_tls_verify", text("跳过证书校验（不安全）", "Skip certificate verification (unsafe)")).group("lint"),
        Input::new("http_timeout", text("单个请求超时", "Timeout of one request")).group("lint"),
        Input::new("retries", text("重试次数", "Retries")).group("lint"),
        Input::new("dir", text("仓库目录", "Repository folder")).group("exec"),
        Input::new("wait", text("等待锁的时间", "Wait for the guard")).group("exec"),
        Input::new("stale_after", text("锁文件超过多久算失效", "A lock is stale after")).group("exec"),
        Input::new("command", text("要运行的命令", "Command"))
            .placeholder(text(
                "[\"git\",\"-C\",\"repo\",\"fetch\",\"--prune\",\"origin\"]（在工作空间中运行）",
                "[\"git\",\"-C\",\"repo\",\"fetch\",\"--prune\",\"origin\"] (runs in the workspace)",
            ))
            .keeps_commas()
            .group("exec"),
        Input::new("roots", text("要扫描的目录", "Folders to scan")).group("clean"),
        Input::new("min_age", text("保留多新的锁", "Keep locks younger than")).group("clean"),
        Input::new("dry_run", text("只报告，不删除", "Report only")).group("clean"),
    ],
    credentials: &[Credential {
        id: "jenkins_credential",
        kind: CredentialKind::UsernamePassword,
        label: text("Jenkins 用户与 API 令牌", "Jenkins user and API token"),
        username_option: Some("user"),
        secret_option: Some("token"),
        group: Some("lint"),
    }],
    outputs: &[
        Output { id: "lint_errors", description: text("lint 的错误数", "lint errors") },
        Output { id: "lint_warnings", description: text("lint 的警告数", "lint warnings") },
        Output { id: "guard_exit_code", description: text("exec 所运行命令的退出码", "the exit code of exec's command") },
        Output { id: "locks_removed", description: text("clean 删除的锁文件数", "lock files clean removed") },
    ],
};
