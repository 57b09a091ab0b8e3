//! `GET /api/v1/records/dialogs.csv`: the Dialog list as CSV, streamed.

use super::records_query;
use crate::auth::{Caller, HeadReader};
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::{CsvLang, CsvParams, RecordParams, RecordRow};
use dialogdesk_store::records::RecordsQuery;
use dialogdesk_store::Store;
use futures_util::stream;

/// Rows fetched per database round trip while streaming.
const BATCH: usize = 2_000;

fn header(lang: CsvLang) -> &'static str {
    match lang {
        CsvLang::En => "dialog_id,client,channel,number,finished_by,finished_at,messages\r\n",
        CsvLang::Ru => "ID диалога,Клиент,Канал,Номер,Кто завершил,Дата завершения,Сообщений\r\n",
    }
}

/// One CSV field, quoted when it needs to be. A text that a spreadsheet would
/// run as a formula (leading `=`, `+`, `-`, `@`) gets a `'` in front; a
/// signed number such as a phone (`+79…`) is left as it is.
fn field(text: &str) -> String {
    let signed_number = text.len() > 1
        && text.starts_with(['+', '-'])
        && text[1..].chars().all(|c| c.is_ascii_digit());
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !signed_number {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn line(row: &RecordRow) -> String {
    format!(
        "{},{},{},{},{},{},{}\r\n",
        row.dialog_id,
        field(&row.client.name),
        field(&row.channel.name),
        field(row.number.as_deref().unwrap_or("")),
        field(row.finished_by.as_ref().map_or("", |f| f.name.as_str())),
        row.finished_at.to_rfc3339(),
        row.message_count
    )
}

struct Cursor {
    store: Store,
    query: RecordsQuery,
    caller: Caller,
    started: bool,
    done: bool,
}

/// The Dialog list as CSV with the same filters and sort as the list, all
/// rows, streamed in batches; UTF-8 with a BOM so spreadsheet programs open
/// Cyrillic correctly. Phones are masked for the `operator` role.
#[utoipa::path(
    tag = "records",
    params(RecordParams, CsvParams),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the head role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/records/dialogs.csv")]
pub async fn export_records_csv(
    HeadReader(caller): HeadReader,
    state: web::Data<AppState>,
    params: web::Query<RecordParams>,
    csv: web::Query<CsvParams>,
) -> Result<HttpResponse, ApiError> {
    // Every row, in batches; `limit` and `cursor` do not page it, but a
    // limit outside 1..=200 is refused as on the list (one contract).
    crate::routes::page_limit(params.limit)?;
    let mut query = records_query(&params, BATCH, masking::phone_match(&caller))?;
    query.cursor = None;
    let lang = csv.lang.unwrap_or_default();
    let start = Cursor {
        store: state.store.clone(),
        query,
        caller,
        started: false,
        done: false,
    };
    let body = stream::unfold(start, move |mut cur| async move {
        if cur.done {
            return None;
        }
        if !cur.started {
            cur.started = true;
            let mut head = "\u{feff}".to_owned();
            head.push_str(header(lang));
            return Some((Ok::<Bytes, ApiError>(Bytes::from(head)), cur));
        }
        let store = cur.store.clone();
        let query = cur.query.clone();
        match blocking(move || store.records(&query)).await {
            Ok(page) => {
                let text: String = page
                    .items
                    .into_iter()
                    .map(|r| line(&masking::record(&cur.caller, r)))
                    .collect();
                match page.next_cursor {
                    Some(next) => cur.query.cursor = Some(next),
                    None => cur.done = true,
                }
                Some((Ok(Bytes::from(text)), cur))
            }
            Err(e) => {
                // Headers are gone already: end the body early; the error is logged.
                tracing::error!(error = %e, "CSV export stopped");
                cur.done = true;
                Some((Err(e), cur))
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"dialogs.csv\"",
        ))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Анна"), "Анна");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("+79123456789"), "+79123456789");
        assert_eq!(field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
    }
}
