//! PDFs written by the tests with lopdf: a one-page document, with
//! fields a fillable form (AcroForm).
#![allow(dead_code)]

use lopdf::{Document, Object, dictionary};

/// A field of a test form.
pub enum Field {
    Text(&'static str, &'static str),
    Check(&'static str, bool),
    /// A parent holding one text field: `parent.child`.
    Nested(&'static str, &'static str, &'static str),
}

/// A one-page PDF; with fields, a fillable form (AcroForm).
pub fn pdf(fields: &[Field]) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if !fields.is_empty() {
        let mut ids: Vec<Object> = Vec::new();
        for f in fields {
            let id = match f {
                Field::Text(name, value) => doc.add_object(dictionary! {
                    "FT" => "Tx", "T" => lopdf::text_string(name), "V" => lopdf::text_string(value),
                }),
                Field::Check(name, on) => doc.add_object(dictionary! {
                    "FT" => "Btn", "T" => lopdf::text_string(name),
                    "V" => Object::Name(if *on { b"Yes".to_vec() } else { b"Off".to_vec() }),
                }),
                Field::Nested(parent, child, value) => {
                    let kid = doc.add_object(dictionary! {
                        "FT" => "Tx", "T" => lopdf::text_string(child), "V" => lopdf::text_string(value),
                    });
                    doc.add_object(dictionary! {
                        "T" => lopdf::text_string(parent), "Kids" => vec![kid.into()],
                    })
                }
            };
            ids.push(id.into());
        }
        catalog.set("AcroForm", dictionary! { "Fields" => ids });
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    doc
}

pub fn bytes(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}
