# Messages of chart-deploy, English.

## Rollout diagnoses: hints
hint-pull-secret-missing = imagePullSecret `{ $secret }` does not exist in namespace `{ $namespace }`: create it, e.g. `pull-secret { $secret } -n { $namespace } --registry HOST --username USER --password-stdin`
hint-image-not-found = image not found in registry: `{ $image }` does not exist; check the repository name and the tag
hint-pull-refused = the registry refused to give `{ $image }` to the node: reference an imagePullSecret with credentials that may pull it (create one in `{ $namespace }` with pull-secret), or check the repository name
hint-pull-tls = the node does not trust the registry's certificate: add the registry's CA to the container runtime on the nodes (containerd certs.d / docker certs.d)
hint-pull-rate-limit = the registry is rate-limiting pulls: use authenticated pulls or a mirror (e.g. Harbor proxy cache)
hint-pull-unreachable = the node cannot reach the registry: check DNS, the network path and the proxy settings of the container runtime
hint-pull-other = the image cannot be pulled; see the events above
hint-invalid-image = `{ $image }` is not a valid image reference: check the repository and tag values
hint-never-pull = `{ $image }` is not on the node and its imagePullPolicy is Never: load the image onto the nodes (e.g. `kind load docker-image`, `minikube image load`), or set imagePullPolicy to IfNotPresent
the-image = the image
hint-oom = the container was killed for using more memory than its limit (OOMKilled): raise resources.limits.memory
hint-crash-code = the container exits with code { $code } soon after starting and Kubernetes keeps restarting it: see its log above; check its configuration (environment, config files, the services it connects to)
hint-crash = the container exits soon after starting and Kubernetes keeps restarting it: see its log above; check its configuration (environment, config files, the services it connects to)
hint-run-container = the container runtime could not start the container: check the command, the entrypoint and the volume mounts
hint-config-missing = { $kind } `{ $name }` does not exist in namespace `{ $namespace }`: create it, or fix the reference in the chart
hint-config-key-missing = { $kind } `{ $name }` in namespace `{ $namespace }` has no key `{ $key }`: add it, or fix the reference in the chart
hint-config-cache = the kubelet had not yet loaded the pod's Secrets/ConfigMaps (its cache was still syncing); this usually clears by itself, otherwise check the node's connection to the API server
hint-config-other = the container cannot be configured; check the Secrets, ConfigMaps and volumes its spec refers to
hint-insufficient = { $shortages }; lower the chart's resources.requests, or free or add capacity (requests count, not actual use)
shortage-separator = {"; "}
insufficient = insufficient { $resource }: the pod requests { $requested }, and the most any node that may take it has free is { $free } (node `{ $node }`)
insufficient-unknown = insufficient { $resource }: the pod requests { $requested }; what the nodes have free is not known ({ $why })
request-unknown = an unknown amount
free-no-nodes = the nodes could not be listed
free-no-pods = the pods on the nodes may not be listed
free-no-eligible-node = no node may take the pod at all: each is cordoned, NotReady or tainted
hint-node-selector = no node matches the pod's nodeSelector/affinity: check the labels it asks for against `kubectl get nodes --show-labels`
hint-taint = every fitting node has a taint the pod does not tolerate: add a toleration or use other nodes
hint-pvc = a PersistentVolumeClaim of the pod is not bound: check its StorageClass and provisioner
hint-volume-affinity = a PersistentVolume of the pod is bound to a zone or node the pod cannot go to (volume node affinity conflict): free capacity in that zone, or use a StorageClass with volumeBindingMode WaitForFirstConsumer
hint-too-many-pods = the nodes that fit hold as many pods as they may (their allocatable `pods`): add nodes or remove pods
hint-unschedulable = no node can take the pod; see the scheduler's message above
hint-quota = the namespace's ResourceQuota `{ $quota }` is full ({ $detail }): raise the quota, or lower the chart's replicas or resource requests
hint-failed-create = the ReplicaSet may not create pods (admission refused them); see the message above
hint-progress-deadline = the Deployment made no progress within its progressDeadlineSeconds: look at its newest pods and their events
hint-job-failed = the Job gave up ({ $reason }): see the log of its failed pod above

## Rollout diagnoses: the error text
rollout-failed = the rollout failed: { $kind } { $name } is in { $reason }
diagnosis-object = { $kind } { $name } in namespace { $namespace }
diagnosis-object-container = { $kind } { $name } (container { $container }) in namespace { $namespace }
with-detail = { $text }: { $detail }
diagnosis-last-exit = last exit: code { $code } ({ $reason })
diagnosis-events = events:
diagnosis-log = last log lines:
lasted = { $reason } lasted longer than the grace period ({ $grace })
gathered-diagnosis = gathered the diagnosis in { $ms } ms

## Waiting
waiting-for = waiting for { $count ->
        [one] { $count } workload
       *[other] { $count } workloads
    } to be ready, at most { $limit }
waiting-for-no-limit = waiting for { $count ->
        [one] { $count } workload
       *[other] { $count } workloads
    } to be ready, with no time limit
workload-ready = { $workload }: { $ready }/{ $desired } ready
workload-complete = { $workload }: complete
workload-running = { $workload }: running
timed-out = the workloads were not ready within { $after }: { $pending }
hint-timeout = nothing failed outright; the pods are slow to become ready: raise --timeout, or check their readiness probes
waiting-out = { $what }: { $reason }; clusters often recover from this, waiting up to { $grace } before calling it a failure
recovered-from = { $what }: recovered from { $reason }
watch-ended = the watches on the cluster ended unexpectedly
while-waiting = while waiting for the rollout (the release itself was applied)
watch-refused = the cluster { $server } refused to let us watch the workloads: { $why }
watch-resuming = watch interrupted, resuming: { $why }
reading-workloads = read the workloads in { $namespace } on
atomic-waits = --atomic without --timeout: waiting at most { $limit } (as helm's --atomic implies --wait)

## Helm
helm-probe-panicked = asking helm for its version failed unexpectedly
helm-not-found = helm was not found on PATH
hint-helm-not-found = install helm (3 or 4; 2 or 3.0/3.1 for Kubernetes 1.14/1.15), or pass --helm PATH; the Deckhand agent image ships one
helm-not-runnable = cannot run helm at { $path }: { $why }
helm-no-version = it did not report a version
helm-chosen = using { $path } ({ $version }) for Kubernetes { $cluster }
helm-chosen-over = using { $path } ({ $version }) for Kubernetes { $cluster }: it suits that version better than { $other_path } ({ $other_version })
helm2-too-new-cluster = helm { $helm } (Helm 2, Tiller) supports Kubernetes up to 1.16, but the cluster runs { $cluster }: use Helm 3 or 4
helm-too-new-for = helm { $helm } does not support Kubernetes { $cluster }: for 1.14/1.15 use Helm 2 with Tiller (--tiller-namespace) or a Helm 3.0/3.1 binary (--helm PATH)
skew-untested = helm { $helm } is made for Kubernetes 1.{ $low } to 1.{ $high }; the cluster runs { $cluster }
hint-skew = pass a helm that matches the cluster with --helm PATH, or --ignore-version-skew to go ahead anyway
skew-ignored = { $why } (going ahead: --ignore-version-skew)
helm-failed =
    helm { $action } failed:
    {"  "}{ $said }
helm-stopped = during helm { $action } (helm was given the signal and has exited)
running-helm = running { $path } { $args }
hint-pending = a previous helm run on this release was killed mid-operation and left it pending; make sure no other deploy of it is running, then re-run with --recover-pending
hint-ownership = a resource of the chart already exists outside this release; see the pre-flight findings, or adopt it with --helm-arg=--take-ownership (helm >= 3.17)
hint-node-port = another Service holds that nodePort: choose a free one in the values, or leave nodePort unset
hint-render = the chart does not render with these values: check the values files and --set options
hint-ssa-conflict = another field manager (kubectl edit/scale, an operator, an autoscaler) owns fields the chart sets: let helm take them with --helm-arg=--force-conflicts (helm 4), or stop the other writer
template-default-capabilities = this helm has no `helm template --kube-version`: the pre-flight renders with helm's built-in capabilities (charts that branch on the Kubernetes version may differ)
bad-helm-output = helm's report of the release cannot be read: { $why }
helm-history-empty = empty history

## Pre-flight
pull-secret-missing = imagePullSecret `{ $secret }` (used by { $user }) does not exist in namespace `{ $namespace }`
secret-unchecked = cannot check secret { $secret }: forbidden
reading-secret = read secret { $secret } in { $namespace } on
listing-services = list services on
reading-resource = read { $resource } on
node-ports-namespace-only = cannot list Services in all namespaces (forbidden); nodePorts are checked against this namespace only
node-port-taken = nodePort { $port } of service/{ $service } is already allocated to service { $holder }
resource-taken-by-release = { $resource } already exists in namespace { $namespace } and belongs to release { $owner } in namespace { $owner_namespace }; helm would refuse it (invalid ownership metadata)
resource-taken = { $resource } already exists in namespace { $namespace } and belongs to no helm release; helm would refuse it (invalid ownership metadata)
hint-adopt = if this release should own it: `kubectl -n { $namespace } label { $kind } { $name } app.kubernetes.io/managed-by=Helm` and `kubectl -n { $namespace } annotate { $kind } { $name } meta.helm.sh/release-name={ $release } meta.helm.sh/release-namespace={ $release_namespace }` (or --helm-arg=--take-ownership with helm >= 3.17); otherwise rename it in the chart
preflight-failed = pre-flight found { $count ->
        [one] { $count } problem
       *[other] { $count } problems
    }; nothing was changed:
    { $listing }
preflight-finding =
    {"  "}- { $message }
    {"    "}fix: { $hint }
hint-preflight = fix the above, or skip these checks with --no-preflight

## Pending releases
release-pending = release { $release } in namespace { $namespace } is stuck in { $status } (revision { $revision }): a helm run was killed mid-operation, and helm refuses new operations ("another operation (install/upgrade/rollback) is in progress")
hint-recover-rollback = make sure no other deploy of it is running, then re-run with --recover-pending: it rolls back to revision { $to }, the last deployed one (as `helm rollback { $release } { $to } -n { $namespace }` would)
hint-recover-remove = make sure no other deploy of it is running, then re-run with --recover-pending: the first install never finished, so its pending revision is removed (as deleting the secret sh.helm.release.v1.{ $release }.v1 in { $namespace } would)
recovered-rollback = recovered release { $release }: rolled back to revision { $to }
recovered-removed = recovered release { $release }: removed the pending { $count ->
        [one] revision
       *[other] revisions
    } { $revisions } of its unfinished first install
pending-not-blocking = revision { $revision } is stuck in { $status }; helm { $helm } goes on from the last deployed revision regardless (helm 3.4+ would refuse)

## Release records
reading-history = read the history of release { $release } on
removing-revision = remove the pending revision { $object } on
recording-outcome = record the rollout's outcome in { $object } on
storage-out-of-reach = the release records are kept outside the cluster (HELM_DRIVER=sql or memory), where chart-deploy cannot change them: remove the pending revision with helm's own tools
failed-description = chart-deploy: the rollout failed: { $why }
recorded-failed = revision { $revision } is recorded failed in the release history
record-not-written = the release history could not be updated with the rollout's outcome: { $why }

## The deploy
bad-grace = --grace "{ $text }" is not a duration ({ $why }): use e.g. 90s or 2m; 0 fails at the first sign of trouble
not-a-duration = not a duration
bad-timeout = --timeout "{ $text }" is not a duration ({ $why }): use e.g. 300, 90s, 5m or 1h; 0 waits forever
bad-release = the release name "{ $name }" is not valid: lowercase letters, digits and '-', at most 53 characters
chart-missing = the chart { $path } does not exist
not-a-chart = { $path } is a folder without a Chart.yaml
hint-chart-missing = give a chart folder (with Chart.yaml) or a .tgz; chart-fetch gets one from a repository
values-missing = the values file { $path } does not exist
bad-manifest = the rendered manifest cannot be read: { $why }
replicas-unused = --replicas { $replicas } was passed as { $key }={ $replicas }, but no Deployment or StatefulSet of the chart got { $replicas } replicas: the chart may call the value otherwise (set --replicas-key)
other-namespace = { $resource } is in namespace { $namespace }, outside the release's; it is not waited for
rolled-back = --atomic: rolled back to revision { $to }
rolled-back-unverified = --atomic: rolled back to revision { $to }, the last deployed one (no revision was seen ready by chart-deploy)
uninstalled = --atomic: the failed first install was uninstalled
rollback-failed = --atomic: the rollback failed too: { $why }
uninstall-failed = --atomic: the uninstall failed too: { $why }

## The result
result-release = release { $release } in namespace { $namespace }: revision { $revision } is { $status }
result-release-dry-run = release { $release } in namespace { $namespace }: revision { $revision } would be deployed (dry run)
result-chart = chart: { $chart } { $version }
result-chart-app = chart: { $chart } { $version } (app { $app })
result-namespace-created = namespace { $namespace } created
result-planned = { $workload }: { $count ->
        [one] { $count } replica
       *[other] { $count } replicas
    } planned
result-ready-after = ready after waiting { $seconds }s
not-waited = not waited for (no --timeout); pass --timeout 5m to wait, 0 to wait forever
result-cluster = cluster: { $server } (Kubernetes { $version }), helm { $helm }
summary = { $release } revision { $revision } { $status } in { $namespace }
