"""Benchmark: statutory documents against WeasyPrint's floor on this machine.

    python bench/documents.py [--repeat 15] [--batch 1000]

1. Loads the demo data into a throw-away SQLite database (documents not rendered there)
   and takes one snapshot of every document kind.
2. Renders each kind ``--repeat`` times, alternating with WeasyPrint rendering a bare
   HTML page with the same number of pages (the floor: same font, plain paragraphs, no
   layout), and prints both medians. Target: ratio ≤ 1.5. The floor goes through the same
   ``render.html_to_pdf`` as the documents — same URL fetcher and font configuration, reused
   across renders — only without the document stylesheet.
3. Renders a ``--batch`` of documents (all kinds, round robin) on 1 process and on every
   core, and prints the speed-up. Target: ≥ 1.8 on 2 cores.

Timing belongs here, never in the test suite.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="oik-bench-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "oik_site.settings",
        "DATABASE_URL": f"sqlite:///{_tmp}/bench.sqlite3",
        "OIK_LOCAL_DIR": _tmp,
        "OIK_TASKS_BACKEND": "dummy",
    }
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from documents import render  # noqa: E402
from documents.models import DocumentKind  # noqa: E402
from workflows import snapshots  # noqa: E402

PUBLIC_ID = "00000000-0000-4000-8000-000000000000"
WORDS = "Zażółć gęślą jaźń – przykładowy tekst akapitu do pomiaru. " * 12
PARAGRAPHS_PER_PAGE = 8  # fills an A4 page with the default margins (checked in main)


def demo_snapshots() -> dict[str, dict]:
    from forms.models import NKC, NKD
    from workflows import demo
    from workflows.models import Meeting, Notification, Procedure, Referral

    call_command("migrate", verbosity=0)
    demo.seed()
    procedures = {p.stage: p for p in Procedure.objects.order_by("id")}
    closed = Procedure.objects.filter(stage="closed").first()
    acting = Procedure.objects.filter(referrals__isnull=False, stage="actions").first()
    nka = acting.nka_forms.order_by("id").first()
    victim_meeting = Meeting.objects.filter(procedure=acting, kind="victim").first()
    suspect_meeting = Meeting.objects.filter(procedure=acting, kind="suspect").first()
    absent = NKD.objects.filter(appeared=False).first()
    member = acting.group.memberships.first().professional
    subjects = {
        DocumentKind.NKA: (acting, f"nka:{nka.pk}"),
        DocumentKind.NKB: (acting, f"nka:{nka.pk}"),
        DocumentKind.NKC: (acting, f"meeting:{NKC.objects.get(procedure=acting).meeting_id}"),
        DocumentKind.NKD: (acting, f"meeting:{suspect_meeting.pk}"),
        DocumentKind.GROUP_DECISION: (acting, f"group:{acting.group.pk}"),
        DocumentKind.DECLARATION: (acting, f"member:{member.pk}"),
        DocumentKind.VICTIM_INVITATION: (acting, f"meeting:{victim_meeting.pk}"),
        DocumentKind.SUSPECT_SUMMONS: (acting, f"meeting:{suspect_meeting.pk}"),
        DocumentKind.INITIATION_NOTICE: (absent.procedure, f"meeting:{absent.meeting_id}"),
        DocumentKind.MINUTES: (acting, f"meeting:{victim_meeting.pk}"),
        DocumentKind.REFERRAL: (
            acting,
            f"referral:{Referral.objects.filter(procedure=acting).first().pk}",
        ),
        DocumentKind.MISDEMEANOUR: (
            acting,
            f"notification:{Notification.objects.filter(kind='misdemeanour_66c').first().pk}",
        ),
        DocumentKind.NOTICE: (
            Notification.objects.exclude(kind="misdemeanour_66c").first().procedure,
            f"notification:{Notification.objects.exclude(kind='misdemeanour_66c').first().pk}",
        ),
        DocumentKind.CLOSURE_PROTOCOL: (closed, f"procedure:{closed.pk}"),
        DocumentKind.CLOSURE_NOTICE: (closed, f"procedure:{closed.pk}"),
    }
    del procedures
    # The programme certificates: the demo centre's correctional group answers Jan Mróz's
    # referral (enrolment = reporting), then he completes the programme.
    from centre import services as centre
    from centre.models import Centre, Group
    from people.models import Person

    staff = Centre.objects.get().staff.first().user
    mroz = Person.objects.get(first_name="Jan", last_name="Mróz")
    referral = centre.open_referrals_for(Centre.objects.get(), mroz).get()
    enrolment = centre.enrol(
        actor=staff,
        group_id=Group.objects.get(kind="correctional_educational").pk,
        person_id=mroz.pk,
        enrolled_on=referral.received_on,
        referral_id=referral.pk,
    )
    centre.enrolment_finish(
        actor=staff, enrolment_id=enrolment.pk, finished_on=referral.received_on
    )
    for kind in (DocumentKind.PROGRAMME_REPORTED, DocumentKind.PROGRAMME_COMPLETED):
        subjects[kind] = (referral.procedure, f"referral:{referral.pk}")
    assert set(subjects) == set(DocumentKind)  # noqa: S101 - every kind is measured
    return {kind: snapshots.build(p, kind, subject) for kind, (p, subject) in subjects.items()}


def floor_html(pages: int) -> str:
    """The floor: ``pages`` A4 pages filled with plain paragraphs, same font, no styling."""
    page = "".join(f"<p>{WORDS[:300]}</p>" for _ in range(PARAGRAPHS_PER_PAGE))
    body = "".join(
        f'<div style="page-break-after: always">{page}</div>'
        if n < pages - 1
        else f"<div>{page}</div>"
        for n in range(pages)
    )
    return f'<html><body style="font-family: {render.FONT_FAMILY}">{body}</body></html>'


def median_times(first, second, repeat: int) -> tuple[float, float]:
    """Medians of two actions measured alternately (ABAB…), so that whatever else the machine
    does at a moment weighs on both alike."""
    first()
    second()  # warm up: fonts, templates
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        first()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        second()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def _render_one(item: tuple[str, dict]) -> int:
    kind, snapshot = item
    return len(render.render(kind, snapshot, public_id=PUBLIC_ID, version=1).pdf)


def batch_time(items: list, processes: int) -> float:
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_render_one, items, chunksize=8)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    subset = (
        "HarfBuzz" if _has_harfbuzz_subset() else "fontTools (slow: install libharfbuzz-subset0)"
    )
    print(f"WeasyPrint subsetting: {subset}; cores: {os.cpu_count()}")
    from weasyprint import HTML

    for pages in (1, 2, 3):  # the floor really has the page count it claims
        if len(HTML(string=floor_html(pages)).render().pages) != pages:
            raise SystemExit(f"floor_html({pages}) does not fill exactly {pages} pages")
    docs = demo_snapshots()
    print(f"\n{'document':<20}{'pages':>6}{'median ms':>11}{'floor ms':>10}{'ratio':>7}")
    worst = 0.0
    for kind, snapshot in docs.items():
        pages = render.render(kind, snapshot, public_id=PUBLIC_ID, version=1).pages
        bare = floor_html(pages)
        own, floor = median_times(
            lambda k=kind, s=snapshot: _render_one((k, s)),
            lambda b=bare: render.html_to_pdf(b),
            args.repeat,
        )
        ratio = own / floor
        worst = max(worst, ratio)
        print(f"{kind:<20}{pages:>6}{own * 1000:>11.1f}{floor * 1000:>10.1f}{ratio:>7.2f}")
    print(f"\nworst ratio to the floor: {worst:.2f} (target ≤ 1.5)")

    kinds = list(docs.items())
    items = [kinds[n % len(kinds)] for n in range(args.batch)]
    cores = os.cpu_count() or 1
    one = batch_time(items, 1)
    many = batch_time(items, cores)
    print(
        f"batch of {args.batch}: 1 process {one:.1f} s ({args.batch / one:.1f} docs/s), "
        f"{cores} processes {many:.1f} s ({args.batch / many:.1f} docs/s), "
        f"speed-up {one / many:.2f}× (target ≥ 1.8 on 2 cores)"
    )


def _has_harfbuzz_subset() -> bool:
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


if __name__ == "__main__":
    main()
