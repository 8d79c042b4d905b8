# pull-secret 的 --help，简体中文。
about = 创建或更新镜像拉取凭证（kubernetes.io/dockerconfigjson 类型的 Secret）。
long-about =
    Secret 不存在时创建，已存在时原地替换其数据（从不先删除，因此不会有 Pod 看到它缺失）；用相同的凭证再次运行时结果为 "unchanged"。写入前先用各镜像仓库的 /v2/ 校验凭证，密码错误会在这里失败，而不是等到 Pod 拉取镜像时才出现 ImagePullBackOff。
after-help =
    示例：
      pull-secret harbor-pull -n web --registry harbor.example --username robot --password-stdin < token
      pull-secret regcred -n web --docker-config ~/.docker/config.json --service-account default
      pull-secret regcred -n new-team --create-namespace --registry a.example --registry b.example \
          --username ci --password-file /run/secrets/registry

    每个选项也可以来自 PLUGIN_<NAME>（Drone/Woodpecker）或 BK-CI 的 input.json。
arg-name = Secret 的名称。
arg-namespace = Secret 所在的命名空间。
arg-registries = 镜像仓库地址（可重复），配合 --username/--password 使用；与 --docker-config 一起使用时，表示只保留其中的这些镜像仓库。
arg-username = 镜像仓库用户名。
arg-docker_config = 合并其中 `auths` 的 docker config.json 文件。
arg-create_namespace = 命名空间不存在时创建它。
arg-service_accounts = 把该 Secret 加到此服务账户的 imagePullSecrets 中（可重复，不会重复添加）。
arg-verify = 写入前登录镜像仓库校验凭证：auto（登录被拒绝或证书不受信任时报错，镜像仓库无法连接时只告警）、always、never。
arg-plain_http = 用 HTTP（非 TLS）登录镜像仓库。
