# build-notify 的提示信息，简体中文。

## 选项与地址
no-recipients = 没有收件人：请用 --to（或 --cc/--bcc）指定；多个地址可用 , 或 ; 分隔
no-from = 没有发件人：请用 --from 指定（例如 "CI <ci@example.com>"）
no-body = 没有邮件内容：请用 --body、--body-file 或 --template 指定
body-twice = 邮件内容只能指定一种：--body、--body-file 或 --template
no-host = 没有邮件服务器：请用 --smtp-host（以及 --smtp-port）指定
body-file-unreadable = 无法读取 --body-file
bad-address = { $flag }：{ $address } 不是有效的邮件地址（{ $why }）
address-line-break = 地址中含有换行符

## 编码
unencodable = { $place }中含有 { $char }（U+{ $code }），{ $charset } 无法编码：请使用 --charset GB18030 或 UTF-8
place-subject = 邮件主题
place-body = 邮件正文
place-html-body = HTML 正文
place-display-name = { $flag } { $address } 的显示名称
body-unencodable = 无法编码邮件正文

## 变量
unknown-variables = 以下变量未知，已按原样保留：{ $names }（请设置这些变量，或写上默认值：${"{"}NAME:-default{"}"}）
withheld-variables = 以下保密变量已按原样保留：{ $names }（其名称或值表明它们是保密信息，邮件中绝不能带出）

## 附件
attachment-missing = --attach { $pattern } 没有匹配到任何文件
bad-pattern = --attach { $pattern } 不是有效的匹配模式：{ $why }
attachments-too-big = 附件共 { $total }，超过了 { $limit } 的上限
hint-too-big = 请少附一些（缩小 --attach 的范围、减小 --log-tail、使用 --compress-log），或调大 --max-attachments-size
outside-workspace = { $flag } { $path } 指向工作空间 { $workspace } 之外的 { $resolved }：只能附加本次构建自己的文件
hint-workspace = 请先把文件复制到工作空间中，或用 --workspace 指定更大的目录（默认取 WORKSPACE，否则为当前目录）
no-workspace = 找不到工作空间（--workspace、WORKSPACE 或当前目录）
cannot-read = 无法读取 { $flag }
not-a-file = { $flag } { $path } 不是文件
log-tail-too-big = { $path } 的最后 { $lines } 行超过了 { $limit } 的上限
log-tail-name = { $name }（最后 { $lines } 行）

## 发送
retrying = { $why }；{ $ms } 毫秒后进行第 { $attempt } 次重试（共 { $of } 次）
no-starttls = 邮件服务器 { $server } 不支持 STARTTLS；邮件未以明文发送
hint-no-starttls = 如果服务器使用隐式 TLS，请用 --tls tls（端口 465）；--tls none 以明文发送，只适用于可信网络
login-refused = 邮件服务器 { $server } 拒绝了 { $user } 的登录：{ $why }
hint-login = 请检查用户名和密码（很多邮件服务器要求使用客户端授权码或 SMTP 专用密码）
no-login-method = 服务器既不支持 AUTH PLAIN，也不支持 AUTH LOGIN
hint-no-login-method = 请确认该服务器是否需要登录（不需要就去掉 --username）；使用 --tls none 时，还要确认它是否只在 TLS 下才提供 AUTH
recipient-refused = 收件人 { $address } 被拒收：{ $why }
refused-recipient = { $address }（{ $why }）
all-refused = 邮件服务器拒收了所有收件人：{ $recipients }
unreachable = 无法连接邮件服务器 { $server }：{ $why }
hint-unreachable = 请检查 --smtp-host 和 --smtp-port、DNS，以及网络是否允许该连接
server-refused = { $step ->
    [connection] 邮件服务器 { $server } 拒绝了连接：{ $why }
    [message] 邮件服务器 { $server } 拒收了这封邮件：{ $why }
   *[other] 邮件服务器 { $server } 拒绝了 { $step } 命令：{ $why }
}
no-answer = { $step ->
    [connection] 邮件服务器 { $server } 在连接后没有给出可用的应答：{ $why }
    [message] 邮件服务器 { $server } 对这封邮件没有给出可用的应答：{ $why }
   *[other] 邮件服务器 { $server } 对 { $step } 命令没有给出可用的应答：{ $why }
}
hint-not-smtp = 该服务器（或中间的某个设备）没有按规范使用 SMTP：请检查 --smtp-host、--smtp-port 和 --tls
maybe-delivered = 邮件服务器 { $server } 没有确认收到邮件（{ $why }）：邮件可能已经投递，因此没有重发
hint-maybe-delivered = 再次运行此步骤前，请先向收件人（或查看邮件服务器日志）确认是否已收到：重发可能导致重复投递
hint-not-resent = 整封邮件已经发出，因此没有重发：请在服务器恢复收信后再运行此步骤
reply-line-too-long = 它返回的应答行超过了 { $limit }
reply-too-long = 它返回的应答超过了 { $limit }
server-closed = 它关闭了连接
not-smtp = 它的应答不是 SMTP
no-reply-within = { $timeout }内没有应答（--smtp-timeout）
no-runtime = 无法启动网络运行时：{ $why }
starttls-over-tls = 在 TLS 连接上又发起了 STARTTLS

## TLS
tls-failed = 与邮件服务器 { $server } 的 TLS 连接失败：{ $why }
hint-tls-name = 服务器证书不是签发给 { $host } 的：请把 --smtp-host 设为证书中包含的名称（见证书的 subjectAltName）
bad-tls-name = --smtp-host { $host } 不是可用于校验证书的主机名或 IP 地址
no-trusted-roots = 没有可用来校验邮件服务器证书的根证书：系统中没有 CA 证书
hint-no-trusted-roots = 请用 --ca-file 传入服务器的 CA 证书（自签名证书则传入证书本身）
untrusted-issuer = 它的证书由一个不受信任的 CA 签发
untrusted-self-signed = 它的证书是自签名的（自身即 CA），不受信任
hint-not-tls = 服务器没有用 TLS 应答：以明文开始的端口（587、25）请用 --tls starttls；--tls tls 用于隐式 TLS（465）
tls-setup-failed = 无法初始化 TLS：{ $why }

## 结果
result-sent = 邮件 { $id } 已通过 { $server } 发出（{ $tls ->
    [none] 未加密
    [starttls] STARTTLS
   *[tls] 隐式 TLS
}）
result-subject = 主题：{ $subject }
result-accepted = 已接收：{ $recipients }
result-refused = 被拒收：{ $address }（{ $reply }）
result-attachments = 附件：{ $names }
result-attempts = 共尝试 { $attempts } 次
summary = 邮件已发给 { $accepted } 个收件人，{ $refused } 个被拒收

## 内置邮件（--template）：使用本次运行的语言
mail-status = { $status ->
    [success] 成功
    [failure] 失败
    [unstable] 不稳定
   *[aborted] 已中止
}
mail-subject = 构建{ $status }: { $name } #{ $number }
mail-project = 项目名称
mail-build = 构建编号
mail-status-label = 构建状态
mail-url = 构建地址
mail-duration = 持续时间
mail-commit = 代码提交
mail-branch = 分支
mail-started-by = 触发人
