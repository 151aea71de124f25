"""The import framework: a declaration of columns and a row rule → a preview → one all-or-nothing write.

An app's import subclasses `Import`, lists its `columns` and writes `check_row`, which turns a row's
read values into `Save`s (records to create or update) and errors. The framework reads the file,
maps the header, reads every cell, shows each change before → after, leaves unchanged rows alone,
writes in bulk with history, records the batch (imports.models) and exports the same columns.
"""

import difflib
import hashlib
import json
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint, EmailField, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.fields import LatinText
from portal.text import fold, in_active_script, search_fold, to_latin

from .columns import EMPTY
from .models import ImportRecord
from .reading import columns_found

BATCH_SIZE = 500
# How alike an unknown column's name must be to a known one to be suggested: a typo or a letter left out
# ("nazvi", "otvorna": 0.8 and more), not a different word that shares letters ("napomena" and "name": 0.67).
CLOSE_COLUMN = 0.8
# The preview's table shows every row with an error, a warning or a check, and this many others:
# a 1,000-row file is shown whole; a 10,000-row one renders in seconds, not a minute.
PREVIEW_ROWS = 1000


@dataclass
class CellView:
    """One cell of the preview: what was typed, what it was understood as, and what it changes."""

    typed: str = ""
    shown: str = ""
    before: str | None = None  # the stored value, when the row changes it
    error: str = ""

    @property
    def understood_differently(self):
        # A closing dot is no difference: "03.10.2017" is shown back as Serbian writes it, "03.10.2017."
        return bool(self.shown) and self.shown.rstrip(".") != self.typed.strip().rstrip(".")


@dataclass
class Save:
    """A record a row creates or updates; `fields` are those that change."""

    instance: object
    created: bool
    fields: list = field(default_factory=list)
    before: dict = field(default_factory=dict)  # the stored value of each field in `fields`, as it was


@dataclass
class RowResult:
    number: int
    cells: dict  # column field → CellView
    values: dict  # column field → value; EMPTY for an empty cell that keeps the stored value
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    acknowledge: list = field(default_factory=list)  # warnings staff must acknowledge before confirming
    saves: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # e.g. "same office as row 4"
    cell_list: list = field(default_factory=list)  # the cells in the preview's column order
    service_changes: list = field(default_factory=list)  # changes a declaration makes through a service
    found: str = ""  # whom or what the row was matched to, when its own cells do not say it (set by check_row)

    CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

    @property
    def action(self):
        if any(save.created for save in self.saves):
            return self.CREATE
        if any(save.fields for save in self.saves) or self.service_changes:
            return self.UPDATE
        return self.UNCHANGED

    @property
    def action_label(self):
        return {self.CREATE: _("create"), self.UPDATE: _("update"), self.UNCHANGED: _("unchanged")}[self.action]


@dataclass
class Preview:
    columns: list
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    sheet: str = ""
    header_row: int = 1
    present: list = field(default_factory=list)  # the columns the file has, in the declaration's order
    clear_empty: bool = False  # the upload's "empty cells clear values", which the summary says

    def plan(self):
        """A digest of what the preview will write: each row's records, the fields it changes and their
        stored values. Confirming compares it, so a record changed after the preview is not overwritten
        unseen (whatever the language the preview was read in)."""
        rows = [
            [
                row.number,
                [
                    [save.instance._meta.label, save.instance.pk, save.created,
                     [[name, repr(save.before.get(name))] for name in sorted(save.fields)]]
                    for save in row.saves
                ],
                [str(change) for change in row.service_changes],
            ]
            for row in self.rows
        ]  # fmt: skip
        return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()

    @property
    def shows_found(self):
        """Whether the preview has a "Matched to" column: a declaration said what some row found."""
        return any(row.found for row in self.rows)

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def error_count(self):
        return len(self.file_errors) + len(self.error_rows)

    @property
    def error_columns(self):
        """Headers of the columns with errors, with how many rows each, most first."""
        headers = {column.field: column.label for column in self.columns}
        counts = Counter(
            headers.get(key, key) for row in self.error_rows for key, cell in row.cells.items() if cell.error
        )
        return counts.most_common()

    @property
    def shown_rows(self):
        flagged = [row for row in self.rows if row.errors or row.acknowledge or row.warnings]
        others = [row for row in self.rows if not (row.errors or row.acknowledge or row.warnings)][:PREVIEW_ROWS]
        return sorted(flagged + others, key=lambda row: row.number)

    @property
    def hidden_count(self):
        return len(self.rows) - len(self.shown_rows)

    @property
    def acknowledge_rows(self):
        return [row for row in self.rows if row.acknowledge]

    @property
    def ok(self):
        return not self.error_count and bool(self.rows)

    def count(self, action):
        """Rows without errors that would be written with `action` (a row with errors is counted apart)."""
        return sum(1 for row in self.rows if not row.errors and row.action == action)

    @property
    def counts(self):
        return {action: self.count(action) for action in (RowResult.CREATE, RowResult.UPDATE, RowResult.UNCHANGED)}


class ImportFailed(Exception):
    def __init__(self, preview):
        super().__init__(_("The import was not written."))
        self.preview = preview


class UndoRefused(Exception):
    """Nothing was undone; `changed` lists the records (model, pk) that changed since the import."""

    def __init__(self, message, changed=()):
        super().__init__(message)
        self.changed = list(changed)


def closest_column(folded, known):
    """The known column name (folded) to suggest for an unknown column's folded name, or None.

    Each run of the name's words is compared with each column's header and aliases (`known`: folded name →
    header): a column is a candidate when one of its names is nearly such a run (a typo, a letter left out, a
    case ending: "nazvi", "telefona") or the whole name. The best likeness wins; then the column more of whose
    names match; then the one named first ("Email adresa" is an e-mail, "Telefon KZM" a phone)."""
    words = folded.split()
    runs = {(" ".join(words[i:j]), i) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 3) + 1)}
    runs.add((folded, 0))
    names_of = defaultdict(list)
    for name, header in known.items():
        names_of[header].append(name)
    candidates = []
    for names in names_of.values():
        close = [(difflib.SequenceMatcher(None, run, name).ratio(), -position, name)
                 for name in names for run, position in runs]  # fmt: skip
        close = [found for found in close if found[0] >= CLOSE_COLUMN]
        if close:
            likeness, position, name = max(close)
            candidates.append((likeness, len({found[2] for found in close}), position, name))
    return max(candidates)[3] if candidates else None


def spelled_apart(typed, found):
    """Whether a name found by its search form (`search_fold`, which imports match by, as search does:
    đ, "dj" and "d" alike) is spelled otherwise than the row typed it, beyond capitals and diacritics:
    "Nada" finds "Nađa", "Dukić" finds "Đukić", and such names may be two people's, so staff confirm."""
    return fold(typed) != fold(found)


def marked_letters(text):
    """The letters of a text that carry more than a plain Latin letter (č, ć, đ, š, ž, …), in lower case."""
    return Counter(letter for letter in to_latin(text).lower() if letter.isalpha() and fold(letter) != letter)


def carries_less(given, stored):
    """Whether a text from a file says no more than the stored one, so the stored spelling is kept: both
    read alike in search's form (`search_fold`: case, script, diacritics, đ as "dj" or "d") and the file's
    has no letter with a diacritic the stored one lacks. "Dusan", "DUŠAN", "Душан" say no more than "Dušan",
    "Dukic" and "Djukic" no more than "Đukić"; "Dušan" says more than a stored "Dusan" (an update)."""
    return search_fold(given) == search_fold(stored) and not marked_letters(given) - marked_letters(stored)


def keeps_stored(field_, stored, given):
    """Whether an import keeps the stored value of a field for the file's: a Latin text field's that
    `carries_less`, an e-mail address that differs only by capitals."""
    if not stored or not isinstance(given, str) or given == stored:
        return False
    if isinstance(field_, EmailField):
        return given.lower() == stored.lower()
    return isinstance(field_, LatinText) and carries_less(given, stored)


class NotInMemory(Exception):
    """A constraint's condition that only the database can evaluate (a join, a function, a text ordering)."""


COMPARED = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _field_value(instance, name, *, presence=False):
    try:
        field_ = instance._meta.get_field(name)
    except FieldDoesNotExist:  # "pk", an annotation
        raise NotInMemory(name) from None
    if field_.is_relation:
        if not (presence and field_.many_to_one):
            raise NotInMemory(name)
        # Whether a record is related: a new one an import creates with it has no id yet.
        if field_.is_cached(instance) and field_.get_cached_value(instance) is not None:
            return field_.get_cached_value(instance)
    return getattr(instance, field_.attname)


def _lookup(child):
    if not isinstance(child, tuple):  # an expression as a condition
        raise NotInMemory(child)
    return child


def _lookup_holds(instance, key, wanted):
    """A lookup ("closed_on__gte", F("opened_on")) of a condition on the record's own values: True, False, or
    None when SQL would find it unknown (a comparison with NULL)."""
    name, _sep, lookup = key.partition("__")
    lookup = lookup or "exact"
    value = _field_value(instance, name, presence=lookup == "isnull" or (lookup == "exact" and wanted is None))
    if isinstance(wanted, F):
        wanted = _field_value(instance, wanted.name)
    elif hasattr(wanted, "resolve_expression"):
        raise NotInMemory(key)
    if lookup == "isnull":
        return (value is None) == bool(wanted)
    if lookup == "exact" and wanted is None:  # Django reads "= None" as IS NULL
        return value is None
    if lookup == "in":
        if value is None or (value not in wanted and None in wanted):
            return None
        return value in wanted
    if lookup not in COMPARED or (lookup != "exact" and isinstance(value, str)):  # text order is the collation's
        raise NotInMemory(key)
    return None if value is None or wanted is None else COMPARED[lookup](value, wanted)


def condition_holds(condition, instance):
    """A CheckConstraint's condition (a Q of lookups on the record's own fields) as SQL evaluates it on the
    record: True, False or None (unknown), in SQL's three-valued logic. NotInMemory for anything else."""
    if not isinstance(condition, Q) or condition.connector not in (Q.AND, Q.OR):
        raise NotInMemory(condition)
    results = [
        condition_holds(child, instance) if isinstance(child, Q) else _lookup_holds(instance, *_lookup(child))
        for child in condition.children
    ]
    decisive = condition.connector == Q.OR  # one False decides an AND, one True an OR
    result = decisive if decisive in results else (None if None in results else not decisive)
    return (not result) if condition.negated and result is not None else result


def condition_fields(condition):
    """The field names a condition reads (its lookups' and its F()s')."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= condition_fields(child)
        else:
            key, wanted = _lookup(child)
            names.add(key.split("__")[0])
            if isinstance(wanted, F):
                names.add(wanted.name.split("__")[0])
    return names


def broken_in_memory(instance, exclude=()):
    """The check constraints, of those that read only the record's own fields, that the record breaks, as
    the database would find (unknown passes), and those that cannot be evaluated so: (broken, left)."""
    broken, left = [], []
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            left.append(constraint)
            continue
        try:
            if condition_fields(constraint.condition) & set(exclude):
                continue
            if condition_holds(constraint.condition, instance) is False:
                broken.append(constraint)
        except NotInMemory:
            left.append(constraint)
    return broken, left


def constraint_message(constraint):
    return ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)


def check_constraints(instance, exclude=()):
    """`Model.validate_constraints(exclude)`, with its messages, but a check constraint that reads only the
    record's own fields is evaluated in memory, as the database would (unknown passes), where Django asks
    the database once per constraint and record; the rest (uniqueness, joins, functions) is left to
    Django. A preview of many rows so costs no query a row for these rules."""
    broken, left = broken_in_memory(instance, exclude)
    errors = [constraint_message(constraint) for constraint in broken]
    for constraint in left:
        try:
            constraint.validate(type(instance), instance, exclude=exclude)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)


def record_label(instance):
    """A record's name as a batch keeps it (ImportRecord.label)."""
    return str(instance)[: ImportRecord._meta.get_field("label").max_length]


class Import:
    """Declare `columns`, `title`, `write_order` (models, parents first) and `check_row`."""

    columns = []
    title = ""  # what staff call the import (its records, "Enrolments"); else the first model written
    help_text = ""  # shown on the upload page: how rows find their records, in the user's language
    write_order = []
    required_message = None

    def __init__(self, *, clear_empty=False):
        self.clear_empty = clear_empty

    @property
    def key(self):
        """Names the import in its batches."""
        return f"{type(self).__module__}.{type(self).__name__}"

    # Reading the header ------------------------------------------------------------------------

    def is_header(self, cells):
        folded = {fold(str(cell)) for cell in cells if cell is not None}
        return all(column.names() & folded for column in self.columns if column.required)

    def map_headers(self, headers, preview):
        folded = [fold(str(header or "")) for header in headers]
        mapping = {}
        for column in self.columns:
            positions = [index for index, header in enumerate(folded) if header in column.names()]
            if len(positions) > 1:
                preview.file_errors.append(
                    _("The column “%(column)s” appears more than once.") % {"column": column.label}
                )
            elif positions:
                mapping[column.field] = positions[0]
            elif column.required:
                preview.file_errors.append(_("The column “%(column)s” is missing.") % {"column": column.label})
        known = {name: column.label for column in self.columns for name in column.names()}
        present = {column.label for column in self.columns if column.field in mapping}
        missing = {name: label for name, label in known.items() if label not in present}
        for index, header in enumerate(headers):
            if header and index not in mapping.values() and fold(header) not in known:
                close = closest_column(fold(header), missing)  # never a column the file has
                if close:
                    note = _("The column “%(header)s” is not imported (did you mean “%(known)s”?).") % {
                        "header": header,
                        "known": known[close],
                    }
                else:
                    note = _("The column “%(header)s” is not imported.") % {"header": header}
                preview.notes.append(note)
        return mapping

    # The preview -------------------------------------------------------------------------------

    def preview(self, table):
        preview = Preview(
            columns=self.columns, sheet=table.sheet, header_row=table.header_row, clear_empty=self.clear_empty
        )
        preview.notes.extend(table.notes)
        if not table.header_found:
            preview.notes.append(columns_found(table.headers))  # information: the missing columns are the errors
        mapping = self.map_headers(table.headers, preview)
        preview.present = [column for column in self.columns if column.field in mapping]
        if preview.file_errors:
            return preview
        if not table.rows:
            preview.file_errors.append(_("The file has a header row but no data rows."))
            return preview
        self.prepare(table.rows, mapping)
        for source in table.rows:
            row = self.read_row(source, mapping)
            if not row.errors:
                try:
                    self.check_row(row)
                    self.check_saves(row)
                except ValidationError as error:
                    self.add_errors(row, error)
            preview.rows.append(row)
        self.check_file(preview)
        for row in preview.rows:
            row.cell_list = [row.cells.get(column.field) or CellView() for column in preview.present]
        return preview

    def read_row(self, source, mapping):
        row = RowResult(number=source.number, cells={}, values={})
        for column in self.columns:
            if column.field not in mapping:
                continue
            position = mapping[column.field]
            raw = source.cells[position] if position < len(source.cells) else None
            cell = row.cells[column.field] = CellView(typed=column.typed(raw))
            try:
                value, cell.shown, warnings = column.read(raw, self)
            except ValidationError as error:
                cell.error = " ".join(error.messages)
                row.errors.append(f"{column.label}: {cell.error}")
                continue
            row.warnings.extend(f"{column.label}: {warning}" for warning in warnings)
            if value is EMPTY and column.required:
                cell.error = str(column.required_message or _("This cell is required."))
                row.errors.append(f"{column.label}: {cell.error}")
            if value is EMPTY and self.clear_empty:
                value = None
            row.values[column.field] = value
        return row

    def add_errors(self, row, error):
        """Errors of a model's full_clean() (or a row rule), each under its column's header."""
        headers = {column.field: column.label for column in self.columns}
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                header = headers.get(name)
                for message in errors:
                    row.errors.append(f"{header}: {message}" if header else message)
                    if name in row.cells and not row.cells[name].error:
                        row.cells[name].error = message
        else:
            row.errors.extend(error.messages)

    def prepare(self, rows, mapping):
        """Load what every row needs, once: an import costs a fixed number of queries, not some per row."""

    def check_row(self, row):
        raise NotImplementedError

    def check_file(self, preview):
        """Rules across rows (duplicates within the file)."""

    def check_saves(self, row):
        """Every record the row writes keeps its model's check constraints (those on its own fields, in
        memory: no query), whatever its declaration checked: what the preview can see, the database never
        refuses on confirming. The cells of the fields a broken constraint reads are marked."""
        errors = {}
        for save in row.saves:
            if save.created or save.fields:
                for constraint in broken_in_memory(save.instance)[0]:
                    message = constraint_message(constraint)
                    read = condition_fields(constraint.condition)
                    fields = [
                        column.field for column in self.columns if column.field in read and column.field in row.cells
                    ]
                    errors.setdefault(fields[-1] if fields else NON_FIELD_ERRORS, []).append(message)
        if errors:
            raise ValidationError(errors)

    # Helpers for check_row ---------------------------------------------------------------------

    def column(self, name):
        return next(column for column in self.columns if column.field == name)

    def given(self, row, name):
        """The row's value for a column, or None when the column is absent or its cell empty."""
        value = row.values.get(name, EMPTY)
        return None if value is EMPTY else value

    def apply_values(self, row, instance, names, *, created):
        """Lay the row's cells over a record; an empty cell keeps the stored value (unless clearing).

        A text is compared as the model's field reads it (a Latin text field: Cyrillic in Latin), and a
        stored value the file spells with less (`keeps_stored`: no diacritics, other capitals) is kept.
        Returns a Save with the fields that change, and fills the preview's before → after: each value as
        it is or will be stored, a Latin text in the page's script (`shown`; the cell's `typed` keeps what
        the file said).
        """
        changed, befores = [], {}
        columns = {column.field: column for column in self.columns}
        for name in names:
            value = row.values.get(name, EMPTY)
            if value is EMPTY:
                continue
            field_ = instance._meta.get_field(name)
            if value is None and not field_.null:
                value = field_.get_default() if field_.has_default() else ""
            if isinstance(value, str) and not field_.is_relation:
                value = field_.to_python(value)
            before = getattr(instance, field_.attname if field_.is_relation else name)
            if not created and keeps_stored(field_, before, value):
                value = before
            row.cells[name].shown = self.stored_text(columns[name], field_, value)
            after = value.pk if field_.is_relation and value is not None else value
            if before != after:
                changed.append(name)
                befores[name] = before
                if not created:
                    old = getattr(instance, name) if before is not None else None
                    row.cells[name].before = self.stored_text(columns[name], field_, old)
            setattr(instance, name, value)
        return Save(instance, created, changed, befores)

    def stored_text(self, column, field_, value):
        """A stored (or to be stored) value as the preview shows it: a Latin text field's in the page's script,
        as every page shows a name (docs/architecture.md, "Names in the active script")."""
        text = column.show(value, self)
        return in_active_script(text) if isinstance(field_, LatinText) else text

    def validate(self, instance, exclude=()):
        """The model's own rules (clean and fields) without a query: uniqueness is checked in batch."""
        # Related records were found by the import itself: no query to check that they exist.
        relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
        instance.full_clean(exclude=[*exclude, *relations], validate_unique=False, validate_constraints=False)

    # Writing -----------------------------------------------------------------------------------

    def apply(self, table, *, batch, acknowledged=False, plan=None):
        """Write every row, or nothing. Returns the preview, whose rows' saves were written.

        `plan` is the digest of the preview staff confirmed (`Preview.plan`): if the data changed since, so
        that the file would now write something else, nothing is written."""
        with transaction.atomic():
            preview = self.preview(table)
            if preview.ok and plan is not None and preview.plan() != plan:
                preview.file_errors.append(
                    _("The data changed since the preview: nothing was written. Check the new preview below.")
                )
            if not preview.ok or (preview.acknowledge_rows and not acknowledged):
                raise ImportFailed(preview)
            try:
                with transaction.atomic():
                    self.write(preview, batch)
            except (IntegrityError, ValidationError) as error:
                preview.file_errors.append(self.refusal_message(error, preview))
                raise ImportFailed(preview) from error
            counts = preview.counts
            batch.rows = len(preview.rows)
            batch.created_count = counts[RowResult.CREATE]
            batch.updated_count = counts[RowResult.UPDATE]
            batch.unchanged_count = counts[RowResult.UNCHANGED]
            batch.save()
        return preview

    def refusal_message(self, error, preview):
        """What the database refused (a rule the preview could not see), in the user's language: the broken
        constraint's own message and, for a check constraint, the rows that break it; else the database's
        own words. Nothing was written: the whole import is one transaction."""
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        # PostgreSQL names the constraint; SQLite names a check constraint, and a unique one by its columns.
        columns = set(re.findall(r"(\w+)\.(\w+)", text.partition("UNIQUE constraint failed:")[2]))
        for model in self.write_order:
            for constraint in model._meta.constraints:
                named = re.search(rf"\b{re.escape(constraint.name)}\b", text)
                fields = getattr(constraint, "fields", ())
                if not named and not (fields and columns == {(model._meta.db_table, model._meta.get_field(name).column)
                                                             for name in fields}):  # fmt: skip
                    continue
                message = constraint.get_violation_error_message()
                rows = []
                if isinstance(constraint, CheckConstraint):
                    rows = [row.number for row in preview.rows
                            if any(type(save.instance) is model and self.breaks(save.instance, constraint)
                                   for save in row.saves if save.created or save.fields)]  # fmt: skip
                if rows:
                    return ngettext(
                        "Nothing was written: the database refused row %(rows)s: %(message)s",
                        "Nothing was written: the database refused rows %(rows)s: %(message)s",
                        len(rows),
                    ) % {"rows": ", ".join(map(str, rows)), "message": message}
                return _("Nothing was written: the database refused a record: %(message)s") % {"message": message}
        return _("Nothing was written: the database refused the import (%(error)s).") % {"error": text}

    @staticmethod
    def breaks(instance, constraint):
        try:
            return condition_holds(constraint.condition, instance) is False
        except NotInMemory:
            return False

    def before_write(self, saves):
        """Keep derived fields in step (bulk writes skip save(), and bulk updates skip auto_now)."""
        now = timezone.now()
        for save in saves:
            if hasattr(save.instance, "set_derived_fields"):
                save.instance.set_derived_fields()
            for model_field in save.instance._meta.concrete_fields:
                if getattr(model_field, "auto_now", False):
                    setattr(save.instance, model_field.attname, now)

    def write(self, preview, batch):
        records = []
        reason = batch.history_reason
        for model in self.write_order:
            saves = [(row, save) for row in preview.rows for save in row.saves if type(save.instance) is model]
            created = [save.instance for _row, save in saves if save.created]
            updated = [save.instance for _row, save in saves if not save.created and save.fields]
            self.before_write([save for _row, save in saves if save.created or save.fields])
            # Updates first: a record a row ends or renames makes room for one a row adds (one running
            # membership, a unique name), as the preview checked the file's end state.
            if updated:
                fields = sorted({name for _row, save in saves if not save.created for name in save.fields})
                fields += [name for name in self.derived_fields(model) if name not in fields]
                bulk_update_with_history(
                    updated,
                    model,
                    fields,
                    batch_size=BATCH_SIZE,
                    default_user=batch.user,
                    default_change_reason=reason,
                )
            if created:
                bulk_create_with_history(
                    created, model, batch_size=BATCH_SIZE, default_user=batch.user, default_change_reason=reason
                )
            content_type = ContentType.objects.get_for_model(model)
            for row, save in saves:
                if save.created or save.fields:
                    action = ImportRecord.Action.CREATED if save.created else ImportRecord.Action.UPDATED
                    records.append(
                        ImportRecord(
                            batch=batch,
                            content_type=content_type,
                            object_id=save.instance.pk,
                            action=action,
                            row=row.number,
                            position=len(records),
                            label=record_label(save.instance),
                        )
                    )
        ImportRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
        self.after_write(preview)

    def derived_fields(self, model):
        return getattr(model, "DERIVED_FIELDS", ())

    def after_write(self, preview):
        from portal.page_cache import data_changed

        data_changed()  # bulk writes send no post_save: the public pages learn of them here

    # Export ------------------------------------------------------------------------------------

    def export_headers(self):
        return [column.header for column in self.columns if column.exported]

    def export_records(self, queryset):
        """The records an export writes, one a row; a column reads its value from a record."""
        return queryset

    def export_value(self, record, column):
        return getattr(record, column.field)

    def export_rows(self, queryset):
        self.prepare_export()
        columns = [column for column in self.columns if column.exported]
        for record in self.export_records(queryset):
            yield [column.export(self.export_value(record, column), self) for column in columns]

    def prepare_export(self):
        """Load what export values need (the area lookup for unambiguous names)."""

    # Undo --------------------------------------------------------------------------------------
    # imports.services.batch_undo reverts the records a batch created or updated itself. What a
    # declaration changed through a service (an ImportRecord.Action.STATUS record: a service that keeps
    # its own history) the declaration undoes, through that service, with these hooks.

    service_undo_permissions = []  # what staff need besides changing and deleting the batch's records
    service_undo_note = ""  # the undo page's words on what undoing those changes does

    def check_service_undo(self, batch, changed):
        """Check, before anything is undone, that the batch's service changes can be undone; `changed`
        lists its other records (model, pk) changed since. Raise UndoRefused to refuse the whole undo,
        else return what `undo_service_changes` needs."""
        if batch.records.filter(action=ImportRecord.Action.STATUS).exists():
            raise UndoRefused(_("Nothing was undone: this import made changes it does not know how to undo."))

    def undo_service_changes(self, batch, plan, *, user):
        """Undo them, in the undo's transaction, before the batch's own records are reverted."""
