"""QR codes of vouchers, drawn as SVG by segno (pure Python): what the counter scans is the code itself,
so any hand-held scanner that types into the counter page's field works too."""

import segno


def voucher_qr(code: str) -> segno.QRCode:
    return segno.make(code, error="m")


def voucher_qr_data_uri(code: str) -> str:
    """`data:image/svg+xml,…`: an image a client can show as is."""
    return voucher_qr(code).svg_data_uri(scale=6, border=2)


def voucher_qr_svg(code: str) -> str:
    """Inline SVG markup for the voucher page (scales with CSS, prints sharp)."""
    return voucher_qr(code).svg_inline(
        scale=8, border=2, omitsize=True, svgclass="voucher-qr__svg", lineclass=None
    )
