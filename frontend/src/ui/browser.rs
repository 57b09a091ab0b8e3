//! What only the browser knows.

/// The browser's offset from UTC, in minutes west (as `Date.getTimezoneOffset`).
pub fn js_sys_offset() -> i32 {
    js_sys::Date::new_0().get_timezone_offset() as i32
}

/// Hands `bytes` to the browser as a download named `name`: a Blob behind
/// a temporary object URL, clicked through an unattached link, then freed.
pub fn save_file(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    // The browser's own message; `{:?}` of a JsValue would compile in
    // wasm-bindgen's whole value printer for this one rare error.
    let fail = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .unwrap_or_else(|| "the browser refused the download".to_owned())
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let link = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?
        .create_element("a")
        .map_err(fail)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "not a link".to_owned())?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url).map_err(fail)
}

/// Moves keyboard focus to the element that matches `selector`, if any.
pub fn focus(selector: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Moves keyboard focus `step` places through the elements matching
/// `selector` (from the focused one; to the first when none is focused).
pub fn move_focus(selector: &str, step: isize) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = document.query_selector_all(selector) else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let active = document.active_element();
    let at = items.iter().position(|e| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    });
    let next = match at {
        Some(i) => (i as isize + step).clamp(0, items.len() as isize - 1) as usize,
        None => 0,
    };
    if let Some(element) = items.get(next) {
        let _ = element.focus();
    }
}
