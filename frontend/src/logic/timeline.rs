//! A timeline entry in words: no stored code (`set_by_hand`,
//! `operator_message`, an operator's id) reaches the page.

use super::i18n::{tr, Lang};
use dialogdesk_domain::{Flow, Operator, Tag, TimelineChange, TimelineEvent};

/// The names the entries refer to by id.
pub struct Names<'a> {
    /// Managers.
    pub operators: &'a [Operator],
    /// Flows with their steps.
    pub flows: &'a [Flow],
    /// Tags.
    pub tags: &'a [Tag],
}

/// Why a change happened, in words: the state machine's reason (e.g.
/// `operator_message`, `ai_error: timeout`) as `reason.<name>`, with the
/// detail some reasons carry after a colon.
pub fn reason(lang: Lang, reason: &str) -> String {
    let (name, detail) = match reason.split_once(':') {
        Some((name, detail)) => (name.trim(), Some(detail.trim())),
        None => (reason.trim(), None),
    };
    let key = format!("reason.{name}");
    let words = tr(lang, &key);
    // A reason this version has no words for is shown as it came rather
    // than as a translation key.
    let words = if words == key { name.to_owned() } else { words };
    match detail.filter(|d| !d.is_empty()) {
        Some(detail) => format!("{words}: {detail}"),
        None => words,
    }
}

/// What changed, in words (empty for a message, which the chat shows).
pub fn what(lang: Lang, event: &TimelineEvent, names: &Names<'_>) -> String {
    let operator = |id: Option<dialogdesk_domain::OperatorId>| {
        id.map_or_else(
            || tr(lang, "ud.no_manager"),
            |id| {
                names
                    .operators
                    .iter()
                    .find(|o| o.id == id)
                    .map_or_else(|| format!("#{id}"), |o| o.name.clone())
            },
        )
    };
    let tag = |id: &dialogdesk_domain::TagId| {
        names
            .tags
            .iter()
            .find(|t| t.id == *id)
            .map_or_else(|| format!("#{id}"), |t| t.name.clone())
    };
    let step = |flow: Option<dialogdesk_domain::FlowId>,
                step: Option<dialogdesk_domain::StepId>| {
        let flow = flow.and_then(|f| names.flows.iter().find(|x| x.id == f));
        match (flow, step) {
            (None, _) => tr(lang, "ud.no_flow"),
            (Some(flow), None) => flow.name.clone(),
            (Some(flow), Some(step)) => {
                let step = flow.steps.iter().find(|s| s.id == step);
                format!("{} → {}", flow.name, step.map_or("?", |s| s.name.as_str()))
            }
        }
    };
    let change = match &event.change {
        TimelineChange::Status { from, to } => format!(
            "{} → {}",
            tr(lang, &format!("status.{from}")),
            tr(lang, &format!("status.{to}"))
        ),
        TimelineChange::Step {
            from_flow,
            from_step,
            to_flow,
            to_step,
        } => format!(
            "{} ⇒ {}",
            step(*from_flow, *from_step),
            step(*to_flow, *to_step)
        ),
        TimelineChange::Assignee { from, to } => format!("{} → {}", operator(*from), operator(*to)),
        TimelineChange::Tags { added, removed } => added
            .iter()
            .map(|t| format!("+{}", tag(t)))
            .chain(removed.iter().map(|t| format!("−{}", tag(t))))
            .collect::<Vec<_>>()
            .join(", "),
        TimelineChange::Message { .. } => return String::new(),
    };
    format!("{change} · {}", reason(lang, &event.reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_the_machine_writes_has_words_in_both_languages() {
        let mut reasons: Vec<&str> = dialogdesk_domain::EventName::TABLE_ROWS
            .iter()
            .map(|e| e.as_str())
            .collect();
        reasons.extend(["settings", "set_by_hand"]);
        for lang in [Lang::Ru, Lang::En] {
            for r in &reasons {
                let words = reason(lang, r);
                assert_ne!(&words, r, "{lang:?} has no words for {r}");
                assert!(!words.contains('_'), "{lang:?}: {words}");
            }
        }
        assert_eq!(reason(Lang::Ru, "set_by_hand"), "вручную");
        assert_eq!(
            reason(Lang::En, "ai_error: model timeout"),
            "AI error: model timeout"
        );
        assert_eq!(reason(Lang::En, "something_new"), "something_new");
    }
}
