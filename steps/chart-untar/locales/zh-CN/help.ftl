# chart-untar --help，简体中文。
about = 安全地将 Helm Chart 归档解压到 DIR/<Chart 名称>。
long-about = 先解压到目标目录旁的临时目录，整个归档都通过检查后才重命名到目标位置：绝对路径、`..`、盘符路径、顶层文件、链接、设备文件、FIFO、不合法的 Chart 名称、非 gzip/tar 输入以及超出大小限制的归档都会被拒绝。
after-help = 退出码：0 成功；1 内部错误；2 用法错误（参数有误）；3 输入有误（文件不存在、归档或索引格式错误、Chart 或版本不存在）；4 凭证被拒绝；5 服务端或网络故障（已重试）；6 完整性校验失败（摘要不一致）；7 发布失败（已应用，但有工作负载失败或未在超时前就绪）；130 被中断（SIGINT/SIGTERM）。
arg-archive = Chart 归档文件（.tgz）。
arg-destination = 解压到的目录；Chart 会解压到 DIR/<Chart 名称>。
arg-name = 解压后的目录名，代替 Chart 名称。
arg-force = 整体替换已存在的目标目录（新目录就位后才删除旧目录）。
arg-max_size = 解压后总大小超过此值的归档会被拒绝（例如 100MiB）。
arg-max_file_size = 任一文件超过此值的归档会被拒绝（例如 5MiB）。
