"""Input and output shapes of API v1 (plain serializers; no model knows about them)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kabinet.metering.models import Reading
from kabinet.providers.service_kinds import Service


def format_reading(value: Decimal, decimals: int) -> str:
    return format(value.quantize(Decimal(1).scaleb(-decimals)), "f")


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    provider = serializers.CharField(source="provider.code")
    provider_name = serializers.CharField(source="provider.name")
    address = serializers.CharField()
    holder = serializers.CharField()
    closed = serializers.BooleanField()
    period = serializers.CharField(allow_null=True, help_text="Latest billing period, YYYY-MM.")
    balance = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Closing balance of `period` in UAH: positive is a debt, negative an "
        "overpayment.",
    )


class LedgerEntrySerializer(serializers.Serializer):
    period = serializers.CharField()
    kind = serializers.CharField()
    service = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    volume = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True)
    tariff = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    zone = serializers.CharField(
        allow_blank=True, help_text="A charge of one zone of a multi-zone meter: `day`, `night`, …"
    )
    payment_date = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class MeterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    service = serializers.ChoiceField(choices=Service.choices)
    digits = serializers.IntegerField()
    decimals = serializers.IntegerField()
    installed_date = serializers.DateField(allow_null=True)
    verify_by_date = serializers.DateField(allow_null=True)
    in_service = serializers.BooleanField()
    zones = serializers.IntegerField(
        help_text="Registers on the counter: `1`, `2` (day, night) or `3` (peak, half_peak, "
        "night). A multi-zone meter's reading is submitted with `zones`."
    )


class ReadingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meter = serializers.IntegerField(source="meter_id")
    date = serializers.DateField(source="reading_date")
    zone = serializers.CharField(
        allow_blank=True, help_text="`day`, `night`, `peak`, `half_peak`; empty for one zone."
    )
    value = serializers.SerializerMethodField(method_name="value_text")
    source = serializers.ChoiceField(choices=Reading.Source.choices)  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=Reading.Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)

    def value_text(self, reading: Reading) -> str:
        return format_reading(reading.value, reading.meter.decimals)


class ReadingSubmitSerializer(serializers.Serializer):
    value = serializers.CharField(
        max_length=40,
        required=False,
        help_text="The counter's value, e.g. `1234.567` (a comma works too). A multi-zone "
        "meter takes `zones` instead.",
    )
    zones = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        help_text="A multi-zone meter's values by zone, all of them at once: "
        '`{"day": "1234.5", "night": "567.8"}`. One zone refused stores nothing.',
    )
    date = serializers.DateField(
        required=False, help_text="The day it was read (default: today, Kyiv time)."
    )
    confirm_wrap = serializers.BooleanField(
        default=False, help_text="Confirm that the counter went past its last digit."
    )
    confirm_implausible = serializers.BooleanField(
        default=False, help_text="Confirm a value far above the meter's usual use."
    )


class ZoneSubmittedSerializer(serializers.Serializer):
    zone = serializers.CharField()
    reading = ReadingSerializer()
    consumption = serializers.CharField(allow_null=True)
    replaced = serializers.BooleanField()
    unchanged = serializers.BooleanField()


class ReadingSubmittedSerializer(serializers.Serializer):
    reading = ReadingSerializer(help_text="The reading; of a multi-zone meter, its first zone's.")
    zones = ZoneSubmittedSerializer(
        many=True, help_text="A multi-zone meter's readings, one per zone; empty for one zone."
    )
    period = serializers.CharField(help_text="The billing month it counts for, YYYY-MM.")
    consumption = serializers.CharField(allow_null=True)
    replaced = serializers.BooleanField()
    unchanged = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class ProviderSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    service = serializers.CharField()


class ImportRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField(source="provider.code")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    dry_run = serializers.BooleanField()
    files = serializers.ListField(child=serializers.CharField(), source="file_names")
    status = serializers.ChoiceField(
        choices=["queued", "running", "done", "rejected", "failed"],
        help_text="`queued` and `running`: poll again; `done`, `rejected`, `failed`: final.",
    )
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    counts = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per file kind: inserted, updated, unchanged.",
    )
    errors = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="`file:line: column: reason`, the first 1000."
    )
    error_total = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)


class ImportRequestSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=40, help_text="The provider's code.")
    files = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, help_text="One or more CSV/DBF files."
    )
    dry_run = serializers.BooleanField(default=False)
    encoding = serializers.ChoiceField(
        choices=["", "utf-8", "cp1251", "cp866"], required=False, default=""
    )


class ExportQuerySerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=40)
    period = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text="YYYY-MM")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    format = serializers.ChoiceField(choices=["csv", "dbf"], default="csv")

    def validate(self, attrs):
        from kabinet.periods import InvalidPeriod, parse_period, period_end

        if attrs.get("period"):
            try:
                start = parse_period(attrs["period"])
            except InvalidPeriod:
                raise serializers.ValidationError(
                    {"period": _("Give the period as year and month, e.g. 2026-03.")}
                ) from None
            attrs["date_from"], attrs["date_to"] = start, period_end(start)
        elif not (attrs.get("date_from") and attrs.get("date_to")):
            raise serializers.ValidationError(_("Give a period, or both dates of a range."))
        elif attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError(_("The range ends before it starts."))
        return attrs


class LedgerQuerySerializer(serializers.Serializer):
    period = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, help_text="YYYY-MM (default: the latest period)"
    )
