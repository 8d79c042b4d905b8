//! pull-secret in the CI hosts' forms (see `deckhand_common::host`).

use deckhand_common::host::{text, Credential, CredentialKind, Form, Group, Input, Output, KUBECONFIG_CREDENTIAL};

pub const FORM: Form = Form {
    atom_code: "deckhandPullSecret",
    name: text("创建镜像拉取凭证 (Deckhand)", "Image pull secret (Deckhand)"),
    summary: text(
        "先登录镜像仓库校验账号，再在命名空间中创建或原地更新 dockerconfigjson 类型的 Secret，并可加到服务账户。",
        "Check the registry login, then create or update in place a dockerconfigjson secret, optionally added to service accounts.",
    ),
    category: "Deploy",
    timeout_minutes: 5,
    groups: &[
        Group { id: "secret", label: text("Secret", "Secret"), folded: false },
        Group { id: "registry", label: text("镜像仓库", "Registry"), folded: false },
        Group { id: "cluster", label: text("集群", "Cluster"), folded: false },
        Group { id: "tls", label: text("TLS 与网络", "TLS and network"), folded: true },
    ],
    inputs: &[
        Input::new("name", text("Secret 名称", "Secret name")).placeholder(text("harbor-pull", "harbor-pull")).group("secret"),
        Input::new("namespace", text("命名空间", "Namespace")).group("secret"),
        Input::new("create_namespace", text("命名空间不存在时创建", "Create the namespace")).group("secret"),
        Input::new("service_accounts", text("加到服务账户", "Add to service accounts"))
            .placeholder(text("default（多个用逗号分隔）", "default (comma separated)"))
            .group("secret"),
        Input::new("registries", text("镜像仓库地址", "Registry hosts"))
            .placeholder(text("harbor.example.com（多个用逗号分隔）", "harbor.example.com (comma separated)"))
            .group("registry"),
        Input::new("username", text("用户名", "Username")).group("registry"),
        Input::new("password", text("密码或令牌", "Password or token")).group("registry"),
        Input::new("docker_config", text("合并的 docker config.json", "docker config.json to merge")).group("registry"),
        Input::new("verify", text("写入前登录校验", "Log in first")).group("registry"),
        Input::new("plain_http", text("镜像仓库使用 HTTP（非 TLS）", "Plain HTTP to the registry")).group("registry"),
        Input::new("kubeconfig", text("kubeconfig 文件路径", "kubeconfig path")).group("cluster"),
        Input::new("context", text("kubeconfig 上下文", "kubeconfig context")).group("cluster"),
        Input::new("kube_timeout", text("集群请求超时", "Cluster request timeout")).group("cluster"),
        Input::new("ca_file", text("镜像仓库额外信任的 CA 证书 (PEM)", "Extra CA certificate for the registry (PEM)")).group("tls"),
        Input::new("cert_file", text("客户端证书 (PEM)", "Client certificate (PEM)")).group("tls"),
        Input::new("key_file", text("客户端私钥 (PEM)", "Client key (PEM)")).group("tls"),
        Input::new("insecure_skip_tls_verify", text("跳过证书校验（不安全）", "Skip certificate verification (unsafe)")).group("tls"),
        Input::new("http_timeout", text("单个请求超时", "Timeout of one request")).group("tls"),
        Input::new("retries", text("重试次数", "Retries")).group("tls"),
    ],
    credentials: &[
        Credential {
            id: "registry_credential",
            kind: CredentialKind::UsernamePassword,
            label: text("镜像仓库凭证", "Registry credential"),
            username_option: Some("username"),
            secret_option: Some("password"),
            group: Some("registry"),
        },
        KUBECONFIG_CREDENTIAL,
    ],
    outputs: &[
        Output { id: "secret_name", description: text("Secret 名称", "the secret") },
        Output { id: "secret_namespace", description: text("所在命名空间", "its namespace") },
        Output { id: "secret_result", description: text("created、updated 或 unchanged", "created, updated or unchanged") },
    ],
};
