"""Reference and demo data for `manage.py seed_summit`.

`reference` holds the event's fixed data (venue, rooms, zones, badge categories, programme)
as plain data, `loader` writes it; `demo` plans and writes the demo delegations. The
secretariat edits all of it afterwards in the admin: the loader never overwrites an edit
unless asked to (`--reset-reference`).
"""
