//! chart-fetch in the CI hosts' forms (see `deckhand_common::host`).

use deckhand_common::host::{text, Credential, CredentialKind, Form, Group, Input, Output};

pub const FORM: Form = Form {
    atom_code: "deckhandChartFetch",
    name: text("获取 Helm Chart (Deckhand)", "Fetch Helm chart (Deckhand)"),
    summary: text(
        "从 Chart 仓库 (index.yaml) 或 OCI 镜像仓库下载 Chart，校验摘要后保存，可选解压。",
        "Fetch a chart from a chart repository (index.yaml) or an OCI registry, verify its digest, save it, optionally unpack it.",
    ),
    category: "Deploy",
    timeout_minutes: 10,
    groups: &[
        Group { id: "source", label: text("Chart 来源", "Chart source"), folded: false },
        Group { id: "auth", label: text("凭证", "Credentials"), folded: false },
        Group { id: "tls", label: text("TLS 与网络", "TLS and network"), folded: true },
    ],
    inputs: &[
        Input::new("repo", text("Chart 仓库地址", "Chart repository URL"))
            .placeholder(text("https://bkrepo.example/helm/proj/charts（OCI 时留空）", "https://bkrepo.example/helm/proj/charts (empty for oci://)"))
            .group("source"),
        Input::new("chart", text("Chart 名称", "Chart"))
            .placeholder(text("nginx 或 oci://harbor.example/library/nginx", "nginx, or oci://harbor.example/library/nginx"))
            .group("source"),
        Input::new("version", text("版本或版本范围", "Version or constraint"))
            .placeholder(text("~1.2（留空取最新稳定版）", "~1.2 (empty: latest stable)"))
            .group("source"),
        Input::new("devel", text("包含预发布版本", "Include prereleases")).group("source"),
        Input::new("destination", text("保存目录", "Save into folder")).host_default("charts").group("source"),
        Input::new("untar", text("下载后解压", "Unpack the chart")).group("source"),
        Input::new("username", text("用户名", "Username")).group("auth"),
        Input::new("password", text("密码或令牌", "Password or token")).group("auth"),
        Input::new("pass_credentials", text("凭证也发给其他主机", "Send credentials to other hosts too")).group("auth"),
        Input::new("plain_http", text("OCI 镜像仓库使用 HTTP（非 TLS）", "Plain HTTP to the OCI registry")).group("tls"),
        Input::new("ca_file", text("额外信任的 CA 证书 (PEM)", "Extra CA certificate (PEM)"))
            .placeholder(text("自签名证书的 Harbor/bk-repo 填写其 CA", "the CA of a self-signed Harbor or bk-repo"))
            .group("tls"),
        Input::new("cert_file", text("客户端证书 (PEM)", "Client certificate (PEM)")).group("tls"),
        Input::new("key_file", text("客户端私钥 (PEM)", "Client key (PEM)")).group("tls"),
        Input::new("insecure_skip_tls_verify", text("跳过证书校验（不安全）", "Skip certificate verification (unsafe)")).group("tls"),
        Input::new("http_timeout", text("单个请求超时", "Timeout of one request")).group("tls"),
        Input::new("retries", text("重试次数", "Retries")).group("tls"),
    ],
    credentials: &[Credential {
        id: "credential",
        kind: CredentialKind::UsernamePassword,
        label: text("仓库凭证", "Repository credential"),
        username_option: Some("username"),
        secret_option: Some("password"),
        group: Some("auth"),
    }],
    outputs: &[
        Output { id: "chart_name", description: text("Chart 名称", "the chart's name") },
        Output { id: "chart_version", description: text("下载的版本", "the version fetched") },
        Output { id: "chart_digest", description: text("归档的 sha256 摘要", "sha256:<hex> of the archive") },
        Output { id: "chart_path", description: text("保存的归档（未解压时）", "the saved archive (without untar)") },
        Output { id: "chart_dir", description: text("解压后的 Chart 目录（解压时）", "the unpacked chart folder (with untar)") },
    ],
};
