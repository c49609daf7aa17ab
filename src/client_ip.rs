//! The client's address, for per-IP limits: the peer, or behind `TRUST_PROXY=N` proxies of ours,
//! the Nth address from the right of `X-Forwarded-For`. Entries to the left of that one were
//! written by the client (or by proxies we do not run) and are never believed.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trusted_hops: usize,
) -> Option<String> {
    let peer_ip = peer.map(|p| p.ip().to_string());
    if trusted_hops == 0 {
        return peer_ip;
    }
    // Several X-Forwarded-For headers count as one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    // Fewer entries than proxies: the request did not come through all of them; trust the peer.
    let Some(index) = hops.len().checked_sub(trusted_hops) else {
        return peer_ip;
    };
    match hops[index].parse::<IpAddr>() {
        Ok(ip) => Some(ip.to_string()),
        Err(_) => peer_ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    const PEER: &str = "10.0.0.1:5000";

    fn ip(values: &[&str], hops: usize) -> Option<String> {
        client_ip(&headers(values), Some(PEER.parse().unwrap()), hops)
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(ip(&["1.2.3.4"], 0).as_deref(), Some("10.0.0.1"));
    }

    #[test]
    fn the_client_cannot_choose_its_address_by_writing_the_header() {
        // The client sends "6.6.6.6"; our one proxy appends the address it saw.
        assert_eq!(
            ip(&["6.6.6.6, 203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            ip(&["6.6.6.6", "203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        // Two proxies: the CDN appended the client, nginx the CDN.
        assert_eq!(
            ip(&["6.6.6.6, 203.0.113.7, 198.51.100.2"], 2).as_deref(),
            Some("203.0.113.7")
        );
    }

    #[test]
    fn short_or_garbled_headers_fall_back_to_the_peer() {
        assert_eq!(ip(&["203.0.113.7"], 2).as_deref(), Some("10.0.0.1"));
        assert_eq!(ip(&[], 1).as_deref(), Some("10.0.0.1"));
        assert_eq!(ip(&["not-an-ip"], 1).as_deref(), Some("10.0.0.1"));
        assert_eq!(ip(&["2001:db8::1"], 1).as_deref(), Some("2001:db8::1"));
    }
}
