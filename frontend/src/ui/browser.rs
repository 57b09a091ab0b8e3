//! What only the browser knows.

/// The browser's offset from UTC, in minutes west (as `Date.getTimezoneOffset`).
pub fn js_sys_offset() -> i32 {
    js_sys::Date::new_0().get_timezone_offset() as i32
}
