"""The interface and the e-mails in English, French and Vietnamese.

Pages follow the visitor's choice (the language switcher's cookie, else Accept-Language);
e-mails follow the recipient's `Member.language`. The catalogues under locale/ are checked
here without GNU gettext, which a user's machine may lack: the .po files are parsed by
hand, the .mo files are read with Python's gettext module, and the strings the sources mark
for translation are extracted with Django's own template lexer and Python's ast.
"""

import ast
import gettext
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

from accreditation import services as accreditation_services
from accreditation.services.submission import delegation_submit
from hanoi_summit.core.models import OutgoingEmail
from tests import factories
from tests.accreditation.review_helpers import approved, reference_data

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
TRANSLATED = ("fr", "vi")

# A few strings per surface, in each language: what a visitor must see, and the English
# original that must be gone.
PROGRAMME = {
    "fr": (
        "Filtrer le programme",
        "Ajouter au calendrier (.ics)",
        "Cérémonie de signature",
        "25-26 octobre 2025",
    ),
    "vi": (
        "Lọc chương trình",
        "Thêm vào lịch (.ics)",
        "Lễ ký và Hội nghị cấp cao",
        "ngày 25-26 tháng 10 năm 2025",
    ),
}
PORTAL = {
    "fr": ("Portail de la délégation", "Soumettre et suivre les accréditations"),
    "vi": ("Cổng thông tin của đoàn", "Gửi và theo dõi việc cấp thẻ tham dự"),
}
PROTOCOL = {
    "fr": ("File d'impression", "Guichet des badges"),
    "vi": ("Hàng chờ in", "Quầy cấp thẻ"),
}
PROGRAMME_PROTOCOL = {
    "fr": ("Protocole du programme", "Ouvrir le bureau des signatures"),
    "vi": ("Lễ tân chương trình", "Mở bàn ký"),
}
GATE = {
    "fr": ("Occupation par zone", "Utiliser la caméra"),
    "vi": ("Số người theo khu vực", "Dùng camera"),
}


def _page(client, url, language, via="cookie"):
    if via == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(url)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")


def _assert_translated(response, language, expected, english):
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    # The switcher brings the visitor back to this very page.
    assert f'name="next" type="hidden" value="{response.request["PATH_INFO"]}"' in html
    assert f'<option value="{language}" selected>' in html
    for text in expected:
        assert text in html, text
    for text in english:
        assert text not in html, text


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("via", ["cookie", "accept-language"])
def test_public_programme_in_each_language(client, language, via):
    response = _page(client, reverse("programme:index"), language, via)
    english = ("Filter the programme", "Add to calendar (.ics)", "Signing Ceremony", "October 2025")
    _assert_translated(response, language, PROGRAMME[language], english)


@pytest.mark.django_db
def test_english_stays_the_default(client):
    html = client.get(reverse("programme:index")).content.decode()
    assert '<html lang="en">' in html
    assert "Filter the programme" in html
    assert "Filtrer le programme" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_portal_home_in_each_language(client, language):
    delegation = factories.StateDelegationFactory(country="KE", name="Kenya", code="ken")
    client.force_login(factories.FocalPointFactory(delegation=delegation).user)
    response = _page(client, reverse("portal:home"), language)
    _assert_translated(
        response, language, PORTAL[language], ("Delegation portal", "Submit and follow accreditation")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_protocol_home_in_each_language(client, language):
    client.force_login(factories.StaffUserFactory(role="Protocol officer"))
    response = _page(client, reverse("protocol:home"), language)
    _assert_translated(response, language, PROTOCOL[language], ("Print queue", "Badge desk"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_programme_protocol_desk_in_each_language(client, language):
    client.force_login(factories.StaffUserFactory(role="Protocol officer"))
    response = _page(client, reverse("protocol_programme:index"), language)
    _assert_translated(
        response, language, PROGRAMME_PROTOCOL[language], ("Programme protocol", "Open the signing desk")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_gate_page_in_each_language(client, language):
    factories.ZoneFactory(code="PLN", name="Plenary hall")
    client.force_login(factories.StaffUserFactory(role="Gate officer"))
    response = _page(client, reverse("protocol:checkin"), language)
    _assert_translated(response, language, GATE[language], ("Occupancy per zone", "Use the camera"))


@pytest.mark.django_db
def test_language_switcher_sets_the_language_and_returns_to_the_page(client):
    page = client.get(reverse("programme:index")).content.decode()
    # The switcher on every page posts to set_language and comes back to where it was.
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="next" type="hidden" value="/programme/"' in page
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}"' in page
        assert name in page

    response = client.post(reverse("set_language"), {"language": "vi", "next": "/programme/?day=2025-10-25"})
    assert response.status_code == 302
    assert response["Location"] == "/programme/?day=2025-10-25"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    html = client.get(reverse("programme:index")).content.decode()
    assert '<html lang="vi">' in html
    assert "Lọc chương trình" in html
    assert '<option value="vi" selected>' in html


@pytest.mark.django_db
def test_language_switcher_refuses_an_unknown_language_and_a_foreign_next(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


# --- e-mails ----------------------------------------------------------------------------------

APPROVAL = {
    "fr": ("Accréditation approuvée", "Centre national des congrès"),
    "vi": ("Yêu cầu cấp thẻ tham dự đã được chấp thuận", "Trung tâm Hội nghị Quốc gia"),
}
EVENT = {
    "fr": "Cérémonie de signature et conférence de haut niveau de la Convention des Nations Unies contre la "
    "cybercriminalité, 25-26 octobre 2025",
    "vi": "Lễ ký và Hội nghị cấp cao Công ước của Liên hợp quốc về chống tội phạm mạng, ngày 25-26 tháng 10 năm 2025",
}
SUBMISSION = {
    "fr": ("Votre demande d'accréditation", "a soumis votre demande d'accréditation"),
    "vi": ("Yêu cầu cấp thẻ tham dự Lễ ký Công ước Hà Nội", "đã gửi yêu cầu cấp thẻ tham dự"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_approval_email_is_in_the_members_language(language):
    zones, categories = reference_data()
    officer = factories.StaffUserFactory(role="Security officer")
    member_language = approved(categories, zones, email="anna@example.org", language=language)
    english = approved(categories, zones, email="bob@example.org", language="en")

    for accreditation in (member_language, english):
        accreditation_services.accreditation_clear(accreditation=accreditation, actor=officer)

    translated = OutgoingEmail.objects.get(to="anna@example.org")
    subject, body = APPROVAL[language]
    assert translated.language == language
    assert translated.subject.startswith(subject)
    assert body in translated.body_text and body in translated.body_html
    assert "Accreditation approved" not in translated.subject
    assert "Where to collect the badge" not in translated.body_text
    # The event's name and dates come from settings, translated at rendering time too.
    assert EVENT[language] in translated.body_text
    assert "Signing Ceremony" not in translated.body_text
    # The same e-mail to an English-speaking member stays English: nothing leaks between renders.
    original = OutgoingEmail.objects.get(to="bob@example.org")
    assert original.subject.startswith("Accreditation approved")
    assert "Where to collect the badge" in original.body_text
    assert "Signing Ceremony and High-Level Conference" in original.body_text


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_submission_confirmation_is_in_the_members_language(language):
    delegation = factories.StateDelegationFactory(
        country="KE", name="Kenya", code="ken", contact_email="mfa@ke.example", mission="Embassy of Kenya"
    )
    focal_user = factories.FocalPointFactory(delegation=delegation).user
    factories.DocumentFactory(delegation=delegation)
    member = factories.MemberFactory(
        delegation=delegation, email="grace@example.org", language=language, with_photo=True
    )

    delegation_submit(delegation=delegation, actor=focal_user)

    email = OutgoingEmail.objects.get(to=member.email)
    subject, body = SUBMISSION[language]
    assert email.language == language
    assert subject in email.subject
    assert body in email.body_text
    assert member.badge_name in email.body_text
    assert "Your accreditation request" not in email.subject
    assert "has submitted your accreditation request" not in email.body_text


# --- catalogues -------------------------------------------------------------------------------


def _unquote(literal):
    return ast.literal_eval(literal)


def parse_po(path):
    """Entries of a .po file as dicts: msgid, plural, msgstr {index: text}, flags, obsolete."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"msgid": "", "plural": None, "msgstr": {}, "flags": [], "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[(\d+)\])?) (".*")$', line):
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword == "msgid":
                field = ("msgid",)
                entry["msgid"] = text
            elif keyword == "msgid_plural":
                field = ("plural",)
                entry["plural"] = text
            else:
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = text
        elif line.startswith('"'):
            text = _unquote(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += text
            else:
                entry[field[0]] += text
        else:
            raise AssertionError(f"{path}: unexpected line {line!r}")
    return entries


def _catalogue(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    header = next(e for e in entries if e["msgid"] == "")
    messages = [e for e in entries if e["msgid"] and not e["obsolete"]]
    return header, messages


def _placeholders(text):
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", text))


def _tags(text):
    return sorted(re.findall(r"</?[a-z]+", text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_and_well_formed(language):
    header, messages = _catalogue(language)
    nplurals = int(re.search(r"nplurals=(\d+)", header["msgstr"][0]).group(1))
    assert f"Language: {language}\n" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"], "a fuzzy header hides the plural rule from msgfmt"
    assert len(messages) > 900
    problems = []
    for entry in messages:
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(("fuzzy", msgid))
        forms = range(nplurals) if entry["plural"] is not None else range(1)
        for form in forms:
            text = entry["msgstr"].get(form, "")
            if not text:
                problems.append(("untranslated", msgid))
                continue
            # Every placeholder and every HTML tag of the original survives the translation.
            if entry["plural"] is None and _placeholders(text) != _placeholders(msgid):
                problems.append(("placeholders", msgid, text))
            if not set(_placeholders(text)) <= set(_placeholders(msgid + (entry["plural"] or ""))):
                problems.append(("unknown placeholder", msgid, text))
            if _tags(text) != _tags(msgid):
                problems.append(("html", msgid, text))
            if msgid.endswith("\n") != text.endswith("\n"):
                problems.append(("newline", msgid, text))
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo answers every msgid with the .po's translation: it is not stale."""
    _, messages = _catalogue(language)
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.info()["language"] == language
    stale = []
    for entry in messages:
        if entry["plural"] is None:
            if compiled.gettext(entry["msgid"]) != entry["msgstr"][0]:
                stale.append(entry["msgid"])
        else:
            for n in (1, 2, 5):
                index = compiled.plural(n)
                if compiled.ngettext(entry["msgid"], entry["plural"], n) != entry["msgstr"][index]:
                    stale.append(entry["msgid"])
    assert stale == []


def test_french_and_vietnamese_plural_rules():
    with open(LOCALE / "fr" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        french = gettext.GNUTranslations(mo)
    with open(LOCALE / "vi" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        vietnamese = gettext.GNUTranslations(mo)
    single, several = "%(n)s member", "%(n)s members"
    assert french.ngettext(single, several, 1) == "%(n)s membre"
    assert french.ngettext(single, several, 0) == "%(n)s membre"
    assert french.ngettext(single, several, 3) == "%(n)s membres"
    assert vietnamese.ngettext(single, several, 1) == vietnamese.ngettext(single, several, 3)


# Where makemessages looks, and what it leaves out (the Makefile's `messages` target).
SOURCE_SKIP = {".venv", "var", "tests", "bench", "locale", "node_modules", ".git"}
PY_KEYWORDS = {"_": 1, "gettext": 1, "gettext_lazy": 1, "gettext_noop": 1, "ngettext": 2, "ngettext_lazy": 2}
TEMPLATE_CALL = re.compile(r"\b(n?gettext)\(((?:u'(?:[^'\\]|\\.)*'(?:, )?)+)")


def _source_files():
    for folder, subfolders, files in os.walk(ROOT):
        # Pruned in place, as makemessages skips them: the ignored folders and hidden ones.
        subfolders[:] = [d for d in subfolders if d not in SOURCE_SKIP and not d.startswith((".", "__"))]
        for name in files:
            if name.endswith((".py", ".html", ".txt")):
                yield Path(folder) / name


def _marked_strings(path):
    """The (msgid, plural) pairs a source file marks for translation."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arity = PY_KEYWORDS.get(name)
            if arity is None or len(node.args) < arity:
                continue
            args = node.args[:arity]
            if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                yield args[0].value, (args[1].value if arity == 2 else None)
        return
    for match in TEMPLATE_CALL.finditer(templatize(text, origin=str(path))):
        literals = [_unquote(s) for s in re.findall(r"u'(?:[^'\\]|\\.)*'", match.group(2))]
        yield literals[0], (literals[1] if match.group(1) == "ngettext" else None)


def test_every_marked_string_is_in_both_catalogues():
    """A string added to a page or an e-mail without running makemessages fails here."""
    marked = {}
    for path in _source_files():
        for msgid, plural in _marked_strings(path):
            if msgid:
                marked.setdefault(msgid, (plural, path.relative_to(ROOT)))
    assert len(marked) > 900
    for language in TRANSLATED:
        _, messages = _catalogue(language)
        known = {entry["msgid"] for entry in messages}
        missing = sorted(f"{where}: {msgid!r}" for msgid, (_, where) in marked.items() if msgid not in known)
        assert missing == [], f"run make messages and translate ({language})"


@pytest.mark.django_db
def test_focal_point_emails_follow_the_language_they_act_in(client):
    """Focal points store no language: the submission confirmation goes out in the portal's
    language at the time, while each member's own e-mail keeps the member's language."""
    delegation = factories.StateDelegationFactory(
        country="KE", name="Kenya", code="ken", contact_email="mfa@ke.example", mission="Embassy of Kenya"
    )
    focal_user = factories.FocalPointFactory(delegation=delegation, user__email="dao@ke.example").user
    factories.DocumentFactory(delegation=delegation)
    member = factories.MemberFactory(
        delegation=delegation, email="grace@example.org", language="vi", with_photo=True
    )
    client.force_login(focal_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.post(reverse("portal_accreditation:status"))

    assert response.status_code == 302
    focal_mail = OutgoingEmail.objects.get(to="dao@ke.example")
    assert focal_mail.language == "fr"
    assert focal_mail.subject == "Kenya : 1 membre soumis pour accréditation"
    assert "Nous avons reçu les demandes d'accréditation" in focal_mail.body_text
    member_mail = OutgoingEmail.objects.get(to=member.email)
    assert member_mail.language == "vi"
    assert SUBMISSION["vi"][0] in member_mail.subject


@pytest.mark.django_db
def test_password_reset_email_is_in_the_language_it_was_asked_in(client):
    factories.FocalPointFactory(user__email="dao@ke.example")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"

    response = client.post(reverse("portal:password_reset"), {"email": "dao@ke.example"})

    assert response.status_code == 302
    email = OutgoingEmail.objects.get(to="dao@ke.example")
    assert email.language == "vi"
    assert email.subject == "Đặt lại mật khẩu cổng thông tin Công ước Hà Nội"
    assert "Reset your password" not in email.subject


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "detail", "missing"),
    [
        (
            "fr",
            "Des informations manquent ; rien n'a été soumis.",
            "une note verbale ou une lettre de désignation",
        ),
        ("vi", "Còn thiếu thông tin; chưa có nội dung nào được gửi.", "công hàm hoặc thư cử đoàn"),
    ],
)
def test_api_refusals_speak_the_callers_language(client, language, detail, missing):
    delegation = factories.StateDelegationFactory(country="KE", name="Kenya", code="ken")
    factories.MemberFactory(delegation=delegation)
    client.force_login(factories.FocalPointFactory(delegation=delegation).user)

    response = client.post(reverse("portal_accreditation:api-submit"), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete"
    assert body["detail"] == detail
    assert missing in body["errors"]["delegation"]
    assert not OutgoingEmail.objects.exists()


VISIBLE_ATTRIBUTE = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"')
NOT_SHOWN = [
    re.compile(pattern, re.S)
    for pattern in (
        r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}",
        r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}",
        r"{#.*?#}",
        r"<script\b.*?</script>",
        r"<style\b.*?</style>",
        r"{%.*?%}",
        r"{{.*?}}",
        r"&\w+;|&#\w+;",
    )
]


def _untranslated_text(source):
    """Words a template shows outside {% translate %} and {% blocktranslate %}."""
    for pattern in NOT_SHOWN:
        source = pattern.sub(" ", source)
    shown = VISIBLE_ATTRIBUTE.findall(source) + re.sub(r"<[^>]*>", "\n", source).splitlines()
    # Codes and file formats (CSV, XLSX, HS1:...) are the same in every language.
    return [text.strip() for text in shown if re.search(r"[a-z]{2,}", text)]


def test_templates_show_no_untranslated_text():
    leftovers = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            leftovers += [
                f"{path.relative_to(ROOT)}: {text!r}" for text in _untranslated_text(path.read_text())
            ]
    assert leftovers == []


def test_the_template_scan_sees_untranslated_text():
    shown = _untranslated_text(
        '{% load i18n %}<h1>{% translate "Programme" %}</h1><nav aria-label="breadcrumb"></nav>'
        "<p>Hello {{ name }}</p>{% blocktranslate %}Dear {{ name }}{% endblocktranslate %}<td>CSV</td>"
    )
    assert shown == ["breadcrumb", "Hello"]
