"""The event's reference data, from its published programme, as plain data the loader writes.

Items the published programme does not fix (rooms and themes of dialogues, roundtables and side
events) are here as data like the rest: the secretariat corrects them in the admin.
Times are local to Hanoi (Asia/Ho_Chi_Minh, UTC+7).
"""

DAY_1 = "2025-10-25"
DAY_2 = "2025-10-26"

VENUE = {
    "name": "National Convention Centre (NCC)",
    "address": "Thang Long Boulevard, Nam Tu Liem, Hanoi, Viet Nam",
}

# Accreditation zones: each gate checks one. Codes are printed on badges: keep them short.
# second_entry (default "deny"): the lobby's gates let people back in (nobody scans out of
# the lobby), the plenary warns of a second entry, the signing stage and the rest deny it.
ZONES = [
    {"code": "LBY", "name": "Lobby and registration", "capacity": 3000, "second_entry": "allow",
     "description": "NCC entrance lobby: welcome of heads of delegation, group photo, badge desk."},
    {"code": "PLN", "name": "Plenary hall", "capacity": 3500, "second_entry": "warn",
     "description": "Main hall: opening, plenary, closing; press gallery."},
    {"code": "SIG", "name": "Signing stage", "capacity": 200,
     "description": "The signing stage of the main hall: signatories, protocol, UN Treaty Section."},
    {"code": "BIL", "name": "Bilateral rooms", "capacity": 120,
     "description": "Rooms for bilateral meetings between delegations."},
    {"code": "VIP", "name": "VIP lounge", "capacity": 150,
     "description": "Lounge for heads of State and Government and heads of delegation."},
    {"code": "MTG", "name": "Meeting rooms", "capacity": 2500,
     "description": "Halls and rooms of the high-level dialogues, roundtables and side events."},
    {"code": "PRS", "name": "Press centre", "capacity": 500,
     "description": "Press centre and the joint press conference."},
    {"code": "EXH", "name": "Exhibition", "capacity": 2000,
     "description": "Technology exhibition of the Government of Viet Nam and the UN Secretariat."},
    {"code": "BNQ", "name": "Banquet hall", "capacity": 1800,
     "description": "Gala dinner hosted by the President."},
    {"code": "BOF", "name": "Back office", "capacity": 300,
     "description": "Secretariat offices, interpreters' booths, technical and logistics areas."},
]  # fmt: skip

# Badge categories, coloured after UN practice: red for State delegations, with
# a gold band text as the separate mark of heads of delegation (and heads of State or
# Government); green for the UN, IGOs and NGOs; yellow for guests and press; blue for staff
# and security. Each category's default zones are accreditation.rules.CATEGORY_ZONES, the
# rule that suggests the categories.
RED, RED_DARK, RED_LIGHT = "#C62828", "#8E0000", "#E57373"
GREEN, GREEN_DARK, GREEN_LIGHT = "#2E7D32", "#1B5E20", "#66BB6A"
YELLOW, YELLOW_LIGHT = "#FBC02D", "#FFEE58"
BLUE, BLUE_DARK, BLUE_LIGHT = "#1565C0", "#0D47A1", "#64B5F6"
WHITE, BLACK, GOLD = "#FFFFFF", "#212121", "#FFD54F"

CATEGORIES = [
    {"code": "VIP", "name": "Head of State or Government", "colour": RED_DARK, "text_colour": GOLD},
    {"code": "HOD", "name": "Head of delegation", "colour": RED, "text_colour": GOLD},
    {"code": "DEL", "name": "Delegate (State)", "colour": RED, "text_colour": WHITE},
    {"code": "OBS", "name": "Observer State", "colour": RED_LIGHT, "text_colour": BLACK},
    {"code": "UN", "name": "United Nations", "colour": GREEN_DARK, "text_colour": WHITE},
    {"code": "IGO", "name": "Intergovernmental organisation", "colour": GREEN, "text_colour": WHITE},
    {"code": "NGO", "name": "Non-governmental organisation, academia, private sector",
     "colour": GREEN_LIGHT, "text_colour": BLACK},
    {"code": "GST", "name": "Guest", "colour": YELLOW_LIGHT, "text_colour": BLACK},
    {"code": "MED", "name": "Media", "colour": YELLOW, "text_colour": BLACK},
    {"code": "SEC", "name": "Security", "colour": BLUE_DARK, "text_colour": WHITE},
    {"code": "STF", "name": "Organiser staff", "colour": BLUE, "text_colour": WHITE},
    {"code": "SUP", "name": "Support (drivers, technicians)", "colour": BLUE_LIGHT, "text_colour": BLACK},
]  # fmt: skip

# The NCC has about 30 rooms of ~100 seats: those the programme uses are listed; the
# secretariat adds the rest as it assigns them.
ROOMS = [
    {"name": "Lobby", "capacity": 1500, "zone": "LBY"},
    {"name": "Main Hall", "capacity": 3500, "zone": "PLN"},
    {"name": "Main Hall - Signing Stage", "capacity": 200, "zone": "SIG"},
    {"name": "Hall A", "capacity": 700, "zone": "MTG"},
    {"name": "Hall B", "capacity": 600, "zone": "MTG"},
    {"name": "Hall C", "capacity": 400, "zone": "MTG"},
    *({"name": f"Room {n}", "capacity": 100, "zone": "MTG"} for n in range(201, 213)),
    *({"name": f"Bilateral Room {n}", "capacity": 16, "zone": "BIL"} for n in range(1, 7)),
    {"name": "VIP Lounge", "capacity": 150, "zone": "VIP"},
    {"name": "Press Centre", "capacity": 450, "zone": "PRS"},
    {"name": "Exhibition Hall", "capacity": 2000, "zone": "EXH"},
    {"name": "Banquet Hall", "capacity": 1800, "zone": "BNQ"},
    {"name": "Secretariat Offices", "capacity": 120, "zone": "BOF"},
]

# "Principal plus one": the most seats one delegation may hold at a bookable session.
PRINCIPAL_PLUS_ONE = 2

# Each session: slug (stable key), day, local start and end, kind (SessionKind), room,
# title, theme, booking (BookingMode), capacity (None: the room's), per-delegation cap.
SESSIONS = [
    # Saturday 25 October 2025
    {"slug": "d1-welcome", "day": DAY_1, "start": "08:30", "end": "09:00", "kind": "welcome",
     "room": "Lobby", "title": "Welcome of heads of delegation by the President; group photo"},
    {"slug": "d1-opening", "day": DAY_1, "start": "09:00", "end": "10:00", "kind": "opening",
     "room": "Main Hall", "title": "Opening session",
     "theme": "Countering Cybercrime - Sharing Responsibility - Securing our Future"},
    {"slug": "d1-signing", "day": DAY_1, "start": "10:00", "end": "12:00", "kind": "signing_ceremony",
     "room": "Main Hall - Signing Stage",
     "title": "Signing ceremony of the United Nations Convention against Cybercrime",
     "description": "Signatures in the order set by protocol; the host country signs first. "
     "Run by the UN Office of Legal Affairs (Treaty Section)."},
    {"slug": "d1-plenary", "day": DAY_1, "start": "14:00", "end": "17:30", "kind": "plenary",
     "room": "Main Hall", "title": "Plenary: national statements",
     "description": "Co-chaired by the Prime Minister of Viet Nam and the Secretary-General."},
    {"slug": "d1-hld-1", "day": DAY_1, "start": "14:00", "end": "15:30", "kind": "high_level_dialogue",
     "room": "Hall A", "title": "High-level dialogue 1",
     "theme": "What the Convention means for cooperation",
     "booking": "open", "capacity": 600, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d1-hld-2", "day": DAY_1, "start": "15:45", "end": "17:15", "kind": "high_level_dialogue",
     "room": "Hall B", "title": "High-level dialogue 2",
     "theme": "Human-rights safeguards",
     "booking": "open", "capacity": 500, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d1-rt-1", "day": DAY_1, "start": "14:00", "end": "15:15", "kind": "roundtable",
     "room": "Room 201", "title": "Roundtable 1", "theme": "Electronic evidence across borders",
     "booking": "open", "capacity": 100, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d1-rt-2", "day": DAY_1, "start": "15:30", "end": "16:45", "kind": "roundtable",
     "room": "Room 202", "title": "Roundtable 2", "theme": "Public-private partnership",
     "booking": "open", "capacity": 100, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d1-press", "day": DAY_1, "start": "17:30", "end": "18:15", "kind": "press_conference",
     "room": "Press Centre", "title": "Joint press conference"},
    {"slug": "d1-gala", "day": DAY_1, "start": "19:00", "end": "21:30", "kind": "gala_dinner",
     "room": "Banquet Hall", "title": "Gala dinner hosted by the President for heads of delegation",
     "booking": "invitation"},
    {"slug": "d1-exhibition", "day": DAY_1, "start": "08:00", "end": "18:00", "kind": "exhibition",
     "room": "Exhibition Hall", "title": "Technology exhibition",
     "description": "Co-organised by the Government of Viet Nam and the UN Secretariat; 20+ booths."},
    # Sunday 26 October 2025
    {"slug": "d2-plenary", "day": DAY_2, "start": "09:00", "end": "12:00", "kind": "plenary",
     "room": "Main Hall", "title": "Plenary (continued): national statements"},
    {"slug": "d2-hld-3", "day": DAY_2, "start": "09:00", "end": "10:30", "kind": "high_level_dialogue",
     "room": "Hall A", "title": "High-level dialogue 3",
     "theme": "Capacity building for developing countries",
     "booking": "open", "capacity": 600, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d2-hld-4", "day": DAY_2, "start": "10:45", "end": "12:15", "kind": "high_level_dialogue",
     "room": "Hall B", "title": "High-level dialogue 4",
     "theme": "Online fraud and child sexual exploitation",
     "booking": "open", "capacity": 500, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d2-rt-3", "day": DAY_2, "start": "13:30", "end": "14:45", "kind": "roundtable",
     "room": "Room 201", "title": "Roundtable 3", "theme": "Combating online scams",
     "booking": "open", "capacity": 100, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d2-rt-4", "day": DAY_2, "start": "15:00", "end": "16:15", "kind": "roundtable",
     "room": "Room 202", "title": "Roundtable 4", "theme": "Technical assistance",
     "booking": "open", "capacity": 100, "cap": PRINCIPAL_PLUS_ONE},
    {"slug": "d2-closing", "day": DAY_2, "start": "16:30", "end": "17:30", "kind": "closing",
     "room": "Main Hall", "title": "Closing session"},
    {"slug": "d2-exhibition", "day": DAY_2, "start": "08:00", "end": "18:00", "kind": "exhibition",
     "room": "Exhibition Hall", "title": "Technology exhibition",
     "description": "Co-organised by the Government of Viet Nam and the UN Secretariat; 20+ booths."},
]  # fmt: skip

# Side events, day 2: 75-minute slots (60 minutes + 15 minutes changeover) from 09:00 to
# 16:15. Illustrative: three in parallel per slot; the secretariat adds the rest.
SIDE_EVENT_SLOTS = [("09:00", "10:00"), ("10:15", "11:15"), ("11:30", "12:30"),
                    ("12:45", "13:45"), ("14:00", "15:00"), ("15:15", "16:15")]  # fmt: skip
SIDE_EVENT_ROOMS = ["Room 203", "Room 204", "Room 205"]
SIDE_EVENT_CAPACITY = 80
SIDE_EVENTS = [
    # (organiser, title) per slot, in room order.
    ("UNODC", "Ratification toolkit: from signature to entry into force"),
    ("INTERPOL", "Operational cooperation against ransomware"),
    ("ASEAN", "Regional cyber capacity in South-East Asia"),
    ("Council of Europe", "Budapest and Hanoi: working with two conventions"),
    ("ITU", "National cybersecurity strategies and criminal justice"),
    ("UNICEF", "Protecting children online: prevention and victim support"),
    ("ASEANAPOL", "Cross-border investigations of online scam compounds"),
    ("UNDP", "Digital public infrastructure and trust"),
    ("European Union", "Global action on cybercrime: results and next steps"),
    ("OSCE", "Confidence-building and law-enforcement cooperation"),
    ("OHCHR", "Human rights in cybercrime investigations"),
    ("UN Women", "Technology-facilitated gender-based violence"),
    ("UNICRI", "Artificial intelligence and crime: emerging threats"),
    ("Global Forum on Cyber Expertise", "Matching donors and capacity needs"),
    ("Viet Nam Ministry of Public Security", "Viet Nam's national centre against cybercrime"),
    ("World Bank", "Financial flows of cyber-enabled fraud"),
    ("African Union", "Harmonising cybercrime laws in Africa"),
    ("Organization of American States", "Cybercrime units in the Americas: lessons learned"),
]


def side_event_sessions():
    """The side events as session entries like SESSIONS'."""
    sessions = []
    for index, (organiser, title) in enumerate(SIDE_EVENTS):
        start, end = SIDE_EVENT_SLOTS[index // len(SIDE_EVENT_ROOMS)]
        sessions.append(
            {
                "slug": f"d2-side-{index + 1:02d}",
                "day": DAY_2,
                "start": start,
                "end": end,
                "kind": "side_event",
                "room": SIDE_EVENT_ROOMS[index % len(SIDE_EVENT_ROOMS)],
                "title": title,
                "description": f"Side event organised by {organiser}.",
                "booking": "open",
                "capacity": SIDE_EVENT_CAPACITY,
                "cap": PRINCIPAL_PLUS_ONE,
            }
        )
    return sessions


# Chairs and speakers who are not registered members: named guests.
SESSION_ROLES = [
    {"session": "d1-opening", "role": "speaker", "order": 1, "name": "Luong Cuong",
     "affiliation": "President of the Socialist Republic of Viet Nam"},
    {"session": "d1-opening", "role": "speaker", "order": 2, "name": "António Guterres",
     "affiliation": "Secretary-General of the United Nations"},
    {"session": "d1-opening", "role": "speaker", "order": 3, "name": "Ghada Waly",
     "affiliation": "Executive Director, United Nations Office on Drugs and Crime (UNODC)"},
    {"session": "d1-plenary", "role": "co_chair", "order": 1, "name": "Pham Minh Chinh",
     "affiliation": "Prime Minister of the Socialist Republic of Viet Nam"},
    {"session": "d1-plenary", "role": "co_chair", "order": 2, "name": "António Guterres",
     "affiliation": "Secretary-General of the United Nations"},
    {"session": "d1-welcome", "role": "chair", "order": 1, "name": "Luong Cuong",
     "affiliation": "President of the Socialist Republic of Viet Nam"},
    {"session": "d1-gala", "role": "chair", "order": 1, "name": "Luong Cuong",
     "affiliation": "President of the Socialist Republic of Viet Nam (host)"},
]  # fmt: skip


def all_sessions():
    return SESSIONS + side_event_sessions()
