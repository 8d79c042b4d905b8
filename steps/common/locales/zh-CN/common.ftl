# 公共模块（deckhand-common）的提示信息，简体中文。
# 参数 what 是调用方从自己的目录中取的名词短语（“Chart 仓库索引”“demo 1.0.0”），参数 doing 是动词短语
# （“读取命名空间 web 中的 Secret x”）。为了不受中英文混排空格的影响，它们放在冒号前或括号中。

## 列表与时长
list-separator = 、
duration-seconds = { $seconds } 秒
duration-minutes = { $seconds ->
    [0] { $minutes } 分钟
   *[other] { $minutes } 分 { $seconds } 秒
}
duration-hours = { $minutes ->
    [0] { $hours } 小时
   *[other] { $hours } 小时 { $minutes } 分
}
duration-milliseconds = { $milliseconds } 毫秒

## 日志行和错误的标签
log-warning = 警告
log-error = 错误
log-debug = 调试
log-line = { $label }：{ $message }
error-hint = 提示：{ $hint }
io-failed = { $what } { $path }：{ $error }
io-not-found = 文件或目录不存在（{ $os }）
io-permission-denied = 权限不足（{ $os }）
io-already-exists = 已存在（{ $os }）
io-disk-full = 磁盘空间已满（{ $os }）
io-read-only = 文件系统为只读（{ $os }）
cannot-read-flag = 无法读取 { $flag }
progress = { $label }：已完成 { $done }，用时 { $seconds } 秒
progress-of = { $label }：已完成 { $done } / { $total }，用时 { $seconds } 秒

## 处理建议
hint-tls = 如果服务端使用私有 CA 签发的证书，请用 --ca-file 传入该 CA 证书（会追加到系统信任的根证书中）；--insecure-skip-tls-verify 可跳过校验（不安全）
hint-kube-401 = kubeconfig 中的 token 或证书有误或已过期，请重新获取 kubeconfig
hint-kube-403 = 该账号没有权限，请申请一个在此命名空间内允许该操作的 Role
hint-kube-admission = 集群的准入控制拒绝了该请求（资源配额、命名空间正在删除、Pod 安全策略等），具体原因见上面的信息；这不是账号权限的问题
hint-kube-unreachable = 请检查 kubeconfig 中的 API Server 地址、集群是否正常运行、网络连通性以及 HTTPS_PROXY/NO_PROXY 设置
hint-timeout = 服务端响应太慢或无法访问；请调大 --http-timeout，或检查网络连通性
hint-unreachable = 请检查主机名和端口、DNS 以及代理设置（HTTPS_PROXY、HTTP_PROXY、NO_PROXY）
hint-auth = 请检查用户名和密码（或 token），并确认该账号有权读取这个仓库
hint-not-found = 请检查 URL、Chart 名称和版本
hint-remote-flaky = 服务端或网络出现故障；请稍后重试，或调大 --retries
hint-login = 请为该镜像仓库传入 --username 和 --password（或 --password-stdin）
hint-client-cert = --cert-file 必须是 PEM 格式的 X.509 v3 证书，--key-file 是它的私钥（PKCS#8、PKCS#1 或 SEC1 PEM）
hint-plain-http = 如果服务端确实只支持 HTTP（未启用 TLS 的镜像仓库），oci:// 地址请加 --plain-http，Chart 仓库请写成 http:// 地址；否则请检查端口
hint-no-cluster-credentials = 请用 --kubeconfig PATH 指定，或设置 KUBECONFIG，或把 kubeconfig 内容放到环境变量 KUBECONFIG_CONTENT 中（变量名可用 --kubeconfig-content-env 修改）
hint-namespace = 请加上 --create-namespace，或检查命名空间名称
hint-kube-tls = kubeconfig 中的 certificate-authority(-data) 必须包含签发 API Server 证书的 CA；请向集群管理员获取最新的 kubeconfig
hint-exec-plugin = 请自行运行 kubeconfig 中的 exec 命令查看失败原因（这里不显示它的参数、环境变量和输出：其中可能含有凭证）
hint-bk-input = bk_data_input 必须指向 BK-CI Worker 写入的 input.json
hint-bk-ticket = 请确认该凭证存在于本项目中、凭证类型与该字段要求的一致，并且流水线有权使用它（凭证管理 -> 使用权限）

## TLS
tls-setup-failed = 无法初始化 TLS：{ $why }
tls-bad-pem = { $flag } { $path } 中没有可用的 PEM 证书或私钥
tls-bad-client-cert = 客户端证书 { $path } 不可用：{ $why }
tls-no-certificate = 没有证书
tls-no-private-key = 没有私钥
tls-no-trusted-certificates = 没有受信任的证书

## HTTP
http-client-setup-failed = 无法创建 HTTP 客户端：{ $why }
http-retrying = { $url }：{ $why }；{ $milliseconds } 毫秒后进行第 { $attempt } 次重试（共 { $of } 次）
http-transfer-cut = { $what }：从 { $url } 下载时传输中断（{ $why }），重试 { $retries } 次后仍然失败
http-short-body = 只收到 { $read } 字节，应为 { $expected } 字节
http-downloading = 下载 { $what }
http-not-tls = { $origin } 没有用 TLS 应答：它看起来是一个 HTTP（非 HTTPS）服务
http-tls-failed = 与 { $origin } 建立 TLS 连接失败：{ $cause }
http-timed-out = { $origin } 在 { $timeout } 内没有响应
http-unreachable = { $retries ->
    [0] 无法连接 { $origin }：{ $cause }
   *[other] 无法连接 { $origin }（已重试 { $retries } 次）：{ $cause }
}
http-refused = { $what }：{ $origin } 拒绝访问（HTTP { $status }）
http-not-found = { $what }：在 { $url } 上未找到（HTTP 404）
http-server-failed = { $what }：{ $origin } 返回 HTTP { $status }，重试 { $retries } 次后仍然失败
http-rejected = { $what }：{ $url } 拒绝了该请求（HTTP { $status }）
http-redirect-downgrade = 已拒绝从 { $from } 到 { $to } 的重定向：从 HTTPS 重定向到 HTTP 的请求一律不跟随
http-too-many-redirects = 重定向超过 { $limit } 次
http-redirect-refused = { $url } 把请求重定向到了不允许的地址：{ $cause }
http-over-the-limit = 数据量超过了允许的上限

## OCI 镜像仓库
registry-what-api = 镜像仓库 API（/v2/）
registry-what-token = { $what } 的访问令牌
registry-login-required = 镜像仓库 { $registry } 需要登录
registry-bad-token-reply = 令牌服务 { $realm } 的应答无法使用：{ $why }
registry-no-realm = 认证质询中没有 realm
registry-no-token = 应答中没有 token
registry-got-token = 已从 { $realm } 获取镜像仓库令牌
registry-insecure-realm = { $registry }（HTTPS）要求把登录凭证发送到令牌服务 { $realm }，但它不是 HTTPS 地址；凭证不会发送过去
registry-stored-login = 使用 { $path } 中保存的 { $host } 登录凭证

## 集群
kube-no-credentials = 没有集群凭证：未指定 kubeconfig 路径，也没有 kubeconfig 内容，且当前不在 Pod 中运行
kube-metadata-unserved = 集群不支持只读取元数据（Kubernetes 1.14），改为读取完整对象
kube-source-in-cluster = 集群内的服务账号（ServiceAccount）
kube-source-content = 环境变量 ${ $name } 中的 kubeconfig 内容
kube-source-file = kubeconfig { $path }
kube-cannot-read = 无法读取 kubeconfig
kube-not-a-kubeconfig = 不是有效的 kubeconfig
kube-bad-kubeconfig = { $source } 无法使用：{ $why }
kube-connected = 集群 { $server } 运行的是 Kubernetes { $version }（{ $source }）
kube-doing-set-up = 创建客户端
kube-doing-reach = 查询集群版本
kube-doing-read-namespace = 读取命名空间 { $namespace }
kube-doing-create-namespace = 创建命名空间 { $namespace }
kube-api-refused = 集群 { $server } 拒绝了请求（{ $doing }，HTTP { $code }）：{ $message }
kube-unreachable = 无法连接集群 { $server }（{ $doing }）：{ $cause }
kube-cluster-tls = 集群 { $server } 的证书不受信任：{ $cause }
kube-namespace-missing = 命名空间 { $namespace } 不存在
kube-bad-name = { $what } { $name } 不是有效的 Kubernetes 名称（只能包含小写字母、数字和 '-'，最长 63/253 个字符）
kube-no-runtime = 无法启动异步运行时：{ $why }
kube-temp-kubeconfig = 无法写入临时 kubeconfig：{ $why }
kube-exec-failed = 集群 { $server } 的 kubeconfig exec 凭证插件（users[].user.exec）执行失败：{ $why }
kube-exec-not-started = 插件无法启动
kube-exec-bad-output = 插件没有输出有效的 ExecCredential
kube-exec-no-status = 插件输出的 ExecCredential 中没有 status
kube-exec-other = 插件无法运行，或其输出无法解析
kube-exec-exit = 插件退出：{ $status }

## 密码与密钥
secret-one-way = { $flag } 只能用一种方式给出：直接传值、{ $flag }-stdin 或 { $flag }-file
secret-stdin-failed = 无法从标准输入读取 { $flag }：{ $why }

## 提前结束
process-while-running = 运行结束前
process-while-talking-to-cluster = 与集群通信时
process-stopped-by = 已被 { $signal } 中止（{ $what }）
internal-error = 内部错误（这是 Deckhand 的缺陷，请带上这一行到 https://github.com/deckhand-ci/deckhand/issues 反馈）：{ $what }，位置 { $place }

## BK-CI
bk-input-unreadable = 无法读取 BK-CI 的输入文件
bk-input-not-object = BK-CI 的输入文件 { $path } 不是 JSON 对象：{ $why }
bk-sdk-unreadable = 无法读取 BK-CI 构建接口配置（.sdk.json），因此无法获取所选凭证
bk-sdk-invalid = BK-CI 构建接口配置 { $path } 不可用：{ $why }
bk-sdk-no-gateway = 没有 gateway
bk-ticket-unreachable = 无法连接 BK-CI 凭证管理服务来获取凭证 { $id }：{ $why }
bk-ticket-refused = BK-CI 凭证管理服务没有返回凭证 { $id }：{ $why }
bk-ticket-no-secret = 该凭证中没有密码或 token
bk-workspace-unusable = 无法进入 BK-CI 工作空间 { $path }：{ $why }
bk-output-unwritable = 无法在 { $dir } 中写入 BK-CI 的 output.json：{ $why }
