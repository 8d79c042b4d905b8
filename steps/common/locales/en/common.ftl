# Messages of the shared plumbing (deckhand-common), English.

## Lists and durations
list-separator = {", "}
duration-seconds = { $seconds }s
duration-minutes = { $minutes }m { $seconds }s
duration-hours = { $hours }h { $minutes }m

## Hints
hint-tls = if the server uses a private CA, pass its certificate with --ca-file (added to the system roots); --insecure-skip-tls-verify skips the check (unsafe)
hint-kube-401 = the token or certificate in the kubeconfig is wrong or expired: get a fresh kubeconfig
hint-kube-403 = the account lacks permission: ask for a Role that allows this in the namespace
hint-kube-admission = the cluster's admission refused it (a quota, a namespace being deleted, a pod security rule): the message above says which; this is not a permission problem of the account
hint-kube-unreachable = check the server address in the kubeconfig, that the cluster is up, the network path and HTTPS_PROXY/NO_PROXY

## Namespaces
namespace-missing = namespace { $namespace } does not exist
hint-namespace = pass --create-namespace, or check the namespace name
