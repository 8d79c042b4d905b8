# chart-fetch --help，简体中文。
about = 从传统 Chart 仓库（index.yaml）或 OCI 镜像仓库获取 Helm Chart，并校验其完整性。
long-about = 归档会按来源发布的摘要（索引中的 `digest`、OCI 层的摘要）进行校验，并以原子方式保存；摘要不一致即报错，且不留下任何文件。
after-help = 示例：
      chart-fetch --repo https://charts.example/stable nginx --version '^1.2' -d charts
      chart-fetch oci://harbor.example/library/nginx --version 1.2.3 --untar
      echo "$TOKEN" | chart-fetch --repo https://bkrepo.example/helm/proj/repo app \
          --username ci --password-stdin

    每个参数也可以通过 PLUGIN_<NAME>（Drone/Woodpecker）或 BK-CI 的 input.json 传入。

    退出码：0 成功；1 内部错误；2 用法错误（参数有误）；3 输入有误（文件不存在、归档或索引格式错误、Chart 或版本不存在）；4 凭证被拒绝；5 服务端或网络故障（已重试）；6 完整性校验失败（摘要不一致）；7 发布失败（已应用，但有工作负载失败或未在超时前就绪）；130 被中断（SIGINT/SIGTERM）。
arg-chart = Chart 名称（配合 --repo），或 oci://host[:port]/path/name[:version|@sha256:digest]。
arg-repo = 传统 Chart 仓库的地址（提供 index.yaml 的目录）。
arg-version = 版本号或版本约束（1.2.3、~1.2、^1、>=1.0 <2、1.x、1.0 - 1.4 || 2）；默认取最新稳定版。
arg-devel = 未指定 --version 时，取包括预发布版本在内的最新版本。
arg-destination = 保存 Chart 的目录（不存在时自动创建）。
arg-username = Chart 仓库或镜像仓库的用户名。
arg-pass_credentials = 把凭证也发送给其他主机上的 Chart 下载地址（默认只发给 Chart 仓库自身）。
arg-plain_http = 以明文 HTTP 访问 OCI 镜像仓库。
arg-untar = 解压 Chart（经过 chart-untar 的安全检查），而不是保留归档。
arg-untardir = 配合 --untar：解压到的目录，相对于保存目录。
arg-force = 配合 --untar：整体替换已存在的解压目录。
arg-max_manifest_size = OCI manifest、Chart 配置或标签列表的某一页超过此大小即拒绝（helm 使用的 oras-go 对 manifest 的上限同样是 4 MiB）。
arg-max_size = 解压后总大小超过此值的归档会被拒绝（例如 100MiB）。
arg-max_file_size = 任一文件超过此值的归档会被拒绝（例如 5MiB）。
arg-max_index_size = Chart 仓库索引超过此大小即拒绝（例如 512MiB）：索引会被整体读入内存。
