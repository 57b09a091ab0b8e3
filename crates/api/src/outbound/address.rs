//! Where webhooks may go: `http`/`https` only, and never to this machine or
//! the private network it sits in (a subscription must not become a way to
//! reach the admin port of a database, or a cloud metadata service),
//! unless `DIALOGDESK_WEBHOOK_ALLOW_PRIVATE=1` (tests, a receiver on the
//! same host). Checked when a subscription is saved and again at every
//! connection, by the resolver the dispatcher's client uses: a name that
//! resolved to a public address yesterday and to 10.0.0.5 today is refused.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Whether an address is loopback, private, link-local, shared (CGNAT),
/// unspecified, broadcast or multicast: not a place on the internet.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local fc00::/7, link-local fe80::/10.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || a == 0
        // Shared address space 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
}

/// A subscription URL checked: `http`/`https`, a host, no credentials in
/// it, and (unless private addresses are allowed) a host that resolves
/// only to public addresses. The error says what is wrong, for a 422.
pub async fn check_url(url: &str, allow_private: bool) -> Result<Url, String> {
    let parsed = Url::parse(url.trim()).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("use an http:// or https:// URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("put no credentials in the URL; verify the signature instead".into());
    }
    let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
        return Err("the URL has no host".into());
    };
    if url.chars().count() > dialogdesk_domain::wire::limits::URL {
        return Err(format!(
            "must be at most {} characters",
            dialogdesk_domain::wire::limits::URL
        ));
    }
    if allow_private {
        return Ok(parsed);
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} does not resolve: {e}"))?
            .map(|a| a.ip())
            .collect(),
    };
    if let Some(private) = addresses.iter().find(|ip| is_private(**ip)) {
        return Err(format!(
            "{host} is a loopback, private or link-local address ({private}): webhooks go to public addresses only"
        ));
    }
    Ok(parsed)
}

/// The dispatcher's resolver: the system's, without private addresses
/// (unless allowed). A name left with none is refused.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnly {
    /// `DIALOGDESK_WEBHOOK_ALLOW_PRIVATE=1`.
    pub allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || !is_private(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether a URL names an IP literal this dispatcher must not call (a
/// literal is connected to without the resolver).
pub fn literal_refused(url: &Url, allow_private: bool) -> bool {
    if allow_private {
        return false;
    }
    url.host_str()
        .and_then(|h| {
            h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .ok()
        })
        .is_some_and(is_private)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_recognised() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "93.184.216.34", "2606:4700::1111", "100.128.0.1"] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }

    #[actix_web::test]
    async fn urls_are_checked() {
        assert!(check_url("ftp://example.com/x", false).await.is_err());
        assert!(check_url("http://user:pw@8.8.8.8/x", false).await.is_err());
        assert!(check_url("http://127.0.0.1:9/x", false).await.is_err());
        assert!(check_url("http://[::1]:9/x", false).await.is_err());
        assert!(check_url("http://169.254.169.254/latest", false)
            .await
            .is_err());
        assert!(check_url("http://localhost:9/x", false).await.is_err());
        assert!(check_url("https://8.8.8.8/hook", false).await.is_ok());
        assert!(check_url("http://127.0.0.1:9/x", true).await.is_ok());
    }
}
