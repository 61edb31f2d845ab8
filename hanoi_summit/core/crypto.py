"""Personal fields encrypted at rest, and the keyed hashes that stand in for them in queries.

A leaked database dump or disk copy must not hand out the passports and dates of birth of
heads of state. So such columns hold Fernet tokens (AES-128-CBC with HMAC-SHA256, from
`cryptography`) and the model fields below turn them back into Python values (str, date) on
read, so the code that reads a member barely knows. Keys:

- FIELD_ENCRYPTION_KEYS: Fernet keys, comma-separated. The first encrypts, every one
  decrypts (MultiFernet): to rotate, put a new key first, run `manage.py rotate_field_keys`
  (it re-encrypts every row with the first key), then drop the old key.
- FIELD_HASH_KEY: the HMAC-SHA256 key of the keyed hashes (KeyedHashField). A separate key so
  that rotating the encryption keys leaves every hash, and so every look-up and the unique
  passport rule, untouched. (Changing it needs `rotate_field_keys`, which also recomputes the
  hashes.)

Production refuses to start without both (hanoi_summit/checks.py). Unset, as in development
and tests, the keys are generated on first use and kept in VAR_DIR/private/keys/ (mode
0600, beside the badge signing key, inside the directory backups copy). A key file missing
while the database holds values made with a key is never replaced: the data would be
unreadable, so encryption stops with a message saying to restore the file.

A ciphertext is random: equality, order or a range on it mean nothing, so the fields refuse
every lookup but "is it empty" (isnull, = ""). Empty values are stored empty, in clear:
whether a member has a passport on record is not a secret, and the submission checks need it.
"""

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull

ENCRYPTION_KEYS_FILE = "field-encryption-keys"
HASH_KEY_FILE = "field-hash-key"
#: Under VAR_DIR, as the badge signing key (accreditation/badges/keys.py).
DEV_KEY_DIR = ("private", "keys")

#: How every Fernet token starts (its version byte, 0x80, in base64).
FERNET_PREFIX = "gAAAAA"

_lock = threading.Lock()
# Keyed by where the keys came from, so a test that overrides the settings gets its own.
_cache = {}


class FieldKeyError(ImproperlyConfigured):
    """No key opens a stored value, or a key is missing while data made with it exists."""


def development_key_path(name):
    return Path(settings.VAR_DIR).joinpath(*DEV_KEY_DIR, name)


def write_key_file(path, data):
    """Write `data` (text or bytes) to `path` (mode 0600) unless it exists; safe when several
    processes start at once: link() fails if another process won the race, and theirs is
    kept. The one writer of the development key files (these and the badge signing key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def encrypted_fields():
    """[(model, [encrypted fields])] of every installed model holding encrypted columns."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, (EncryptedMixin, KeyedHashField))]
        if fields:
            found.append((model, fields))
    return found


def _stored_values():
    """How many encrypted or hashed values the database holds (0 before migrate).
    Raw SQL: reading them through the fields would need the very keys being looked for."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    total = 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, fields in encrypted_fields():
            table = model._meta.db_table
            columns = (
                {c.name for c in connection.introspection.get_table_description(cursor, table)}
                if (table in tables)
                else set()
            )
            for field in fields:
                if field.column not in columns:
                    continue
                column = quote(field.column)
                # Clear values (before the data migration encrypts them) need no key.
                pattern = f"{FERNET_PREFIX}%" if isinstance(field, EncryptedMixin) else "_%"
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {column} LIKE %s", [pattern])
                total += cursor.fetchone()[0]
    return total


def _new_encryption_key():
    return Fernet.generate_key().decode() + "\n"


def _new_hash_key():
    return secrets.token_urlsafe(48) + "\n"


def development_keys_write():
    """Create the development key files that are missing, without asking the database
    (for a caller that knows no value depends on them yet: a fresh test run)."""
    for name, make in ((ENCRYPTION_KEYS_FILE, _new_encryption_key), (HASH_KEY_FILE, _new_hash_key)):
        path = development_key_path(name)
        if not path.exists():
            write_key_file(path, make())


def _development_key(name, make):
    """The development key file `name`, created by `make()` when no stored value needs it."""
    path = development_key_path(name)
    if not path.exists():
        stored = _stored_values()
        if stored:
            raise FieldKeyError(
                f"The field key file {path} is missing, but the database holds {stored} values "
                "encrypted or hashed with it. A new key could not read them, so none is made: "
                "restore the key file from the backup (or set FIELD_ENCRYPTION_KEYS and "
                "FIELD_HASH_KEY to the keys that wrote them)."
            )
        write_key_file(path, make())
    return path.read_text().strip()


def _cached(origin, build):
    value = _cache.get(origin)
    if value is None:
        with _lock:
            value = _cache.get(origin)
            if value is None:
                value = _cache[origin] = build()
    return value


def parse_keys(text):
    """Fernet keys from a comma- or line-separated text, first (the encrypting one) first."""
    return [k.strip() for k in text.replace("\n", ",").split(",") if k.strip()]


def _fernets(keys, origin):
    if not keys:
        raise ImproperlyConfigured(f"{origin} holds no key.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"{origin}: each key must be a Fernet key (32 url-safe base64-encoded bytes, made by "
            f"`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`): {exc}"
        ) from exc


def _encryption_key_texts():
    configured = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if configured:
        return configured, "FIELD_ENCRYPTION_KEYS"
    path = str(development_key_path(ENCRYPTION_KEYS_FILE))
    texts = _cached(
        ("file", path), lambda: tuple(parse_keys(_development_key(ENCRYPTION_KEYS_FILE, _new_encryption_key)))
    )
    return texts, path


def encryption_keys():
    """The MultiFernet of FIELD_ENCRYPTION_KEYS, or of the development key file."""
    texts, origin = _encryption_key_texts()
    return _cached(("fernet", texts), lambda: _fernets(list(texts), origin))


def _hash_key_text():
    configured = settings.FIELD_HASH_KEY
    if configured:
        return configured
    path = str(development_key_path(HASH_KEY_FILE))
    return _cached(("hash", path), lambda: _development_key(HASH_KEY_FILE, _new_hash_key))


def hash_key():
    """The bytes of FIELD_HASH_KEY, or of the development key file."""
    return _hash_key_text().encode()


def keys_as_environment():
    """This process's keys as the environment variables that give them to another process
    (a Celery worker, a restored copy): what it writes, we read, and the reverse."""
    return {"FIELD_ENCRYPTION_KEYS": ",".join(_encryption_key_texts()[0]), "FIELD_HASH_KEY": _hash_key_text()}


def encrypt(text):
    return encryption_keys().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return encryption_keys().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise FieldKeyError(
            "No key of FIELD_ENCRYPTION_KEYS opens a stored value: a key it was encrypted with "
            "was removed before `manage.py rotate_field_keys` re-encrypted it."
        ) from exc


def reencrypt(token):
    """`token` encrypted again with the first key (MultiFernet.rotate)."""
    try:
        return encryption_keys().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise FieldKeyError("No key of FIELD_ENCRYPTION_KEYS opens a stored value.") from exc


def keyed_hash(text):
    """HMAC-SHA256 of `text` under the hash key, in hex; "" for empty text."""
    if not text:
        return ""
    return hmac.new(hash_key(), text.encode(), hashlib.sha256).hexdigest()


# --- model fields -------------------------------------------------------------------------


class _EmptyOnlyExact(Exact):
    """`= ""` (is it empty?) only: a ciphertext never equals a clear value."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: compare its keyed hash instead of the value."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Stores the value as Fernet text; reads it back as the Python value of the base field.

    Only `isnull` and `= ""` may filter on it: any other lookup raises FieldError (it could
    never match). Subclasses say how a value becomes text and back.
    """

    encrypted = True

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None

    def get_transform(self, lookup_name):
        return None

    def _to_text(self, value):
        return str(value)

    def _from_text(self, text):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self._from_text(decrypt(value))

    def get_db_prep_save(self, value, connection):
        if hasattr(value, "as_sql"):
            return value  # an expression (bulk_update's CASE): its values come back here
        value = self.get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(self._to_text(value))


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField encrypted at rest; `max_length` bounds the clear value (forms, services)."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A TextField encrypted at rest."""


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A DateField encrypted at rest (its ISO text is encrypted)."""

    def get_internal_type(self):
        # Text on disk: the backends' date converters must not try to parse a ciphertext.
        return "TextField"

    def _to_text(self, value):
        return value.isoformat()

    def _from_text(self, text):
        return self.to_python(text)


class KeyedHashField(models.CharField):
    """The keyed hash (HMAC-SHA256, FIELD_HASH_KEY) of another field's normalised value, set on
    every save and bulk_create: what unique rules and look-ups compare instead of the value.

    `source` names the field; `normalise` (a module-level function) is applied before hashing,
    so two spellings of one value hash alike. Empty values hash to "".
    """

    def __init__(self, *args, source, normalise=None, **kwargs):
        self.source = source
        self.normalise = normalise
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.normalise is not None:
            kwargs["normalise"] = self.normalise
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def hash_value(self, value):
        """The hash stored for a clear `value` of the source field: what a look-up compares."""
        text = self.normalise(value) if self.normalise else value
        return keyed_hash(text or "")

    def pre_save(self, model_instance, add):
        value = self.hash_value(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


# --- data migrations ------------------------------------------------------------------------


def _rows(cursor, table, columns, quote):
    cursor.execute(f"SELECT {quote('id')}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}")
    return cursor.fetchall()


def encrypt_table_in_place(schema_editor, table, columns, hashes=()):
    """For a data migration: encrypt the clear values of `columns` of `table` (text columns
    by then), and fill each (hash column, source column, normalise) of `hashes` from the clear
    value of its source. Raw SQL: the historical model's fields would try to decrypt."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    sources = [source for _hash, source, _normalise in hashes]
    read = list(dict.fromkeys([*columns, *sources]))
    with connection.cursor() as cursor:
        for pk, *values in _rows(cursor, table, read, quote):
            clear = dict(zip(read, values, strict=True))
            new = {c: encrypt(str(clear[c])) for c in columns if clear[c] not in (None, "")}
            for hash_column, source, normalise in hashes:
                new[hash_column] = keyed_hash(normalise(clear[source] or ""))
            if new:
                assignments = ", ".join(f"{quote(c)} = %s" for c in new)
                cursor.execute(
                    f"UPDATE {quote(table)} SET {assignments} WHERE {quote('id')} = %s", [*new.values(), pk]
                )


def decrypt_table_in_place(schema_editor, table, columns):
    """The reverse of encrypt_table_in_place: the clear values back in `columns`."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for pk, *values in _rows(cursor, table, columns, quote):
            new = {c: decrypt(v) for c, v in zip(columns, values, strict=True) if v not in (None, "")}
            if new:
                assignments = ", ".join(f"{quote(c)} = %s" for c in new)
                cursor.execute(
                    f"UPDATE {quote(table)} SET {assignments} WHERE {quote('id')} = %s", [*new.values(), pk]
                )


# --- rotation -------------------------------------------------------------------------------


def fields_reencrypt(*, batch_size=500):
    """Re-encrypt every encrypted value with the first key and recompute every keyed hash
    with the current hash key: afterwards, every key but the first may be removed.

    Idempotent; rows are locked batch by batch, so the site may stay up. Returns
    {model label: rows rewritten}."""
    from django.db import transaction

    counts = {}
    for model, fields in encrypted_fields():
        encrypted = [f.name for f in fields if isinstance(f, EncryptedMixin)]
        hashes = [f for f in fields if isinstance(f, KeyedHashField)]
        load = list(dict.fromkeys([*encrypted, *(h.source for h in hashes)]))
        manager = model._base_manager
        pks = list(manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                rows = list(
                    manager.select_for_update().filter(pk__in=pks[start : start + batch_size]).only(*load)
                )
                for row in rows:
                    for field in hashes:
                        setattr(row, field.attname, field.hash_value(getattr(row, field.source)))
                # Each value was read with whichever key opens it; saving encrypts with the first.
                manager.bulk_update(rows, [*encrypted, *(h.name for h in hashes)])
        counts[model._meta.label] = len(pks)
    return counts
