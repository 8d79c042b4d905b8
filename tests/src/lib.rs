//! The test support of the end-to-end tests, one module per peer: the real helm CLI, static
//! HTTP(S) chart repositories, the CNCF distribution registry, the real SMTP server, hostile
//! peers, the Kubernetes API stand-in, BK-CI's credential stand-in, certificates made with
//! openssl, and the step binaries themselves. `tests/install-peers.sh` installs the peers; a
//! missing peer fails the test with that advice (it never skips).

pub mod bk_ticket;
pub mod daemon;
pub mod files;
pub mod helm;
pub mod hostile;
pub mod http;
pub mod kube;
pub mod registry;
pub mod smtp;
pub mod step;
pub mod tls;

pub use daemon::*;
pub use files::*;
pub use helm::*;
pub use hostile::*;
pub use http::*;
pub use kube::*;
pub use registry::*;
pub use smtp::*;
pub use step::*;
pub use tls::*;
