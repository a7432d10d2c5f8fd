# SQL here is built from model table names, fixed column names and the code's own zone names
# only; every value read from a file travels as a parameter or through COPY.
# ruff: noqa: S608
"""Applying each kind: the staged rows checked against the tables (a street, an account, a
meter that must exist, a zone the meter has) and written with a few INSERT ... SELECT ... ON
CONFLICT statements. Counts of inserted, updated and unchanged rows are computed in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from kabinet.metering.models import Reading
from kabinet.metering.zones import ZONES_BY_COUNT

from .ledger import LedgerLoader
from .report import Checks, KindCounts
from .staging import (
    T_ACCOUNT,
    T_LEDGER,
    T_METER,
    T_PROVIDER,
    T_READING,
    T_STREET,
    T_STREET_NAME,
    Database,
    stage,
)

PORTAL_SOURCES = tuple(str(source) for source in Reading.PORTAL_SOURCES)
# A reading's zone is one of its meter's: `(m.zones = 2 AND s.zone IN ('day', 'night')) OR ...`
_ZONE_FITS = " OR ".join(
    f"(m.zones = {count} AND s.zone IN ({', '.join(repr(str(zone)) for zone in zones)}))"
    for count, zones in ZONES_BY_COUNT.items()
)


class Applier:
    """Writes the staged rows of each kind into the portal's tables."""

    def __init__(
        self, db: Database, checks: Checks, failed_kinds: set[str], ledger: LedgerLoader | None
    ) -> None:
        self.db = db
        self.checks = checks
        self.failed_kinds = failed_kinds
        self.ledger = ledger

    def apply(self, kind: str) -> KindCounts:
        return {
            "providers": self.apply_providers,
            "streets": self.apply_streets,
            "accounts": self.apply_accounts,
            "meters": self.apply_meters,
            "readings": self.apply_readings,
            "ledger": self.apply_ledger,
        }[kind]()

    def _report_missing_accounts(self, name: str) -> None:
        if "accounts" not in self.failed_kinds:
            # Otherwise the invalid account rows were reported; their rows would only echo them.
            self.checks.report_missing_accounts(name)

    def upsert(
        self,
        *,
        name: str,
        target: str,
        resolved: str,
        columns: Sequence[str],
        keys: Sequence[str],
        updates: Sequence[str],
        guard: str = "",
    ) -> KindCounts:
        """Insert or update `target` from the `resolved` SELECT (which yields `columns`)."""
        db = self.db
        staged = db.scalar(f"SELECT COUNT(*) FROM {stage(name)}")
        # Into an empty table (a first delivery) everything written is inserted: the count
        # of new keys, a lookup a staged row, is only needed otherwise.
        was_empty = not db.scalar(f"SELECT EXISTS (SELECT 1 FROM {target})")
        key_match = " AND ".join(f"t.{k} = r.{k}" for k in keys)
        inserted = (
            0
            if was_empty
            else db.scalar(
                f"SELECT COUNT(*) FROM ({resolved}) AS r"
                f" WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {key_match})"
            )
        )
        changed = " OR ".join(f"{target}.{col} {db.distinct} excluded.{col}" for col in updates)
        where = f"({changed})" + (f" AND {guard}" if guard else "")
        column_list = ", ".join(columns)
        db.cursor.execute(
            f"INSERT INTO {target} ({column_list})"
            f" SELECT {column_list} FROM ({resolved}) AS r WHERE true"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{col} = excluded.{col}" for col in updates)
            + f" WHERE {where}"
        )
        written = max(db.cursor.rowcount, 0)
        if was_empty:
            inserted = written
        return KindCounts(inserted=inserted, updated=written - inserted, unchanged=staged - written)

    def apply_providers(self) -> KindCounts:
        # A new provider's other settings (the implausible-reading factor, ...) take their
        # database defaults.
        columns = ["code", "name", "service", "read_from", "read_to", "cutoff", "meter_required"]
        return self.upsert(
            name="providers",
            target=T_PROVIDER,
            resolved=f"SELECT {', '.join(columns)} FROM {stage('providers')}",
            columns=columns,
            keys=["code"],
            updates=columns[1:],
        )

    def apply_streets(self) -> KindCounts:
        db, distinct = self.db, self.db.distinct
        stage_, names = stage("streets"), stage("street_names")
        staged = db.scalar(f"SELECT COUNT(*) FROM {stage_}")
        street_of = "st.provider_id = s.provider_id AND st.street_id = s.street_code"
        new = db.scalar(
            f"SELECT COUNT(*) FROM {stage_} AS s"
            f" WHERE NOT EXISTS (SELECT 1 FROM {T_STREET} AS st WHERE {street_of})"
        )
        changed = db.scalar(
            f"SELECT COUNT(*) FROM {stage_} AS s JOIN {T_STREET} AS st ON {street_of}"
            f" WHERE st.type {distinct} s.type OR st.name {distinct} s.name"
            f" OR EXISTS (SELECT 1 FROM {names} AS sn"
            "  WHERE sn.provider_id = s.provider_id AND sn.street_code = s.street_code"
            f"  AND NOT EXISTS (SELECT 1 FROM {T_STREET_NAME} AS n WHERE n.street_id = st.id"
            "   AND n.name_key = sn.name_key AND n.name = sn.name"
            "   AND n.position = sn.position AND n.is_current = sn.is_current))"
            f" OR EXISTS (SELECT 1 FROM {T_STREET_NAME} AS n WHERE n.street_id = st.id"
            f"  AND NOT EXISTS (SELECT 1 FROM {names} AS sn"
            "   WHERE sn.provider_id = s.provider_id AND sn.street_code = s.street_code"
            "   AND sn.name_key = n.name_key))"
        )
        db.cursor.execute(
            f"INSERT INTO {T_STREET} (provider_id, street_id, type, name)"
            f" SELECT provider_id, street_code, type, name FROM {stage_} WHERE true"
            " ON CONFLICT (provider_id, street_id) DO UPDATE SET"
            " type = excluded.type, name = excluded.name"
            f" WHERE {T_STREET}.type {distinct} excluded.type"
            f" OR {T_STREET}.name {distinct} excluded.name"
        )
        # Former names that the file no longer lists go; the rest are upserted.
        db.cursor.execute(
            f"DELETE FROM {T_STREET_NAME} WHERE id IN ("
            f" SELECT n.id FROM {T_STREET_NAME} AS n JOIN {T_STREET} AS st ON st.id = n.street_id"
            f" JOIN {stage_} AS s ON {street_of}"
            f" WHERE NOT EXISTS (SELECT 1 FROM {names} AS sn"
            "  WHERE sn.provider_id = s.provider_id AND sn.street_code = s.street_code"
            "  AND sn.name_key = n.name_key))"
        )
        db.cursor.execute(
            f"INSERT INTO {T_STREET_NAME} (street_id, name, name_key, is_current, position)"
            f" SELECT st.id, sn.name, sn.name_key, sn.is_current, sn.position FROM {names} AS sn"
            f" JOIN {T_STREET} AS st ON st.provider_id = sn.provider_id"
            " AND st.street_id = sn.street_code WHERE true"
            " ON CONFLICT (street_id, name_key) DO UPDATE SET name = excluded.name,"
            " is_current = excluded.is_current, position = excluded.position"
            f" WHERE {T_STREET_NAME}.name {distinct} excluded.name"
            f" OR {T_STREET_NAME}.is_current {distinct} excluded.is_current"
            f" OR {T_STREET_NAME}.position {distinct} excluded.position"
        )
        return KindCounts(inserted=new, updated=changed, unchanged=staged - new - changed)

    def apply_accounts(self) -> KindCounts:
        stage_ = stage("accounts")
        if "streets" not in self.failed_kinds:
            self.checks.report_query(
                f"SELECT file_no, line, street_code FROM {stage_} AS s WHERE NOT EXISTS"
                f" (SELECT 1 FROM {T_STREET} AS st"
                "  WHERE st.provider_id = s.provider_id AND st.street_id = s.street_code)",
                [],
                "street_id",
                lambda row: (
                    _("street %(code)s does not exist: import it in a streets file")
                    % {"code": row[2]}
                ),
            )
        fields = [
            "house",
            "house_key",
            "korpus",
            "korpus_key",
            "apartment",
            "apartment_key",
            "surname",
            "surname_key",
            "name",
            "patronymic",
            "persons",
            "opened_date",
            "closed_date",
        ]
        resolved = (
            "SELECT s.provider_id, s.number, st.id AS street_id, "
            + ", ".join(f"s.{f}" for f in fields)
            + f" FROM {stage_} AS s JOIN {T_STREET} AS st"
            " ON st.provider_id = s.provider_id AND st.street_id = s.street_code"
        )
        return self.upsert(
            name="accounts",
            target=T_ACCOUNT,
            resolved=resolved,
            columns=["provider_id", "number", "street_id", *fields],
            keys=["provider_id", "number"],
            updates=["street_id", *fields],
        )

    def apply_meters(self) -> KindCounts:
        self._report_missing_accounts("meters")
        fields = [
            "service",
            "digits",
            "decimals",
            "installed_date",
            "verify_by_date",
            "initial",
            "removed_date",
            "zones",
            "serial_key",
        ]
        resolved = (
            "SELECT a.id AS account_id, s.serial, "
            + ", ".join(f"s.{f}" for f in fields)
            + f" FROM {stage('meters')} AS s JOIN {T_ACCOUNT} AS a"
            " ON a.provider_id = s.provider_id AND a.number = s.account_number"
        )
        return self.upsert(
            name="meters",
            target=T_METER,
            resolved=resolved,
            columns=["account_id", "serial", *fields],
            keys=["account_id", "serial"],
            updates=fields,
        )

    def apply_readings(self) -> KindCounts:
        stage_ = stage("readings")
        self._report_missing_accounts("readings")
        meter_of = (
            f" FROM {stage_} AS s"
            f" JOIN {T_ACCOUNT} AS a ON a.provider_id = s.provider_id"
            " AND a.number = s.account_number"
        )
        if "meters" not in self.failed_kinds:
            self.checks.report_query(
                f"SELECT s.file_no, s.line, s.serial AS serial {meter_of}"
                f" WHERE NOT EXISTS (SELECT 1 FROM {T_METER} AS m"
                "  WHERE m.account_id = a.id AND m.serial = s.serial)",
                [],
                "meter",
                lambda row: (
                    _("meter %(serial)s is not on this account: import it in a meters file")
                    % {"serial": row[2]}
                ),
            )
        meter_of += f" JOIN {T_METER} AS m ON m.account_id = a.id AND m.serial = s.serial"
        self.checks.report_query(
            f"SELECT s.file_no, s.line, s.zone, m.serial, m.zones {meter_of}"
            f" WHERE NOT ({_ZONE_FITS})",
            [],
            "zone",
            _zone_misfit,
        )
        resolved = (
            "SELECT m.id AS meter_id, s.reading_date, s.zone, s.value, s.source,"
            f" 'accepted' AS status {meter_of}"
        )
        protected = ", ".join(f"'{source}'" for source in PORTAL_SOURCES)
        # What a subscriber or operator submitted in the portal is never overwritten.
        return self.upsert(
            name="readings",
            target=T_READING,
            resolved=resolved,
            columns=["meter_id", "reading_date", "zone", "value", "source", "status"],
            keys=["meter_id", "reading_date", "zone"],
            updates=["value", "source"],
            guard=f"{T_READING}.source NOT IN ({protected})",
        )

    def apply_ledger(self) -> KindCounts:
        """Replace, for each (account, period) in the files, all its ledger rows.

        A group whose rows are all already there, in the same order, is left alone.
        """
        db = self.db
        stage_ = stage("ledger")
        groups = stage("ledger_groups")
        direct = self.ledger.direct if self.ledger else 0
        account_of = "a.provider_id = s.provider_id AND a.number = s.account_number"
        compared = [
            "kind",
            "service",
            "amount",
            "volume",
            "tariff",
            "payment_date",
            "note",
            "zone",
            "reference",
        ]
        columns = ", ".join(compared)
        staged_columns = ", ".join(f"s.{c}" for c in compared)
        insert = (
            f"INSERT INTO {T_LEDGER} (account_id, period, {columns}, position)"
            f" SELECT a.id, s.period, {staged_columns}, s.line"
            f" FROM {stage_} AS s JOIN {T_ACCOUNT} AS a ON {account_of}"
        )
        if not db.scalar(f"SELECT COUNT(*) FROM {stage_}"):
            return KindCounts(inserted=direct)
        cursor = db.cursor
        cursor.execute(f"DROP TABLE IF EXISTS {groups}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {groups} AS"
            " SELECT a.id AS account_id, s.period AS period, COUNT(*) AS n,"
            " 0 AS existing, 0 AS same"
            f" FROM {stage_} AS s JOIN {T_ACCOUNT} AS a ON {account_of} GROUP BY a.id, s.period"
        )
        cursor.execute(f"CREATE INDEX {groups}_key ON {groups} (account_id, period)")
        cursor.execute(
            f"CREATE INDEX {stage_}_key ON {stage_} (provider_id, account_number, period)"
        )
        cursor.execute(
            f"UPDATE {groups} SET existing = (SELECT COUNT(*) FROM {T_LEDGER} AS l"
            f" WHERE l.account_id = {groups}.account_id AND l.period = {groups}.period)"
        )
        same_row = " AND ".join(f"l.{c} {db.same} s.{c}" for c in compared)
        cursor.execute(
            f"UPDATE {groups} SET same = 1 WHERE existing = n AND NOT EXISTS ("
            f" SELECT 1 FROM {T_ACCOUNT} AS a JOIN {stage_} AS s ON {account_of}"
            f" WHERE a.id = {groups}.account_id AND s.period = {groups}.period"
            f" AND NOT EXISTS (SELECT 1 FROM {T_LEDGER} AS l WHERE l.account_id = a.id"
            f"  AND l.period = s.period AND l.position = s.line AND {same_row}))"
        )
        cursor.execute(
            f"DELETE FROM {T_LEDGER} WHERE id IN (SELECT l.id FROM {groups} AS g"
            f" JOIN {T_LEDGER} AS l ON l.account_id = g.account_id AND l.period = g.period"
            " WHERE g.existing > 0 AND g.same = 0)"
        )
        cursor.execute(
            f"{insert} WHERE NOT EXISTS (SELECT 1 FROM {groups} AS g"
            " WHERE g.account_id = a.id AND g.period = s.period AND g.same = 1)"
        )
        cursor.execute(
            "SELECT"
            " COALESCE(SUM(CASE WHEN existing = 0 THEN n ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN existing > 0 AND same = 0 THEN n ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN same = 1 THEN n ELSE 0 END), 0)"
            f" FROM {groups}"
        )
        inserted, updated, unchanged = (int(v) for v in cursor.fetchone())
        return KindCounts(inserted=direct + inserted, updated=updated, unchanged=unchanged)


def _zone_misfit(row: tuple[object, ...]) -> str:
    """Why a reading's zone (row: file_no, line, zone, serial, zones) is not its meter's."""
    zone, serial, count = row[2], row[3], int(row[4])  # type: ignore[call-overload]
    zones = ", ".join(str(z) for z in ZONES_BY_COUNT.get(count, ()))
    if count == 1:
        return _("meter %(serial)s has one zone: leave the zone empty") % {"serial": serial}
    if not zone:
        return _("meter %(serial)s has %(count)d zones: give one of %(zones)s") % {
            "serial": serial,
            "count": count,
            "zones": zones,
        }
    return _("meter %(serial)s has no zone %(zone)s: its zones are %(zones)s") % {
        "serial": serial,
        "zone": zone,
        "zones": zones,
    }
