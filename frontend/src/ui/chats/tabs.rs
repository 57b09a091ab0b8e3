//! The status tabs with their live counts: a WAI-ARIA tablist.

use super::super::browser::focus;
use super::super::ctx::{t, use_ctx};
use crate::logic::format;
use crate::logic::url::chats_path;
use crate::ui::route::use_location;
use dialogdesk_domain::wire::Counts;
use dialogdesk_domain::View;
use leptos::prelude::*;

/// The tab `step` places after `from` (wrapping), for arrow keys.
fn tab_after(from: View, step: isize) -> View {
    let all = View::ALL;
    let at = all.iter().position(|v| *v == from).unwrap_or(0) as isize;
    let n = all.len() as isize;
    all[((at + step) % n + n) as usize % all.len()]
}

/// The tabs. Only the current tab is in the Tab order; arrow keys (and
/// Home/End) move to another tab and open it.
#[component]
pub fn Tabs(view: Memo<View>, counts: Signal<Option<Counts>>) -> impl IntoView {
    let ctx = use_ctx();
    let location = use_location();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let now = view.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => tab_after(now, 1),
            "ArrowUp" | "ArrowLeft" => tab_after(now, -1),
            "Home" => View::ALL[0],
            "End" => View::ALL[View::ALL.len() - 1],
            _ => return,
        };
        ev.prevent_default();
        location.navigate(&chats_path(next, None));
        focus(&format!("[data-testid=tab-{}]", next.as_str()));
    };
    view! {
        <nav class="tabs" role="tablist" aria-orientation="vertical" aria-label=t("chats.tabs") on:keydown=on_key>
            {View::ALL.iter().map(|v| {
                let v = *v;
                let label_key = format!("tab.{}", v.as_str());
                let hint_key = format!("tabhint.{}", v.as_str());
                // A capped count (a search matched more than the server
                // counts) is a lower bound: "1 000+".
                let count = move || counts.get().map(|c| (c.of_view(v), c.capped && v != View::Favourites));
                view! {
                    <a href=chats_path(v, None) class:active=move || view.get() == v
                        role="tab" aria-selected=move || (view.get() == v).to_string()
                        tabindex=move || if view.get() == v { "0" } else { "-1" }
                        title=move || ctx.tr(&hint_key) data-testid=format!("tab-{}", v.as_str())>
                        <span class="tab-name">{move || ctx.tr(&label_key)}</span>
                        <span class="count" data-testid=format!("count-{}", v.as_str())
                            title=move || count().map(|(n, _)| ctx.plural("chats.dialogs", n)).unwrap_or_default()>
                            {move || count().map(|(n, capped)| {
                                let n = format::number(ctx.lang.get(), n);
                                if capped { format!("{n}+") } else { n }
                            }).unwrap_or_else(|| "…".into())}
                        </span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}
