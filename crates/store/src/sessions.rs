//! Operators' sessions: the token epoch that ends every JWT of an operator
//! at once (logout, password reset, deactivation), and the single-use
//! tickets that open the live stream from a browser without putting a
//! credential in a URL.

use crate::api_tokens::secret_hash;
use crate::error::{StoreError, StoreResult};
use crate::models::OperatorRow;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use chrono::Duration;
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::Rng;

/// Every stream ticket starts with this (an API token with `ddt_`, a JWT
/// with `ey`), so a value is recognised for what it is.
pub const TICKET_PREFIX: &str = "dst_";

/// An operator with the token epoch their JWTs must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub operator: Operator,
    /// The current epoch: tokens of an older one are ended.
    pub token_epoch: i64,
}

/// Who a stream ticket was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketHolder {
    /// An operator, in the token epoch of the JWT that asked for it.
    Operator {
        /// Who.
        id: OperatorId,
        /// The epoch of the asking JWT: a logout in between voids the ticket.
        epoch: i64,
    },
    /// An integration's API token.
    ApiToken(ApiTokenId),
}

/// Raises an operator's token epoch: every JWT issued before stops working.
pub(crate) fn end_sessions(conn: &mut DbConnection, id: OperatorId) -> StoreResult<()> {
    let n = diesel::update(operators::table.find(id.0))
        .set(operators::token_epoch.eq(operators::token_epoch + 1))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::not_found("operator", id.0));
    }
    Ok(())
}

impl Store {
    /// The session of `id` if a check of it within the cache's TTL is kept
    /// (see `auth_cache`): no database read, so a caller may ask on its own
    /// thread before it hands [`Store::session_operator`] to a blocking one.
    pub fn recent_session(&self, id: OperatorId) -> Option<Session> {
        self.credentials.sessions.get(&id)
    }

    /// An operator (active or not) with the current token epoch, for
    /// checking a JWT: one query, as it runs on every authenticated request.
    pub fn session_operator(&self, id: OperatorId) -> StoreResult<Session> {
        crate::auth_cache::cached(&self.credentials.sessions, id, || {
            self.read("session_operator", |conn| {
                let found: Option<(OperatorRow, i64)> = operators::table
                    .find(id.0)
                    .select((OperatorRow::as_select(), operators::token_epoch))
                    .first(conn)
                    .optional()?;
                found
                    .map(|(row, token_epoch)| {
                        Ok(Session {
                            operator: row.into_operator()?,
                            token_epoch,
                        })
                    })
                    .transpose()
            })
        })?
        .ok_or_else(|| StoreError::not_found("operator", id.0))
    }

    /// Ends every session of an operator (logout "everywhere": a JWT cannot
    /// be told apart from its copies, so all of them end).
    pub fn end_sessions(&self, id: OperatorId) -> StoreResult<()> {
        self.write("end_sessions", |conn| end_sessions(conn, id))?;
        self.credentials.forget_all();
        Ok(())
    }

    /// A new stream ticket for `holder`, valid for `ttl` and one use. Expired
    /// tickets are swept on the way.
    pub fn issue_stream_ticket(&self, holder: TicketHolder, ttl: Duration) -> StoreResult<String> {
        let bytes: [u8; 24] = rand::rng().random();
        let ticket = format!(
            "{TICKET_PREFIX}{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let at = now();
        let (operator_id, epoch, api_token_id) = match holder {
            TicketHolder::Operator { id, epoch } => (Some(id.0), epoch, None),
            TicketHolder::ApiToken(id) => (None, 0, Some(id.0)),
        };
        self.write("issue_stream_ticket", |conn| {
            diesel::delete(stream_tickets::table.filter(stream_tickets::expires_at.lt(to_db(at))))
                .execute(conn)?;
            diesel::insert_into(stream_tickets::table)
                .values((
                    stream_tickets::ticket_hash.eq(secret_hash(&ticket)),
                    stream_tickets::operator_id.eq(operator_id),
                    stream_tickets::token_epoch.eq(epoch),
                    stream_tickets::api_token_id.eq(api_token_id),
                    stream_tickets::expires_at.eq(to_db(at + ttl)),
                ))
                .execute(conn)?;
            Ok(())
        })?;
        Ok(ticket)
    }

    /// Uses up a ticket: its holder when it exists and has not expired;
    /// `None` otherwise. A ticket works once, even under concurrent use
    /// (whoever deletes the row has it).
    pub fn redeem_stream_ticket(&self, ticket: &str) -> StoreResult<Option<TicketHolder>> {
        if !ticket.starts_with(TICKET_PREFIX) {
            return Ok(None);
        }
        let hash = secret_hash(ticket);
        self.write("redeem_stream_ticket", |conn| {
            let row: Option<(Option<i64>, i64, Option<i64>, chrono::NaiveDateTime)> =
                stream_tickets::table
                    .find(&hash)
                    .select((
                        stream_tickets::operator_id,
                        stream_tickets::token_epoch,
                        stream_tickets::api_token_id,
                        stream_tickets::expires_at,
                    ))
                    .first(conn)
                    .optional()?;
            let Some((operator_id, epoch, api_token_id, expires_at)) = row else {
                return Ok(None);
            };
            let deleted = diesel::delete(stream_tickets::table.find(&hash)).execute(conn)?;
            if deleted == 0 || expires_at <= to_db(now()) {
                return Ok(None);
            }
            Ok(match (operator_id, api_token_id) {
                (Some(id), _) => Some(TicketHolder::Operator {
                    id: OperatorId(id),
                    epoch,
                }),
                (None, Some(id)) => Some(TicketHolder::ApiToken(ApiTokenId(id))),
                (None, None) => None,
            })
        })
    }
}
