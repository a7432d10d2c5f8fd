"""The statement (рахунок-повідомлення) as a PDF, drawn with fpdf2 in the project's own font.

fpdf2 is pure Python and embeds a subset of a TrueType font, so Cyrillic and the hryvnia sign
print the same on every machine with no system packages (see docs/decisions.md). The texts
are in the language active when it is called.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from kabinet.periods import month_name

from . import formatting
from .selectors import MonthSummary, Statement

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
GREY = (235, 238, 242)

# fontTools reports every step of subsetting the font at INFO: some forty lines per PDF in the
# server's log, saying nothing an operator needs.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class PaymentQr:
    """A payment QR code to print under the amount due: the PNG and the line that explains it.

    Made by the payments app (kabinet.payments.qr), which sits above billing.
    """

    image: bytes
    caption: str


def _new_document(*, title: str, subject: str, compress: bool) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.compress = compress
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FAMILY, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_subject(subject)
    pdf.set_creator("Kabinet")
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str, size: float = 12) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", size)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)


def _ledger(pdf: FPDF, month: MonthSummary) -> None:
    bold = FontFace(emphasis="BOLD", fill_color=GREY)
    with pdf.table(
        col_widths=(55, 85, 40),
        text_align=("LEFT", "LEFT", "RIGHT"),
        headings_style=bold,
        line_height=6,
    ) as table:
        table.row([_("Item"), _("Details"), _("Amount")])
        table.row([_("Opening balance"), "", formatting.format_money(month.opening)])
        for line in month.lines:
            table.row(
                [
                    formatting.line_title(line),
                    formatting.line_details(line),
                    formatting.format_money(line.effect),
                ]
            )
        row = table.row(style=bold)
        row.cell(_("Closing balance"))
        row.cell(formatting.balance_word(month.closing))
        row.cell(formatting.format_money(month.closing))


def _readings(pdf: FPDF, statement: Statement) -> None:
    if not statement.readings:
        pdf.multi_cell(0, 6, _("No meter readings in this period."), new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(
        col_widths=(45, 45, 40, 50),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=GREY),
        line_height=6,
    ) as table:
        table.row([_("Meter"), _("Service"), _("Date"), _("Reading")])
        for reading in statement.readings:
            table.row(
                [
                    reading.serial,
                    capfirst(formatting.service_label(reading.service)),
                    date_format(reading.reading_date, "SHORT_DATE_FORMAT"),
                    formatting.format_reading(reading.value, decimals=reading.decimals),
                ]
            )


def statement_pdf(
    *, statement: Statement, compress: bool = True, payment_qr: PaymentQr | None = None
) -> bytes:
    """Return the statement as a PDF document (A4). `compress=False` keeps the text readable."""
    account = statement.account
    month = statement.month
    period_name = month_name(month.period)
    title = _("Statement")
    pdf = _new_document(
        title=f"{title} {account.number} {period_name}",
        subject=f"{account.provider.name}, {account.number}",
        compress=compress,
    )

    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, account.provider.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font(FAMILY, "", 10)
    facts = [
        (_("Account"), account.number),
        (_("Account holder"), formatting.format_holder(account)),
        (_("Address"), formatting.format_address(account)),
        (_("Billing period"), period_name),
    ]
    with pdf.table(
        col_widths=(55, 125), first_row_as_headings=False, borders_layout="NONE", line_height=6
    ) as table:
        for label, value in facts:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)

    _heading(pdf, _("Charges and payments"))
    _ledger(pdf, month)

    if month.closing > 0:
        total_label = _("Debt")
    elif month.closing < 0:
        total_label = _("Overpayment")
    else:
        total_label = _("Nothing owed")
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(
        0,
        7,
        f"{total_label}: {formatting.format_money(abs(month.closing))}",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    if payment_qr is not None:
        _payment_qr(pdf, payment_qr)

    _heading(pdf, _("Meter readings of the period"))
    _readings(pdf, statement)
    return bytes(pdf.output())


def _payment_qr(pdf: FPDF, qr: PaymentQr) -> None:
    pdf.ln(2)
    pdf.image(io.BytesIO(qr.image), w=40, h=40)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(
        0,
        4,
        qr.caption,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FAMILY, "", 10)
