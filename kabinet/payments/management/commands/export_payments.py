"""`kabinet export_payments --provider CODE (--period YYYY-MM | --from DATE --to DATE)
[--format csv|dbf] [--output FILE]`."""

from kabinet.exchange.export_command import ExportCommand
from kabinet.payments.export import payments_export


class Command(ExportCommand):
    help = "Export what subscribers paid through the portal, for the billing system."
    export = staticmethod(payments_export)
