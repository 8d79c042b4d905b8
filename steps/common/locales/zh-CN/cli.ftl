# 命令行相关的用词，简体中文：生成的参考文档和 man 手册、用法错误。
doc-usage = 用法
doc-arguments = 参数
doc-options = 选项
doc-subcommands = 子命令
doc-default = 默认值
doc-env = 环境变量
doc-values = 可选值
doc-repeatable = 可重复
doc-required = 必填
doc-more = 补充说明
doc-generated = 由 `cargo xtask hosts` 根据步骤的命令行定义生成，请勿手工修改。
man-name = 名称
man-synopsis = 概述
man-description = 描述
man-extra = 补充说明
man-version = 版本
doc-facts = （{ $facts }）
doc-facts-separator = ；

## 用法错误：在 clap 自己的（英文）错误信息之前输出一行中文说明。
usage-missing = 缺少必填的选项或参数：{ $arg }
usage-invalid-value = { $arg } 不接受取值 { $value }
usage-unknown = 未知选项 { $arg }
usage-conflict = { $arg } 不能与已给出的其他选项同时使用
usage-other = 命令行参数有误
usage-error = 错误：{ $what }；请查看 `{ $step } --help`
usage-reason = 原因：{ $reason }
usage-tip = 提示：是否想用 { $suggestion }？
usage-line = 用法：{ $usage }
help-fact = {" "}[{ $label }：{ $value }]
help-values-separator = {", "}
usage-valid = 可选值：{ $values }
