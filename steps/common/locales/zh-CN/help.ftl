# 各步骤共有的 --help 文本（简体中文）。英文来自 clap 定义中的文档注释。

heading-usage = 用法：
heading-arguments = 参数
heading-options = 选项
heading-commands = 子命令

exit-codes = 退出码：0 成功；1 内部错误；2 用法错误（选项有误）；3 输入有误（文件不存在、压缩包或索引格式错误、找不到 Chart 或版本）；4 凭证被拒绝；5 服务端或网络故障（已重试）；6 完整性校验失败（摘要不一致）；7 发布失败（已应用，但工作负载失败或未在规定时间内就绪）；130 被中断（SIGINT/SIGTERM）。

arg-help = 显示帮助
arg-output = 标准输出上的结果格式：text 供人阅读，json 供程序解析
arg-quiet = 只输出结果和错误
arg-verbose = 同时输出每个请求、重试和判断过程
arg-tool_version = 输出本步骤自身的版本和提交号后退出（--version 保留 helm 的含义：Chart 版本）
arg-lang = 提示信息的语言（也是 build-notify 内置邮件的语言）：en 或 zh-CN。默认依次取 DECKHAND_LANG、蓝盾的 BK_CI_LOCALE_LANGUAGE、LC_ALL / LC_MESSAGES / LANG

arg-ca_file = 额外信任的 CA 证书（PEM），在系统根证书之外追加（helm 的 --ca-file 会替换系统根证书，这里是追加）
arg-cert_file = 双向 TLS 所需的客户端证书（PEM），需同时给出 --key-file
arg-key_file = --cert-file 对应的私钥（PEM）
arg-insecure_skip_tls_verify = 不校验服务端证书。不安全，请优先使用 --ca-file
arg-http_timeout = 单个 HTTP 请求的超时时间（如 30s、5m）
arg-retries = 连接错误、HTTP 429 和 5xx 时的重试次数（指数退避加随机抖动，遵循 Retry-After）；401/403 及其他 4xx 不重试

arg-kubeconfig = kubeconfig 文件路径（多个路径用 : 连接时按 kubectl 的方式合并）
arg-kubeconfig_content_env = 存放 kubeconfig 内容的环境变量名（Jenkins 的 kubeconfigContent 绑定、蓝盾和 KubeSphere 的凭证）；未给出路径时使用
arg-context = 使用 kubeconfig 中的这个 context，而不是 current-context
arg-kube_timeout = 单个集群请求的超时时间

arg-password = 密码或 token（建议用 --password-stdin、--password-file 或环境变量：命令行参数会出现在进程列表中）。--help 中不会显示环境变量的值
arg-password_stdin = 从标准输入读取密码
arg-password_file = 从文件读取密码（如 Jenkins 的文件凭证）
arg-version = 显示版本
