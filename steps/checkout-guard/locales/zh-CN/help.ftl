# checkout-guard 的 --help，简体中文（公共选项由 deckhand-common 提供）。

about = 防止 Jenkins 的轻量级检出回退和失效的 git 锁文件让流水线失败。
after-help = 示例：
      checkout-guard lint $JENKINS_HOME/jobs/shop/jobs/web/config.xml
      checkout-guard lint --jenkins-url https://jenkins.example --all --fetch-versions   # JENKINS_USER_ID / JENKINS_API_TOKEN
      checkout-guard exec --dir ws --wait 10m --stale-after 15m -- git -C ws fetch --prune origin
      checkout-guard clean $JENKINS_HOME/workspace $JENKINS_HOME/caches --min-age 1h --dry-run

    退出码：lint 0 无问题，1 有警告，2 有错误；exec 返回所运行命令自己的退出码，未能及时获得守护锁时为 75；
    所有子命令：64 用法错误，65 输入有误，69 服务端或网络问题，70 内部错误，77 凭证被拒绝，130 被中断。

lint-about = 说明某个任务为何拿不到 Jenkinsfile 的轻量级检出，或为何会构建失败。
lint-arg-files = 要检查的 config.xml 文件。
lint-arg-jenkins_url = 从这个 Jenkins 读取任务。
lint-arg-jobs = 按全名指定任务，例如 shop/web（可重复）。
lint-arg-all = 检查所有流水线任务和多分支流水线任务。
lint-arg-user = Jenkins 用户名。
lint-arg-token = 该用户的 API 令牌。
lint-arg-fetch_versions = 向 Jenkins 查询插件版本（git、scm-api、workflow-cps）。
lint-arg-versions = 插件版本，写成 插件=版本（逗号分隔或重复使用）。
lint-arg-multibranch_heavyweight = 控制器以 SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true 运行。

exec-about = 在仓库的独占守护锁下运行 git 命令，运行前先删除确已失效的锁文件。
exec-arg-dir = 仓库目录（工作区或裸仓库）；守护锁文件放在它旁边。
exec-arg-wait = 等待守护锁的最长时间。
exec-arg-stale_after = 锁文件超过这个时间且没有进程持有，即视为失效。
exec-arg-command = 要运行的命令，写在 -- 之后。

clean-about = 在目录下查找 git 目录，并删除其中失效的锁文件。
clean-arg-roots = 要扫描的目录。
clean-arg-dry_run = 只报告，不做任何改动。
clean-arg-min_age = 保留比这个时间更新的锁文件。
