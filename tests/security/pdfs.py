"""Hand-built PDFs for the upload tests: hostile structures and active content."""

import zlib


def build_pdf(objects, *, root=1, xref_stream=None):
    """A PDF of `objects` ({number: bytes body}), with a classic xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def simple_pdf(catalog_extra=b"", page_extra=b"", extra_objects=None):
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b">>",
    }
    objects.update(extra_objects or {})
    return build_pdf(objects)


def deep_page_tree(levels=3000):
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for n in range(2, levels + 2):
        objects[n] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (n + 1)
    objects[levels + 2] = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (levels + 1)
    return build_pdf(objects)


def deep_array(levels=3000):
    # The catalog holds an array nested `levels` deep.
    return simple_pdf(catalog_extra=b"/X " + b"[" * levels + b"]" * levels + b" ")


def objstm_bomb():
    """Page tree object 2 lives in an object stream that unpacks to 200 MB."""
    header = b"2 0 "
    body = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>" + b" " * (200 * 1024 * 1024)
    z = zlib.compressobj(9)
    data = z.compress(header + body) + z.flush()
    stream = (
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (
            len(header),
            len(data),
        )
        + data
        + b"\nendstream"
    )
    # Cross-reference stream: types 0 free, 1 offset, 2 in object stream.
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: PAGE, 4: stream}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00\x00\x00\x00\xff\xff"]
    for number in range(1, 6):
        if number == 2:
            rows.append(b"\x02" + (4).to_bytes(4, "big") + (0).to_bytes(1, "big") + b"\x00")
        elif number == 5:
            rows.append(b"\x01" + xref_at.to_bytes(4, "big") + b"\x00")
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00")
    rows = [r.ljust(6, b"\x00") for r in rows]
    xdata = b"".join(rows)
    out += b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n" % len(xdata)
    out += xdata + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)
