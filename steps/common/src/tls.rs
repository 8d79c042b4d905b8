//! The one TLS client set-up every connection of every step uses (HTTP, OCI registries, the
//! Kubernetes API): the system roots plus the user's CA certificates, and one rule that rustls
//! lacks and helm, curl, docker and Go accept: a server certificate that is itself one of the
//! trusted certificates is accepted (host name and validity still checked). That is the commonest
//! enterprise set-up, a certificate made with `openssl req -x509 ...`: its own CA (basicConstraints
//! CA:TRUE), which webpki refuses as an end entity (CaUsedAsEndEntity).

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// What a TLS client trusts and presents.
#[derive(Default)]
pub struct TlsSetup {
    /// Certificates trusted besides the system roots (from `--ca-file` or a kubeconfig).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Trust only `extra_roots`, not the system roots (a kubeconfig's `certificate-authority`).
    pub only_extra_roots: bool,
    /// A client certificate chain and its key, for mutual TLS.
    pub identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    /// Skip server verification altogether (`--insecure-skip-tls-verify`).
    pub insecure: bool,
}

/// Why a TLS set-up could not be built from the user's files.
#[derive(Debug)]
pub enum SetupError {
    /// No certificate in the CA PEM.
    NoCertificates,
    /// The client certificate or key is unusable.
    Identity(String),
    /// The roots could not be used (none at all, or a malformed one).
    Roots(String),
}

/// All certificates of a PEM bundle; `None` when it holds none.
pub fn certificates_from_pem(pem: &[u8]) -> Option<Vec<CertificateDer<'static>>> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem).filter_map(std::result::Result::ok).collect();
    (!certs.is_empty()).then_some(certs)
}

/// The certificates of a `--ca-file`, or an error that names the file.
pub fn read_ca_file(path: &std::path::Path) -> crate::Result<Vec<CertificateDer<'static>>> {
    let pem =
        std::fs::read(path).map_err(|e| crate::Error::io(&crate::messages::cannot_read("--ca-file"), path, &e))?;
    certificates_from_pem(&pem).ok_or_else(|| crate::Error::input(crate::messages::bad_pem("--ca-file", path)))
}

/// A client certificate chain and key from PEM (the key may be PKCS#8, PKCS#1 or SEC1).
pub fn identity_from_pem(
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), SetupError> {
    let chain =
        certificates_from_pem(cert_pem).ok_or_else(|| SetupError::Identity(crate::messages::tls_no_certificate()))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|_| SetupError::Identity(crate::messages::tls_no_private_key()))?;
    Ok((chain, key))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsSetup {
    /// The rustls client configuration.
    pub fn client_config(&self) -> Result<ClientConfig, SetupError> {
        let provider = provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| SetupError::Roots(e.to_string()))?;
        let verifier = Arc::new(self.verifier(provider)?);
        let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
        match &self.identity {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain.clone(), key.clone_key())
                .map_err(|e| SetupError::Identity(e.to_string())),
            None => Ok(builder.with_no_client_auth()),
        }
    }

    /// The server verification alone, for a client configuration built elsewhere (kube's).
    pub fn server_verifier(&self) -> Result<Arc<dyn ServerCertVerifier>, SetupError> {
        Ok(Arc::new(self.verifier(provider())?))
    }

    fn verifier(&self, provider: Arc<CryptoProvider>) -> Result<Verifier, SetupError> {
        if self.insecure {
            return Ok(Verifier { policy: Policy::AcceptAnything, provider });
        }
        let mut roots = RootCertStore::empty();
        if !self.only_extra_roots {
            // Unreadable system certificates are skipped, as every TLS client does.
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
        for cert in &self.extra_roots {
            // A certificate webpki cannot take as an anchor may still be the server's own.
            let _ = roots.add(cert.clone());
        }
        if roots.is_empty() && self.extra_roots.is_empty() {
            return Err(SetupError::Roots(crate::messages::tls_no_trusted_certificates()));
        }
        let webpki = if roots.is_empty() {
            None
        } else {
            Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| SetupError::Roots(e.to_string()))?,
            )
        };
        Ok(Verifier { policy: Policy::TrustedOrPinned { webpki, pinned: self.extra_roots.clone() }, provider })
    }
}

/// How server certificates are judged; handshake signatures are checked in every case, so the
/// connection is at least with the holder of the presented key.
#[derive(Debug)]
struct Verifier {
    policy: Policy,
    provider: Arc<CryptoProvider>,
}

#[derive(Debug)]
enum Policy {
    /// `--insecure-skip-tls-verify`: any certificate.
    AcceptAnything,
    /// webpki's chain verification, then, for a server certificate that is byte for byte one the
    /// user trusts, the checks that remain meaningful: validity period and host name.
    TrustedOrPinned { webpki: Option<Arc<WebPkiServerVerifier>>, pinned: Vec<CertificateDer<'static>> },
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Policy::TrustedOrPinned { webpki, pinned } = &self.policy else {
            return Ok(ServerCertVerified::assertion());
        };
        let chain_result = match webpki {
            Some(webpki) => webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now),
            None => Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)),
        };
        match chain_result {
            Ok(verified) => Ok(verified),
            Err(err) if pinned.iter().any(|c| c.as_ref() == end_entity.as_ref()) => {
                check_pinned(end_entity, server_name, now).map_err(|pinned_err| pinned_err.unwrap_or(err))
            }
            Err(err) => Err(err),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Validity and host name of a trusted server certificate. `Err(None)` keeps the chain error.
fn check_pinned(
    cert: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<ServerCertVerified, Option<rustls::Error>> {
    let (not_before, not_after) = validity(cert).ok_or(None)?;
    let now = Duration::from_secs(now.as_secs());
    if now < not_before {
        return Err(Some(rustls::Error::InvalidCertificate(CertificateError::NotValidYet)));
    }
    if now > not_after {
        return Err(Some(rustls::Error::InvalidCertificate(CertificateError::Expired)));
    }
    let parsed = webpki::EndEntityCert::try_from(cert).map_err(|_| None)?;
    parsed
        .verify_is_valid_for_subject_name(server_name)
        .map_err(|_| Some(rustls::Error::InvalidCertificate(CertificateError::NotValidForName)))?;
    Ok(ServerCertVerified::assertion())
}

/// notBefore and notAfter, as durations since the Unix epoch.
fn validity(cert: &CertificateDer<'_>) -> Option<(Duration, Duration)> {
    use x509_cert::der::Decode;
    let parsed = x509_cert::Certificate::from_der(cert.as_ref()).ok()?;
    let validity = parsed.tbs_certificate.validity;
    Some((validity.not_before.to_unix_duration(), validity.not_after.to_unix_duration()))
}

/// The current time, for tests of the verifier.
#[cfg(test)]
fn now() -> UnixTime {
    use std::time::SystemTime;
    UnixTime::since_unix_epoch(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650
    /// -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1`: its own CA.
    const SELF_SIGNED: &str = include_str!("../testdata/self-signed.pem");

    #[test]
    fn a_trusted_self_signed_server_certificate_is_accepted_for_its_names_only() {
        let cert = certificates_from_pem(SELF_SIGNED.as_bytes()).unwrap().remove(0);
        let setup = TlsSetup { extra_roots: vec![cert.clone()], only_extra_roots: true, ..Default::default() };
        let verifier = setup.verifier(provider()).unwrap();
        let name = |n: &str| ServerName::try_from(n.to_string()).unwrap();
        // What rustls alone says, and why the pin exists.
        let Policy::TrustedOrPinned { webpki: Some(webpki), .. } = &verifier.policy else { panic!("a chain verifier") };
        assert!(webpki.verify_server_cert(&cert, &[], &name("localhost"), &[], now()).is_err());
        assert!(verifier.verify_server_cert(&cert, &[], &name("localhost"), &[], now()).is_ok());
        assert!(verifier.verify_server_cert(&cert, &[], &name("127.0.0.1"), &[], now()).is_ok());
        assert!(verifier.verify_server_cert(&cert, &[], &name("example.com"), &[], now()).is_err());
        let later = UnixTime::since_unix_epoch(Duration::from_secs(now().as_secs() + 20 * 365 * 86400));
        assert!(verifier.verify_server_cert(&cert, &[], &name("localhost"), &[], later).is_err());
    }

    #[test]
    fn an_untrusted_self_signed_certificate_is_refused() {
        let cert = certificates_from_pem(SELF_SIGNED.as_bytes()).unwrap().remove(0);
        let setup = TlsSetup::default();
        let verifier = setup.verifier(provider()).unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        assert!(verifier.verify_server_cert(&cert, &[], &name, &[], now()).is_err());
    }

    #[test]
    fn insecure_accepts_any_certificate() {
        let cert = certificates_from_pem(SELF_SIGNED.as_bytes()).unwrap().remove(0);
        let verifier = TlsSetup { insecure: true, ..Default::default() }.verifier(provider()).unwrap();
        let name = ServerName::try_from("example.com").unwrap();
        assert!(verifier.verify_server_cert(&cert, &[], &name, &[], now()).is_ok());
    }
}
