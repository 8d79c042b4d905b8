//! build-notify against a real SMTP server (aiosmtpd on loopback: STARTTLS required + AUTH,
//! implicit TLS + AUTH, plain), with a test CA made by openssl. Every received message is read by
//! Python's `email` package, a real MIME parser, as a mail client would.

use std::path::PathBuf;
use std::process::Command;

use deckhand_tests::*;
use serde_json::Value;

const USER: &str = "ci@example.com";
const PASSWORD: &str = "Smtp-Canary-Pw-4c1e";

/// build-notify with none of the caller's mail or workspace settings.
fn bn() -> Command {
    let mut cmd = step("build-notify");
    for var in [
        "DECKHAND_SMTP_HOST",
        "DECKHAND_SMTP_PORT",
        "DECKHAND_SMTP_USERNAME",
        "DECKHAND_SMTP_PASSWORD",
        "DECKHAND_MAIL_FROM",
        "LANG",
        "WORKSPACE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn notify(server: &SmtpServer, tls: &str, args: &[&str]) -> Run {
    let ca = shared_ca();
    let mut cmd = bn();
    cmd.args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", tls]);
    cmd.arg("--ca-file").arg(&ca.ca_cert).args(["--retries", "2"]).args(args);
    let out = run(&mut cmd);
    assert!(!out.all().contains(PASSWORD), "the password leaked: {out:?}");
    out
}

fn login() -> [&'static str; 4] {
    ["--username", USER, "--password", PASSWORD]
}

fn part<'a>(mail: &'a Value, content_type: &str) -> &'a Value {
    mail["parts"].as_array().unwrap().iter().find(|p| p["content_type"] == content_type).expect(content_type)
}

#[test]
fn chinese_arrives_intact_in_every_charset_over_starttls() {
    let server =
        SmtpServer::start(SmtpOptions { mode: "starttls", login: Some((USER, PASSWORD)), ..Default::default() });
    let subject = "构建失败: 商城/web #42 — 请检查";
    let body = "项目名称: 商城/web\n构建状态: 失败\n𠀀 is outside GBK\n";
    for (index, charset) in ["UTF-8", "GBK", "GB18030"].into_iter().enumerate() {
        let body = if charset == "GBK" { body.replace("𠀀 is outside GBK\n", "") } else { body.to_string() };
        let mut args = vec!["--from", "构建机器人 <ci@example.com>", "--to", "dev@example.com;qa@example.com"];
        args.extend(["--cc", "\"Lead, Team\" <lead@example.com>", "--bcc", "audit@example.com"]);
        args.extend(["--reply-to", "ops@example.com", "--subject", subject, "--body", &body, "--charset", charset]);
        args.extend(login());
        let out = notify(&server, "starttls", &args);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("accepted: dev@example.com, qa@example.com, lead@example.com, audit@example.com"));
        assert!(out.stdout.contains(&format!(":{} (STARTTLS)", server.port)), "said in words: {out:?}");
        let received = &server.received()[index];
        assert_eq!(received.envelope["tls"], true, "sent over TLS");
        assert_eq!(received.envelope["auth"], true);
        let mail = &received.parsed;
        assert_eq!(mail["headers"]["Subject"], subject, "{charset}");
        assert!(mail["raw_subject"].as_str().unwrap().starts_with(&format!("=?{charset}?B?")), "{mail}");
        assert_eq!(mail["headers"]["From"], "构建机器人 <ci@example.com>");
        assert_eq!(mail["headers"]["Cc"], "\"Lead, Team\" <lead@example.com>");
        assert_eq!(mail["headers"]["Reply-To"], "ops@example.com");
        let text = part(mail, "text/plain");
        assert_eq!(text["charset"].as_str().unwrap().to_uppercase(), charset);
        assert_eq!(text["text"], body, "{charset}");
        assert!(!mail["header_names"].as_array().unwrap().iter().any(|h| h == "Bcc"), "no Bcc header: {mail}");
        assert!(received.envelope["rcpt_tos"].as_array().unwrap().iter().any(|r| r == "audit@example.com"));
    }
    let gbk = notify(
        &server,
        "starttls",
        &["--from", USER, "--to", USER, "--subject", "x", "--body", "𠀀", "--charset", "GBK"],
    );
    assert_eq!(gbk.code, 3, "{gbk:?}");
    assert!(gbk.stderr.contains("GBK cannot encode: use --charset GB18030 or UTF-8"), "{gbk:?}");
}

#[test]
fn implicit_tls_html_attachments_and_log_tail() {
    let server = SmtpServer::start(SmtpOptions { mode: "tls", login: Some((USER, PASSWORD)), ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report-1.json"), "{\"passed\": 10}").unwrap();
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    std::fs::write(dir.path().join("report-2.bin"), &binary).unwrap();
    let log: String = (1..=1000).map(|i| format!("line {i}\n")).collect();
    std::fs::write(dir.path().join("build.log"), log).unwrap();
    let pattern = dir.path().join("report-*").display().to_string();
    let log_path = dir.path().join("build.log").display().to_string();
    let html = "<h1>部署完成</h1><p>${JOB_NAME}</p>";
    let mut args = vec!["--from", USER, "--to", "dev@example.com", "--subject", "报告", "--body", html];
    args.extend(["--mime-type", "text/html", "--charset", "GB18030", "--attach", &pattern]);
    args.extend(["--attach-log", &log_path, "--log-tail", "3", "--compress-log", "--output", "json"]);
    // The password from DECKHAND_SMTP_PASSWORD, as a Jenkins credentials binding gives it.
    args.extend(["--username", USER]);
    let out = run(bn()
        .current_dir(dir.path())
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "tls", "--ca-file"])
        .arg(&shared_ca().ca_cert)
        .args(&args)
        .env("JOB_NAME", "商城/web")
        .env("DECKHAND_SMTP_PASSWORD", PASSWORD));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains(PASSWORD), "{out:?}");
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["attachments"], serde_json::json!(["report-1.json", "report-2.bin", "build.log.gz"]));
    let mail = &server.received()[0].parsed;
    assert_eq!(part(mail, "text/html")["text"], "<h1>部署完成</h1><p>商城/web</p>");
    let parts = mail["parts"].as_array().unwrap();
    let attached =
        |name: &str| parts.iter().find(|p| p["filename"] == name).unwrap_or_else(|| panic!("{name}: {mail}"));
    assert_eq!(attached("report-2.bin")["sha256"], hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&binary)));
    assert_eq!(attached("report-1.json")["size"], 14);
    let gz = attached("build.log.gz");
    assert_eq!(gz["content_type"], "application/gzip");
    assert_eq!(gz["gunzipped"], "line 998\nline 999\nline 1000\n", "the log's last 3 lines");
}

#[test]
fn plain_server_builtin_template_and_log_tail_text() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let log: String = (1..=50).map(|i| format!("step {i}\n")).collect();
    std::fs::write(dir.path().join("console.log"), log).unwrap();
    let log_path = dir.path().join("console.log").display().to_string();
    let out = run(bn()
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
        .args(["--from", USER, "--to", "dev@example.com", "--template", "success", "--lang", "en"])
        .args(["--attach-log", &log_path, "--log-tail", "2"])
        .current_dir(dir.path())
        .env("JOB_NAME", "shop/web")
        .env("BUILD_NUMBER", "42")
        .env("BUILD_URL", "https://ci.example/job/shop/42/")
        .env("GIT_COMMIT", "0123abcd"));
    assert_eq!(out.code, 0, "{out:?}");
    let mail = &server.received()[0].parsed;
    assert_eq!(mail["headers"]["Subject"], "SUCCESS: shop/web #42");
    let text = part(mail, "text/plain")["text"].as_str().unwrap();
    assert!(
        text.contains("Build URL: https://ci.example/job/shop/42/\n") && text.contains("Commit: 0123abcd"),
        "{text}"
    );
    let html = part(mail, "text/html")["text"].as_str().unwrap();
    assert!(html.contains("<a href=\"https://ci.example/job/shop/42/\">"), "{html}");
    let log = mail["parts"].as_array().unwrap().iter().find(|p| p["filename"] == "console.log").unwrap();
    assert_eq!(log["size"], "step 49\nstep 50\n".len());
}

#[test]
fn builtin_template_in_chinese_from_bk_ci_variables() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let out = run(bn()
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
        .args(["--from", USER, "--to", "dev@example.com", "--template", "failure", "--charset", "GBK"])
        .env("LANG", "zh_CN.UTF-8")
        .env("BK_CI_PIPELINE_NAME", "商城发布")
        .env("BK_CI_BUILD_NUM", "7")
        .env("BK_CI_START_USER_NAME", "张三"));
    assert_eq!(out.code, 0, "{out:?}");
    let mail = &server.received()[0].parsed;
    assert_eq!(mail["headers"]["Subject"], "构建失败: 商城发布 #7");
    assert_eq!(part(mail, "text/plain")["text"], "项目名称: 商城发布\n构建编号: #7\n构建状态: 失败\n触发人: 张三\n");
}

#[test]
fn wrong_password_is_refused_clearly() {
    let server =
        SmtpServer::start(SmtpOptions { mode: "starttls", login: Some((USER, PASSWORD)), ..Default::default() });
    let out = notify(
        &server,
        "starttls",
        &["--from", USER, "--to", USER, "--subject", "x", "--body", "y", "--username", USER, "--password", "wrong-one"],
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains(&format!("refused the login of {USER}")), "{out:?}");
    assert!(out.stderr.contains("535"), "the server's reply: {out:?}");
    assert!(server.received().is_empty());
}

#[test]
fn starttls_required_is_never_downgraded() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let mut args = vec!["--from", USER, "--to", USER, "--subject", "x", "--body", "secret report"];
    args.extend(login());
    let out = notify(&server, "starttls", &args);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("does not offer STARTTLS; the mail was not sent in clear text"), "{out:?}");
    assert!(server.received().is_empty(), "nothing went out in clear text");
}

#[test]
fn untrusted_certificate() {
    let server = SmtpServer::start(SmtpOptions { mode: "tls", ..Default::default() });
    let out = run(bn()
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "tls"])
        .args(["--from", USER, "--to", USER, "--subject", "x", "--body", "y"]));
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("TLS with the mail server 127.0.0.1"), "{out:?}");
    assert!(out.stderr.contains("--ca-file"), "the hint: {out:?}");
    assert!(server.received().is_empty());
}

/// The commonest enterprise certificate: self-signed by `openssl req -x509 ...`, its own CA
/// (basicConstraints CA:TRUE), which webpki alone refuses as an end entity (CaUsedAsEndEntity).
/// Given with --ca-file it is trusted for its names, over STARTTLS and implicit TLS alike.
#[test]
fn a_self_signed_server_certificate_given_with_ca_file_is_trusted() {
    let cert = SelfSigned::new();
    for (mode, host) in [("starttls", "127.0.0.1"), ("tls", "localhost")] {
        let server = SmtpServer::start(SmtpOptions {
            mode,
            login: Some((USER, PASSWORD)),
            certificate: Some((cert.cert.clone(), cert.key.clone())),
            ..Default::default()
        });
        let send = |trust: &[&std::ffi::OsStr]| {
            let mut cmd = bn();
            cmd.args(["--smtp-host", host, "--smtp-port", &server.port.to_string(), "--tls", mode]).args(trust);
            cmd.args(["--from", USER, "--to", "dev@example.com", "--subject", "x", "--body", "y"]).args(login());
            let out = run(&mut cmd);
            assert!(!out.all().contains(PASSWORD), "the password leaked: {out:?}");
            out
        };
        let out = send(&["--ca-file".as_ref(), cert.cert.as_os_str()]);
        assert_eq!(out.code, 0, "{mode}: {out:?}");
        let received = server.received();
        assert_eq!(received.len(), 1, "{mode}");
        // aiosmtpd marks STARTTLS sessions; an implicit TLS listener speaks nothing but TLS.
        assert_eq!(received[0].envelope["tls"], mode == "starttls", "{mode}");
        assert_eq!(received[0].envelope["auth"], true, "{mode}");

        let out = send(&[]);
        assert_eq!(out.code, 5, "{mode}: {out:?}");
        assert!(out.stderr.contains(&format!("TLS with the mail server {host}")), "{mode}: {out:?}");
        assert!(out.stderr.contains("self-signed (its own CA) and not trusted here"), "{mode}: {out:?}");
        assert!(out.stderr.contains("pass its certificate with --ca-file"), "{mode}: the hint: {out:?}");
        assert_eq!(server.received().len(), 1, "{mode}: nothing more was sent");

        // --insecure-skip-tls-verify goes through the same TLS set-up, accepting anything.
        let out = send(&["--insecure-skip-tls-verify".as_ref()]);
        assert_eq!(out.code, 0, "{mode}: {out:?}");
        assert_eq!(server.received().len(), 2, "{mode}");
    }
}

#[test]
fn a_self_signed_certificate_for_another_name_is_refused_even_with_ca_file() {
    let cert = SelfSigned::for_names("DNS:other.example");
    for mode in ["starttls", "tls"] {
        let server = SmtpServer::start(SmtpOptions {
            mode,
            login: Some((USER, PASSWORD)),
            certificate: Some((cert.cert.clone(), cert.key.clone())),
            ..Default::default()
        });
        let out = run(bn()
            .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", mode])
            .arg("--ca-file")
            .arg(&cert.cert)
            .args(["--from", USER, "--to", "dev@example.com", "--subject", "x", "--body", "y"])
            .args(login()));
        assert_eq!(out.code, 5, "{mode}: {out:?}");
        assert!(out.stderr.contains("TLS with the mail server 127.0.0.1"), "{mode}: {out:?}");
        assert!(out.stderr.contains("not made out to 127.0.0.1"), "{mode}: the hint: {out:?}");
        assert!(!out.stderr.contains("retry") && !out.all().contains(PASSWORD), "{mode}: {out:?}");
        assert!(server.received().is_empty(), "{mode}");
    }
}

#[test]
fn unreachable_server_after_retries() {
    let port = free_port().to_string();
    let out = run(bn()
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &port, "--tls", "none", "--retries", "1"])
        .args(["--from", USER, "--to", USER, "--subject", "x", "--body", "y"]));
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("cannot reach the mail server 127.0.0.1:{port}")), "{out:?}");
    assert!(out.stderr.contains("retry 1 of 1"), "{out:?}");
}

#[test]
fn try_again_later_is_retried() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", transient: 1, ..Default::default() });
    let out = notify(&server, "none", &["--from", USER, "--to", "dev@example.com", "--subject", "x", "--body", "y"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("451") && out.stderr.contains("retry 1 of 2"), "{out:?}");
    assert!(out.stdout.contains("after 2 attempts"), "{out:?}");
    assert_eq!(server.received().len(), 1, "delivered once");
}

#[test]
fn one_refused_recipient_is_reported_and_the_others_get_it() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", reject: Some("nobody"), ..Default::default() });
    let args = ["--from", USER, "--to", "dev@example.com, nobody@example.com", "--cc", "qa@example.com"];
    let out = notify(&server, "none", &[&args[..], &["--subject", "x", "--body", "y", "--output", "json"]].concat());
    assert_eq!(out.code, 0, "{out:?}");
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["accepted"], serde_json::json!(["dev@example.com", "qa@example.com"]));
    assert_eq!(report["refused"][0]["address"], "nobody@example.com");
    assert!(report["refused"][0]["reply"].as_str().unwrap().contains("550"), "{report}");
    let envelope = &server.received()[0].envelope;
    assert_eq!(envelope["rcpt_tos"], serde_json::json!(["dev@example.com", "qa@example.com"]));

    let out = notify(&server, "none", &["--from", USER, "--to", "nobody@example.com", "--subject", "x", "--body", "y"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("refused every recipient: nobody@example.com"), "{out:?}");
}

#[test]
fn invalid_address_stops_before_connecting() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let out = notify(
        &server,
        "none",
        &["--from", USER, "--to", "dev@example.com;not an address", "--subject", "x", "--body", "y"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--to: \"not an address\" is not a valid e-mail address"), "{out:?}");
    assert!(server.received().is_empty());
}

#[test]
fn a_variable_cannot_inject_headers() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let out = run(bn()
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
        .args(["--from", USER, "--to", "dev@example.com", "--subject", "build ${BRANCH}", "--body", "y"])
        .env("BRANCH", "main\r\nBcc: evil@example.com\r\nX-Injected: yes"));
    assert_eq!(out.code, 0, "{out:?}");
    let received = &server.received()[0];
    let names = received.parsed["header_names"].as_array().unwrap();
    assert!(!names.iter().any(|h| h == "Bcc" || h == "X-Injected"), "{names:?}");
    assert_eq!(received.parsed["headers"]["Subject"], "build main  Bcc: evil@example.com  X-Injected: yes");
    assert_eq!(received.envelope["rcpt_tos"], serde_json::json!(["dev@example.com"]));
}

#[test]
fn dry_run_prints_the_message_and_sends_nothing() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let out = notify(
        &server,
        "none",
        &["--from", USER, "--to", USER, "--subject", "构建 ${NOT_SET}", "--body", "正文", "--dry-run"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Subject: =?UTF-8?B?"), "{out:?}");
    assert!(out.stdout.contains("Content-Transfer-Encoding: base64"), "{out:?}");
    assert!(out.stderr.contains("unknown variables left as written: NOT_SET"), "{out:?}");
    assert!(server.received().is_empty());
}

#[test]
fn attachments_over_the_limit() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.bin"), vec![7u8; 300_000]).unwrap();
    let pattern = dir.path().join("*.bin").display().to_string();
    let args = [
        "--from",
        USER,
        "--to",
        USER,
        "--subject",
        "x",
        "--body",
        "y",
        "--attach",
        &pattern,
        "--max-attachments-size",
        "100KiB",
        "--workspace",
        dir.path().to_str().unwrap(),
    ];
    let out = notify(&server, "none", &args);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("over the limit of"), "{out:?}");
    let missing = notify(
        &server,
        "none",
        &["--from", USER, "--to", USER, "--subject", "x", "--body", "y", "--attach", "/nonexistent/*.pdf"],
    );
    assert_eq!(missing.code, 3, "{missing:?}");
    assert!(server.received().is_empty());
}

/// A HOSTILE SMTP server on loopback (tests/peers/hostile_smtp.py, plain asyncio): it drops the
/// connection after the final dot, never answers it, answers garbage, 421 at RCPT, or echoes AUTH.
struct HostileSmtp {
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
    _daemon: Daemon,
}

impl HostileSmtp {
    /// `mode` as the script names it; it misbehaves on the first `times` connections.
    fn start(mode: &str, times: u32) -> HostileSmtp {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("events.log");
        let mut command = Command::new("python3");
        command.arg(root_path("tests/peers/hostile_smtp.py")).args(["--mode", mode, "--times", &times.to_string()]);
        let (daemon, port) = spawn_with_port(command.arg("--log").arg(&log));
        HostileSmtp { port, log, _dir: dir, _daemon: daemon }
    }

    /// How many times `event` ("CONNECT", "DATA", "DOT", "AUTH PLAIN") happened so far.
    fn count(&self, event: &str) -> usize {
        std::fs::read_to_string(&self.log).unwrap_or_default().lines().filter(|l| *l == event).count()
    }
}

/// build-notify against the hostile server, with retries allowed (so a wrong retry would show).
fn to_hostile(server: &HostileSmtp, args: &[&str]) -> Run {
    let mut cmd = bn();
    cmd.args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"]);
    cmd.args(["--retries", "2", "--smtp-timeout", "5s", "--from", USER, "--to", "dev@example.com"]);
    run(cmd.args(["--subject", "x", "--body", "y"]).args(args))
}

#[test]
fn a_message_whose_final_dot_got_no_reply_is_never_sent_again() {
    for mode in ["drop-after-dot", "silent-after-dot", "garbage-after-dot"] {
        let server = HostileSmtp::start(mode, u32::MAX);
        let out = to_hostile(&server, &[]);
        assert_eq!(out.code, 5, "{mode}: {out:?}");
        assert!(out.stderr.contains("it MAY have been delivered, so it was not sent again"), "{mode}: {out:?}");
        assert!(!out.stderr.contains("retry"), "{mode}: {out:?}");
        assert!(out.stderr.len() < 2000, "{mode}: a garbage reply is quoted briefly: {out:?}");
        assert_eq!((server.count("DATA"), server.count("DOT")), (1, 1), "{mode}: exactly one DATA transaction");
    }
}

#[test]
fn a_refusal_of_the_whole_message_is_reported_not_resent() {
    let server = HostileSmtp::start("451-after-dot", u32::MAX);
    let out = to_hostile(&server, &[]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("refused the message") && out.stderr.contains("451"), "{out:?}");
    assert!(out.stderr.contains("it was not sent again") && !out.stderr.contains("retry"), "{out:?}");
    assert_eq!(server.count("DOT"), 1, "exactly one DATA transaction");
}

#[test]
fn a_421_at_rcpt_is_retried_because_no_data_went_out() {
    let server = HostileSmtp::start("rcpt-421", 1);
    let out = to_hostile(&server, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("421") && out.stderr.contains("retry 1 of 2"), "{out:?}");
    assert_eq!((server.count("CONNECT"), server.count("DATA")), (2, 1));

    let always = HostileSmtp::start("rcpt-421", u32::MAX);
    let out = to_hostile(&always, &[]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("refused RCPT TO") && out.stderr.contains("421"), "{out:?}");
    assert_eq!((always.count("CONNECT"), always.count("DATA")), (3, 0));
}

#[test]
fn auth_plain_echoed_back_by_the_server_is_masked() {
    use base64::Engine;
    let server = HostileSmtp::start("echo-auth", u32::MAX);
    let out = to_hostile(&server, &login());
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("5.7.8 bad credentials: PLAIN ****"), "the server's reply, masked: {out:?}");
    let blob = base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    assert!(!out.all().contains(&blob) && !out.all().contains(PASSWORD), "{out:?}");
    assert_eq!(server.count("AUTH PLAIN"), 1);
}

/// An endless greeting: one line that never ends, or empty continuation lines that never end (the
/// shape mail-send's parser alone does not cap). The run is memory-capped and has a long timeout, so
/// without the caps it could only run away (the deadline) or die of memory, never pass.
#[test]
fn an_endless_reply_is_cut_off_at_the_caps() {
    for (mode, said) in [
        ("endless-line", "sent a reply line longer than 4.0 KiB"),
        ("endless-reply", "sent a reply longer than 64.0 KiB"),
    ] {
        let server = HostileSmtp::start(mode, u32::MAX);
        let mut cmd = bn();
        cmd.args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"]);
        cmd.args(["--retries", "2", "--smtp-timeout", "1h", "--from", USER, "--to", "dev@example.com"]);
        cmd.args(["--subject", "x", "--body", "y"]);
        let out = run_within(memory_capped(&mut cmd), std::time::Duration::from_secs(120));
        assert_eq!(out.code, 5, "{mode}: {out:?}");
        assert!(out.stderr.contains(&format!("gave no usable answer to the connection: it {said}")), "{mode}: {out:?}");
        assert!(!out.stderr.contains("retry") && out.stderr.len() < 2000, "{mode}: {out:?}");
        assert_eq!(server.count("CONNECT"), 1, "{mode}: not retried");
    }
}

/// What Python's `email` parser reads in `raw`.
fn parse_mail(raw: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("mail.eml");
    std::fs::write(&eml, raw).unwrap();
    let parsed = run(Command::new("python3").arg(root_path("tests/peers/parse_mail.py")).arg(&eml));
    assert_eq!(parsed.code, 0, "{parsed:?}");
    serde_json::from_str(&parsed.stdout).unwrap()
}

#[test]
fn secret_variables_are_never_expanded() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let body =
        "pw ${DECKHAND_SMTP_PASSWORD} t ${deploy_token:-none} note ${BUILD_NOTE} key ${SIGNING_KEY} job ${JOB_NAME}";
    let out = run(bn()
        .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
        .args(["--from", USER, "--to", "dev@example.com", "--subject", "${DB_PASSWD} ${JOB_NAME}", "--body", body])
        .env("DECKHAND_SMTP_PASSWORD", PASSWORD)
        .env("deploy_token", "Token-Canary-31")
        .env("SIGNING_KEY", "Key-Canary-32")
        .env("DB_PASSWD", "Passwd-Canary-33")
        .env("BUILD_NOTE", PASSWORD)
        .env("JOB_NAME", "shop"));
    assert_eq!(out.code, 0, "{out:?}");
    let warning =
        "secret variables left as written: BUILD_NOTE, DB_PASSWD, DECKHAND_SMTP_PASSWORD, SIGNING_KEY, deploy_token";
    assert!(out.stderr.contains(warning), "{out:?}");
    let mail = &server.received()[0].parsed;
    assert_eq!(mail["headers"]["Subject"], "${DB_PASSWD} shop");
    assert_eq!(part(mail, "text/plain")["text"], body.replace("${JOB_NAME}", "shop"));
    for canary in [PASSWORD, "Token-Canary-31", "Key-Canary-32", "Passwd-Canary-33"] {
        assert!(!out.all().contains(canary) && !mail.to_string().contains(canary), "{canary} leaked: {out:?} {mail}");
    }
}

/// A secret in the text is masked before the body is base64-encoded: the mail says `****` and the
/// printed `--dry-run` message decodes intact (a scrub of the encoded message would corrupt it).
#[test]
fn a_secret_in_the_text_is_redacted_before_encoding() {
    use base64::Engine;
    // 21 characters: "pw=" + the password is base64-encoded as base64("pw=") + base64(password).
    let password = "Smtp-Canary-Pw-4c1e42";
    let b64 = base64::engine::general_purpose::STANDARD.encode(password);
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let send = |extra: &[&str]| {
        run(bn()
            .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
            .args(["--from", USER, "--to", "dev@example.com", "--subject", "report"])
            .args(["--body", &format!("pw={password}")])
            .args(extra)
            .env("DECKHAND_SMTP_PASSWORD", password))
    };
    let dry = send(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(!dry.all().contains(password) && !dry.all().contains(&b64), "{dry:?}");
    assert_eq!(part(&parse_mail(dry.stdout.as_bytes()), "text/plain")["text"], "pw=****", "{dry:?}");

    let sent = send(&[]);
    assert_eq!(sent.code, 0, "{sent:?}");
    let mail = &server.received()[0].parsed;
    assert_eq!(part(mail, "text/plain")["text"], "pw=****");
}

/// Caps the child's address space at 1 GiB: a step that read a 10 GB file into memory would fail,
/// so a run that works proves the file was not read whole (no timing involved).
fn memory_capped(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let cap = libc::rlimit { rlim_cur: 1 << 30, rlim_max: 1 << 30 };
            match libc::setrlimit(libc::RLIMIT_AS, &cap) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        })
    }
}

/// A sparse file of 10 GB (what `truncate -s 10G` makes) ending in `tail`.
fn sparse_10g(path: &std::path::Path, tail: &[u8]) {
    use std::io::{Seek, Write};
    let mut file = std::fs::File::create(path).unwrap();
    file.set_len(10 << 30).unwrap();
    file.seek(std::io::SeekFrom::End(0)).unwrap();
    file.write_all(tail).unwrap();
}

#[test]
fn a_huge_attachment_is_refused_from_its_size_before_it_is_read() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    sparse_10g(&dir.path().join("core.dump"), b"");
    let out = run(memory_capped(
        bn().args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
            .args(["--from", USER, "--to", USER, "--subject", "x", "--body", "y", "--attach", "*.dump"])
            .current_dir(dir.path()),
    ));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("the attachments come to 10.0 GiB, over the limit of 10.0 MiB"), "{out:?}");
    assert!(server.received().is_empty());
}

#[test]
fn the_log_tail_is_read_from_the_end_of_a_huge_log() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    sparse_10g(&dir.path().join("build.log"), b"\nline a\nline b\n");
    let out = run(memory_capped(
        bn().args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
            .args(["--from", USER, "--to", USER, "--subject", "x", "--body", "y"])
            .args(["--attach-log", "build.log", "--log-tail", "2", "--compress-log"])
            .current_dir(dir.path()),
    ));
    assert_eq!(out.code, 0, "{out:?}");
    let mail = &server.received()[0].parsed;
    let log = mail["parts"].as_array().unwrap().iter().find(|p| p["filename"] == "build.log.gz").unwrap();
    assert_eq!(log["gunzipped"], "line a\nline b\n");

    // 3 lines would reach into the 10 GB of zeros: refused at the limit, not read to the start.
    let out = run(memory_capped(
        bn().args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
            .args(["--from", USER, "--to", USER, "--subject", "x", "--body", "y"])
            .args(["--attach-log", "build.log", "--log-tail", "3"])
            .current_dir(dir.path()),
    ));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("the last 3 lines of build.log come to more than the limit of 10.0 MiB"), "{out:?}");
}

#[test]
fn attachments_must_stay_inside_the_workspace() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let (workspace, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(outside.path().join("id_rsa"), "Outside-Canary-Key").unwrap();
    std::fs::write(workspace.path().join("report.txt"), "tests passed").unwrap();
    std::os::unix::fs::symlink(outside.path().join("id_rsa"), workspace.path().join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(workspace.path().join("report.txt"), workspace.path().join("latest.txt")).unwrap();
    let send = |args: &[&str], workspace_env: Option<&std::path::Path>| {
        let mut cmd = bn();
        cmd.args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"]);
        cmd.args(["--from", USER, "--to", USER, "--subject", "x", "--body", "y"]).args(args);
        if let Some(dir) = workspace_env {
            cmd.env("WORKSPACE", dir);
        }
        run(cmd.current_dir(workspace.path()))
    };
    let secret = outside.path().join("id_rsa").display().to_string();
    for args in
        [&["--attach", "leak.txt"][..], &["--attach", "*.txt"], &["--attach-log", "leak.txt"], &["--attach", &secret]]
    {
        let out = send(args, None);
        assert_eq!(out.code, 3, "{args:?}: {out:?}");
        assert!(out.stderr.contains("outside the workspace"), "{args:?}: {out:?}");
        assert!(!out.all().contains("Outside-Canary-Key"), "{out:?}");
    }
    assert!(server.received().is_empty(), "nothing was mailed");

    let out = send(&["--attach", "latest.txt"], None);
    assert_eq!(out.code, 0, "a link inside the workspace is fine: {out:?}");
    assert!(out.stdout.contains("attachments: latest.txt"), "{out:?}");
    // A link to a folder outside is no file to attach: `*` skips it, as it skips folders.
    std::os::unix::fs::symlink(outside.path(), workspace.path().join("shared")).unwrap();
    std::fs::remove_file(workspace.path().join("leak.txt")).unwrap();
    let out = send(&["--attach", "*"], None);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("attachments: latest.txt, report.txt"), "{out:?}");
    // WORKSPACE names the workspace, as Jenkins sets it.
    let out = send(&["--attach", &secret], Some(outside.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains("Outside-Canary-Key"), "{out:?}");
    assert_eq!(server.received().len(), 3);
}

#[test]
fn long_headers_fold_and_display_names_use_the_charset() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let subject = format!(
        "构建失败: 商城/web #42 {} see https://ci.example/{} {}",
        "请检查".repeat(12),
        "x".repeat(90),
        "ok ".repeat(20)
    );
    let names = [
        "\"Zhang, San\" <z@corp.cn>",
        "张三 <zs@corp.cn>",
        "欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜 <oy@corp.cn>",
    ];
    let to = [&names[..], &["dev@example.com", "qa-team-with-a-long-name@example.com", "ops@example.com"]].concat();
    for (index, charset) in ["UTF-8", "GBK", "GB18030"].into_iter().enumerate() {
        let out = notify(
            &server,
            "none",
            &[
                "--from",
                "构建机器人 <ci@example.com>",
                "--to",
                &to.join(", "),
                "--subject",
                &subject,
                "--body",
                "y",
                "--charset",
                charset,
            ],
        );
        assert_eq!(out.code, 0, "{charset}: {out:?}");
        let received = &server.received()[index];
        let mail = &received.parsed;
        assert_eq!(mail["headers"]["Subject"], subject, "{charset}: {mail}");
        assert_eq!(mail["rfc2047"]["To"], to.join(", "), "{charset}: {mail}");
        assert_eq!(mail["headers"]["From"], "构建机器人 <ci@example.com>");
        assert!(mail["max_header_line"].as_u64().unwrap() <= 78, "{charset}: {mail}");
        assert!(mail["max_encoded_word"].as_u64().unwrap() <= 75, "{charset}: {mail}");
        let from = mail["raw_from"].as_str().unwrap();
        assert!(from.starts_with(&format!("=?{charset}?B?")), "display names in {charset}: {from}");
        let rcpts = received.envelope["rcpt_tos"].as_array().unwrap().len();
        assert_eq!(rcpts, to.len());
    }
}

#[test]
fn text_the_charset_cannot_encode_is_an_error_naming_it() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    let subject = notify(
        &server,
        "none",
        &["--from", USER, "--to", USER, "--subject", "部署 😀", "--body", "y", "--charset", "GBK"],
    );
    assert_eq!(subject.code, 3, "{subject:?}");
    assert!(subject.stderr.contains("the subject holds '😀' (U+1F600), which GBK cannot encode"), "{subject:?}");
    let name = notify(
        &server,
        "none",
        &["--from", USER, "--to", "😀 Fan <fan@x.com>", "--subject", "x", "--body", "y", "--charset", "GBK"],
    );
    assert_eq!(name.code, 3, "{name:?}");
    assert!(name.stderr.contains("the display name of --to fan@x.com holds '😀'"), "{name:?}");
    let from = notify(
        &server,
        "none",
        &["--from", "CI 𠀀 <ci@x.com>", "--to", USER, "--subject", "x", "--body", "y", "--charset", "GBK"],
    );
    assert!(from.code == 3 && from.stderr.contains("the display name of --from ci@x.com holds '𠀀'"), "{from:?}");
    assert!(server.received().is_empty(), "no mail with an empty subject");
}

#[test]
fn hostile_addresses_with_line_breaks_are_refused() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    for (flag, address) in [
        ("--to", "dev@example.com\r\nBcc: evil@example.com"),
        ("--cc", "\"Ops\r\nX-Injected: yes\" <ops@example.com>"),
        ("--reply-to", "ops@example.com\nBcc: evil@example.com"),
        ("--bcc", "audit@example.com\rX-Injected: yes"),
    ] {
        let out =
            notify(&server, "none", &["--from", USER, "--to", USER, flag, address, "--subject", "x", "--body", "y"]);
        assert_eq!(out.code, 2, "{flag} {address:?}: {out:?}");
        assert!(out.stderr.contains("it contains a line break"), "{out:?}");
    }
    let from = notify(
        &server,
        "none",
        &["--from", "CI <ci@x.com>\r\nBcc: evil@x.com", "--to", USER, "--subject", "x", "--body", "y"],
    );
    assert_eq!(from.code, 2, "{from:?}");
    assert!(server.received().is_empty());
}

#[test]
fn help_never_shows_a_secret_env_value() {
    let out = run(bn().arg("--help").env("DECKHAND_SMTP_PASSWORD", PASSWORD).env("DECKHAND_SMTP_USERNAME", USER));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("[env: DECKHAND_SMTP_PASSWORD]"), "{out:?}");
    assert!(!out.all().contains(PASSWORD), "{out:?}");
}

/// Drone/Woodpecker `settings: {to: [...]}` arrive comma-joined (Drone) or as JSON (Woodpecker):
/// a display name holding a comma stays one recipient either way.
#[test]
fn plugin_recipients_with_commas_in_display_names() {
    let server = SmtpServer::start(SmtpOptions { mode: "plain", ..Default::default() });
    for to in [r#"dev@example.com,"Zhang, San" <z@corp.cn>"#, r#"["dev@example.com","\"Zhang, San\" <z@corp.cn>"]"#] {
        let out = run(bn()
            .args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", "none"])
            .args(["--from", USER, "--subject", "s", "--body", "b"])
            .env("PLUGIN_TO", to));
        assert_eq!(out.code, 0, "{to}: {out:?}");
        assert!(out.stdout.contains("accepted: dev@example.com, z@corp.cn"), "{out:?}");
    }
    for received in server.received() {
        let rcpt: Vec<&str> =
            received.envelope["rcpt_tos"].as_array().unwrap().iter().filter_map(|r| r.as_str()).collect();
        assert_eq!(rcpt, ["dev@example.com", "z@corp.cn"]);
    }
}

/// As [`notify`], with none of the caller's language settings, plus `env`.
fn notify_in(server: &SmtpServer, tls: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = bn();
    for var in ["LC_ALL", "LC_MESSAGES", "DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE"] {
        cmd.env_remove(var);
    }
    cmd.args(["--smtp-host", "127.0.0.1", "--smtp-port", &server.port.to_string(), "--tls", tls]);
    cmd.arg("--ca-file").arg(&shared_ca().ca_cert).args(["--retries", "0"]).args(args).envs(env.iter().copied());
    let out = run(&mut cmd);
    assert!(!out.all().contains(PASSWORD), "the password leaked: {out:?}");
    out
}

const WRONG_LOGIN: [&str; 12] =
    ["--from", USER, "--to", USER, "--subject", "x", "--body", "y", "--username", USER, "--password", "wrong-one"];

#[test]
fn a_refused_login_is_said_in_chinese() {
    let server =
        SmtpServer::start(SmtpOptions { mode: "starttls", login: Some((USER, PASSWORD)), ..Default::default() });
    let refused = format!("邮件服务器 127.0.0.1:{} 拒绝了 {USER} 的登录：535", server.port);
    for (how, extra, env) in [
        ("LANG", vec![], vec![("LANG", "zh_CN.UTF-8")]),
        ("--lang", vec!["--lang", "zh-CN"], vec![("LANG", "en_US.UTF-8")]),
        ("BK-CI", vec![], vec![("BK_CI_LOCALE_LANGUAGE", "zh_CN")]),
    ] {
        let args: Vec<&str> = WRONG_LOGIN.iter().copied().chain(extra).collect();
        let out = notify_in(&server, "starttls", &args, &env);
        assert_eq!(out.code, 4, "{how}: {out:?}");
        assert!(out.stderr.contains(&refused), "{how}: {out:?}");
        assert!(
            out.stderr.contains("请检查用户名和密码（很多邮件服务器要求使用客户端授权码或 SMTP 专用密码）"),
            "{how}: {out:?}"
        );
        assert!(!out.stderr.contains("refused the login"), "{how}: {out:?}");
    }
    assert!(server.received().is_empty());

    let mut args = vec!["--from", USER, "--to", "dev@example.com", "--subject", "上线通知", "--body", "y"];
    args.extend(login());
    let out = notify_in(&server, "starttls", &args, &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(&format!("已通过 127.0.0.1:{} 发出（STARTTLS）", server.port)), "{out:?}");
    assert!(out.stdout.contains("\n  主题：上线通知\n  已接收：dev@example.com"), "{out:?}");
}

#[test]
fn english_is_the_default_language() {
    let server =
        SmtpServer::start(SmtpOptions { mode: "starttls", login: Some((USER, PASSWORD)), ..Default::default() });
    let out = notify_in(&server, "starttls", &WRONG_LOGIN, &[]);
    assert_eq!(out.code, 4, "{out:?}");
    let refused = format!("the mail server 127.0.0.1:{} refused the login of {USER}: 535", server.port);
    assert!(out.stderr.contains(&refused), "{out:?}");
    assert!(
        out.stderr.contains("check the username and password (many servers want an app password or SMTP token)"),
        "{out:?}"
    );
    let mut args = vec!["--from", USER, "--to", "dev@example.com", "--subject", "x", "--body", "y"];
    args.extend(login());
    let out = notify_in(&server, "starttls", &args, &[("LANG", "C.UTF-8")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(&format!(" sent via 127.0.0.1:{} (STARTTLS)\n  subject: x\n", server.port)), "{out:?}");
}
