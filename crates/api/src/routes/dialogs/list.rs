//! `GET /api/v1/dialogs`.

use crate::auth::Reader;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::{blocking, page_limit};
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{DialogListItem, Page};
use dialogdesk_domain::{ChannelId, FlowId, OperatorId, StepId, TagId, View};
use dialogdesk_store::listing::{DialogFilter, DialogListQuery, DialogSort};
use dialogdesk_store::Order;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// What the dialog list sorts by.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DialogSortParam {
    /// Most recent activity (default).
    LastMessageAt,
    /// Creation time.
    CreatedAt,
    /// Client name.
    ClientName,
    /// Number of messages.
    MessageCount,
    /// Status name.
    Status,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderParam {
    /// Smallest first.
    Asc,
    /// Largest first (default).
    Desc,
}

impl From<OrderParam> for Order {
    fn from(o: OrderParam) -> Order {
        match o {
            OrderParam::Asc => Order::Asc,
            OrderParam::Desc => Order::Desc,
        }
    }
}

/// The dialog list's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The tab: `all` (default), `favourites`, or a status.
    pub view: Option<View>,
    /// Client name or phone, any part of it.
    pub q: Option<String>,
    /// Responsible manager.
    pub assignee_id: Option<i64>,
    /// Channel.
    pub channel_id: Option<i64>,
    /// Tag.
    pub tag_id: Option<i64>,
    /// Flow.
    pub flow_id: Option<i64>,
    /// Step.
    pub step_id: Option<i64>,
    /// Sort key (default `last_message_at`).
    pub sort: Option<DialogSortParam>,
    /// Direction (default `desc`).
    pub order: Option<OrderParam>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The dialog list of a tab.
///
/// Keyset-paged on (sort key, id): pass `next_cursor` back as `cursor` for
/// the next page; a cursor only fits the sort and order that made it.
/// Phones are masked for the `operator` role.
#[utoipa::path(
    tag = "dialogs",
    params(ListParams),
    security(("operator_jwt" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "A page of dialogs", body = Page<DialogListItem>),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs")]
pub async fn list_dialogs(
    Reader(caller): Reader,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<web::Json<Page<DialogListItem>>, ApiError> {
    let p = params.into_inner();
    let query = DialogListQuery {
        view: p.view,
        filter: DialogFilter {
            q: p.q,
            assignee_id: p.assignee_id.map(OperatorId),
            channel_id: p.channel_id.map(ChannelId),
            tag_id: p.tag_id.map(TagId),
            flow_id: p.flow_id.map(FlowId),
            step_id: p.step_id.map(StepId),
        },
        sort: match p.sort.unwrap_or(DialogSortParam::LastMessageAt) {
            DialogSortParam::LastMessageAt => DialogSort::LastMessageAt,
            DialogSortParam::CreatedAt => DialogSort::CreatedAt,
            DialogSortParam::ClientName => DialogSort::ClientName,
            DialogSortParam::MessageCount => DialogSort::MessageCount,
            DialogSortParam::Status => DialogSort::Status,
        },
        order: p.order.map_or(Order::Desc, Order::from),
        cursor: p.cursor,
        limit: page_limit(p.limit)?,
    };
    let store = state.store.clone();
    let viewer = caller.operator_id();
    let page = blocking(move || store.list_dialogs(viewer, &query)).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|d| masking::dialog(&caller, d))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
