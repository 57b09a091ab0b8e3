//! `dialogdesk webhook-receiver`: a receiver to try webhooks with in a
//! minute. It listens, verifies each request's signature by the Standard
//! Webhooks scheme with the given secret, prints the verified events (one
//! JSON line each) and answers 200; a request with a wrong signature or a
//! stale timestamp is answered 400 and reported on stderr.

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use anyhow::Context;
use dialogdesk_api::outbound::signing::verify;

/// How far a request's timestamp may be from now: older ones may be
/// replays.
const TOLERANCE_SECONDS: i64 = 5 * 60;

struct Secret(String);

async fn receive(req: HttpRequest, body: web::Bytes, secret: web::Data<Secret>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let id = header("webhook-id");
    let timestamp: i64 = header("webhook-timestamp").parse().unwrap_or_default();
    let body = String::from_utf8_lossy(&body);
    let fresh = (chrono::Utc::now().timestamp() - timestamp).abs() <= TOLERANCE_SECONDS;
    if !fresh
        || !verify(
            &secret.0,
            &id,
            timestamp,
            &body,
            &header("webhook-signature"),
        )
    {
        eprintln!(
            "refused {id:?}: {}",
            if fresh {
                "the signature does not match this secret"
            } else {
                "the timestamp is more than 5 minutes off"
            }
        );
        return HttpResponse::BadRequest().body("signature not verified");
    }
    println!("{body}");
    HttpResponse::Ok().finish()
}

/// Serves until stopped.
pub async fn run(bind: &str, secret: String) -> anyhow::Result<()> {
    if !secret.starts_with("whsec_") {
        anyhow::bail!("the secret is the `whsec_…` value the webhook was created with");
    }
    let secret = web::Data::new(Secret(secret));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(secret.clone())
            .default_service(web::to(receive))
    })
    .workers(1)
    .bind(bind)
    .with_context(|| format!("binding {bind}"))?;
    for address in server.addrs() {
        // Scripts read this line to learn the port.
        eprintln!("webhook receiver listening on http://{address}/ (verified events go to stdout)");
    }
    server.run().await?;
    Ok(())
}
