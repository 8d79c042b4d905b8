# checkout-guard 的提示信息，简体中文。

## 一秒以内的时长（更长的由 deckhand-common 格式化）
duration-millis = { $ms } 毫秒

## 用法与输入
no-command = 没有要运行的命令：请写在 -- 之后，例如 checkout-guard exec --dir ws -- git -C ws fetch
no-config = 没有要检查的任务配置：请给出 config.xml 文件，或使用 --jenkins-url 并加上 --job 或 --all
no-parent = { $dir } 的上级目录不存在
not-a-folder = { $dir } 不是目录
cannot-run = 无法运行 { $command }：{ $why }
cannot-read = 无法读取
bad-version-pair = --versions { $pair }：请写成 插件=版本 的形式，例如 git=5.2.1,workflow-cps=3894.v1

## Jenkins
bad-jenkins-url = --jenkins-url { $url } 不是有效的 URL：{ $why }
jenkins-unreadable = 无法解析 Jenkins 返回的{ $what }：{ $why }
what-job-config = 任务 { $job } 的配置
what-job-list = 任务列表
what-plugin-list = 插件列表
bad-config = { $source } 不是可读取的 config.xml：{ $why }
xml-too-deep = 元素嵌套超过 { $limit } 层（任务的 config.xml 一般只嵌套约 10 层）

## lint：报告
lint-job-clean = { $job }：可以使用轻量级检出
lint-job = { $job }：
lint-error = 错误 [{ $id }] { $value }：{ $message }
lint-warning = 警告 [{ $id }] { $value }：{ $message }
lint-fix = 修复：{ $fix }
lint-summary = 共 { $jobs } 个任务：{ $errors } 个错误，{ $warnings } 个警告

## lint：各规则的问题与修复方法（id 与 lint::RULES 一致）
lint-multibranch-heavyweight = 控制器强制所有多分支流水线以完整（重量级）方式检出 Jenkinsfile
fix-multibranch-heavyweight = 从控制器的启动参数中去掉 -Dorg.jenkinsci.plugins.workflow.multibranch.SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true
lint-not-git = SCM 是 { $class }，不是 git；这些规则只适用于 git
lint-multiple-repositories = 配置了 { $count } 个仓库；轻量级检出要求只有一个
fix-multiple-repositories = 任务中只保留一个仓库，其他仓库在 Jenkinsfile 中检出
lint-multiple-branches = 配置了 { $count } 个分支说明符；轻量级检出要求只有一个
fix-multiple-branches = 只保留一个分支说明符，例如 */main
lint-url-variable = 检出 Jenkinsfile 时不会展开仓库 URL 中的 `$`：构建会失败
fix-url-variable = 直接写出完整的 URL（构建参数无法决定 Jenkinsfile 所在的仓库）
lint-branch-falls-back = 分支说明符 { $branch } 的写法不受轻量级检出支持
fix-branch-falls-back = 请写成 `main`、`*/main`、`*/release/1.x`、`refs/heads/<branch>` 或 `refs/tags/<tag>`（不要写 origin/...，不要用通配符）
lint-branch-glob-fails = { $branch } 能通过轻量级检出的检查，但随后会被当作字面 ref 拉取：构建会失败
fix-branch-glob-fails = 只写一个分支：`*/main` 或 `refs/heads/main`（通配符和 :正则 只在完整检出中有效）
lint-branch-variable-unverified = 只有 git >= { $git }、scm-api >= { $scm_api } 且 workflow-cps >= { $workflow_cps } 时才会展开分支中的 `$`；插件版本未知
fix-branch-variable-unverified = 使用 --fetch-versions（或 --versions git=...,scm-api=...,workflow-cps=...）进行检查
lint-branch-variable-old-plugins = 分支中的 `$` 会被原样拉取：{ $plugins }
fix-branch-variable-old-plugins = 升级这些插件，或直接写出分支名
plugin-too-old = { $name } { $version }（需要 { $minimum }）
plugin-missing = { $name } 未安装（需要 { $minimum }）
lint-lightweight-missing = 任务中没有 <lightweight> 元素，即为 false：每次都完整检出到 @script
lint-lightweight-false = 轻量级检出已关闭：每次都完整检出到 @script
fix-lightweight = 设置 <lightweight>true</lightweight>（即任务配置页上的“轻量级检出”复选框）
lint-heavy-fallback-extensions = 这些扩展让 Jenkinsfile 的完整检出更重（对轻量级检出没有影响）
fix-heavy-fallback-extensions = 把它们移到 Jenkinsfile 的 checkout([...]) 中；检出流水线脚本不需要它们
lint-old-workflow-cps-script-dir = workflow-cps { $version } 会检出到所有 SCM 共用的同一个 <job>@script 目录（{ $minimum } 之前的版本都是如此）
fix-old-workflow-cps-script-dir = 升级 workflow-cps
lint-concurrent-builds-allowed = 回退到完整检出时，并发构建可能共用 @script 中的检出；被杀掉的 git 会留下 index.lock
fix-concurrent-builds-allowed = 添加 disableConcurrentBuilds()（或勾选任务的“不允许并发构建”），并通过 checkout-guard exec 运行 git

## 守护锁
held-by = 由 { $host } 上的进程 { $pid } 持有，始于 { $started }
held-by-build = 由 { $host } 上的进程 { $pid }（{ $build }）持有，始于 { $started }
held-by-unknown = 由另一个进程持有
guard-timeout = { $dir } 的守护锁在 { $wait } 内未能获得：{ $holder }；退出码 { $code }
while-waiting-for-guard = 在等待守护锁时
cannot-open-guard = 无法打开守护锁文件
guard-not-a-file = 守护锁文件 { $path } 是{ $what }，不是独立的普通文件（checkout-guard 从不创建这种文件）：请查明是什么放在那里的，删除后重新运行
guard-is-symlink = 符号链接
guard-is-folder = 目录
guard-is-hard-link = 指向其他文件的硬链接
guard-is-special = FIFO、套接字或设备文件
exec-summary = { $command } 退出码 { $code }
locked-out = 不运行 { $command }：{ $lock } 会阻塞 git：{ $why }

## 锁文件的处理：删除或保留的原因
guarded = 受守护：有 checkout-guard exec 正在此仓库上运行（{ $holder }）
proc-unreadable = 无法读取 /proc，看不到任何进程
processes-unreadable = 以 uid { $uid } 无法读取 { $count } 个进程（例如 pid { $pid }）的 /proc 信息，其中可能有进程持有该锁
processes-hidden = /proc 以 hidepid 方式挂载，uid { $uid } 看不到其他用户的进程
held-open = 仍在使用：进程 { $pid }（{ $comm }）打开着它
git-works-here = 仍在使用：git 进程 { $pid } 正在此仓库中工作
young = 太新：已存在 { $age }，未超过 { $min_age }
unprovable = 无法证明已失效：{ $why }；请以 root（或每个 git 进程的所属用户）运行才能删除
stale = 已失效：已存在 { $age }，没有进程持有它，也没有 git 进程在此仓库中工作
gc-pid-old = 已失效：gc.pid 已超过 12 小时（git 的规则）
gc-pid-gone = 已失效：gc.pid 记录的是本机进程 { $pid }，该进程已不存在（git 的规则）
gc-pid-other-user = 仍在使用：gc.pid 记录的是本机进程 { $pid }，它作为其他用户的进程存在（kill：EPERM）
gc-pid-live = 仍在使用：gc.pid 记录的是 { $host } 上的进程 { $pid }（git 的规则：保留 12 小时）
cannot-remove-folder = 无法删除：{ $error }；它是目录，不是 git 的锁文件：请先检查，再手动删除（rm -r { $path }）
cannot-remove-denied = 无法删除：{ $error }；请以 { $dir } 的所有者（或 root）运行，或手动删除
cannot-remove = 无法删除：{ $error }；请在没有 git 操作此仓库时手动删除（rm { $path }）
too-deep = 未搜索：{ $dir } 位于 { $limit } 层以下的目录中；请把它单独作为 ROOT 来清理

## 锁文件的处理：每行结果，以及 clean 的汇总
lock-would-remove = 将删除 { $path }：{ $reason }
lock-removed = 已删除 { $path }：{ $reason }
lock-kept = 保留 { $path }：{ $reason }
lock-not-removed = 未能删除 { $path }：{ $reason }
clean-summary = { $repositories } 个仓库，{ $locks } 个锁文件：已删除 { $removed } 个，保留 { $kept } 个
clean-summary-dry-run = { $repositories } 个仓库，{ $locks } 个锁文件：将删除 { $removed } 个（演练，未做改动），保留 { $kept } 个
clean-summary-failed = { $repositories } 个仓库，{ $locks } 个锁文件：已删除 { $removed } 个，保留 { $kept } 个，{ $failed } 个无法删除
