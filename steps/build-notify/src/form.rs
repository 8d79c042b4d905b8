//! build-notify in the CI hosts' forms (see `deckhand_common::host`).

use deckhand_common::host::{text, Credential, CredentialKind, Form, Group, Input, Output};

pub const FORM: Form = Form {
    atom_code: "deckhandBuildNotify",
    name: text("发送构建邮件 (Deckhand)", "Build e-mail (Deckhand)"),
    summary: text(
        "通过企业邮箱的 SMTP 发送构建结果邮件：中文主题和正文（UTF-8/GBK/GB18030）、附件和日志尾部。",
        "Send the build's e-mail over SMTP: Chinese subject and body (UTF-8/GBK/GB18030), attachments and the log's tail.",
    ),
    category: "Notify",
    timeout_minutes: 5,
    groups: &[
        Group { id: "server", label: text("邮件服务器", "Mail server"), folded: false },
        Group { id: "mail", label: text("邮件", "Mail"), folded: false },
        Group { id: "attachments", label: text("附件", "Attachments"), folded: true },
    ],
    inputs: &[
        Input::new("smtp_host", text("SMTP 服务器", "SMTP server")).placeholder(text("smtp.exmail.qq.com", "smtp.example.com")).group("server"),
        Input::new("smtp_port", text("端口", "Port")).placeholder(text("465（TLS）或 587（STARTTLS）", "465 (TLS) or 587 (STARTTLS)")).group("server"),
        Input::new("tls", text("加密方式", "TLS")).group("server"),
        Input::new("username", text("登录账号", "Login")).group("server"),
        Input::new("password", text("密码或授权码", "Password or app code")).group("server"),
        Input::new("ca_file", text("额外信任的 CA 证书 (PEM)", "Extra CA certificate (PEM)")).group("server"),
        Input::new("insecure_skip_tls_verify", text("跳过证书校验（不安全）", "Skip certificate verification (unsafe)")).group("server"),
        Input::new("smtp_timeout", text("连接超时", "Timeout")).group("server"),
        Input::new("retries", text("重试次数", "Retries")).group("server"),
        Input::new("from", text("发件人", "From")).placeholder(text("构建机器人 <ci@example.com>", "Build bot <ci@example.com>")).group("mail"),
        Input::new("to", text("收件人", "To"))
            .placeholder(text("a@example.com;\"张三\" <zhangsan@example.com>", "a@example.com;\"Zhang, San\" <z@example.com>"))
            .keeps_commas()
            .group("mail"),
        Input::new("cc", text("抄送", "Cc")).keeps_commas().group("mail"),
        Input::new("bcc", text("密送", "Bcc")).keeps_commas().group("mail"),
        Input::new("reply_to", text("回复地址", "Reply-To")).keeps_commas().group("mail"),
        Input::new("template", text("内置邮件模板", "Built-in mail")).group("mail"),
        Input::new("lang", text("语言（日志与邮件）", "Language (log and mail)")).group("mail"),
        Input::new("subject", text("主题", "Subject"))
            .placeholder(text("${BK_CI_PIPELINE_NAME} #${BK_CI_BUILD_NUM} 部署完成", "${JOB_NAME} #${BUILD_NUMBER} deployed"))
            .group("mail"),
        Input::new("body", text("正文", "Body")).multiline().group("mail"),
        Input::new("body_file", text("正文文件", "Body file")).group("mail"),
        Input::new("mime_type", text("正文格式", "Format")).group("mail"),
        Input::new("charset", text("字符集", "Charset")).group("mail"),
        Input::new("attach", text("附件（glob）", "Attachments (glob)")).placeholder(text("reports/*.html", "reports/*.html")).group("attachments"),
        Input::new("attach_log", text("附上日志文件尾部", "Attach the tail of a log")).group("attachments"),
        Input::new("log_tail", text("日志行数", "Log lines")).group("attachments"),
        Input::new("compress_log", text("压缩日志", "Compress the log")).group("attachments"),
        Input::new("max_attachments_size", text("附件总大小上限", "Largest attachments total")).group("attachments"),
        Input::new("dry_run", text("只生成邮件，不发送", "Build the mail, do not send")).group("attachments"),
    ],
    credentials: &[Credential {
        id: "credential",
        kind: CredentialKind::UsernamePassword,
        label: text("邮箱账号凭证", "Mail account credential"),
        username_option: Some("username"),
        secret_option: Some("password"),
        group: Some("server"),
    }],
    outputs: &[
        Output { id: "mail_message_id", description: text("邮件的 Message-ID", "the Message-ID") },
        Output { id: "mail_accepted", description: text("服务器接受的收件人，逗号分隔", "recipients the server accepted, comma separated") },
        Output { id: "mail_refused", description: text("服务器拒绝的收件人，逗号分隔", "recipients the server refused, comma separated") },
    ],
};
