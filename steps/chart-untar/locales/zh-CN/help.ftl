# chart-untar --help，简体中文。
about = 安全地将 Helm Chart 归档解压到 DIR/<Chart 名称>。
long-about = 先解压到目标目录旁的临时目录，整个归档都通过检查后才重命名到目标位置：绝对路径、`..`、盘符路径、顶层文件、链接、设备文件、FIFO、不合法的 Chart 名称、非 gzip/tar 输入以及超出大小限制的归档都会被拒绝。
arg-archive = Chart 归档文件（.tgz）。
arg-destination = 解压到的目录；Chart 会解压到 DIR/<Chart 名称>。
arg-name = 解压后的目录名，代替 Chart 名称。
arg-force = 整体替换已存在的目标目录（新目录就位后才删除旧目录）。
arg-max_size = 解压后总大小超过此值的归档会被拒绝（例如 100MiB）。
arg-max_file_size = 任一文件超过此值的归档会被拒绝（例如 5MiB）。
