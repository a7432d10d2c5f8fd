"""`kabinet export_readings --provider CODE (--period YYYY-MM | --from DATE --to DATE)
[--format csv|dbf] [--output FILE]`."""

from kabinet.exchange.export_command import ExportCommand
from kabinet.exchange.exporter import readings_export


class Command(ExportCommand):
    help = "Export the readings subscribers submitted, for the billing system."
    export = staticmethod(readings_export)
