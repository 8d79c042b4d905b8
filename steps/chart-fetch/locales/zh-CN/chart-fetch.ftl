# chart-fetch 的提示信息，简体中文。

## 处理建议
hint-repo-url = 请写成 https://host/path 的形式
hint-repo-root = --repo 必须是 Chart 仓库的根地址，即提供 index.yaml 的那个 URL
hint-chart-name = 请检查 Chart 名称（`helm search repo` 可列出），或检查 --repo 地址
hint-version = 用 `helm search repo NAME --versions` 查看可用版本；预发布版本需要 --devel，或在 --version 中写明预发布版本
hint-constraint = 请填写版本号（1.2.3）或版本约束，例如 ~1.2、^1、>=1.0 <2、1.x、1.0 - 1.4 || 2
hint-digest = 归档与 Chart 仓库发布的不一致：请勿使用；请重新上传该 Chart，或联系仓库管理员
hint-oci-ref = 请写成 oci://host[:port]/path/name 并配合 --version，或写成 oci://host/path/name:version 或 ...@sha256:<digest>
hint-not-a-chart = 该引用指向的镜像不是 Helm Chart
hint-max-manifest-size = Chart 的 manifest 通常只有几 KiB；如果该镜像仓库的确实更大，请调大 --max-manifest-size
hint-max-index-size = 如果 Chart 仓库的索引确实这么大，请调大限制，例如 --max-index-size 1GiB

## 下载的对象（嵌在其他提示中）
what-index = Chart 仓库索引
what-tag-list = 标签列表
what-manifest = { $reference } 的 manifest
what-chart-metadata = { $reference } 的 Chart 元数据

## 命令行参数
bad-repo-url = --repo { $shown } 不是有效的 URL：{ $why }
repo-scheme = --repo 必须是 http 或 https 地址，而不是 { $scheme }
repo-with-oci = --repo 只用于传统 Chart 仓库；oci:// 引用不需要 --repo
no-source = 从哪里获取 { $chart }？请指定 --repo URL，或使用 oci:// 引用
bad-chart-name = Chart 名称 { $name } { $why }：请按 Chart 仓库索引中列出的名称填写
untar-needs-folder = --untardir 必须是目标目录内的一个目录

## 版本与版本约束
bad-constraint = --version：{ $why }
constraint-incomplete-range = { $text } 中的版本范围不完整
constraint-lone-operator = { $text } 中的运算符 { $operator } 后面缺少版本号
constraint-bad-term = { $term } 不是有效的版本约束
no-matching-version = { $chart } 没有符合 { $wanted } 的版本；可用版本：{ $more ->
        [0] { $available }
       *[other] { $available } 等（另有 { $more } 个）
    }
no-stable-version = { $chart } 没有稳定版本（正式发布版）；可用版本：{ $more ->
        [0] { $available }
       *[other] { $available } 等（另有 { $more } 个）
    }
no-version-available = { $chart } 没有符合 { $wanted } 的版本；没有可用版本
no-stable-version-available = { $chart } 没有稳定版本（正式发布版）；没有可用版本

## Chart 仓库与索引
bad-index = 无法读取 Chart 仓库索引 { $url }：{ $why }
index-too-large = Chart 仓库索引 { $url } 超过了 --max-index-size 限制（{ $max }），未获取任何内容
skipped-entry = 跳过一个无效的索引条目：{ $why }
chart-not-found = Chart 仓库 { $repo } 中没有 Chart { $chart }（仓库共列出 { $count } 个 Chart）
deprecated = { $chart } { $version } 已被维护者标记为弃用
no-urls = 索引中 { $chart } { $version } 的条目没有下载地址
bad-chart-url = 索引给出的下载地址 { $url } 不可用：{ $why }
unverified = 索引中没有 { $chart } { $version } 的摘要，无法校验下载内容
credentials-withheld = 不向 { $origin } 发送 Chart 仓库凭证（不是同一来源；使用 --pass-credentials 可发送）

## 无法读取索引的原因
index-empty = 索引为空（helm 同样拒绝空的 index.yaml）
index-no-api-version = 索引中没有 apiVersion（未指定 API 版本）
index-not-utf8 = 索引不是 UTF-8 文本：{ $why }
index-bad-yaml = 索引不是有效的 YAML，或不是 helm 能读取的有效索引：{ $why }
index-bad-json = JSON 索引不是 helm 能读取的有效索引：{ $why }
index-wrong-type = `{ $field }` 是{ $got ->
        [string] 字符串
        [boolean] 布尔值
        [number] 数字
        [list] 列表
       *[mapping] 映射
    }，而 helm 要求{ $wanted ->
        [string] 字符串
        [boolean] 布尔值
        [number] 数字
        [list] 列表
       *[mapping] 映射
    }
index-expecting = `{ $field }` 的值应为{ $wanted ->
        [string] 字符串
        [boolean] 布尔值
        [number] 数字
        [list] 列表
       *[mapping] 映射
    }
index-expecting-merge = 要合并的映射或映射列表
index-bad-time = `{ $field }` 的值 { $text } 不是 RFC 3339 时间（helm 会拒绝）
index-null-entry = `{ $field }` 下的列表中有空（null）条目，会导致 helm 3.17 崩溃
index-duplicate-key = 键 { $key } 在同一个映射中出现了两次（helm 严格读取 YAML，会拒绝）
index-unknown-field = 未知字段 { $key }（helm 严格读取 YAML，会拒绝不认识的字段）

## 跳过索引条目的原因
entry-no-name = { $chart } { $version }：缺少名称
entry-name-not-segment = { $chart } { $version }：名称不是单个路径段
entry-names-another-chart = { $chart } { $version }：名称是另一个 Chart（{ $name }）
entry-no-version = { $chart } { $version }：缺少版本号
entry-not-semver = { $chart } { $version }：版本号不符合 SemVer
entry-bad-type = { $chart } { $version }：type 既不是 application 也不是 library
entry-empty-maintainer = { $chart } { $version }：maintainers 中有空条目
entry-empty-dependency = { $chart } { $version }：dependencies 中有空条目
entry-bad-alias = { $chart } { $version }：依赖的 alias 含有不允许的字符

## OCI 镜像仓库
bad-oci-ref = { $reference } 不是可用的 OCI Chart 引用：{ $why }
oci-ref-no-scheme = { $reference } 不是可用的 OCI Chart 引用：没有以 oci:// 开头
oci-ref-digest-algorithm = { $reference } 不是可用的 OCI Chart 引用：只支持 sha256 摘要
oci-ref-digest-length = { $reference } 不是可用的 OCI Chart 引用：摘要不是 64 位十六进制数
oci-ref-no-path = { $reference } 不是可用的 OCI Chart 引用：主机名后面没有仓库路径
oci-ref-malformed = { $reference } 不是可用的 OCI Chart 引用：主机、路径或标签为空或格式错误
tag-version-conflict = 引用中的版本是 { $tag }，而 --version 指定的是 { $version }
no-tags = 镜像仓库中 { $repository } 没有符合 SemVer 的标签
foreign-page = { $repository } 的标签列表把下一页指向了另一个服务器（{ $next }）；不会向那里发送镜像仓库凭证
bad-manifest = 无法读取 { $reference } 的 manifest：{ $why }
manifest-not-semver = 无法读取 { $reference } 的 manifest：其版本号 { $version } 不符合 SemVer
manifest-unsupported-digest = 无法读取 { $reference } 的 manifest：不支持的摘要 { $digest }
not-a-chart = { $reference } 不是 Helm Chart（config 的 media type 为 { $media_type }）
no-chart-layer = { $reference } 的 manifest 中没有 Helm Chart 层
wrong-chart = { $what } 中的 Chart 是 { $got }，而不是 { $wanted }
manifest-too-big = { $what } 超过了 --max-manifest-size（{ $limit }）
read-failed = 读取 { $what } 失败：{ $why }

## 保存
digest-mismatch = { $what } 与发布的摘要不一致：应为 sha256:{ $expected }，实际为 sha256:{ $actual }；未保存任何文件
cannot-create-destination = 无法创建目标目录 { $path }：{ $error }
cannot-create-temp = 无法在 { $path } 中创建临时文件：{ $error }
cannot-set-mode = 无法设置 { $path } 的权限：{ $error }
cannot-save = 无法将 Chart 保存为 { $path }：{ $error }

## 结果
result-fetched = 已从 { $source } 获取 { $chart } { $version }
result-file = 文件：      { $path }
result-unpacked = 解压到：    { $path }
result-digest-verified = 摘要：      { $digest }（已按发布的摘要校验）
result-digest-unverified = 摘要：      { $digest }（未校验：来源没有发布摘要）
result-app-version = appVersion：{ $app_version }
summary = 已获取 { $chart } { $version }（{ $digest }）
