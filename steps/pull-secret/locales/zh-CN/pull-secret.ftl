# pull-secret 的提示信息，简体中文。

## 凭证
docker-config-unreadable = 无法读取 --docker-config
docker-config-not-json = --docker-config { $path }：不是 JSON 文件（{ $error }）
docker-config-bad-auth = --docker-config { $path }：{ $registry } 的 `auth` 不是 user:password 的 base64 编码
docker-config-no-auth = --docker-config { $path }：{ $registry } 没有保存凭证
docker-config-missing = --docker-config { $path }：没有 { $registries } 的凭证
hint-creds-store = 该配置把密码保存在凭证助手（credsStore/credHelpers）中：请用会把密码写入配置文件的方式登录（不使用凭证助手执行 docker login），或改用 --registry/--username/--password
no-credentials = 未提供镜像仓库凭证
hint-no-credentials = 请用 --registry HOST 加 --username 和 --password（或 --password-stdin），或用 --docker-config FILE
incomplete-registry-login = --registry 需要同时提供 --username 和密码（--password、--password-stdin 或 --password-file）
what-secret-name = Secret 名称
bad-registry = 镜像仓库地址 "{ $registry }" 无效：{ $error }

## 登录校验
login-failed = 镜像仓库 { $registry } 拒绝了该凭证，Secret 未写入（{ $why }）
hint-verify = 请检查该镜像仓库的用户名和密码（或令牌）；--verify 不会跳过校验
untrusted-certificate = 无法在 { $registry } 上校验凭证：{ $why }；Secret 未写入（--verify 不会跳过校验）
verify-skipped = 无法在 { $registry } 上校验凭证（{ $why }），仍写入 Secret（使用 --verify always 时此情况会报错）

## 写入集群
# 正在执行的操作，后面接集群地址。
doing-read-secret = 读取命名空间 { $namespace } 中的 Secret { $name }
doing-create-secret = 在命名空间 { $namespace } 中创建 Secret { $name }
doing-update-secret = 更新命名空间 { $namespace } 中的 Secret { $name }
doing-read-service-account = 读取命名空间 { $namespace } 中的服务账户 { $account }
doing-update-service-account = 更新命名空间 { $namespace } 中的服务账户 { $account }
other-type = 命名空间 { $namespace } 中已有 Secret { $name }，类型为 { $kind }，不会覆盖它
hint-other-type = 请换一个 Secret 名称；如果那个 Secret 已不再使用，请自行删除
service-account-missing = 命名空间 { $namespace } 中不存在服务账户 { $account }
conflict = { $name } 在更新期间被反复修改（多次 HTTP 409），请重试

## 结果
result-secret = 命名空间 { $namespace } 中的 Secret { $name }：{ $result ->
    [created] 已创建
    [updated] 已更新
   *[unchanged] 无变化
}
result-registries = 镜像仓库：{ $registries }
result-login-checked = 登录校验通过：{ $registries }
result-namespace-created = 已创建命名空间 { $namespace }
result-service-account = 服务账户 { $account }：{ $change ->
    [unchanged] imagePullSecrets 中已有该 Secret
   *[other] 已将该 Secret 加入 imagePullSecrets
}
result-cluster = 集群：{ $server }（Kubernetes { $version }）
summary = Secret { $namespace }/{ $name } { $result ->
    [created] 已创建
    [updated] 已更新
   *[unchanged] 无变化
}
