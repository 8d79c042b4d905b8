# build-notify 的 --help，简体中文。
about = 通过 SMTP 发送构建通知邮件。
long-about =
    正文按所选字符集（UTF-8、GBK、GB18030）编码，主题按 RFC 2047 编码，中文不会乱码。TLS 方式需明确指定：starttls 要求服务器支持 STARTTLS，绝不回退为明文。连接前先校验每个地址；某个收件人被拒收时会报告出来，其他收件人照常收到邮件。
after-help =
    示例：
      build-notify --smtp-host smtp.example.com --username ci@example.com --password-stdin \
          --from 'CI <ci@example.com>' --to 'dev@example.com;qa@example.com' --template failure --lang zh-CN \
          --attach-log build.log --log-tail 200 --compress-log < smtp-password
      build-notify --smtp-host mail.corp --smtp-port 465 --from ci@corp --to ops@corp \
          --subject '${"{"}JOB_NAME{"}"} #${"{"}BUILD_NUMBER{"}"} 部署完成' --body-file report.html --mime-type text/html --charset GBK
      build-notify ... --dry-run        # 只打印完整的 MIME 邮件，不发送

    变量：主题和正文中的 ${"{"}VAR{"}"}、${"{"}env.VAR{"}"} 和 ${"{"}VAR:-default{"}"} 取自环境变量
    （JOB_NAME、BUILD_NUMBER、BUILD_URL、GIT_COMMIT……、BK_CI_PIPELINE_NAME、BK_CI_BUILD_NUM……）。
    每个选项也可以来自 PLUGIN_<NAME>（Drone/Woodpecker）或 BK-CI 的 input.json。
arg-smtp_host = 邮件服务器地址。
arg-smtp_port = 邮件服务器端口（默认：--tls tls 时为 465，--tls none 时为 25，其他为 587）。
arg-tls = none | starttls（必须支持，绝不回退为明文）| tls（隐式 TLS）。默认按端口：465 为 tls，其他为 starttls。
arg-ca_file = 除系统证书外额外信任的 CA 证书（PEM），用于私有邮件服务器；在这里传入的自签名服务器证书，对其自身包含的名称受信任。
arg-insecure_skip_tls_verify = 不校验服务器证书（不安全）。
arg-username = SMTP 登录用户名。
arg-smtp_timeout = 服务器无响应超过这么久就放弃。
arg-retries = 连接出错和 4xx 应答时的重试次数（5xx 从不重试）。
arg-from = 发件人，例如 "CI <ci@example.com>"。
arg-to = 收件人（可重复；也可以是用 , 或 ; 分隔的列表）。
arg-cc = 抄送（可重复；也可以是用 , 或 ; 分隔的列表）。
arg-bcc = 密送：只出现在信封中，从不写入邮件头。
arg-reply_to = 回复地址（可重复；也可以是用 , 或 ; 分隔的列表）。
arg-subject = 邮件主题（会展开变量）。
arg-body = 邮件正文（会展开变量）。
arg-body_file = 从文件读取邮件正文（UTF-8）。
arg-mime_type = 正文的类型：text/plain 或 text/html。
arg-charset = 正文和主题使用的字符集。
arg-template = 内置邮件（纯文本和 HTML），包含构建的名称、编号、状态、地址、耗时和代码提交。
arg-attach = 要附加的文件（glob，可重复）。
arg-attach_log = 附加该日志文件的最后若干行。
arg-log_tail = 附加 --attach-log 的多少行。
arg-compress_log = 用 gzip 压缩附加的日志。
arg-workspace = 附件（解析符号链接后）必须位于此目录内（默认：当前目录）。
arg-max_attachments_size = 所有附件合计的大小上限（在读取任何附件前检查）。
arg-dry_run = 只打印完整的 MIME 邮件，不发送。
