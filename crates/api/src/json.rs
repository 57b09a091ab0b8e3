//! The JSON body extractor: malformed JSON is a 400, JSON of the wrong shape
//! a 422 naming the field (`client.phone`), a body over the limit a 413.

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// Bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req
            .headers()
            .get("Content-Type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_lowercase());
        let declared_length = req
            .headers()
            .get("Content-Length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if let Some(ct) =
                content_type.filter(|ct| ct != "application/json" && !ct.ends_with("+json"))
            {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    format!("send the body as application/json, not {ct}"),
                ));
            }
            if declared_length.is_some_and(|n| n > MAX_BODY_BYTES) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::bad_request(format!("reading the body: {e}")))?;
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse(&body).map(Json)
        })
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        format!("the body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// Parses a body, telling syntax errors (400) from shape errors (422).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(ApiError::bad_request("the request needs a JSON body"));
    };
    // Every body of this API is an object. serde would also fill a struct
    // from an array (`[null, null]` as a PATCH of nothing), by position:
    // refuse that rather than guess.
    if *first != b'{' {
        return match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Ok(_) => Err(ApiError::invalid("body", "must be a JSON object")),
            Err(e) => Err(ApiError::bad_request(format!("malformed JSON: {e}"))),
        };
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => value,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.classify() != serde_json::error::Category::Data {
                return Err(ApiError::bad_request(format!("malformed JSON: {inner}")));
            }
            let field = if path == "." || path.is_empty() {
                "body".to_owned()
            } else {
                path
            };
            // serde's message carries a position suffix that only helps in syntax errors.
            let message = inner.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            return Err(ApiError::invalid(&field, message));
        }
    };
    de.end()
        .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "only parsed")]
    struct Body {
        client: Client,
    }
    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "only parsed")]
    struct Client {
        phone: u32,
    }

    fn problem(e: ApiError) -> crate::problem::Problem {
        match e {
            ApiError::Problem(p, _) => *p,
            ApiError::Internal(_) => panic!("expected a problem"),
        }
    }

    #[test]
    fn syntax_errors_are_400_and_shape_errors_name_the_field() {
        let p = problem(parse::<Body>(b"{\"client\": ").unwrap_err());
        assert_eq!(p.status, 400);
        let p = problem(parse::<Body>(br#"{"client": {"phone": "x"}}"#).unwrap_err());
        assert_eq!(p.status, 422);
        assert!(p.errors.contains_key("client.phone"), "{p:?}");
        let p = problem(parse::<Body>(b"   ").unwrap_err());
        assert_eq!(p.status, 400);
        let p = problem(parse::<Body>(b" [{\"phone\": 1}]").unwrap_err());
        assert_eq!((p.status, p.errors.contains_key("body")), (422, true));
        let p = problem(parse::<Body>(b"[1,").unwrap_err());
        assert_eq!(p.status, 400);
    }
}
