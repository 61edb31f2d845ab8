def member_data(**overrides):
    """A complete member as the portal form would post it."""
    data = {
        "title": "Ms",
        "family_name": "Wanjiru",
        "given_names": "Grace",
        "badge_name": "",
        "function": "Counsellor",
        "protocol_rank": 100,
        "role": "delegate",
        "gender": "female",
        "date_of_birth": "1981-03-04",
        "nationality": "KE",
        "passport_number": "AK1234567",
        "passport_expiry": "2031-06-30",
        "email": "grace@example.org",
        "phone": "+254 700 000000",
        "language": "en",
        "arrival": "",
        "departure": "",
        "dietary_needs": "",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data
