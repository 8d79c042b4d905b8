# chart-deploy --help，简体中文
