"""The benchmark's data, made reproducibly (one seed) and fast: PostgreSQL COPY of whole tables.

Nothing here goes through the services one row at a time: 10,000 Wagtail pages through `add_child` and
revisions, or a million ledger entries through the points services, would take hours. Instead rows are
written as the services would leave them, keeping every invariant the product relies on:

* Open calls are Wagtail pages. Their `wagtailcore_page` rows get treebeard's materialised path (the
  parent's path plus a 4-character base-36 step, `Page._get_path`), `depth` = parent + 1 and `numchild` = 0,
  and each department section's `numchild` is raised by the number of calls put under it; `url_path` is the
  parent's plus the slug, `live` with `first_published_at`, a fresh `translation_key` in the default locale.
  The `campaigns_opencallpage` rows point at them (multi-table inheritance). No revisions are written:
  the public listing, the API and page URLs read only the live page rows; Wagtail makes the first revision
  when someone edits the page in the admin. The few pages above them (the listing and the department
  sections) are made by the product's own `department_section_ensure`.
* Shift counters equal the confirmed sign-ups written for them, under the capacity (the check constraints
  are in force during COPY).
* Each approved completion has one final approval; its ledger has one earn, optional bonuses of real
  earning rules, and an expiry entry when the lot is past its date, like the points services write them.
  Accounts hold the sums of their entries; leaderboard tallies the sums per board, subject and period,
  as `achievements.services.points_recorded` would have left them.
* Finally VACUUM ANALYZE, as autovacuum would have done on a live server: planner statistics, and the
  visibility map that lets counts run as index-only scans.

Pass counts through `Volumes`; `Volumes.full()` is the issue's data set, `Volumes.quick()` a smoke-sized one.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

SEED = 1405


@dataclass(frozen=True)
class Volumes:
    calls: int
    people: int  # volunteers on the leaderboards (burst volunteers are among them)
    ledger_entries: int
    burst_volunteers: int
    burst_places: int
    verification_probes: int

    @classmethod
    def full(cls) -> Volumes:
        return cls(
            calls=10_000,
            people=100_000,
            ledger_entries=1_000_000,
            burst_volunteers=2_000,
            burst_places=200,
            verification_probes=40,
        )

    @classmethod
    def quick(cls) -> Volumes:
        return cls(
            calls=500,
            people=1_000,
            ledger_entries=5_000,
            burst_volunteers=200,
            burst_places=20,
            verification_probes=10,
        )


@dataclass
class Dataset:
    """What the scenarios need to know about the generated data."""

    volumes: Volumes
    burst_call_id: int
    burst_shift_ids: list[int]
    burst_tokens: list[str]  # API tokens of the burst volunteers, in user-id order
    burst_user_ids: list[int]
    probe_completions: list[dict]  # {"completion_id", "user_id", "token", "expected_points"}
    staff_token: str
    department_slugs: list[str]
    service_slugs: list[str]
    district_numbers: list[int]
    leaderboard_user_ids: list[int]  # people with points, for rank look-ups
    timings: dict[str, float]


# --- COPY -------------------------------------------------------------------------------------------------


def _prepared(field: models.Field, value):
    from psycopg.types.json import Jsonb

    if isinstance(field, models.JSONField) or field.get_internal_type() == "JSONField":
        return Jsonb(value)
    return value


def copy_rows(model: type[models.Model], rows, *, columns: list[str] | None = None) -> int:
    """Writes rows (dicts keyed by attname) into the model's own table with COPY; fields not given take
    their default. With `columns`, rows are tuples in that order (the fast path for the big tables) and the
    other fields take one constant default each."""
    fields = list(model._meta.local_concrete_fields)
    by_attname = {field.attname: field for field in fields}
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if columns is not None:
            # Columns the caller leaves out get their field's default: Django sets no database defaults.
            rest = [field for field in fields if field.attname not in columns]
            rest_values = tuple(_prepared(field, field.get_default()) for field in rest)
            names = [by_attname[name].column for name in columns] + [field.column for field in rest]
            quoted = ", ".join(connection.ops.quote_name(name) for name in names)
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *rest_values))
                    count += 1
            return count
        quoted = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        defaults = {}
        per_row = []
        for field in fields:
            if field.has_default() and callable(field.default) and field.unique:
                per_row.append(field)  # e.g. uuid4: one each
            else:
                defaults[field.attname] = field.get_default()
        with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for field in fields:
                    if field.attname in row:
                        value = row[field.attname]
                    elif field in per_row:
                        value = field.get_default()
                    else:
                        value = defaults[field.attname]
                    values.append(_prepared(field, value))
                copy.write_row(values)
                count += 1
    return count


def next_id(model: type[models.Model]) -> int:
    return (model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def _call_schedules(*, now) -> int:
    """Each call's CallSchedule from its shifts, in one statement, as the services would have left it (the
    rows were written around them); nothing when the tree predates the table."""
    try:
        from campaigns.models import CallSchedule  # noqa: F401
    except ImportError:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO campaigns_callschedule (call_id, next_shift_starts_at, free_places, valid_until)
            SELECT c.page_ptr_id, MIN(s.starts_at),
                   COALESCE(SUM(s.capacity - s.confirmed_count - s.team_unassigned_count), 0), MIN(s.ends_at)
            FROM campaigns_opencallpage c
            LEFT JOIN campaigns_shift s ON s.call_id = c.page_ptr_id AND s.ends_at > %s
            GROUP BY c.page_ptr_id
            ON CONFLICT (call_id) DO UPDATE SET next_shift_starts_at = EXCLUDED.next_shift_starts_at,
                free_places = EXCLUDED.free_places, valid_until = EXCLUDED.valid_until
            """,
            [now],
        )
        return cursor.rowcount


def reset_sequences(*model_classes) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(model_classes)):
            cursor.execute(statement)


def token_secret(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).rstrip(b"=").decode()


# --- The generator ------------------------------------------------------------------------------------------


def generate(volumes: Volumes, *, seed: int = SEED, log=print) -> Dataset:  # noqa: C901, PLR0912, PLR0915
    import time

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from campaigns.models import DepartmentCallsPage, OpenCallPage, Shift, SignUp, call_search_vectors_refresh
    from campaigns.services import department_section_ensure
    from city.models import Department, District, Service
    from volunteers.models import ApiToken

    User = get_user_model()
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        timings[name] = round(time.perf_counter() - started, 2)
        log(f"  data: {name} in {timings[name]:.1f} s")
        started = time.perf_counter()

    # --- Catalogue and page tree above the calls (the product's own services: a handful of pages) -------
    departments = list(Department.objects.order_by("sort_order", "pk"))
    sections = {department.pk: department_section_ensure(department=department) for department in departments}
    services_by_department = defaultdict(list)
    for service in Service.objects.filter(is_active=True).order_by("pk"):
        services_by_department[service.department_id].append(service)
    departments = [department for department in departments if services_by_department[department.pk]]
    districts = list(District.objects.order_by("number"))
    locale = Locale.get_default()
    call_type = ContentType.objects.get_for_model(OpenCallPage)
    lap("page tree and groups")

    # --- People --------------------------------------------------------------------------------------------
    first_user = next_id(User)
    visibility = User.LeaderboardVisibility
    people_ids = list(range(first_user, first_user + volumes.people))
    burst_ids = people_ids[: volumes.burst_volunteers]
    staff_id = first_user + volumes.people
    first_names = ["Sara", "Ali", "Maryam", "Reza", "Zahra", "Hossein", "Fatemeh", "Mehdi", "Narges", "Amir"]
    last_names = ["Ahmadi", "Hosseini", "Karimi", "Rezaei", "Moradi", "Jafari", "Rahimi", "Kazemi", "Sadeghi"]
    home_district = {}

    def people_rows():
        for offset, user_id in enumerate([*people_ids, staff_id]):
            roll = rng.random()
            chosen = (
                visibility.HIDDEN if roll < 0.03 else visibility.PSEUDONYM if roll < 0.10 else visibility.NAME
            )
            district = rng.choice(districts)
            home_district[user_id] = district.pk
            yield {
                "id": user_id,
                "password": "!bench-unusable",
                "username": f"bench-{offset:06d}",
                "first_name": rng.choice(first_names),
                "last_name": rng.choice(last_names),
                "phone": f"0912{offset:07d}",
                "is_active": True,
                "date_joined": now - datetime.timedelta(days=rng.randint(30, 900)),
                "district_id": district.pk,
                "leaderboard_visibility": chosen.value,
                "leaderboard_pseudonym": f"Helper {offset}" if chosen == visibility.PSEUDONYM else "",
            }

    copy_rows(User, people_rows())
    reset_sequences(User)
    staff = User.objects.get(pk=staff_id)
    staff.username = "bench-staff"
    staff.save(update_fields=["username"])
    for department in departments:
        if department.staff_group_id:
            staff.groups.add(department.staff_group_id)

    secrets = [token_secret(rng) for _ in range(len(burst_ids) + 1)]
    first_token = next_id(ApiToken)
    copy_rows(
        ApiToken,
        (
            {
                "id": first_token + index,
                "user_id": user_id,
                "name": "bench",
                "key_hash": ApiToken.hash_secret(secret),
                "prefix": secret[: ApiToken.PREFIX_LENGTH],
                "created_at": now,
            }
            for index, (user_id, secret) in enumerate(zip([*burst_ids, staff_id], secrets, strict=True))
        ),
    )
    reset_sequences(ApiToken)
    burst_tokens, staff_token = secrets[:-1], secrets[-1]
    lap(f"{volumes.people:,} people and {len(secrets):,} API tokens")

    # --- Open calls: Wagtail pages with a correct materialised path -----------------------------------------
    first_page = next_id(Page)
    page_rows, call_rows = [], []
    calls = []  # (page id, department id, service id, district id, points per hour)
    per_section: dict[int, int] = defaultdict(int)
    words = ["پاکسازی", "راهنمایی", "کارگاه", "نگهداری", "کاشت", "آموزش", "همراهی", "بازدید"]

    def add_call(
        *,
        department,
        service,
        district,
        title: str,
        slug: str,
        min_age: int,
        teams: bool,
        pph: int,
        published_at,
    ) -> int:
        section = sections[department.pk]
        per_section[department.pk] += 1
        page_id = first_page + len(page_rows)
        step = section.numchild + per_section[department.pk]
        page_rows.append(
            {
                "id": page_id,
                "path": Page._get_path(section.path, section.depth + 1, step),
                "depth": section.depth + 1,
                "numchild": 0,
                "translation_key": uuid.UUID(int=rng.getrandbits(128), version=4),
                "locale_id": locale.pk,
                "live": True,
                "has_unpublished_changes": False,
                "first_published_at": published_at,
                "last_published_at": published_at,
                "title": title,
                "draft_title": title,
                "slug": slug,
                "content_type_id": call_type.pk,
                "url_path": f"{section.url_path}{slug}/",
            }
        )
        call_rows.append(
            {
                "page_ptr_id": page_id,
                "title_en": f"Bench call {len(page_rows)}",
                "service_id": service.pk,
                "summary_fa": f"{title}: {rng.choice(words)} {rng.choice(words)} در منطقهٔ {district.number}",
                "body_fa": [],
                "body_en": [],
                "district_id": district.pk,
                "address_fa": f"خیابان {rng.randint(1, 400)}",
                "latitude": Decimal(f"{32.60 + rng.random() * 0.10:.6f}"),
                "longitude": Decimal(f"{51.60 + rng.random() * 0.12:.6f}"),
                "min_age": min_age,
                "open_to_individuals": True,
                "open_to_teams": teams,
                "points_per_hour": pph,
            }
        )
        calls.append((page_id, department.pk, service.pk, district.pk, pph))
        return page_id

    for number in range(volumes.calls):
        department = departments[number % len(departments)]
        service = rng.choice(services_by_department[department.pk])
        district = rng.choice(districts)
        add_call(
            department=department,
            service=service,
            district=district,
            title=f"{rng.choice(words)} {service.short_name_fa} {number + 1}",
            slug=f"bench-call-{number + 1}",
            min_age=rng.choice([0, 0, 0, 0, 12, 16, 18]),
            teams=rng.random() < 0.6,
            pph=rng.choice([5, 10, 10, 15, 20]),
            published_at=now - datetime.timedelta(days=rng.randint(1, 700)),
        )
    burst_department = departments[0]
    burst_call_id = add_call(
        department=burst_department,
        service=services_by_department[burst_department.pk][0],
        district=districts[0],
        title="فراخوان آزمون بار",
        slug="bench-burst",
        min_age=0,
        teams=False,
        pph=10,
        published_at=now - datetime.timedelta(days=1),
    )
    copy_rows(Page, page_rows)
    copy_rows(OpenCallPage, call_rows)
    for department_id, added in per_section.items():
        DepartmentCallsPage.objects.filter(pk=sections[department_id].pk).update(
            numchild=models.F("numchild") + added
        )
    reset_sequences(Page)
    lap(f"{len(page_rows):,} call pages")

    # --- Shifts: upcoming ones for the listing and sign-ups, past ones for the points history ---------------
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0)
    first_shift = next_id(Shift)
    shift_rows: dict[int, dict] = {}
    upcoming_shifts, past_shifts = [], []

    def add_shift(call_id: int, starts_at, *, capacity: int, hours: int = 3) -> int:
        shift_id = first_shift + len(shift_rows)
        shift_rows[shift_id] = {
            "id": shift_id,
            "call_id": call_id,
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=hours),
            "capacity": capacity,
            "team_places": 0,
            "confirmed_count": 0,
            "team_reserved_count": 0,
            "team_unassigned_count": 0,
            "created_at": now,
        }
        return shift_id

    call_info = {call[0]: call for call in calls}
    for page_id, *_rest in calls[:-1]:
        for _ in range(rng.choice([0, 1, 1, 2, 3])):  # a fifth of the calls have nothing ahead
            starts = local_midnight + datetime.timedelta(
                days=rng.randint(1, 60), hours=rng.choice([8, 9, 16])
            )
            upcoming_shifts.append(add_shift(page_id, starts, capacity=rng.choice([5, 10, 20, 30, 50])))
        for _ in range(4):
            starts = local_midnight - datetime.timedelta(
                days=rng.randint(2, 720), hours=-rng.choice([8, 9, 16])
            )
            past_shifts.append(add_shift(page_id, starts, capacity=rng.choice([10, 20, 30, 50])))
    burst_shift_ids = [
        add_shift(
            burst_call_id,
            local_midnight + datetime.timedelta(days=90 + level, hours=9),
            capacity=volumes.burst_places,
        )
        for level in range(4)  # one fresh shift per concurrency level
    ]
    probe_shift = add_shift(
        burst_call_id, local_midnight - datetime.timedelta(days=1, hours=-9), capacity=10_000
    )

    # --- Sign-ups, completions, approvals and the points ledger ---------------------------------------------
    from rewards.models import EarningRule, LedgerEntry, PointsAccount
    from verification.models import Completion, Verification

    rules = {
        kind: EarningRule.objects.create(name=f"bench {kind}", kind=kind, points=points)
        for kind, points in (
            (EarningRule.Kind.FIRST_SHIFT, 50),
            (EarningRule.Kind.DISTRICT, 10),
            (EarningRule.Kind.STREAK, 20),
        )
    }
    try:
        from rewards.services import points_expire_after

        lot_life = points_expire_after()
    except ImportError:
        lot_life = datetime.timedelta(days=365)

    first_signup, first_completion = next_id(SignUp), next_id(Completion)
    first_verification, first_entry = next_id(Verification), next_id(LedgerEntry)
    signup_rows, completion_rows, verification_rows, entry_rows = [], [], [], []
    taken = set()
    balance: dict[int, int] = defaultdict(int)
    lifetime: dict[int, int] = defaultdict(int)
    tallies: dict[tuple[str, int, str], int] = defaultdict(int)
    months: dict[datetime.date, str] = {}
    from achievements.periods import ALL_TIME, month_key

    def month_of(moment) -> str:
        day = timezone.localtime(moment).date()
        if day not in months:
            months[day] = month_key(moment)
        return months[day]

    def signup(shift_id: int, user_id: int, created_at, *, checked_in: bool) -> int:
        signup_id = first_signup + len(signup_rows)
        shift = shift_rows[shift_id]
        signup_rows.append(
            (
                signup_id,
                shift_id,
                user_id,
                SignUp.Status.CONFIRMED.value,
                None,
                created_at,
                shift["starts_at"] if checked_in else None,
                shift["ends_at"] if checked_in else None,
            )
        )
        shift["confirmed_count"] += 1
        shift["capacity"] = max(shift["capacity"], shift["confirmed_count"])
        taken.add((shift_id, user_id))
        return signup_id

    def credit(user_id: int, amount: int, occurred_at, district_id: int) -> None:
        for period in (ALL_TIME, month_of(occurred_at)):
            tallies[("individual", user_id, period)] += amount
            tallies[("district", district_id, period)] += amount

    first_credit_seen: set[int] = set()
    # Everyone has done something; beyond that people earn unevenly, a few doing much of the work.
    shuffled_people = people_ids[:]
    rng.shuffle(shuffled_people)
    cumulative = list(itertools.accumulate(1 / math.sqrt(rank + 50) for rank in range(len(people_ids))))
    draws = 0
    while len(entry_rows) < volumes.ledger_entries:
        if draws < len(shuffled_people):
            user_id = shuffled_people[draws]
        else:
            user_id = rng.choices(shuffled_people, cum_weights=cumulative, k=1)[0]
        draws += 1
        shift_id = rng.choice(past_shifts)
        if (shift_id, user_id) in taken:
            continue
        shift = shift_rows[shift_id]
        call_id, _department, _service, district_id, pph = call_info[shift["call_id"]]
        signup_id = signup(
            shift_id, user_id, shift["starts_at"] - datetime.timedelta(days=3), checked_in=True
        )
        completion_id = first_completion + len(completion_rows)
        decided_at = shift["ends_at"] + datetime.timedelta(hours=rng.randint(2, 48))
        completion_rows.append(
            (
                completion_id,
                signup_id,
                user_id,
                Decimal("3.00"),
                "",
                Completion.Status.APPROVED.value,
                Decimal("3.00"),
                shift["ends_at"] + datetime.timedelta(hours=1),
                decided_at,
            )
        )
        verification_id = first_verification + len(verification_rows)
        verification_rows.append(
            (
                verification_id,
                completion_id,
                staff_id,
                Verification.Decision.APPROVE.value,
                Decimal("3.00"),
                "",
                True,
                None,
                decided_at,
            )
        )
        expires_at = decided_at + lot_life
        earned = 3 * pph
        entries = [(LedgerEntry.Kind.EARN.value, earned, None)]
        if user_id not in first_credit_seen:
            first_credit_seen.add(user_id)
            entries.append((LedgerEntry.Kind.BONUS.value, 50, rules[EarningRule.Kind.FIRST_SHIFT].pk))
        if rng.random() < 0.3:
            entries.append((LedgerEntry.Kind.BONUS.value, 10, rules[EarningRule.Kind.DISTRICT].pk))
        if rng.random() < 0.2:
            entries.append((LedgerEntry.Kind.BONUS.value, 20, rules[EarningRule.Kind.STREAK].pk))
        for kind, amount, rule_id in entries:
            if len(entry_rows) >= volumes.ledger_entries:
                break
            entry_id = first_entry + len(entry_rows)
            entry_rows.append(
                (
                    entry_id,
                    user_id,
                    kind,
                    amount,
                    0,
                    decided_at,
                    expires_at,
                    verification_id,
                    rule_id,
                    None,
                    None,
                    "",
                )
            )
            balance[user_id] += amount
            lifetime[user_id] += amount
            credit(user_id, amount, decided_at, district_id)
            if expires_at <= now and len(entry_rows) < volumes.ledger_entries:
                entry_rows.append(
                    (
                        first_entry + len(entry_rows),
                        user_id,
                        LedgerEntry.Kind.EXPIRY.value,
                        -amount,
                        0,
                        expires_at,
                        None,
                        None,
                        None,
                        None,
                        entry_id,
                        "",
                    )
                )
                balance[user_id] -= amount
    history_signups = len(signup_rows)

    # Upcoming shifts fill up partly, so that "has free places" means something.
    for shift_id in upcoming_shifts:
        shift = shift_rows[shift_id]
        for user_id in rng.sample(people_ids, k=rng.randint(0, shift["capacity"])):
            if (shift_id, user_id) not in taken:
                signup(shift_id, user_id, now - datetime.timedelta(days=rng.randint(0, 20)), checked_in=False)

    # Verification probes: burst volunteers who did yesterday's shift and reported it, waiting for staff.
    probe_completions = []
    for index in range(volumes.verification_probes):
        user_id = burst_ids[index]
        signup_id = signup(probe_shift, user_id, now - datetime.timedelta(days=5), checked_in=True)
        completion_id = first_completion + len(completion_rows)
        completion_rows.append(
            (
                completion_id,
                signup_id,
                user_id,
                Decimal("3.00"),
                "",
                Completion.Status.PENDING.value,
                None,
                now - datetime.timedelta(hours=12),
                now - datetime.timedelta(hours=12),
            )
        )
        probe_completions.append(
            {
                "completion_id": completion_id,
                "user_id": user_id,
                "token": burst_tokens[index],
                "expected_lifetime": lifetime.get(user_id, 0) + 30,
            }
        )

    with transaction.atomic():
        copy_rows(Shift, shift_rows.values())
        copy_rows(
            SignUp,
            signup_rows,
            columns=[
                "id",
                "shift_id",
                "volunteer_id",
                "status",
                "waitlist_position",
                "created_at",
                "checked_in_at",
                "checked_out_at",
            ],
        )
    lap(f"{len(shift_rows):,} shifts, {len(signup_rows):,} sign-ups ({history_signups:,} done and verified)")

    with transaction.atomic():
        copy_rows(
            Completion,
            completion_rows,
            columns=[
                "id",
                "signup_id",
                "reported_by_id",
                "hours",
                "note",
                "status",
                "approved_hours",
                "created_at",
                "updated_at",
            ],
        )
        copy_rows(
            Verification,
            verification_rows,
            columns=[
                "id",
                "completion_id",
                "decided_by_id",
                "decision",
                "hours",
                "reason",
                "is_final_approval",
                "revokes_id",
                "created_at",
            ],
        )
    lap(f"{len(completion_rows):,} completions and {len(verification_rows):,} approvals")

    account_ids = {}
    first_account = next_id(PointsAccount)
    for offset, user_id in enumerate(sorted(set(balance) | {item["user_id"] for item in probe_completions})):
        account_ids[user_id] = first_account + offset
    with transaction.atomic():
        copy_rows(
            PointsAccount,
            (
                (account_ids[user_id], user_id, balance[user_id], lifetime[user_id], now)
                for user_id in account_ids
            ),
            columns=["id", "user_id", "balance", "lifetime", "updated_at"],
        )
        copy_rows(
            LedgerEntry,
            ((row[0], account_ids[row[1]], *row[2:]) for row in entry_rows),
            columns=[
                "id",
                "account_id",
                "kind",
                "amount",
                "unrecovered",
                "occurred_at",
                "expires_at",
                "verification_id",
                "rule_id",
                "voucher_id",
                "lot_id",
                "note",
            ],
        )
    lap(f"{len(entry_rows):,} ledger entries for {len(account_ids):,} accounts")

    leaderboard_user_ids = sorted(lifetime)
    try:
        from achievements.models import LeaderboardScore
    except ImportError:
        LeaderboardScore = None
    if LeaderboardScore is not None:
        hidden = set(
            User.objects.filter(leaderboard_visibility=visibility.HIDDEN).values_list("pk", flat=True)
        )
        first_score = next_id(LeaderboardScore)
        with transaction.atomic():
            copy_rows(
                LeaderboardScore,
                (
                    (
                        first_score + offset,
                        board,
                        subject_id,
                        period,
                        points,
                        not (board == "individual" and subject_id in hidden),
                        now,
                    )
                    for offset, ((board, subject_id, period), points) in enumerate(sorted(tallies.items()))
                ),
                columns=["id", "board", "subject_id", "period", "points", "listed", "updated_at"],
            )
        buckets = _leaderboard_buckets(LeaderboardScore)
        lap(f"{len(tallies):,} leaderboard tallies" + (f", {buckets:,} rank buckets" if buckets else ""))

    reset_sequences(Shift, SignUp, Completion, Verification, PointsAccount, LedgerEntry)
    if LeaderboardScore is not None:
        reset_sequences(LeaderboardScore)
    _search_index(OpenCallPage, log=log)
    lap("search index of the calls")
    # COPY sends no signals: the listing's search vectors are written as saving each call would have.
    call_search_vectors_refresh(calls=OpenCallPage.objects.all())
    lap("listing search vectors of the calls")
    if _call_schedules(now=timezone.now()):
        lap("listing schedules of the calls")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    lap("VACUUM ANALYZE")

    return Dataset(
        volumes=volumes,
        burst_call_id=burst_call_id,
        burst_shift_ids=burst_shift_ids,
        burst_tokens=burst_tokens,
        burst_user_ids=burst_ids,
        probe_completions=probe_completions,
        staff_token=staff_token,
        department_slugs=[department.slug for department in departments],
        service_slugs=[service.slug for group in services_by_department.values() for service in group],
        district_numbers=[district.number for district in districts],
        leaderboard_user_ids=leaderboard_user_ids,
        timings=timings,
    )


def _leaderboard_buckets(score_model) -> int:
    """Rank buckets, where achievements keeps them: how many listed subjects of a board have exactly so many
    points in a period (points above zero), derived from the tallies just written. 0 when there are none."""
    try:
        from achievements.models import LeaderboardBucket
    except ImportError:
        return 0
    bucket_table = connection.ops.quote_name(LeaderboardBucket._meta.db_table)
    score_table = connection.ops.quote_name(score_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {bucket_table} (board, period, points, subjects) "  # noqa: S608 - table names only
            f"SELECT board, period, points, COUNT(*) FROM {score_table} WHERE listed AND points > 0 "
            "GROUP BY board, period, points"
        )
        return cursor.rowcount


def _search_index(model, *, log) -> None:
    """Wagtail's database search backend indexes pages on save; bulk-written pages are indexed in one go."""
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    queryset = model.objects.live().select_related("service", "district").order_by("pk")
    batch = []
    for page in queryset.iterator(chunk_size=1000):
        batch.append(page)
        if len(batch) == 1000:
            backend.add_bulk(model, batch)
            batch = []
    if batch:
        backend.add_bulk(model, batch)
