"""The receipt (квитанція про оплату) of one payment as a PDF, drawn with fpdf2 in the
project's own font, as the statement is (kabinet.billing.statement_pdf)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from kabinet.billing import formatting
from kabinet.billing.statement_pdf import FAMILY, FONTS_DIR

from .models import Merchant, Payment


def receipt_facts(*, payment: Payment, merchant: Merchant | None) -> list[tuple[str, str]]:
    """Return the receipt's lines (label, value), in the active language."""
    provider = payment.account.provider
    paid_at = timezone.localtime(payment.paid_at) if payment.paid_at else None
    return [
        (_("Recipient"), (merchant.legal_name if merchant else "") or provider.name),
        (_("EDRPOU code"), merchant.edrpou if merchant else ""),
        (_("Account"), payment.account.number),
        (_("Purpose"), payment.description),
        (_("Amount"), formatting.format_money(payment.amount)),
        (_("Paid at"), date_format(paid_at, "DATETIME_FORMAT") if paid_at else ""),
        (_("Order"), payment.order_id),
        (_("Gateway's payment id"), payment.gateway_payment_id),
        (_("Status"), str(payment.get_status_display())),
    ]


def receipt_pdf(*, payment: Payment, merchant: Merchant | None, compress: bool = True) -> bytes:
    """Return the receipt as a PDF document (A5). `compress=False` keeps the text readable."""
    pdf = FPDF(orientation="portrait", unit="mm", format=(148, 210))  # A5
    pdf.compress = compress
    pdf.set_margins(12, 12, 12)
    pdf.add_font(FAMILY, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    title = _("Payment receipt")
    pdf.set_title(f"{title} {payment.order_id}")
    pdf.set_creator("Kabinet")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(
        col_widths=(40, 84), first_row_as_headings=False, borders_layout="NONE", line_height=5
    ) as table:
        for label, value in receipt_facts(payment=payment, merchant=merchant):
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)
    pdf.ln(4)
    pdf.multi_cell(
        0,
        5,
        _(
            "Paid through the portal; the utility confirms the payment when it appears "
            "in your account's ledger."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
