//! The client, for per-client limits: the peer's address, or behind `TRUST_PROXY=N` proxies of
//! ours, the Nth address from the right of `X-Forwarded-For`. Entries to the left of that one were
//! written by the client (or by proxies we do not run) and are never believed.
//!
//! A client is its network, not its address: one IPv6 customer is handed a whole /64 (often a
//! /56 or /48), so IPv6 addresses count by their prefix (`IPV6_CLIENT_PREFIX`, 64 by default),
//! and an IPv4 address written as IPv6 (`::ffff:203.0.113.7`) counts as the IPv4 address it is.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;

/// How addresses become clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientNetworks {
    /// Proxies of ours in front (`TRUST_PROXY`).
    pub trusted_hops: usize,
    /// IPv6 addresses with the same first this-many bits are one client (`IPV6_CLIENT_PREFIX`).
    pub ipv6_prefix: u8,
}

/// The client an address belongs to, as per-client limits count it: `203.0.113.7`, or
/// `2001:db8:1:2::/64`.
pub fn client_of(ip: IpAddr, ipv6_prefix: u8) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = ipv6_prefix.min(128);
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                let network = Ipv6Addr::from(u128::from(v6) & mask);
                format!("{network}/{prefix}")
            }
        },
    }
}

/// The client of a request (`None` without a peer address, which only tests lack).
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    networks: ClientNetworks,
) -> Option<String> {
    let client = |ip: IpAddr| client_of(ip, networks.ipv6_prefix);
    let peer_ip = peer.map(|p| client(p.ip()));
    let trusted_hops = networks.trusted_hops;
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
        Ok(ip) => Some(client(ip)),
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
        let networks = ClientNetworks {
            trusted_hops: hops,
            ipv6_prefix: 64,
        };
        client_ip(&headers(values), Some(PEER.parse().unwrap()), networks)
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
        assert_eq!(ip(&["2001:db8::1"], 1).as_deref(), Some("2001:db8::/64"));
    }

    #[test]
    fn ipv6_clients_are_their_prefix_and_mapped_ipv4_is_ipv4() {
        let at = |raw: &str, prefix| client_of(raw.parse().unwrap(), prefix);
        assert_eq!(at("2001:db8:1:2:aaaa::1", 64), "2001:db8:1:2::/64");
        assert_eq!(
            at("2001:db8:1:2:ffff:ffff:ffff:ffff", 64),
            "2001:db8:1:2::/64"
        );
        assert_ne!(at("2001:db8:1:3::1", 64), at("2001:db8:1:2::1", 64));
        assert_eq!(at("2001:db8:1:2ff::1", 56), "2001:db8:1:200::/56");
        assert_eq!(at("2001:db8:1:ffff::1", 48), "2001:db8:1::/48");
        assert_eq!(at("2001:db8::1", 128), "2001:db8::1/128");
        assert_eq!(at("::ffff:203.0.113.7", 64), "203.0.113.7");
        assert_eq!(at("203.0.113.7", 64), "203.0.113.7");
    }
}
