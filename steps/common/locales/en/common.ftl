# Messages of the shared plumbing (deckhand-common), English.
# A `what` argument is a phrase the calling step takes from its own catalogue ("the repository
# index", "demo 1.0.0"); a `doing` argument a verb phrase followed by the server ("read secret x
# in web on"). Their Chinese forms are a noun phrase and a verb phrase ("读取命名空间 web 中的 Secret x").

## Lists and durations
list-separator = {", "}
duration-seconds = { $seconds }s
duration-minutes = { $seconds ->
    [0] { $minutes }m
   *[other] { $minutes }m { $seconds }s
}
duration-hours = { $minutes ->
    [0] { $hours }h
   *[other] { $hours }h { $minutes }m
}
duration-milliseconds = { $milliseconds }ms

## Labels of log lines and errors
log-warning = warning
log-error = error
log-debug = debug
log-line = { $label }: { $message }
error-hint = hint: { $hint }
io-failed = { $what } { $path }: { $error }
io-not-found = { $os }
io-permission-denied = { $os }
io-already-exists = { $os }
io-disk-full = { $os }
io-read-only = { $os }
cannot-read-flag = cannot read { $flag }
progress = { $label }: { $done } after { $seconds }s
progress-of = { $label }: { $done } of { $total } after { $seconds }s

## Hints
hint-tls = if the server uses a private CA, pass its certificate with --ca-file (added to the system roots); --insecure-skip-tls-verify skips the check (unsafe)
hint-kube-401 = the token or certificate in the kubeconfig is wrong or expired: get a fresh kubeconfig
hint-kube-403 = the account lacks permission: ask for a Role that allows this in the namespace
hint-kube-admission = the cluster's admission refused it (a quota, a namespace being deleted, a pod security rule): the message above says which; this is not a permission problem of the account
hint-kube-unreachable = check the server address in the kubeconfig, that the cluster is up, the network path and HTTPS_PROXY/NO_PROXY
hint-timeout = the server is slow or unreachable; raise --http-timeout or check the network path
hint-unreachable = check the host name and port, DNS, and the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
hint-auth = check the username and password (or token) and that the account may read this repository
hint-not-found = check the URL, the chart name and the version
hint-remote-flaky = the server or the network is failing; try again later or raise --retries
hint-login = pass --username and --password (or --password-stdin) for this registry
hint-client-cert = --cert-file must be an X.509 v3 certificate in PEM, and --key-file its private key (PKCS#8, PKCS#1 or SEC1 PEM)
hint-plain-http = if the server really speaks plain HTTP (a registry run without TLS), pass --plain-http for oci:// references, or write http:// for a chart repository; otherwise check the port
hint-no-cluster-credentials = give --kubeconfig PATH, set KUBECONFIG, or put the kubeconfig content in KUBECONFIG_CONTENT (--kubeconfig-content-env)
hint-namespace = pass --create-namespace, or check the namespace name
hint-kube-tls = the kubeconfig's certificate-authority(-data) must hold the CA that signed the API server's certificate; get a current kubeconfig from the cluster's admin
hint-exec-plugin = run the kubeconfig's exec command yourself to see why it fails (its arguments, environment and output are not shown here: they may hold credentials)
hint-bk-input = bk_data_input must name the input.json the BK-CI worker wrote
hint-bk-ticket = check that the credential exists in this project, is of the type the field asks for, and that the pipeline may use it (凭证管理 -> 使用权限)

## TLS
tls-setup-failed = cannot set up TLS: { $why }
tls-bad-pem = { $flag } { $path } holds no usable PEM certificate or key
tls-bad-client-cert = the client certificate { $path } is not usable: { $why }
tls-no-certificate = no certificate
tls-no-private-key = no private key
tls-no-trusted-certificates = no trusted certificates

## HTTP
http-client-setup-failed = cannot set up the HTTP client: { $why }
http-retrying = { $url }: { $why }; retry { $attempt } of { $of } in { $milliseconds } ms
http-transfer-cut = the download of { $what } from { $url } was cut short ({ $why }), also after { $retries } retries
http-short-body = got { $read } of { $expected } bytes
http-downloading = downloading { $what }
http-not-tls = { $origin } did not answer in TLS: it looks like a plain-HTTP server
http-tls-failed = TLS with { $origin } failed: { $cause }
http-timed-out = { $origin } did not answer within { $timeout }
http-unreachable = cannot reach { $origin } ({ $cause }), also after { $retries } retries
http-refused = { $origin } refused access to { $what } (HTTP { $status })
http-not-found = { $what } not found at { $url } (HTTP 404)
http-server-failed = { $origin } answered HTTP { $status } for { $what }, also after { $retries } retries
http-rejected = { $url } rejected the request for { $what } (HTTP { $status })
http-redirect-downgrade = refused the redirect from { $from } to { $to }: a redirect from HTTPS to plain HTTP is never followed
http-too-many-redirects = more than { $limit } redirects
http-redirect-refused = { $url } redirected the request where it may not go: { $cause }
http-over-the-limit = more bytes than the limit allows

## OCI registries
registry-what-api = the registry API (/v2/)
registry-what-token = a token for { $what }
registry-login-required = { $registry } requires a login
registry-bad-token-reply = the token service { $realm } gave an unusable reply: { $why }
registry-no-realm = the challenge has no realm
registry-no-token = no token in the reply
registry-got-token = got a registry token from { $realm }
registry-insecure-realm = { $registry } (HTTPS) sends its logins to the token service { $realm }, which is not HTTPS; the credentials are not sent there
registry-stored-login = using the login for { $host } stored in { $path }

## Clusters
kube-no-credentials = no cluster credentials: no kubeconfig path, no kubeconfig content, and not running in a pod
kube-metadata-unserved = the cluster does not serve metadata-only reads (Kubernetes 1.14): reading whole objects instead
kube-source-in-cluster = the in-cluster service account
kube-source-content = the kubeconfig content in ${ $name }
kube-source-file = the kubeconfig { $path }
kube-cannot-read = cannot read the kubeconfig
kube-not-a-kubeconfig = not a valid kubeconfig
kube-bad-kubeconfig = { $source } cannot be used: { $why }
kube-connected = cluster { $server } runs Kubernetes { $version } ({ $source })
kube-doing-set-up = set up the client for
kube-doing-reach = reach
kube-doing-read-namespace = read namespace { $namespace } on
kube-doing-create-namespace = create namespace { $namespace } on
kube-api-refused = the cluster { $server } refused to { $doing } (HTTP { $code }): { $message }
kube-unreachable = cannot { $doing } the cluster { $server }: { $cause }
kube-cluster-tls = the certificate of the cluster { $server } is not trusted: { $cause }
kube-namespace-missing = namespace { $namespace } does not exist
kube-bad-name = { $what } { $name } is not a valid Kubernetes name (lowercase letters, digits, '-', at most 63/253 characters)
kube-no-runtime = cannot start the async runtime: { $why }
kube-temp-kubeconfig = cannot write a temporary kubeconfig: { $why }
kube-exec-failed = the kubeconfig's exec credential plugin (users[].user.exec) for the cluster { $server } failed: { $why }
kube-exec-not-started = it could not be started
kube-exec-bad-output = it printed no valid ExecCredential
kube-exec-no-status = its ExecCredential has no status
kube-exec-other = it could not be run or understood
kube-exec-exit = it ended with { $status }

## Secrets
secret-one-way = give { $flag } only one way: as a value, { $flag }-stdin or { $flag }-file
secret-stdin-failed = cannot read { $flag } from stdin: { $why }

## Ending early
process-while-running = before it finished
process-while-talking-to-cluster = while talking to the cluster
process-stopped-by = stopped by { $signal } { $what }
internal-error = internal error (a bug in Deckhand: please report it, with this line, at https://github.com/deckhand-ci/deckhand/issues): { $what } at { $place }

## BK-CI
bk-input-unreadable = cannot read the BK-CI input
bk-input-not-object = the BK-CI input { $path } is not a JSON object: { $why }
bk-sdk-unreadable = cannot read the BK-CI build API settings (.sdk.json) to fetch the chosen credential
bk-sdk-invalid = the BK-CI build API settings { $path } are not usable: { $why }
bk-sdk-no-gateway = no gateway
bk-ticket-unreachable = cannot reach BK-CI's credential service for credential { $id }: { $why }
bk-ticket-refused = BK-CI's credential service did not give credential { $id }: { $why }
bk-ticket-no-secret = the credential holds no password or token
bk-workspace-unusable = cannot enter the BK-CI workspace { $path }: { $why }
bk-output-unwritable = cannot write the BK-CI output.json in { $dir }: { $why }
