# chart-deploy 的消息，简体中文。

## 发布失败的诊断：建议
hint-pull-secret-missing = 命名空间 `{ $namespace }` 中不存在镜像拉取凭证（imagePullSecret）`{ $secret }`：请先创建，例如 `pull-secret { $secret } -n { $namespace } --registry HOST --username USER --password-stdin`
hint-image-not-found = 镜像仓库中找不到该镜像：`{ $image }` 不存在，请检查镜像仓库名称和标签
hint-pull-refused = 镜像仓库拒绝节点拉取 `{ $image }`：请引用一个有权拉取该镜像的 imagePullSecret（可用 pull-secret 在 `{ $namespace }` 中创建），或检查镜像仓库名称
hint-pull-tls = 节点不信任镜像仓库的证书：请在各节点的容器运行时中添加镜像仓库的 CA 证书（containerd certs.d / docker certs.d）
hint-pull-rate-limit = 镜像仓库正在限制拉取频率：请使用带认证的拉取，或使用镜像加速（例如 Harbor 代理缓存）
hint-pull-unreachable = 节点连不上镜像仓库：请检查 DNS、网络链路以及容器运行时的代理设置
hint-pull-other = 无法拉取镜像，详见上方事件
hint-invalid-image = `{ $image }` 不是合法的镜像地址：请检查镜像仓库和标签的取值
hint-never-pull = 节点上没有 `{ $image }`，而其 imagePullPolicy 为 Never：请把镜像导入各节点（例如 `kind load docker-image`、`minikube image load`），或将 imagePullPolicy 改为 IfNotPresent
the-image = 该镜像
hint-oom = 容器使用的内存超过限制，已被终止（OOMKilled）：请调大 resources.limits.memory
hint-crash-code = 容器启动后不久即退出（退出码 { $code }），Kubernetes 在反复重启它：请查看上方日志，并检查其配置（环境变量、配置文件、所连接的服务）
hint-crash = 容器启动后不久即退出，Kubernetes 在反复重启它：请查看上方日志，并检查其配置（环境变量、配置文件、所连接的服务）
hint-run-container = 容器运行时无法启动容器：请检查启动命令、entrypoint 和存储卷挂载
hint-config-missing = 命名空间 `{ $namespace }` 中不存在 { $kind } `{ $name }`：请创建它，或修正 Chart 中的引用
hint-config-key-missing = 命名空间 `{ $namespace }` 中的 { $kind } `{ $name }` 没有键 `{ $key }`：请添加该键，或修正 Chart 中的引用
hint-config-cache = kubelet 尚未加载该 Pod 的保密字典/配置字典（缓存仍在同步）；通常会自行恢复，否则请检查节点与 API Server 的连接
hint-config-other = 无法为容器生成配置：请检查其 spec 引用的保密字典、配置字典和存储卷
hint-insufficient = { $shortages }；请调小 Chart 的 resources.requests，或释放、扩充集群资源（按资源请求计算，而非实际用量）
shortage-separator = ；
insufficient = { $resource } 不足：该 Pod 请求 { $requested }，可调度节点中空闲最多的也只有 { $free }（节点 `{ $node }`）
insufficient-unknown = { $resource } 不足：该 Pod 请求 { $requested }；无法得知节点的空闲量（{ $why }）
request-unknown = 未知数量
free-no-nodes = 无法列出节点
free-no-pods = 无权列出节点上的 Pod
free-no-eligible-node = 没有任何节点可以调度该 Pod：每个节点都已停止调度（cordon）、NotReady 或带有污点
hint-node-selector = 没有节点匹配该 Pod 的 nodeSelector/亲和性：请对照 `kubectl get nodes --show-labels` 检查它要求的标签
hint-taint = 所有合适的节点都带有该 Pod 不容忍的污点：请添加容忍（toleration），或改用其他节点
hint-pvc = 该 Pod 的存储卷声明（PVC）未绑定：请检查其 StorageClass 和存储供应器
hint-volume-affinity = 该 Pod 的 PersistentVolume 绑定在它无法调度到的可用区或节点上（volume node affinity conflict）：请在该可用区释放资源，或使用 volumeBindingMode 为 WaitForFirstConsumer 的 StorageClass
hint-too-many-pods = 合适的节点上的 Pod 数已达上限（其可分配的 `pods`）：请增加节点或删除部分 Pod
hint-unschedulable = 没有节点能调度该 Pod，详见上方调度器的消息
hint-quota = 命名空间的资源配额 `{ $quota }` 已用满（{ $detail }）：请提高配额，或调小 Chart 的副本数或资源请求
hint-failed-create = 副本集（ReplicaSet）无法创建 Pod（被准入控制拒绝），详见上方消息
hint-progress-deadline = 部署（Deployment）在 progressDeadlineSeconds 内没有进展：请查看其最新的 Pod 及其事件
hint-job-failed = 任务（Job）已放弃（{ $reason }）：请查看上方失败 Pod 的日志

## 发布失败的诊断：错误信息
rollout-failed = 发布失败：{ $kind } { $name } 处于 { $reason }
diagnosis-object = 命名空间 { $namespace } 中的 { $kind } { $name }
diagnosis-object-container = 命名空间 { $namespace } 中的 { $kind } { $name }（容器 { $container }）
with-detail = { $text }：{ $detail }
diagnosis-last-exit = 上次退出：退出码 { $code }（{ $reason }）
diagnosis-events = 事件：
diagnosis-log = 最近的日志：
lasted = { $reason } 持续时间超过了宽限期（{ $grace }）
gathered-diagnosis = 收集诊断信息用时 { $ms } 毫秒

## 等待
waiting-for = 等待 { $count } 个工作负载就绪，最多等待 { $limit }
waiting-for-no-limit = 等待 { $count } 个工作负载就绪，不限时间
workload-ready = { $workload }：{ $ready }/{ $desired } 就绪
workload-complete = { $workload }：已完成
workload-running = { $workload }：运行中
timed-out = 工作负载未在 { $after }内就绪：{ $pending }
hint-timeout = 没有明确的失败，只是 Pod 就绪得慢：请调大 --timeout，或检查其就绪探针
waiting-out = { $what }：{ $reason }；集群通常能自行恢复，最多等待 { $grace }后再判定为失败
recovered-from = { $what }：已从 { $reason } 恢复
watch-ended = 对集群的 watch 意外结束
while-waiting = （等待发布完成时；Release 本身已应用）
watch-refused = 集群 { $server } 不允许 watch 工作负载：{ $why }
watch-resuming = watch 中断，正在恢复：{ $why }
reading-workloads = 读取命名空间 { $namespace } 中的工作负载
atomic-waits = 指定了 --atomic 但未指定 --timeout：最多等待 { $limit }（与 helm 一样，--atomic 意味着 --wait）

## Helm
helm-probe-panicked = 查询 helm 版本时意外失败
helm-not-found = 在 PATH 中找不到 helm
hint-helm-not-found = 请安装 helm（3 或 4；Kubernetes 1.14/1.15 用 2 或 3.0/3.1），或通过 --helm PATH 指定；Deckhand 的 Agent 镜像自带 helm
helm-not-runnable = 无法运行 { $path } 处的 helm：{ $why }
helm-no-version = 它没有输出版本号
helm-chosen = 对 Kubernetes { $cluster } 使用 { $path }（{ $version }）
helm-chosen-over = 对 Kubernetes { $cluster } 使用 { $path }（{ $version }）：它比 { $other_path }（{ $other_version }）更适合该版本
helm2-too-new-cluster = helm { $helm }（Helm 2，Tiller）最高支持 Kubernetes 1.16，但集群版本为 { $cluster }：请使用 Helm 3 或 4
helm-too-new-for = helm { $helm } 不支持 Kubernetes { $cluster }：1.14/1.15 请使用带 Tiller 的 Helm 2（--tiller-namespace）或 Helm 3.0/3.1（--helm PATH）
skew-untested = helm { $helm } 面向 Kubernetes 1.{ $low } 至 1.{ $high }；集群版本为 { $cluster }
hint-skew = 请用 --helm PATH 指定与集群匹配的 helm，或用 --ignore-version-skew 强制继续
skew-ignored = { $why }（因 --ignore-version-skew 继续执行）
helm-failed =
    helm { $action } 失败：
    {"  "}{ $said }
helm-stopped = （helm { $action } 执行期间；已将信号转发给 helm，helm 已退出）
running-helm = 运行 { $path } { $args }
hint-pending = 之前对该 Release 的 helm 操作中途被终止，使其停留在 pending 状态；请确认没有其他部署正在进行，然后加上 --recover-pending 重新运行
hint-ownership = Chart 中的某个资源已存在于该 Release 之外：请查看预检结果，或用 --helm-arg=--take-ownership 接管它（helm >= 3.17）
hint-node-port = 该 nodePort 已被另一个服务（Service）占用：请在 values 中换一个空闲端口，或不设置 nodePort
hint-render = Chart 无法用这些 values 渲染：请检查 values 文件和 --set 选项
hint-ssa-conflict = Chart 设置的字段归另一个字段管理器所有（kubectl edit/scale、Operator、自动扩缩容）：可用 --helm-arg=--force-conflicts 让 helm 接管（helm 4），或停止另一方的写入
template-default-capabilities = 此 helm 不支持 `helm template --kube-version`：预检将按 helm 内置的 capabilities 渲染（按 Kubernetes 版本分支的 Chart 可能不同）
bad-helm-output = 无法读取 helm 返回的 Release 信息：{ $why }
helm-history-empty = 历史记录为空

## 预检
pull-secret-missing = 命名空间 `{ $namespace }` 中不存在镜像拉取凭证（imagePullSecret）`{ $secret }`（{ $user } 使用）
secret-unchecked = 无法检查保密字典 { $secret }：无权限（forbidden）
reading-secret = 读取命名空间 { $namespace } 中的保密字典 { $secret }
listing-services = 列出服务（Service）
reading-resource = 读取 { $resource }
node-ports-namespace-only = 无权列出所有命名空间中的服务（forbidden）；只在本命名空间内检查 nodePort
node-port-taken = service/{ $service } 的 nodePort { $port } 已被服务 { $holder } 占用
resource-taken-by-release = 命名空间 { $namespace } 中已存在 { $resource }，它属于命名空间 { $owner_namespace } 中的 Release { $owner }；helm 会拒绝（invalid ownership metadata）
resource-taken = 命名空间 { $namespace } 中已存在 { $resource }，它不属于任何 helm Release；helm 会拒绝（invalid ownership metadata）
hint-adopt = 如果该资源应归此 Release 管理：执行 `kubectl -n { $namespace } label { $kind } { $name } app.kubernetes.io/managed-by=Helm` 和 `kubectl -n { $namespace } annotate { $kind } { $name } meta.helm.sh/release-name={ $release } meta.helm.sh/release-namespace={ $release_namespace }`（或在 helm >= 3.17 下使用 --helm-arg=--take-ownership）；否则请在 Chart 中为它改名
preflight-failed =
    预检发现 { $count } 个问题，未做任何变更：
    { $listing }
preflight-finding =
    {"  "}- { $message }
    {"    "}修复：{ $hint }
hint-preflight = 请修复以上问题，或用 --no-preflight 跳过这些检查

## 停留在 pending 的 Release
release-pending = 命名空间 { $namespace } 中的 Release { $release } 停留在 { $status }（修订版本 { $revision }）：之前的 helm 操作中途被终止，helm 拒绝新的操作（"another operation (install/upgrade/rollback) is in progress"）
hint-recover-rollback = 请确认没有其他部署正在进行，然后加上 --recover-pending 重新运行：它会回滚到最后一个已部署的修订版本 { $to }（相当于 `helm rollback { $release } { $to } -n { $namespace }`）
hint-recover-remove = 请确认没有其他部署正在进行，然后加上 --recover-pending 重新运行：首次安装从未完成，将删除其 pending 修订版本（相当于删除 { $namespace } 中的 Secret sh.helm.release.v1.{ $release }.v1）
recovered-rollback = 已恢复 Release { $release }：回滚到修订版本 { $to }
recovered-removed = 已恢复 Release { $release }：删除了其未完成的首次安装留下的 { $count } 个 pending 修订版本 { $revisions }
pending-not-blocking = 修订版本 { $revision } 停留在 { $status }；helm { $helm } 会忽略它，从最后一个已部署的修订版本继续（helm 3.4+ 会拒绝）

## Release 记录
reading-history = 读取 Release { $release } 的历史记录
removing-revision = 删除 pending 修订版本 { $object }
recording-outcome = 将发布结果写入 { $object }
storage-out-of-reach = Release 记录保存在集群之外（HELM_DRIVER=sql 或 memory），chart-deploy 无法修改：请用 helm 自己的工具删除 pending 修订版本
failed-description = chart-deploy：发布失败：{ $why }
recorded-failed = 修订版本 { $revision } 已在 Release 历史中记为失败
record-not-written = 无法把发布结果写入 Release 历史：{ $why }

## 部署
bad-grace = --grace "{ $text }" 不是合法的时长（{ $why }）：请使用如 90s 或 2m；0 表示一出问题就判定失败
not-a-duration = 不是时长
bad-timeout = --timeout "{ $text }" 不是合法的时长（{ $why }）：请使用如 300、90s、5m 或 1h；0 表示一直等待
bad-release = Release 名称 "{ $name }" 不合法：只能包含小写字母、数字和 '-'，最长 53 个字符
chart-missing = Chart { $path } 不存在
not-a-chart = { $path } 是一个没有 Chart.yaml 的目录
hint-chart-missing = 请指定 Chart 目录（含 Chart.yaml）或 .tgz 文件；可用 chart-fetch 从 Chart 仓库获取
values-missing = values 文件 { $path } 不存在
bad-manifest = 无法读取渲染出的清单：{ $why }
replicas-unused = --replicas { $replicas } 以 { $key }={ $replicas } 传入，但 Chart 中没有哪个部署（Deployment）或有状态副本集（StatefulSet）得到 { $replicas } 个副本：Chart 可能用了别的值名（请设置 --replicas-key）
other-namespace = { $resource } 位于命名空间 { $namespace }，不在 Release 的命名空间内，不会等待它
rolled-back = --atomic：已回滚到修订版本 { $to }
rolled-back-unverified = --atomic：已回滚到最后一个已部署的修订版本 { $to }（chart-deploy 未见过任何修订版本就绪）
uninstalled = --atomic：已卸载失败的首次安装
rollback-failed = --atomic：回滚也失败了：{ $why }
uninstall-failed = --atomic：卸载也失败了：{ $why }

## 结果
result-release = 命名空间 { $namespace } 中的 Release { $release }：修订版本 { $revision } 状态为 { $status }
result-release-dry-run = 命名空间 { $namespace } 中的 Release { $release }：修订版本 { $revision } 将被部署（试运行）
result-chart = Chart：{ $chart } { $version }
result-chart-app = Chart：{ $chart } { $version }（应用版本 { $app }）
result-namespace-created = 已创建命名空间 { $namespace }
result-planned = { $workload }：计划 { $count } 个副本
result-ready-after = 等待 { $seconds } 秒后就绪
not-waited = 未等待（未指定 --timeout）；指定 --timeout 5m 即可等待，0 表示一直等待
result-cluster = 集群：{ $server }（Kubernetes { $version }），helm { $helm }
summary = Release { $release } 修订版本 { $revision }：{ $status }（命名空间 { $namespace }）
