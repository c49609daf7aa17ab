//! What a server function answers when it cannot do its work at all. A rule's answer (a wrong
//! code, a taken identity) is not one of these: it goes back onto the form (web/outcome.rs).

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// The typed error of every server function of the portal: each variant is a sentence a person
/// can read, and nothing of the cause (that is logged, on the server).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PortalError {
    /// The database (or another dependency) cannot be reached right now.
    #[error("The service is unavailable right now. Please try again shortly.")]
    Unavailable,
    #[error("We are very busy right now. Please try again in a moment.")]
    Busy,
    /// A fault on our side; its details went to the log.
    #[error("Something went wrong on our side; please try again.")]
    Internal,
    /// The request never reached the function (arguments that do not decode, say). Its detail
    /// is not shown: the page reads this error back from its own URL, which anybody can write,
    /// so only the fixed sentences of this enum ever reach the page.
    #[error("That request could not be read. Please try again.")]
    Request(ServerFnErrorErr),
}

impl FromServerFnError for PortalError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value)
    }
}

/// The message behind a failed no-JavaScript form post: Leptos sends the browser back to the
/// page with the error in the `__err` query parameter, and the page shows it.
pub fn from_query(encoded: &str) -> PortalError {
    leptos::server_fn::error::ServerFnUrlError::<PortalError>::decode_err(encoded)
}

#[cfg(feature = "ssr")]
pub use from_services::unreadable_requests_are_bad_requests;

#[cfg(feature = "ssr")]
mod from_services {
    use super::PortalError;
    use crate::services::{
        AdminError, CodeError, ContactError, CredentialError, Fault, LimitError, ServiceError,
        TokenError,
    };

    impl PortalError {
        /// A failure no page can help with: logged with its cause, told without it.
        pub fn internal(cause: impl std::fmt::Display) -> Self {
            tracing::error!(error = %cause, "page request failed");
            Self::Internal
        }
    }

    impl From<ServiceError> for PortalError {
        fn from(error: ServiceError) -> Self {
            match error {
                ServiceError::Fault(Fault::Unavailable { .. }) => Self::Unavailable,
                ServiceError::Fault(Fault::Busy { .. }) => Self::Busy,
                other => Self::internal(other),
            }
        }
    }

    // Each service's own error, through `ServiceError`'s one mapping above.

    impl From<AdminError> for PortalError {
        fn from(error: AdminError) -> Self {
            ServiceError::from(error).into()
        }
    }

    impl From<CodeError> for PortalError {
        fn from(error: CodeError) -> Self {
            ServiceError::from(error).into()
        }
    }

    impl From<ContactError> for PortalError {
        fn from(error: ContactError) -> Self {
            ServiceError::from(error).into()
        }
    }

    impl From<CredentialError> for PortalError {
        fn from(error: CredentialError) -> Self {
            ServiceError::from(error).into()
        }
    }

    impl From<Fault> for PortalError {
        fn from(error: Fault) -> Self {
            ServiceError::from(error).into()
        }
    }

    impl From<LimitError> for PortalError {
        fn from(error: LimitError) -> Self {
            ServiceError::from(error).into()
        }
    }

    impl From<TokenError> for PortalError {
        fn from(error: TokenError) -> Self {
            ServiceError::from(error).into()
        }
    }

    /// Leptos answers a server function whose arguments do not decode (a body that is not
    /// UTF-8, say) with 500 when no page is waiting for a redirect: it is the client's request
    /// that was unreadable, so the answer is 400, with the same body.
    pub async fn unreadable_requests_are_bad_requests(
        request: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        use axum::{body::Body, http::StatusCode, response::IntoResponse};
        const MAX_ERROR_BODY: usize = 64 * 1024;
        let response = next.run(request).await;
        if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
            return response;
        }
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
        };
        if let Ok(PortalError::Request(_)) = serde_json::from_slice::<PortalError>(&bytes) {
            parts.status = StatusCode::BAD_REQUEST;
        }
        axum::response::Response::from_parts(parts, Body::from(bytes))
    }

    impl From<tower_sessions::session::Error> for PortalError {
        fn from(error: tower_sessions::session::Error) -> Self {
            Self::internal(format!("session: {error}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portal_error_survives_the_query_string_of_a_no_js_post() {
        use leptos::server_fn::error::ServerFnUrlError;
        for error in [
            PortalError::Unavailable,
            PortalError::Busy,
            PortalError::Internal,
            PortalError::Request(ServerFnErrorErr::Args("missing code".into())),
        ] {
            let url = ServerFnUrlError::new("/api/verify", error.clone())
                .to_url("http://127.0.0.1/verify")
                .expect("a URL");
            let encoded = url
                .query_pairs()
                .find(|(k, _)| k == "__err")
                .map(|(_, v)| v.into_owned())
                .expect("__err in the URL");
            assert_eq!(from_query(&encoded), error);
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_page_says_unavailable_or_busy_as_such_and_anything_else_as_our_fault() {
        use crate::services::{Fault, ServiceError, TokenError};
        let unavailable = Fault::Unavailable {
            retry_after_secs: 5,
        };
        assert_eq!(PortalError::from(unavailable), PortalError::Unavailable);
        let busy = ServiceError::Fault(Fault::Busy {
            retry_after_secs: 1,
        });
        assert_eq!(PortalError::from(busy), PortalError::Busy);
        // No page carries a token: a token answer reaching one is a fault, not a message.
        assert_eq!(
            PortalError::from(TokenError::InvalidToken),
            PortalError::Internal
        );
        let bug = Fault::from(anyhow::anyhow!("SELECT * FROM secrets failed"));
        assert_eq!(PortalError::from(bug.clone()), PortalError::Internal);
        assert!(!PortalError::from(bug).to_string().contains("SELECT"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_crafted_error_parameter_cannot_put_its_own_words_on_the_page() {
        use base64::Engine;
        let crafted = serde_json::json!({
            "Request": { "ServerError": "Your account is locked: call +1 555 0100" }
        });
        let encoded = base64::engine::general_purpose::URL_SAFE.encode(crafted.to_string());
        let shown = from_query(&encoded).to_string();
        assert_eq!(shown, "That request could not be read. Please try again.");
    }

    #[test]
    fn a_garbled_error_parameter_is_a_request_error_not_a_panic() {
        assert!(matches!(from_query("%%%"), PortalError::Request(_)));
    }
}
