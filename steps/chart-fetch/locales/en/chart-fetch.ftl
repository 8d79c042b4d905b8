# chart-fetch's messages, English.

## Hints
hint-repo-url = write it as https://host/path
hint-repo-root = --repo must be the repository root, the URL that serves index.yaml
hint-chart-name = check the chart name (`helm search repo` lists them), or the --repo URL
hint-version = list the versions with `helm search repo NAME --versions`; prereleases need --devel or a prerelease in --version
hint-constraint = use a version (1.2.3) or a constraint such as ~1.2, ^1, >=1.0 <2, 1.x, 1.0 - 1.4 || 2
hint-digest = the archive differs from what the repository published: do not use it; re-upload the chart or ask the repository's operator
hint-oci-ref = write it as oci://host[:port]/path/name, with --version, or oci://host/path/name:version or ...@sha256:<digest>
hint-not-a-chart = the reference points to an image that is not a Helm chart
hint-max-manifest-size = a chart's manifest is a few KiB; if this registry's really are bigger, raise --max-manifest-size
hint-max-index-size = if the repository really serves an index this big, raise the limit, e.g. --max-index-size 1GiB

## What is downloaded (said inside other messages: "... refused access to the repository index")
what-index = the repository index
what-tag-list = the tag list
what-manifest = the manifest of { $reference }
what-chart-metadata = the chart metadata of { $reference }

## The command line
bad-repo-url = --repo { $shown } is not a URL: { $why }
repo-scheme = --repo must be an http or https URL, not { $scheme }
repo-with-oci = --repo is for classic repositories; an oci:// reference needs no --repo
no-source = where is { $chart }? give --repo URL, or an oci:// reference
bad-chart-name = the chart name { $name } { $why }: give the chart's name as the repository index lists it
untar-needs-folder = --untardir must name a folder inside the destination

## Versions and constraints
bad-constraint = --version: { $why }
constraint-incomplete-range = incomplete range in { $text }
constraint-lone-operator = operator { $operator } without a version in { $text }
constraint-bad-term = { $term } is not a version constraint
no-matching-version = no version of { $chart } matches { $wanted }; available: { $more ->
        [0] { $available }
       *[other] { $available } and { $more } more
    }
no-stable-version = no version of { $chart } matches the latest stable version; available: { $more ->
        [0] { $available }
       *[other] { $available } and { $more } more
    }
no-version-available = no version of { $chart } matches { $wanted }; available: none
no-stable-version-available = no version of { $chart } matches the latest stable version; available: none

## The repository and its index
bad-index = the repository index { $url } cannot be read: { $why }
index-too-large = the repository index { $url } is larger than the --max-index-size limit ({ $max }); nothing was fetched
skipped-entry = skipping an invalid index entry: { $why }
chart-not-found = chart { $chart } is not in the repository { $repo } ({ $count ->
        [one] 1 chart listed
       *[other] { $count } charts listed
    })
deprecated = { $chart } { $version } is deprecated by its maintainers
no-urls = the index entry of { $chart } { $version } has no download URL
bad-chart-url = the index gives { $url } as the download URL, which is not usable: { $why }
unverified = the index has no digest for { $chart } { $version }; the download cannot be verified
credentials-withheld = not sending the repository credentials to { $origin } (another origin; --pass-credentials sends them)

## Why an index cannot be read
index-empty = the index is empty (helm refuses an empty index.yaml too)
index-no-api-version = the index has no apiVersion (no API version specified)
index-not-utf8 = the index is not UTF-8 text: { $why }
index-bad-yaml = the index is not valid YAML, or not a valid index as helm reads it: { $why }
index-bad-json = the JSON index is not a valid index as helm reads it: { $why }
index-wrong-type = `{ $field }` is { $got ->
        [string] a string
        [boolean] a boolean
        [number] a number
        [list] a list
       *[mapping] a mapping
    } where helm needs { $wanted ->
        [string] a string
        [boolean] a boolean
        [number] a number
        [list] a list
       *[mapping] a mapping
    }
index-expecting = { $wanted ->
        [string] a string
        [boolean] a boolean
        [number] a number
        [list] a list
       *[mapping] a mapping
    } for `{ $field }`
index-expecting-merge = a mapping or a list of mappings to merge
index-bad-time = `{ $field }` is { $text }, not an RFC 3339 time (helm refuses it)
index-null-entry = a list under `{ $field }` has an empty (null) entry, which makes helm 3.17 crash
index-duplicate-key = the key { $key } is set twice in one mapping (helm's strict YAML reading refuses that)
index-unknown-field = unknown field { $key } (helm's strict YAML reading refuses fields it does not know)

## Why an index entry is skipped
entry-no-name = { $chart } { $version }: it has no name
entry-name-not-segment = { $chart } { $version }: its name is not one path segment
entry-names-another-chart = { $chart } { $version }: it names another chart ({ $name })
entry-no-version = { $chart } { $version }: it has no version
entry-not-semver = { $chart } { $version }: its version is not SemVer
entry-bad-type = { $chart } { $version }: its type is neither application nor library
entry-empty-maintainer = { $chart } { $version }: it lists an empty maintainer
entry-empty-dependency = { $chart } { $version }: it lists an empty dependency
entry-bad-alias = { $chart } { $version }: a dependency alias has disallowed characters

## OCI registries
bad-oci-ref = { $reference } is not a usable OCI chart reference: { $why }
oci-ref-no-scheme = { $reference } is not a usable OCI chart reference: it does not start with oci://
oci-ref-digest-algorithm = { $reference } is not a usable OCI chart reference: only sha256 digests are supported
oci-ref-digest-length = { $reference } is not a usable OCI chart reference: the digest is not 64 hex digits
oci-ref-no-path = { $reference } is not a usable OCI chart reference: there is no repository path after the host
oci-ref-malformed = { $reference } is not a usable OCI chart reference: the host, path or tag is empty or malformed
tag-version-conflict = the reference says version { $tag } but --version says { $version }
no-tags = the registry lists no SemVer tags for { $repository }
foreign-page = the tag list of { $repository } points its next page to another server ({ $next }); the registry's credentials are not sent there
bad-manifest = the manifest of { $reference } cannot be read: { $why }
manifest-not-semver = the manifest of { $reference } cannot be read: its version { $version } is not SemVer
manifest-unsupported-digest = the manifest of { $reference } cannot be read: unsupported digest { $digest }
not-a-chart = { $reference } is not a Helm chart (config media type { $media_type })
no-chart-layer = the manifest of { $reference } has no Helm chart layer
wrong-chart = { $what } holds the chart { $got }, not { $wanted }
manifest-too-big = { $what } is larger than --max-manifest-size ({ $limit })
read-failed = reading { $what } failed: { $why }

## Saving
digest-mismatch = { $what } does not match its published digest: expected sha256:{ $expected }, got sha256:{ $actual }; nothing was saved
cannot-create-destination = cannot create the destination folder { $path }: { $error }
cannot-create-temp = cannot create a temporary file in { $path }: { $error }
cannot-set-mode = cannot set the mode of { $path }: { $error }
cannot-save = cannot save the chart as { $path }: { $error }

## Result (the lines after the first are indented by the step)
result-fetched = fetched { $chart } { $version } from { $source }
result-file = file:      { $path }
result-unpacked = unpacked:  { $path }
result-digest-verified = digest:    { $digest } (verified against the published digest)
result-digest-unverified = digest:    { $digest } (NOT verified: the source published no digest)
result-app-version = appVersion: { $app_version }
summary = fetched { $chart } { $version } ({ $digest })
