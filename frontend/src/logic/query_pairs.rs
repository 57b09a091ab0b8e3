//! The query pairs of a wire parameters struct (`DialogFilter`,
//! `RecordParams`, …), for `url::query`.
//!
//! A serializer of its own rather than `serde_json::to_value`: the
//! parameters are flat structs of scalars, and going through a JSON `Value`
//! compiled a map, a number formatter and a `Value` serializer per struct
//! into the first load (BENCHMARKS.md, the bundle entries).

use serde::{ser, Serialize};

/// One pair per field that is set, in field order. A field that is not a
/// scalar (none is, today) is left out; a value that is not a struct has
/// no pairs.
pub fn pairs_of(params: &impl Serialize) -> Vec<(String, String)> {
    let mut pairs = Pairs(Vec::new());
    match params.serialize(&mut pairs) {
        Ok(()) => pairs.0,
        Err(NotAScalar) => Vec::new(),
    }
}

/// Collects `(field, value)` pairs of one struct.
struct Pairs(Vec<(String, String)>);

/// A value that has no single query form (a list, a map, a nested struct).
#[derive(Debug)]
struct NotAScalar;

impl std::fmt::Display for NotAScalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a scalar")
    }
}

impl std::error::Error for NotAScalar {}

impl ser::Error for NotAScalar {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotAScalar
    }
}

type Refused = ser::Impossible<(), NotAScalar>;
type RefusedScalar = ser::Impossible<Option<String>, NotAScalar>;

/// The methods of a `ser::Serializer` for what has no query form here: an
/// enum variant with data, a list, a tuple, a map. `$ok` is the
/// serializer's `Ok`, `$refused` its `Impossible` compound.
macro_rules! refuse_compounds {
    ($ok:ty, $refused:ty) => {
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, NotAScalar> {
            Err(NotAScalar)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<$refused, NotAScalar> {
            Err(NotAScalar)
        }
        fn serialize_tuple(self, _: usize) -> Result<$refused, NotAScalar> {
            Err(NotAScalar)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<$refused, NotAScalar> {
            Err(NotAScalar)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<$refused, NotAScalar> {
            Err(NotAScalar)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<$refused, NotAScalar> {
            Err(NotAScalar)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<$refused, NotAScalar> {
            Err(NotAScalar)
        }
    };
}

impl ser::SerializeStruct for &mut Pairs {
    type Ok = ();
    type Error = NotAScalar;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotAScalar> {
        // An unset option adds nothing; a nested value is skipped rather
        // than failing the whole query.
        if let Ok(Some(text)) = value.serialize(Scalar) {
            self.0.push((key.to_owned(), text));
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAScalar> {
        Ok(())
    }
}

/// Only a struct has pairs; anything else serializes to none.
impl ser::Serializer for &mut Pairs {
    type Ok = ();
    type Error = NotAScalar;
    type SerializeSeq = Refused;
    type SerializeTuple = Refused;
    type SerializeTupleStruct = Refused;
    type SerializeTupleVariant = Refused;
    type SerializeMap = Refused;
    type SerializeStruct = Self;
    type SerializeStructVariant = Refused;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotAScalar> {
        Ok(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_i64(self, _: i64) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_u64(self, _: u64) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_f64(self, _: f64) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_i8(self, _: i8) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_i16(self, _: i16) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_i32(self, _: i32) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_u8(self, _: u8) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_u16(self, _: u16) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_u32(self, _: u32) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_f32(self, _: f32) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_char(self, _: char) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_str(self, _: &str) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_none(self) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_unit(self) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotAScalar> {
        value.serialize(self)
    }
    refuse_compounds!((), Refused);
}

/// The query form of one field: `None` for an unset option, text for a
/// string, a number, a bool or a unit enum variant (its serde name).
struct Scalar;

impl ser::Serializer for Scalar {
    type Ok = Option<String>;
    type Error = NotAScalar;
    type SerializeSeq = RefusedScalar;
    type SerializeTuple = RefusedScalar;
    type SerializeTupleStruct = RefusedScalar;
    type SerializeTupleVariant = RefusedScalar;
    type SerializeMap = RefusedScalar;
    type SerializeStruct = RefusedScalar;
    type SerializeStructVariant = RefusedScalar;

    fn serialize_bool(self, v: bool) -> Result<Option<String>, NotAScalar> {
        Ok(Some(if v { "true" } else { "false" }.to_owned()))
    }
    fn serialize_i64(self, v: i64) -> Result<Option<String>, NotAScalar> {
        Ok(Some(v.to_string()))
    }
    fn serialize_u64(self, v: u64) -> Result<Option<String>, NotAScalar> {
        Ok(Some(v.to_string()))
    }
    fn serialize_i8(self, v: i8) -> Result<Option<String>, NotAScalar> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Option<String>, NotAScalar> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Option<String>, NotAScalar> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<Option<String>, NotAScalar> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Option<String>, NotAScalar> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Option<String>, NotAScalar> {
        self.serialize_u64(v.into())
    }
    // No parameter is a float; formatting one would compile in a float
    // printer for nothing.
    fn serialize_f32(self, _: f32) -> Result<Option<String>, NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_f64(self, _: f64) -> Result<Option<String>, NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_char(self, v: char) -> Result<Option<String>, NotAScalar> {
        Ok(Some(v.into()))
    }
    fn serialize_str(self, v: &str) -> Result<Option<String>, NotAScalar> {
        Ok(Some(v.to_owned()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Option<String>, NotAScalar> {
        Err(NotAScalar)
    }
    fn serialize_none(self) -> Result<Option<String>, NotAScalar> {
        Ok(None)
    }
    fn serialize_some<T: ?Sized + Serialize>(
        self,
        value: &T,
    ) -> Result<Option<String>, NotAScalar> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Option<String>, NotAScalar> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Option<String>, NotAScalar> {
        Ok(None)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Option<String>, NotAScalar> {
        Ok(Some(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Option<String>, NotAScalar> {
        value.serialize(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<RefusedScalar, NotAScalar> {
        Err(NotAScalar)
    }
    refuse_compounds!(Option<String>, RefusedScalar);
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialogdesk_domain::View;

    #[test]
    fn wire_parameters_become_pairs_of_the_fields_that_are_set() {
        use dialogdesk_domain::wire::{DialogFilter, DialogListParams, DialogSort};
        use dialogdesk_domain::TagId;
        let filter = DialogFilter {
            q: Some("Анна".into()),
            tag_id: Some(TagId(3)),
            ..DialogFilter::default()
        };
        let params = DialogListParams {
            view: Some(View::Manual),
            sort: Some(DialogSort::ClientName),
            limit: Some(50),
            ..DialogListParams::default()
        };
        let mut pairs = pairs_of(&filter);
        pairs.extend(pairs_of(&params));
        // In field order: the filter's, then the list's.
        let expected = [
            ("q", "Анна"),
            ("tag_id", "3"),
            ("view", "manual"),
            ("sort", "client_name"),
            ("limit", "50"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn dates_and_enums_take_their_wire_form() {
        use chrono::TimeZone;
        use dialogdesk_domain::wire::{CsvLang, CsvParams, RecordParams};
        let params = RecordParams {
            from: Some(chrono::Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()),
            ..RecordParams::default()
        };
        let csv = CsvParams {
            lang: Some(CsvLang::Ru),
        };
        let mut pairs = pairs_of(&params);
        pairs.extend(pairs_of(&csv));
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(text, ["from=2026-03-01T00:00:00Z", "lang=ru"]);
        assert!(pairs_of(&42).is_empty());
        assert!(pairs_of(&RecordParams::default()).is_empty());
    }
}
