"""Records for the export tests: one with a bit of everything, and ones built to order."""

from __future__ import annotations

from tests.plans.test_structure import outcome, record

WALK = "I want to walk to the shops with Siobhán, and say “hello” to Zoë"
LUNCH = "Get out to the lunch club on Thursdays"
SLEEP = "Sleep through the night"
SON = "I want my son to have his evenings back"
PSEUDONYM = "p-3f9a1c0e"


def review(outcome: str | None, rating: int | None, at: str, **fields: object) -> dict:
    base: dict = {
        "outcome": outcome,
        "rating": rating,
        "narrative": None,
        "helped": None,
        "hindered": None,
        "unintended": None,
        "decision": None,
        "reviewer": "person",
        "at": at,
    }
    return base | fields


def rich_record(**fields: object) -> dict:
    """A carer's record with reviews, a worker's note, a changed outcome and own contribution."""
    base = record(
        role="carer",
        outcomes=[
            outcome(
                WALK,
                domain="mobility",
                why="so I feel “free” again 😊",
                history=[
                    {"status": "proposed", "statement": WALK, "at": "2026-10-01T09:00:00+00:00"},
                    {"status": "confirmed", "statement": WALK, "at": "2026-10-02T09:00:00+00:00"},
                ],
            ),
            outcome(LUNCH, domain="seeing_people", status="achieved", voice="worker"),
            outcome(SLEEP, domain="staying_well", status="changed"),
            outcome(SON, domain="caring_role", about="cared_for"),
            outcome("Maybe a holiday", status="proposed"),
        ],
        services=[
            {"text": "a rollator", "for_outcome": WALK},
            {"text": "home care", "for_outcome": None},
        ],
        strengths=["I was a nurse for thirty years"],
        people=["my daughter Sarah", "Biscuit the dog"],
        helps=["my neighbour pops in"],
        hinders=["the steep hill"],
        contributions=["Sarah does the big shop on Saturdays", "I do my exercises every day"],
        actions=[
            {
                "what": "Practise the walk with the physio",
                "who": ["me", "Ana the physio"],
                "when": "Tuesdays",
                "where": "the park",
                "for_outcome": WALK,
            },
            {"what": "Ring the lunch club", "who": [], "when": None, "where": None,
             "for_outcome": None},
        ],
        support_style=["Write things down for me"],
        reviews=[
            review(WALK, 4, "2027-01-10T10:00:00+00:00", narrative="Still wobbly",
                   hindered="the rain", decision="keep"),
            review(WALK, 7, "2027-03-10T10:00:00+00:00", narrative="Made it twice!",
                   helped="the new stick", unintended="I met an old friend", decision="keep"),
            review(LUNCH, 10, "2027-03-11T10:00:00", narrative="Goes every week",
                   reviewer="worker"),
            review(SLEEP, 3, "2027-03-11", narrative="It's not really about sleep",
                   decision="change"),
            review(None, 6, "2027-03-12", narrative="Better overall"),
        ],
    )  # fmt: skip
    return base | fields


def many_outcomes(count: int) -> dict:
    return record(
        outcomes=[
            outcome(f"Outcome number {n}: I want to keep doing the things that matter to me")
            for n in range(1, count + 1)
        ]
    )
