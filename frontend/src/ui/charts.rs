//! Small SVG bar charts: no chart library, no network.

use leptos::prelude::*;

/// Horizontal bars, one per label, scaled to the largest value.
#[component]
pub fn Bars(title: Signal<String>, rows: Signal<Vec<(String, i64)>>) -> impl IntoView {
    view! {
        <figure class="chart">
            <figcaption>{move || title.get()}</figcaption>
            {move || {
                let rows = rows.get();
                let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
                let height = (rows.len().max(1) * 24) as f64;
                view! {
                    <svg viewBox=format!("0 0 320 {height}") role="img" aria-label=move || title.get() preserveAspectRatio="xMinYMin meet">
                        {rows.into_iter().enumerate().map(|(i, (label, value))| {
                            let y = (i * 24) as f64;
                            let width = 150.0 * value as f64 / max;
                            view! {
                                <text x="0" y=y + 15.0 class="label">{label}</text>
                                <rect x="130" y=y + 4.0 width=width.max(1.0) height="14" rx="2" class="bar"></rect>
                                <text x=134.0 + width y=y + 15.0 class="value">{value.to_string()}</text>
                            }
                        }).collect_view()}
                    </svg>
                }
            }}
        </figure>
    }
}

/// Vertical bars over days.
#[component]
pub fn Days(title: Signal<String>, rows: Signal<Vec<(String, i64)>>) -> impl IntoView {
    view! {
        <figure class="chart wide">
            <figcaption>{move || title.get()}</figcaption>
            {move || {
                let rows = rows.get();
                let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
                let step = 640.0 / rows.len().max(1) as f64;
                view! {
                    <svg viewBox="0 0 640 130" role="img" aria-label=move || title.get()>
                        {rows.into_iter().enumerate().map(|(i, (day, value))| {
                            let h = 100.0 * value as f64 / max;
                            let x = i as f64 * step;
                            view! {
                                <rect x=x + 1.0 y=105.0 - h width=(step - 2.0).max(1.0) height=h.max(0.5) class="bar">
                                    <title>{format!("{day}: {value}")}</title>
                                </rect>
                                {i.is_multiple_of(5).then(|| view! { <text x=x y="124" class="label small">{day.get(5..).unwrap_or(&day).to_owned()}</text> })}
                            }
                        }).collect_view()}
                    </svg>
                }
            }}
        </figure>
    }
}
