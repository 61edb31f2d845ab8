"""A strict little iCalendar reader for the tests: unfold, split, unescape."""


def unfold(text):
    assert text.endswith("\r\n"), "content lines end with CRLF"
    lines = text.split("\r\n")[:-1]
    for line in lines:
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    out = []
    for line in lines:
        if line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def unescape(value):
    result, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            result.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            result.append(value[i])
            i += 1
    return "".join(result)


def parse(text):
    """Return (calendar properties, timezones, events): each event a dict name -> (params, value)."""
    calendar, timezones, events, stack = {}, [], [], []
    for line in unfold(text):
        name_params, _, value = line.partition(":")
        name, *params = name_params.split(";")
        params = dict(p.split("=", 1) for p in params)
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
            elif value == "VTIMEZONE":
                timezones.append({})
            continue
        if name == "END":
            assert stack.pop() == value, "components are nested properly"
            continue
        target = {
            "VEVENT": events[-1] if events else None,
            "VTIMEZONE": timezones[-1] if timezones else None,
        }.get(stack[-1], calendar)
        if stack[-1] in ("STANDARD", "DAYLIGHT"):
            target = timezones[-1]
        target[name] = (params, unescape(value))
    assert not stack
    return calendar, timezones, events
