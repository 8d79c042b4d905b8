# 公共模块（deckhand-common）的提示信息，简体中文。

## 列表与时长
list-separator = 、
duration-seconds = { $seconds } 秒
duration-minutes = { $minutes } 分 { $seconds } 秒
duration-hours = { $hours } 小时 { $minutes } 分

## 处理建议
hint-tls = 如果服务端使用私有 CA 签发的证书，请用 --ca-file 传入该 CA 证书（会追加到系统信任的根证书中）；--insecure-skip-tls-verify 可跳过校验（不安全）
hint-kube-401 = kubeconfig 中的 token 或证书有误或已过期，请重新获取 kubeconfig
hint-kube-403 = 该账号没有权限，请申请一个在此命名空间内允许该操作的 Role
hint-kube-admission = 集群的准入控制拒绝了该请求（资源配额、命名空间正在删除、Pod 安全策略等），具体原因见上面的信息；这不是账号权限的问题
hint-kube-unreachable = 请检查 kubeconfig 中的 API Server 地址、集群是否正常运行、网络连通性以及 HTTPS_PROXY/NO_PROXY 设置

## 命名空间
namespace-missing = 命名空间 { $namespace } 不存在
hint-namespace = 请加上 --create-namespace，或检查命名空间名称
