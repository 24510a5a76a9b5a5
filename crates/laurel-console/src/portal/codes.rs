//! Codes a till scans from the member's phone, drawn on the server as inline SVG: a QR code
//! (a coupon's code, the member code) and a Code 128 barcode (the member code, for tills
//! whose scanners read only one-dimensional codes).

use barcoders::generators::svg::SVG;
use barcoders::sym::code128::Code128;
use qrcode::QrCode;
use qrcode::render::svg;

/// Code 128's switch to character set B (printable ASCII), which every code starts with.
const SET_B: char = 'Ɓ';
/// The barcode's height in its own units (one unit is the narrowest bar).
const BAR_HEIGHT: u32 = 60;

/// `text` as an inline SVG QR code (no XML declaration: it sits inside the page), hidden from
/// screen readers, which read the text shown beside it; empty when `text` is too long for
/// one, which our codes never are (the text still shows).
pub(crate) fn qr_svg(text: &str) -> String {
    let Ok(qr) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let image = qr
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    match image.find("<svg") {
        Some(start) => image[start..].replacen(
            "<svg ",
            "<svg role=\"img\" aria-hidden=\"true\" class=\"qr\" ",
            1,
        ),
        None => String::new(),
    }
}

/// `text` as an inline SVG Code 128 barcode, scaled by the page and drawn with crisp edges
/// so a scanner sees whole bars; `None` when `text` has a character Code 128's printable
/// set lacks (a member id with one is shown as QR code and text only).
pub(crate) fn barcode_svg(text: &str) -> Option<String> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return None;
    }
    let bars = Code128::new(format!("{SET_B}{text}")).ok()?.encode();
    let image = SVG::new(BAR_HEIGHT).generate(&bars).ok()?;
    Some(image.replacen(
        "<svg ",
        "<svg role=\"img\" aria-hidden=\"true\" class=\"barcode\" preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" ",
        1,
    ))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_member_id_of_printable_ascii_is_a_barcode_and_a_qr_code() {
        let bars = barcode_svg("CUST-42").expect("a barcode");
        assert!(bars.starts_with("<svg ") && bars.contains("class=\"barcode\""));
        assert!(bars.matches("<rect").count() > 10, "bars drawn: {bars}");
        assert!(qr_svg("CUST-42").contains("class=\"qr\""));
    }

    #[test]
    fn an_id_code_128_cannot_carry_has_no_barcode() {
        assert_eq!(barcode_svg("会员-7"), None);
        assert_eq!(barcode_svg(""), None);
        assert!(
            qr_svg("会员-7").contains("<svg"),
            "the QR code carries any text"
        );
    }
}
