# Messages of build-notify, English.

## Options and addresses
no-recipients = no recipients: give --to (or --cc/--bcc); lists may be separated by , or ;
no-from = no sender: give --from (e.g. "CI <ci@example.com>")
no-body = no content: give --body, --body-file or --template
body-twice = give the content once: --body, --body-file or --template
no-host = no mail server: give --smtp-host (and --smtp-port)
body-file-unreadable = cannot read --body-file
bad-address = { $flag }: { $address } is not a valid e-mail address ({ $why })
address-line-break = it contains a line break

## Encoding
# $place: one of the place-* phrases.
unencodable = { $place } holds { $char } (U+{ $code }), which { $charset } cannot encode: use --charset GB18030 or UTF-8
place-subject = the subject
place-body = the body
place-html-body = the HTML body
place-display-name = the display name of { $flag } { $address }
body-unencodable = cannot encode the body

## Variables
unknown-variables = unknown variables left as written: { $names } (set them, or give a default: ${"{"}NAME:-default{"}"})
withheld-variables = secret variables left as written: { $names } (their name or value marks them as secrets, and a mail must never carry one)

## Attachments
attachment-missing = --attach { $pattern } matches no file
bad-pattern = --attach { $pattern } is not a valid pattern: { $why }
attachments-too-big = the attachments come to { $total }, over the limit of { $limit }
hint-too-big = attach less (a narrower --attach, a smaller --log-tail, --compress-log) or raise --max-attachments-size
outside-workspace = { $flag } { $path } leads to { $resolved }, outside the workspace { $workspace }: only the build's own files are attached
hint-workspace = copy the file into the workspace first, or name a wider one with --workspace (WORKSPACE, else the current directory)
no-workspace = cannot find the workspace (--workspace, WORKSPACE or the current directory)
cannot-read = cannot read { $flag }
not-a-file = { $flag } { $path } is not a file
log-tail-too-big = the last { $lines ->
    [one] line
   *[other] { $lines } lines
} of { $path } come to more than the limit of { $limit }
log-tail-name = { $name } (last { $lines ->
    [one] line
   *[other] { $lines } lines
})

## Delivery
retrying = { $why }; retry { $attempt } of { $of } in { $ms } ms
no-starttls = the mail server { $server } does not offer STARTTLS; the mail was not sent in clear text
hint-no-starttls = use --tls tls (port 465) if the server has implicit TLS; --tls none sends in clear text and is only for a trusted network
login-refused = the mail server { $server } refused the login of { $user }: { $why }
hint-login = check the username and password (many servers want an app password or SMTP token)
no-login-method = it offers neither AUTH PLAIN nor AUTH LOGIN
hint-no-login-method = check that this server wants a login (leave out --username otherwise) and, with --tls none, whether it offers AUTH only over TLS
recipient-refused = recipient { $address } refused: { $why }
refused-recipient = { $address } ({ $why })
all-refused = the mail server refused every recipient: { $recipients }
unreachable = cannot reach the mail server { $server }: { $why }
hint-unreachable = check --smtp-host and --smtp-port, DNS, and that the network allows the connection
# $step: connection, message, or an SMTP command (EHLO, MAIL FROM, RCPT TO, DATA...).
server-refused = the mail server { $server } refused { $step ->
    [connection] the connection
    [message] the message
   *[other] { $step }
}: { $why }
no-answer = the mail server { $server } gave no usable answer to { $step ->
    [connection] the connection
    [message] the message
   *[other] { $step }
}: { $why }
hint-not-smtp = the server (or something in between) does not speak SMTP as it should: check --smtp-host, --smtp-port and --tls
maybe-delivered = the mail server { $server } did not confirm the message ({ $why }): it MAY have been delivered, so it was not sent again
hint-maybe-delivered = ask a recipient (or the mail server's log) whether it arrived before running the step again: a resend may deliver it twice
hint-not-resent = the whole message had been sent, so it was not sent again: run the step again once the server accepts mail
reply-line-too-long = it sent a reply line longer than { $limit }
reply-too-long = it sent a reply longer than { $limit }
server-closed = it closed the connection
not-smtp = its reply is not SMTP
no-reply-within = no reply within { $timeout } (--smtp-timeout)
no-runtime = cannot start the network runtime: { $why }
starttls-over-tls = STARTTLS over TLS

## TLS
tls-failed = TLS with the mail server { $server } failed: { $why }
hint-tls-name = the server's certificate is not made out to { $host }: give --smtp-host as a name the certificate holds (its subjectAltName)
bad-tls-name = --smtp-host { $host } is not a host name or IP address TLS can check a certificate against
no-trusted-roots = no certificate to check the mail server's against: the system has no CA certificates
hint-no-trusted-roots = give the server's CA certificate (or its own, if it is self-signed) with --ca-file
untrusted-issuer = its certificate is signed by a CA that is not trusted here
untrusted-self-signed = its certificate is self-signed (its own CA) and not trusted here
hint-not-tls = the server did not answer in TLS: for a port that starts in plain text (587, 25) use --tls starttls; --tls tls is for implicit TLS (465)
tls-setup-failed = cannot set up TLS: { $why }

## The result
# $tls: none, starttls or tls.
result-sent = mail { $id } sent via { $server } ({ $tls ->
    [none] no TLS
    [starttls] STARTTLS
   *[tls] implicit TLS
})
result-subject = subject: { $subject }
result-accepted = accepted: { $recipients }
result-refused = refused: { $address } ({ $reply })
result-attachments = attachments: { $names }
result-attempts = after { $attempts } attempts
summary = mail to { $accepted ->
    [one] one recipient
   *[other] { $accepted } recipients
}, { $refused } refused

## The built-in mails (--template): the language of the run
# $status: success, failure, unstable or aborted.
mail-status = { $status ->
    [success] SUCCESS
    [failure] FAILURE
    [unstable] UNSTABLE
   *[aborted] ABORTED
}
# $status: a mail-status.
mail-subject = { $status }: { $name } #{ $number }
mail-project = Project
mail-build = Build
mail-status-label = Status
mail-url = Build URL
mail-duration = Duration
mail-commit = Commit
mail-branch = Branch
mail-started-by = Started by
