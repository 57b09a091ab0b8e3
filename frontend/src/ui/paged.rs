//! A list read page by page (the chats' dialog list, the Dialog list of
//! Records). The first page is a resource, read again whenever what its
//! `fetch` reads changes (filters, sort, search); later pages come by an
//! action and are appended only if the list is still the one they
//! continue (a page that arrives after the filters changed is dropped).

use super::api::Answer;
use dialogdesk_domain::wire::Page;
use leptos::prelude::*;
use std::future::Future;

/// The rows shown, the first page's resource, and the next page.
pub struct Paged<T: Send + Sync + 'static> {
    /// The first page: await it under `Transition`/`ErrorBoundary` for the
    /// loading and error states.
    pub first_page: LocalResource<Answer<Page<T>>>,
    /// The rows shown: the first page, then each page appended. Live
    /// changes edit them in place.
    pub rows: RwSignal<Vec<T>>,
    next: RwSignal<Option<String>>,
    more: Action<String, ()>,
}

// By hand: a derive would ask `T: Copy` of the rows.
impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + Send + Sync + 'static> Paged<T> {
    /// `fetch(cursor)` reads one page: `None` for the first. The signals it
    /// reads for the first page are what the list follows.
    pub fn new<Fut>(fetch: impl Fn(Option<String>) -> Fut + Copy + 'static) -> Paged<T>
    where
        Fut: Future<Output = Answer<Page<T>>> + 'static,
    {
        let first_page = LocalResource::new(move || fetch(None));
        let rows = RwSignal::new(Vec::new());
        let next = RwSignal::new(None::<String>);
        Effect::new(move |_| {
            if let Some(Ok(page)) = first_page.get() {
                rows.set(page.items);
                next.set(page.next_cursor);
            }
        });
        let more = Action::new_local(move |cursor: &String| {
            let cursor = cursor.clone();
            let page = untrack(|| fetch(Some(cursor.clone())));
            async move {
                if let Ok(page) = page.await {
                    if next.get_untracked().as_deref() == Some(cursor.as_str()) {
                        rows.update(|r| r.extend(page.items));
                        next.set(page.next_cursor);
                    }
                }
            }
        });
        Paged {
            first_page,
            rows,
            next,
            more,
        }
    }

    /// Reads the next page, unless there is none or it is being read.
    pub fn load_more(&self) {
        if let Some(cursor) = self.next.get_untracked() {
            if !self.more.pending().get_untracked() {
                self.more.dispatch(cursor);
            }
        }
    }

    /// Whether a next page is being read.
    pub fn loading_more(&self) -> bool {
        self.more.pending().get()
    }

    /// Whether there is a next page to ask for (and none is being read).
    pub fn can_load_more(&self) -> bool {
        self.next.with(Option::is_some) && !self.loading_more()
    }
}
