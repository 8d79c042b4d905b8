# chart-untar's messages, English.

## Hints
hint-target-exists = pass --force to replace it whole, or choose another --name or -d folder
hint-hostile = this archive is not a chart helm would accept; do not use it, and check where it came from
hint-limit = if the chart is really this big, raise --max-size / --max-file-size
hint-local-io = the archive is not at fault: check the free space and permissions of the destination folder (-d)
hint-long-name = the chart holds a file name too long for a file system (and for helm); shorten it in the chart

## Options and the target
bad-name-flag = --name { $name } is not a usable folder name: { $why }
target-exists = { $target } already exists

## Why a chart name is not usable (after the name: "the name "x" is empty")
name-empty = is empty
name-dots = is `.` or `..`
name-separator = contains a path separator
name-control = contains control characters

## Archive refusals
refused-not-utf8 = refused archive entry { $entry }: the path is not UTF-8
refused-symlink = refused archive entry { $entry }: symbolic links are not allowed in a chart
refused-hard-link = refused archive entry { $entry }: hard links are not allowed in a chart
refused-device = refused archive entry { $entry }: device files are not allowed in a chart
refused-fifo = refused archive entry { $entry }: FIFOs are not allowed in a chart
refused-entry-type = refused archive entry { $entry }: this entry type is not allowed in a chart
refused-absolute = refused archive entry { $entry }: absolute paths are not allowed
refused-drive = refused archive entry { $entry }: Windows drive paths are not allowed
refused-dot-dot = refused archive entry { $entry }: `..` path components are not allowed
refused-no-file-name = refused archive entry { $entry }: the entry has no file name
refused-top-level = refused archive entry { $entry }: files at the top level of a chart archive are not allowed (charts live in one folder)
refused-long-part = refused archive entry { $entry }: a part of its path is longer than { $max } bytes
refused-long-path = refused archive entry { $entry }: its path in the destination is longer than { $max } bytes
not-gzip = not a gzip-compressed archive (a chart is a .tgz)
bad-tar = not a valid tar archive inside the gzip stream: { $cause }
too-big-total = the archive expands to more than { $limit } (--max-size)
too-big-file = archive entry { $entry } is larger than { $limit } (--max-file-size)

## Chart.yaml
no-chart-yaml = the archive has no Chart.yaml in its chart folder
chart-yaml-unreadable = Chart.yaml is not valid: { $why }
chart-yaml-missing = Chart.yaml is not valid: `{ $field }` is missing
chart-yaml-bad-name = Chart.yaml is not valid: `name` { $name } { $why }
chart-yaml-bad-version = Chart.yaml is not valid: `version` { $version } is not a SemVer version
not-the-chart-asked-for = the archive holds the chart { $got }, not { $wanted } that was asked for

## Local files
cannot-open-archive = cannot open the chart archive { $path }: { $error }
cannot-create-folder = cannot create the folder { $path }: { $error }
cannot-create-temp = cannot create a temporary folder in { $path }: { $error }
cannot-move-aside = cannot move aside the existing { $path }: { $error }
cannot-place = cannot move the unpacked chart to { $path }: { $error }
cannot-write = cannot write archive entry { $entry } to { $path }: { $error }

## Result
unpacked = unpacked { $chart } { $version } into { $path } ({ $files ->
        [one] 1 file
       *[other] { $files } files
    }, { $bytes ->
        [one] 1 byte
       *[other] { $bytes } bytes
    })
