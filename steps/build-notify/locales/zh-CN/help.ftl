# build-notify --help，简体中文
