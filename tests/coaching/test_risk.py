"""Risk detection (bot.coaching.risk): findings, idioms, negation, offsets, priority, replies."""

from __future__ import annotations

import time

import pytest

from bot.coaching.contracts import RiskFinding, Span
from bot.coaching.risk import (
    CATEGORIES,
    DEFAULT_DUTY_LINE,
    detect_risk,
    find_risks,
    load_patterns,
    signposting,
)

DANGER = [
    "He's going to hit me",
    "he is going to kill me",
    "My husband said he'd kill me",
    "I'm scared he'll kill me tonight",
    "he's threatening to stab me",
    "he is hitting me right now",
    "my son has got a knife and he's shouting",
    "I'm in danger",
    "There's a fire",
    "theres a fire in the kitchen",
    "The house is on fire!",
    "I can smell gas",
    "I can't breathe",
    "i cant breathe",
    "Help, my dad can't breathe",
    "I've taken all my tablets",
    "ive taken all my pills",
    "I took an overdose an hour ago",
    "i swallowed a whole packet of paracetamol",
    "someone is trying to get in",
    "Somebody’s trying to break in through the back door",
    "someone is breaking into the house",
    "Mum's collapsed and won't wake up",
    "he's not breathing",
    "I think she's having a stroke",
    "I've fallen and I can't get up",
    "Dad's on the floor and can't get up",
    "she's choking on her food",
    "he's bleeding heavily",
    "last night he threatened to kill me",
    "my husband has just hit me and he's coming back",
    "he swallowed all his tablets",
    "theres smoke everywhere",
]

SELF_HARM = [
    "I don't want to be here any more",
    "i dont want to be here anymore",
    "I don’t want to be here.",
    "I want to end it all",
    "want to end it al",
    "I've been cutting myself",
    "they'd all be better off without me",
    "there's no point going on",
    "I'm thinking of ending my life",
    "im sucidal",
    "feeling suicidle",
    "i want to kil myself",
    "I feel like killing my self",
    "I self-harmed as a teenager, I'm fine now",
    "I haven't self-harmed for years",
    "I've been selfharming again",
    "I don't want to live any more",
    "i dont want 2 live anymore",
    "I wish I was dead",
    "what's the point in living",
    "I can't go on",
    "I've got nothing left to live for",
    "I've been saving up my tablets",
    "my son says he wants to kill himself",
    "I hope I don't wake up tomorrow",
    "I just want to die",
    "life isn't worth living",
    "I've thought about taking my own life",
    "I'm not sure I want to be here any more",
    "I no longer want to be alive",
    "I don't want to be in this world any more",
    "I just want it all to stop",
    "I can't stop thinking about hurting myself",
    "I'm not depressed, I just want to die",
    "I took an overdose years ago",
    "HONESTLY I'D BE BETTER OFF DEAD",
    "I dont see the point in living any more",
    "i wish i could go to sleep and never wake up",
    "I've been hurting myself on purpose",
    "I cut my wrists last year",
]

ABUSE_NEGLECT = [
    "my son takes my pension",
    "he hits me",
    "she locks me in",
    "the carers leave me in a wet bed all day",
    "nobody has fed him",
    "he won't let me see my friends",
    "My daughter hits me when she's drunk",
    "my grandson has been stealing my money",
    "He keeps taking my bank card",
    "My husband controls all the money",
    "The carers are rough with her",
    "I'm scared of my son",
    "he shouts at me all the time",
    "he calls me stupid",
    "my partner wont let me go out",
    "I'm not allowed to see my family",
    "the carer slapped my mum",
    "Dad hasn't been fed since yesterday",
    "no one has changed her all day",
    "they left him on the floor all night",
    "She used to hit me",
    "my son is violent towards me",
    "He touched me inappropriately",
    "I was sexually abused as a child",
    "money keeps going missing from my purse",
    "He makes me give him my pension every week",
    "The staff left her without her tablets",
    "she's being neglected",
    "my brother helps himself to my money",
    "I've slapped her a couple of times when I lost my temper",
    "he won't give me my own money",
    "she checks my phone all the time",
    "my son threatens me",
    "i'm frightened of my husband",
    "he kicked me",
    "last year he threatened to kill me",
    "my carer steals from me",
    "he's been taking money out of my account",
    "nobody's been in to give him his tablets since Friday",
    "my nephew has been helping himself to my pension",
    "She grabs me by the arm and it leaves bruises",
]

# Idioms, ordinary answers, negation, past emergencies, places, end-of-life wishes.
NEGATIVES = [
    "I'd kill for a cup of tea",
    "my mum died last year",
    "this form is killing me",
    "I could murder a pint",
    "I nearly died laughing",
    "I'm dying to see my grandchildren",
    "my phone died",
    "the garden is dead",
    "I'm dead tired",
    "my husband passed away",
    "We like to hit the shops on a Saturday",
    "the heating cut out",
    "he's a pain",
    "I'm sick of the rain",
    "I don't want to be here in this flat, I want to move",
    "I don't want to be here any more, I want to go home",
    "I don't want to live here any more, it's too far from my daughter",
    "I'm not suicidal",
    "I would never hurt myself",
    "I don't want to die",
    "I've never self-harmed",
    "I want to get back to my garden",
    "my wife died two years ago and I miss her",
    "I want to stop the home care",
    "I'm killing time until the bus",
    "my back is killing me",
    "I want to die at home, not in hospital",
    "I'd rather die than go into a care home",
    "I'd die for a holiday in Spain",
    "I hurt myself when I fell",
    "I cut myself shaving",
    "I keep burning myself on the kettle",
    "I want to feel confident lifting Dad so neither of us gets hurt",
    "I want to be able to keep going with the caring without hitting a wall",
    "I can't go on like this, I need more help with Mum",
    "I'm worried I'll fall and can't get up",
    "I had a fall last year and couldn't get up",
    "There was a fire in my flat years ago",
    "my dad had a heart attack in 2019",
    "I get out of breath on the stairs",
    "Sometimes I can't breathe when I walk up the hill",
    "I can't breathe properly at night",
    "I've got a gas fire in the lounge",
    "I take all my tablets in the morning",
    "I've taken all my tablets this morning",
    "I'd like help with my tablets",
    "my daughter takes my pension to the post office for me",
    "my son uses my bank card to do my shopping",
    "My son keeps my money safe for me",
    "The council take my money for my care",
    "She pushes me in my wheelchair",
    "it really hit me how lonely I am",
    "my grandson beats me at chess",
    "My wife will kill me if I'm late",
    "my husband's going to kill me when he sees the bill",
    "he's killing himself with the drink",
    "Filling in this form, I've lost the will to live",
    "I want to end it with the agency",
    "I want to end the care package",
    "I want to take my life back",
    "I don't want to go on the bus",
    "I'm scared I'll hurt him when I lift him",
    "I'm afraid of falling",
    "I'm afraid of him falling",
    "I don't feel safe going out at night",
    "I want to feel safe in my own home",
    "I'm not allowed to drive since my stroke",
    "I leave him in the wet room while I get a towel",
    "he has a history of alcohol abuse",
    "the garden has been neglected",
    "He's never hit me",
    "I'm not scared of him",
    "I'm tired of being stuck in the house",
    "I feel like a burden",
    "I'm at the end of my tether",
    "the carers don't turn up on time",
    "nobody listens to me",
    "I want to see more of my grandchildren",
    "She reads my letters to me because my eyes are bad",
    "I was blacked out on the ward, they said",
    "I keep cutting myself off from people",
    "I don't want to be here on my own all day",
    "I don't want to live in a care home",
    "I'd rather be at home than here",
    "My husband has a temper but he's never hit me",
    "he doesn't hit me",
    "I can't go on holiday any more because of my hip",
    "No point going on the trip if it rains",
    "My husband takes my tablets out of the blister packs for me",
    "My daughter has power of attorney and pays my bills",
    "my daughter takes money out of my account for my shopping",
    "The night carer leaves him in bed all day",
    "the carers are always late and I have to sit in my chair until they come",
    "I'd like a smoke alarm fitted",
    "We had a gas leak last year",
    "Dad used to be a butcher, he was great with a knife",
    "I'd like to have a shave without cutting myself",
    "He nearly killed himself falling off the ladder",
    "I'm frightened of the stairs",
    "My partner is very supportive",
    "",
    "   ",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger(text: str) -> None:
    finding = detect_risk(text)
    assert finding is not None, text
    assert finding.category == "danger"


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm(text: str) -> None:
    finding = detect_risk(text)
    assert finding is not None, text
    assert finding.category == "self_harm"


@pytest.mark.parametrize("text", ABUSE_NEGLECT)
def test_abuse_neglect(text: str) -> None:
    finding = detect_risk(text)
    assert finding is not None, text
    assert finding.category == "abuse_neglect"


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_finding(text: str) -> None:
    assert detect_risk(text) is None
    assert find_risks(text) == []


def test_lists_are_big_enough() -> None:
    assert min(len(DANGER), len(SELF_HARM), len(ABUSE_NEGLECT)) >= 15
    assert len(NEGATIVES) >= 30


@pytest.mark.parametrize("text", DANGER + SELF_HARM + ABUSE_NEGLECT)
def test_span_is_exact_stretch_of_the_text(text: str) -> None:
    for finding in find_risks(text):
        span = finding.span
        assert isinstance(span, Span)
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Well, he hits me.", "he hits me"),
        ("I don’t want to be here  any more.", "don’t want to be here  any more"),
        ("Honestly\u200b I can't\nbreathe", "I can't\nbreathe"),
        ("Things are hard. I want to end it all, really.", "end it all"),
    ],
)
def test_offsets_survive_normalisation(text: str, expected: str) -> None:
    finding = detect_risk(text)
    assert finding is not None
    assert finding.span.text == expected
    assert text[finding.span.start : finding.span.end] == expected


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("He hits me and I want to die", "self_harm"),
        ("I want to die. My son takes my pension.", "self_harm"),
        ("I've taken all my tablets because I want to die", "danger"),
        ("My son takes my pension and he's going to hit me", "danger"),
        ("He keeps hitting me and there's a fire", "danger"),
        ("nobody has fed him and I can't go on", "self_harm"),
    ],
)
def test_most_serious_finding_wins(text: str, category: str) -> None:
    finding = detect_risk(text)
    assert finding is not None
    assert finding.category == category


def test_find_risks_lists_every_category_in_priority_order() -> None:
    findings = find_risks("My son takes my pension, I want to die and there's a fire")
    assert [f.category for f in findings] == ["danger", "self_harm", "abuse_neglect"]
    assert all(isinstance(f, RiskFinding) for f in findings)


def test_earliest_match_wins_within_a_category() -> None:
    finding = detect_risk("he shouts at me and he hits me")
    assert finding is not None
    assert finding.span.text == "he shouts at me"


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal but I do think about ending my life",
        "No, I want to die",
        "I don't know why, but I want to die",
        "I can't stop thinking about killing myself",
    ],
)
def test_negation_stays_in_its_clause_and_ignores_pseudo_negation(text: str) -> None:
    finding = detect_risk(text)
    assert finding is not None
    assert finding.category == "self_harm"


def test_every_pattern_and_guard_example_behaves() -> None:
    patterns = load_patterns()
    assert set(patterns.priority) == set(CATEGORIES)
    for category, rules in patterns.rules.items():
        assert rules, category
        for rule in rules:
            assert rule.example, rule.id
            finding = detect_risk(rule.example)
            assert finding is not None and finding.category == category, rule.id
    for guard in patterns.guards:
        assert guard.example, guard.id
        assert detect_risk(guard.example) is None, guard.id


def test_patterns_are_loaded_once() -> None:
    assert load_patterns() is load_patterns()


def test_deterministic() -> None:
    text = "my son takes my pension and I can't go on"
    assert detect_risk(text) == detect_risk(text)
    assert find_risks(text) == find_risks(text)


def test_fast() -> None:
    texts = DANGER + SELF_HARM + ABUSE_NEGLECT + NEGATIVES
    long = "I want to be able to get out to the shops on my own and see my friends at the club."
    texts = [*texts, long, long * 3]
    for text in texts:  # warm up
        detect_risk(text)
    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for text in texts:
            detect_risk(text)
    mean = (time.perf_counter() - started) / (rounds * len(texts))
    assert mean < 0.001, f"{mean * 1000:.2f} ms per text"


# --- signposting ----------------------------------------------------------------------

DUTY = "the Highland Council social work duty line on 01349 886 602"


@pytest.mark.parametrize("category", CATEGORIES)
def test_signposting_always_gives_999_111_and_samaritans(category: str) -> None:
    reply = signposting(category, DUTY)
    assert "999" in reply
    assert "NHS 111" in reply
    assert "116 123" in reply and "Samaritans" in reply
    assert "important" in reply
    assert "kept" in reply and "whenever you are ready" in reply


def test_signposting_gives_the_duty_line_only_for_abuse_and_neglect() -> None:
    assert DUTY in signposting("abuse_neglect", DUTY)
    assert DUTY not in signposting("danger", DUTY)
    assert DUTY not in signposting("self_harm", DUTY)
    assert DEFAULT_DUTY_LINE in signposting("abuse_neglect", "")
    assert DEFAULT_DUTY_LINE in signposting("abuse_neglect")


def test_signposting_abuse_says_999_if_in_danger_now() -> None:
    reply = signposting("abuse_neglect", DUTY)
    duty_line = next(line for line in reply.splitlines() if DUTY in line)
    assert "999" in duty_line and "danger" in duty_line


@pytest.mark.parametrize("category", CATEGORIES)
def test_signposting_is_short_plain_and_never_a_diagnosis(category: str) -> None:
    reply = signposting(category, DUTY)
    lines = reply.splitlines()
    assert 3 <= len(lines) <= 6
    for line in lines:
        sentences = [s for s in line.replace("!", ".").replace("?", ".").split(". ") if s]
        assert 1 <= len(sentences) <= 3, line
    lowered = reply.lower()
    for word in ("diagnos", "disorder", "depression", "you are suicidal", "safeguarding", "risk"):
        assert word not in lowered


def test_signposting_for_self_harm_is_gentle() -> None:
    reply = signposting("self_harm", DUTY)
    assert reply.splitlines()[0].startswith("Thank you for telling me")
    assert "on your own" in reply


def test_signposting_rejects_unknown_category() -> None:
    with pytest.raises(ValueError):
        signposting("sadness", DUTY)
