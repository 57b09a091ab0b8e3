//! The OpenAPI document: info, tags and the two security schemes. The paths
//! and schemas are collected from the handlers by utoipa-actix-web.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's frame.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dialogdesk API",
        description = "Operator console and REST API of an AI chatbot sales service: dialogs and their \
statuses, the chat-settings save, integrations (channel connectors, the AI engine), the Dialog list \
of finished dialogs and analytics.\n\nErrors are `application/problem+json`. Lists page by keyset \
cursor: pass `next_cursor` back as `cursor`.",
        license(name = "MIT")
    ),
    modifiers(&SecuritySchemes),
    // Enums that only query parameters use: utoipa refers to them but does not collect them.
    components(schemas(
        dialogdesk_domain::wire::LiveEventBody,
        dialogdesk_domain::View,
        dialogdesk_domain::wire::DialogSort,
        dialogdesk_domain::wire::Order,
        dialogdesk_domain::wire::RecordSort,
        dialogdesk_domain::wire::CsvLang,
        // What webhooks send: the envelope and the `data` of each type.
        dialogdesk_domain::wire::WebhookEnvelope,
        dialogdesk_domain::wire::WebhookMessageCreated,
        dialogdesk_domain::wire::MessageDeliveryUpdated,
        dialogdesk_domain::wire::WebhookStatusChanged,
        dialogdesk_domain::wire::WebhookAssigned,
        dialogdesk_domain::wire::WebhookSettingsChanged,
        dialogdesk_domain::wire::WebhookFinished,
    )),
    tags(
        (name = "auth", description = "Operators log in for a short-lived JWT"),
        (name = "dialogs", description = "The chats page: lists, counts, one dialog, settings, messages, timeline"),
        (name = "integrations", description = "Channel connectors and the AI engine, with API tokens"),
        (name = "records", description = "Records → Dialog list of finished dialogs (heads of sales)"),
        (name = "analytics", description = "Finished dialogs per employee, channel and day; manager stats"),
        (name = "administration", description = "Operators, channels, flows and steps, tags, API tokens"),
        (name = "live", description = "Server-sent events: dialogs, messages, counts and timelines as they change"),
        (name = "webhooks", description = "Outbound webhooks: subscriptions, delivery log, redelivery. Every request \
is a POST of the `WebhookEnvelope` `{id, type, created_at, data}` (the `data` of each type: `WebhookMessageCreated`, \
`MessageDeliveryUpdated`, `WebhookStatusChanged`, `WebhookAssigned`, `WebhookSettingsChanged`, `WebhookFinished`), \
signed by the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 \
HMAC-SHA256 of \"id.timestamp.body\">`, secret `whsec_…`). Delivered at least once, in order per dialog: \
deduplicate on `webhook-id`. A subscription is an integration and gets full data (phones unmasked)."),
    )
)]
pub struct ApiDoc;

/// Adds the two bearer schemes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "operator_jwt",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("The `access_token` of POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An integration's API token (`ddt_…`), created by an admin with scopes \
                         `inbound`, `bot`, `read`, `admin`. Never in a URL: where a browser \
                         cannot set headers (EventSource), open the stream with a single-use \
                         ticket from POST /api/v1/stream/ticket.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Documents the answers every operation can give because of how it is
/// called rather than what it does, where its own description left them
/// out: 400 for a malformed parameter or body (a path id that is not a
/// 64-bit integer, a body that is not JSON), 422 for a parameter or body
/// that is well-formed but not acceptable. A client generated from the spec
/// then knows every status it can meet.
pub fn add_problem_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let has_body = operation.request_body.is_some();
            let has_query = parameters
                .iter()
                .any(|p| matches!(p.parameter_in, ParameterIn::Query | ParameterIn::Header));
            let responses = &mut operation.responses.responses;
            if !parameters.is_empty() || has_body {
                responses
                    .entry("400".into())
                    .or_insert_with(|| problem("A malformed parameter or body").into());
            }
            if has_query || has_body {
                responses
                    .entry("422".into())
                    .or_insert_with(|| problem("A parameter or field is not acceptable").into());
            }
            // Any operation that reads the database may find it saturated.
            responses.entry("503".into()).or_insert_with(|| {
                problem(
                    "The database is busy (no connection came free, or a list or \
                     report ran past its statement timeout); nothing was written. \
                     Retry after the `Retry-After` seconds.",
                )
                .into()
            });
        }
    }
}
