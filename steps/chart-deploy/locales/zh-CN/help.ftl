# chart-deploy 的 --help，简体中文。
about = 用 helm（upgrade --install）部署本地 Chart，并等待其工作负载就绪。
long-about =
    helm 运行前：先核对 helm 与集群的版本是否匹配；Release 停留在 pending-* 时说明原因（或用 --recover-pending 恢复）；并检查渲染出的清单中是否有缺失的 imagePullSecret、已被占用的 nodePort 以及归属其他 Release 的资源。运行后：以 watch（而非轮询）方式跟踪工作负载，一旦出现等待也无法解决的失败（ImagePullBackOff、CrashLoopBackOff、Unschedulable、配额不足、任务失败……）就结束等待并给出诊断。
after-help =
    示例：
      chart-deploy ./charts/web --release web -n shop --timeout 5m
      chart-deploy web-1.2.0.tgz --release web -n shop -f prod.yaml --set image.tag=1.2.0 --replicas 3 --atomic --timeout 10m
      KUBECONFIG_CONTENT="$(cat kubeconfig)" chart-deploy ./web --release web -n shop --timeout 0
      chart-deploy ./web --release web -n shop --dry-run

    --timeout：不设置 = 不等待（指定 --atomic 时为 5m，与 helm 相同），0 = 一直等待，或一个时长（300、90s、5m）。
    --grace：集群通常能自行恢复的状态（Unschedulable、配额已满、缺少保密字典、CrashLoopBackOff、
    因网络原因拉取失败）最多持续多久才判定部署失败；镜像不存在、拉取被拒绝、镜像名不合法、
    ProgressDeadlineExceeded 和任务失败会立即判定失败。
    每个选项也可以来自 PLUGIN_<NAME>（Drone/Woodpecker）或 BK-CI 的 input.json。
arg-chart = Chart：含 Chart.yaml 的目录，或 .tgz 文件。
arg-release = Release 名称。
arg-namespace = 部署到的命名空间。
arg-values = values 文件（可重复，后面的优先）。
arg-set = KEY=VALUE 形式的值（可重复），同 helm --set。
arg-set_string = 按字符串处理的 KEY=VALUE 值（可重复），同 helm --set-string。
arg-replicas = 覆盖 Chart 的副本数（通过 --replicas-key 指定的值设置）。
arg-replicas_key = 存放副本数的 Chart 值名。
arg-timeout = 等待工作负载的时长：不设置 = 不等待，0 = 一直等待，否则为一个时长。
arg-atomic = 发布失败时回滚到最后一个确认健康的修订版本（首次安装则卸载）；未指定 --timeout 时等待 5m，与 helm 的 --atomic 隐含 --wait 一样。
arg-grace = 集群通常能自行恢复的失败最多持续多久才判定部署失败。
arg-create_namespace = 命名空间不存在时创建它。
arg-dry_run = 渲染并检查所有内容，不做任何变更。
arg-helm_args = 传给 `helm upgrade` 的额外参数（可重复），例如 --helm-arg=--take-ownership。
arg-helm = helm 可执行文件（默认：PATH 中的 helm）。
arg-tiller_namespace = Tiller 所在的命名空间（仅 Helm 2）。
arg-recover_pending = 如果 Release 停留在 pending-*，部署前先回滚到其最后一个已部署的修订版本（首次安装未完成时则删除其 pending 修订版本）。
arg-no_preflight = 跳过对渲染清单的预检。
arg-ignore_version_skew = 即使 helm 的版本不支持集群的版本也继续执行。
