"""Render 2,000 badges with distinct photos in each layout: badges per second, PDF size, memory.

    .venv/bin/python bench/badges.py [--count 2000] [--layouts cr80 a6 a4x4]

No database: the badges are unsaved model instances whose photos are real files under a
temporary folder (made first, not timed). Each layout renders in a child process so its
peak memory (maxrss) is its own. Figures are appended to bench/RESULTS.md.
Targets: >= 100 badges/s per process in CR80, < 40 KB of PDF per badge.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path and its modules (bench/email.py)
# would shadow the standard library's: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

NAMES = [
    "Nguyễn Thị Hương",
    "Trần Đức Thắng",
    "Zoë Ångström-Müller",
    "José María Quiñones",
    "Łukasz Wróblewski",
    "H.E. Ms Ama Serwaa Owusu-Ansah",
    "Søren Kierkegaard Ødegård",
    "Ngô Bảo Châu",
]


def make_photo(path, seed):
    """A 600 x 800 portrait-like JPEG of ~60-90 KB: gradient background, a face, fine detail."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    background = Image.linear_gradient("L").resize((600, 800)).rotate(rng.choice([0, 90, 180]))
    tint = tuple(rng.randrange(120, 255) for _ in range(3))
    image = Image.merge("RGB", [background.point(lambda v, t=t: v * t // 255) for t in tint])
    draw = ImageDraw.Draw(image)
    skin = (rng.randrange(150, 240), rng.randrange(110, 200), rng.randrange(90, 170))
    draw.ellipse((180, 160, 420, 480), fill=skin)
    draw.rectangle((120, 520, 480, 800), fill=tuple(rng.randrange(0, 120) for _ in range(3)))
    noise = Image.effect_noise((300, 400), 40).resize((600, 800)).convert("RGB")
    image = Image.blend(image, noise, 0.18).filter(ImageFilter.SMOOTH)
    image.save(path, "JPEG", quality=88)


def make_badges(count, photo_dir):
    from accreditation.models import FIRST_BADGE_NUMBER, Accreditation, Badge, Category
    from delegations.models import Delegation, Member

    categories = [
        Category(code="VIP", name="Heads of State and Government", colour="#C62828"),
        Category(code="DEL", name="Delegate", colour="#1565C0"),
        Category(code="MED", name="Media", colour="#F9A825", text_colour="#000000"),
    ]
    delegations = [
        Delegation(kind="member_state", country="VN", name="Viet Nam"),
        Delegation(kind="igo", name="United Nations Office on Drugs and Crime", acronym="UNODC"),
    ]
    badges = []
    for index in range(count):
        member = Member(
            delegation=delegations[index % 2],
            family_name="x",
            badge_name=f"{NAMES[index % len(NAMES)]} {index}",
            function="Deputy Director-General, Department of Cybersecurity",
            photo=f"photos/{index}.jpg",
        )
        badges.append(
            Badge(
                accreditation=Accreditation(member=member),
                number=FIRST_BADGE_NUMBER + index,
                version=1,
                category=categories[index % 3],
                zone_codes="PLN SIG VIP EXH",
                valid_from=dt.date(2025, 10, 25),
                valid_until=dt.date(2025, 10, 26),
            )
        )
    return badges


def render_one(layout, count, out_path, queue):
    from accreditation.badges import pdf

    badges = make_badges(count, None)
    pdf.register_fonts()
    start, cpu_start = time.perf_counter(), time.process_time()
    with open(out_path, "wb") as out:
        pdf.render_badges(badges=badges, layout=layout, out=out)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    queue.put((elapsed, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--layouts", nargs="+", default=["cr80", "a6", "a4x4"])
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-badges-"))
    # Uploads live under VAR_DIR/private: point it at the folder of generated photos.
    os.environ["HANOI_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
    import django

    django.setup()
    import reportlab

    photos = workdir / "private" / "photos"
    photos.mkdir(parents=True)
    print(f"Making {args.count} distinct photos in {photos} ...", flush=True)
    for index in range(args.count):
        make_photo(photos / f"{index}.jpg", index)
    photo_sizes = [p.stat().st_size for p in photos.iterdir()]
    mean_photo = sum(photo_sizes) / len(photo_sizes)

    load = os.getloadavg()[0]
    lines = [
        f"load average {load:.1f} at start (wall-clock figures suffer when other work shares the cores)",
        f"{args.count} badges, distinct 600x800 JPEG photos (mean {mean_photo / 1024:.0f} KB), "
        f"reportlab {reportlab.Version}, one process per layout",
    ]
    context = multiprocessing.get_context("fork")
    for layout in args.layouts:
        out_path = workdir / f"badges-{layout}.pdf"
        queue = context.Queue()
        child = context.Process(target=render_one, args=(layout, args.count, out_path, queue))
        child.start()
        elapsed, cpu, maxrss_kb = queue.get()
        child.join()
        size = out_path.stat().st_size
        lines.append(
            f"{layout}: {args.count / elapsed:.0f} badges/s wall-clock ({elapsed:.1f} s), "
            f"{args.count / cpu:.0f} badges per CPU-second ({cpu:.1f} s), "
            f"PDF {size / 1024 / 1024:.1f} MB = {size / args.count / 1024:.1f} KB per badge, "
            f"peak RSS {maxrss_kb / 1024:.0f} MB"
        )
        print(lines[-1], flush=True)
        out_path.unlink()

    from bench.results import append

    append("Badge PDFs (bench/badges.py)", lines)
    for path in photos.iterdir():
        path.unlink()


if __name__ == "__main__":
    main()
