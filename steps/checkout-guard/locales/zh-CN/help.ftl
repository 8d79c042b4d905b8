# checkout-guard --help，简体中文
