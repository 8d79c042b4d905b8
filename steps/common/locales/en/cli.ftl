# The words of the command line, English: generated reference and man pages, usage errors.
doc-usage = Usage
doc-arguments = Arguments
doc-options = Options
doc-subcommands = Subcommands
doc-default = default
doc-env = environment
doc-values = values
doc-repeatable = repeatable
doc-required = required
doc-more = More
doc-generated = Generated from the step's command line by `cargo xtask hosts`; do not edit.
man-name = NAME
man-synopsis = SYNOPSIS
man-description = DESCRIPTION
man-extra = EXTRA
man-version = VERSION
doc-facts = {" "}({ $facts })
doc-facts-separator = {"; "}

## Usage errors: a line of ours before clap's own (which is English in every language).
usage-missing = a required option or argument is missing: { $arg }
usage-invalid-value = { $arg } does not take the value { $value }
usage-unknown = unknown option { $arg }
usage-conflict = { $arg } cannot be used with one of the other options given
usage-other = the command line is not right
usage-error = error: { $what }; see `{ $step } --help`
usage-reason = reason: { $reason }
usage-tip = tip: did you mean { $suggestion }?
usage-line = Usage: { $usage }
help-fact = {" "}[{ $label }: { $value }]
help-values-separator = {", "}
usage-valid = possible values: { $values }
