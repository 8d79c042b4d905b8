# chart-fetch --help，简体中文
