"""What differs between the Kubernetes versions the stand-in emulates (--emulate).

Each entry names where the behaviour comes from; see README.md in this folder for the table.
"""

PROFILES = {
    "1.14": {
        # /version of a kubeadm 1.14.10 cluster.
        "version": {"major": "1", "minor": "14", "gitVersion": "v1.14.10",
                    "goVersion": "go1.12.12", "buildDate": "2019-12-11T12:32:32Z"},
        # staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go (kubernetes-1.14.10) AllowsConversion:
        # PartialObjectMetadata only as meta.k8s.io/v1beta1.
        "metadata_versions": ("v1beta1",),
        # pkg/features/kube_features.go (1.14): WatchBookmark does not exist yet (alpha in 1.15).
        "bookmarks": False,
        # ServerSideApply alpha in 1.14 (off by default): apply-patch+yaml is not an accepted patch type.
        "server_side_apply": False,
        # The scheduler's predicates era: pkg/scheduler/algorithm/predicates/error.go.
        "scheduler": "predicates",
        # kube-scheduler writes core/v1 Events through the old recorder until 1.19.
        "events_api": False,
        "job_failure_target": False,
        "control_plane_taint": "node-role.kubernetes.io/master",
        # storage/cacher/watch_cache.go: errors.NewGone before NewResourceExpired existed.
        "expired_reason": "Gone",
        # Streaming lists (sendInitialEvents, WatchList: alpha 1.27, beta and on from 1.32): unknown
        # query parameters are ignored by a 1.14/1.16 server; 1.19+ refuses resourceVersionMatch on
        # a watch (staging/src/k8s.io/apimachinery/pkg/apis/meta/internalversion/validation).
        "watch_list": False,
        "rv_match_on_watch_refused": False,
        # networking.k8s.io/v1 Ingress is served from 1.19 (v1beta1 from 1.14).
        "ingress_version": "v1beta1",
    },
    "1.16": {
        "version": {"major": "1", "minor": "16", "gitVersion": "v1.16.15",
                    "goVersion": "go1.13.15", "buildDate": "2020-09-02T11:11:02Z"},
        "metadata_versions": ("v1", "v1beta1"),
        "bookmarks": True,  # WatchBookmark beta, on by default in 1.16
        "server_side_apply": True,  # ServerSideApply beta, on by default in 1.16
        "scheduler": "predicates",
        "events_api": False,
        "job_failure_target": False,
        "control_plane_taint": "node-role.kubernetes.io/master",
        "expired_reason": "Expired",
        "watch_list": False,
        "rv_match_on_watch_refused": False,
        "ingress_version": "v1beta1",
    },
    "1.20": {
        # EKS's form: a build suffix in gitVersion and a "+" in minor.
        "version": {"major": "1", "minor": "20+", "gitVersion": "v1.20.4-eks-6b7464",
                    "goVersion": "go1.15.7", "buildDate": "2021-03-19T02:33:37Z"},
        "metadata_versions": ("v1", "v1beta1"),
        "bookmarks": True,
        "server_side_apply": True,
        # pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (1.20):
        # "node(s) had taint {%s: %s}, that the pod didn't tolerate"; no preemption summary yet.
        "scheduler": "framework-1.20",
        # pkg/scheduler/scheduler.go 1.19+: events through events.k8s.io/v1beta1 (k8s.io/client-go/tools/events).
        "events_api": True,
        "job_failure_target": False,
        "control_plane_taint": "node-role.kubernetes.io/master",
        "expired_reason": "Expired",
        "watch_list": False,
        "rv_match_on_watch_refused": True,
        "ingress_version": "v1",
    },
    "1.33": {
        "version": {"major": "1", "minor": "33", "gitVersion": "v1.33.2",
                    "goVersion": "go1.24.4", "buildDate": "2025-06-17T18:36:28Z"},
        "metadata_versions": ("v1", "v1beta1"),
        "bookmarks": True,
        "server_side_apply": True,
        # taint_toleration.go (1.25+): "node(s) had untolerated taint {%s: %s}"; FitError with the
        # PostFilter (preemption) message, pkg/scheduler/framework/types.go.
        "scheduler": "framework-1.33",
        "events_api": True,
        # pkg/controller/job/job_controller.go (1.31+, JobPodReplacementPolicy/JobManagedBy era):
        # FailureTarget is added before Failed.
        "job_failure_target": True,
        "control_plane_taint": "node-role.kubernetes.io/control-plane",
        "expired_reason": "Expired",
        # WatchList on: ADDED events, then a BOOKMARK annotated k8s.io/initial-events-end (what
        # client-go's reflector, so helm 4's --wait, waits for).
        "watch_list": True,
        "rv_match_on_watch_refused": False,
        "ingress_version": "v1",
    },
}


def version_info(profile, git_version=None):
    info = dict(profile["version"])
    if git_version:
        # --git-version overrides only the version strings.
        info["gitVersion"] = git_version
        parts = git_version.lstrip("v").split(".")
        info["major"] = parts[0]
        info["minor"] = parts[1] if len(parts) > 1 else ""
    info.update({"gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
                 "compiler": "gc", "platform": "linux/amd64"})
    return info
