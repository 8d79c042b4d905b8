# chart-untar --help，简体中文
