# chart-untar 的提示信息，简体中文。

## 处理建议
hint-target-exists = 使用 --force 整体替换该目录，或用 --name / -d 换一个目录
hint-hostile = 这不是 helm 会接受的 Chart 归档，请勿使用，并核实它的来源
hint-limit = 如果 Chart 确实这么大，请调大 --max-size / --max-file-size
hint-local-io = 归档本身没有问题：请检查目标目录（-d）的剩余空间和权限
hint-long-name = Chart 中的文件名超出了文件系统（以及 helm）允许的长度，请在 Chart 中缩短它

## 参数与目标目录
bad-name-flag = --name { $name } 不能用作目录名：{ $why }
target-exists = { $target } 已存在

## Chart 名称不可用的原因（接在名称之后）
name-empty = 为空
name-dots = 是 `.` 或 `..`
name-separator = 包含路径分隔符
name-control = 包含控制字符

## 拒绝的归档条目
refused-not-utf8 = 已拒绝归档条目 { $entry }：路径不是 UTF-8 编码
refused-symlink = 已拒绝归档条目 { $entry }：Chart 中不允许符号链接
refused-hard-link = 已拒绝归档条目 { $entry }：Chart 中不允许硬链接
refused-device = 已拒绝归档条目 { $entry }：Chart 中不允许设备文件
refused-fifo = 已拒绝归档条目 { $entry }：Chart 中不允许 FIFO（命名管道）
refused-entry-type = 已拒绝归档条目 { $entry }：Chart 中不允许这种类型的条目
refused-absolute = 已拒绝归档条目 { $entry }：不允许绝对路径
refused-drive = 已拒绝归档条目 { $entry }：不允许 Windows 盘符路径
refused-dot-dot = 已拒绝归档条目 { $entry }：路径中不允许出现 `..`
refused-no-file-name = 已拒绝归档条目 { $entry }：条目没有文件名
refused-top-level = 已拒绝归档条目 { $entry }：Chart 归档的顶层不允许放文件（Chart 的内容都在一个目录下）
refused-long-part = 已拒绝归档条目 { $entry }：路径中有一段超过 { $max } 字节
refused-long-path = 已拒绝归档条目 { $entry }：解压后的路径超过 { $max } 字节
not-gzip = 不是 gzip 压缩的归档（Chart 应为 .tgz 文件）
bad-tar = gzip 数据中不是有效的 tar 归档：{ $cause }
too-big-total = 归档解压后超过 { $limit }（--max-size）
too-big-file = 归档条目 { $entry } 超过 { $limit }（--max-file-size）

## Chart.yaml
no-chart-yaml = 归档的 Chart 目录中没有 Chart.yaml
chart-yaml-unreadable = Chart.yaml 无效：{ $why }
chart-yaml-missing = Chart.yaml 无效：缺少 `{ $field }`
chart-yaml-bad-name = Chart.yaml 无效：`name` { $name } { $why }
chart-yaml-bad-version = Chart.yaml 无效：`version` { $version } 不是 SemVer 版本号
not-the-chart-asked-for = 归档中的 Chart 是 { $got }，而不是所请求的 { $wanted }

## 本地文件
cannot-open-archive = 无法打开 Chart 归档 { $path }：{ $error }
cannot-create-folder = 无法创建目录 { $path }：{ $error }
cannot-create-temp = 无法在 { $path } 中创建临时目录：{ $error }
cannot-move-aside = 无法移走已存在的 { $path }：{ $error }
cannot-place = 无法将解压好的 Chart 移动到 { $path }：{ $error }
cannot-write = 无法将归档条目 { $entry } 写入 { $path }：{ $error }

## 结果
unpacked = 已将 { $chart } { $version } 解压到 { $path }（{ $files } 个文件，{ $bytes } 字节）
