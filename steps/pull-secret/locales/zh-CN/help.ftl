# pull-secret --help，简体中文
