"""OARS coder: label a practitioner's turn as a question, reflection, affirmation, summary, etc.

``code_utterance(text, prev)`` returns one of ``CODES`` with a confidence, for trainees practising
Open questions, Affirmations, Reflections and Summaries (and for ``coach code``). It is a
transparent weighted-feature scorer: linguistic features of the turn (question form and function,
tag questions, the pronoun shift to "you", overlap with the client's previous words, cue phrases
for praise, summaries, advice and information) plus word uni- and bigrams are scored per code
and turned into a confidence by a softmax.

The weights are fitted by a small multinomial logistic regression (numpy, full batch, fixed
iterations, no randomness) on the team-written examples in ``data/oars_examples.jsonl`` and
committed as ``data/oars_weights.json`` with the fingerprint of the examples and features.
Rebuild them with ``python -m bot.coaching.oars`` after changing either; if the committed weights
are stale they are refitted in memory on first use (about a second) and a warning is logged.

Compound turns follow MITI: the last substantive question decides ("That sounds hard. What would
help?" is an open question), except a check such as "Have I got that right?" after a summary or
reflection, which stays a summary or reflection. See docs/oars-coder.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA / "oars_examples.jsonl"
WEIGHTS = DATA / "oars_weights.json"

CODES = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "affirmation",
    "summary",
    "giving_information",
    "advice",
    "other",
)
# Bump when the features change, so the committed weights are known to be stale.
FEATURE_VERSION = 14
ITERATIONS = 400
LEARNING_RATE = 0.05
L2 = 1e-3
MIN_COUNT = 2

_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z]+)*|\?")
# Sentences end at . ? ! and at a spoken restart ("is it-- why'd she leave?").
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\s*(?:--+|\u2014)\s*")
_HYPHENATED = re.compile(r"[a-z']+(?:-+[a-z']+)+")
_FILLERS = {"so", "and", "but", "okay", "ok", "right", "well", "um", "uh", "erm", "er", "mm",
            "hmm", "yeah", "now", "then", "alright", "oh", "just", "also", "or", "uh-huh", "mm-hmm",
            "huh", "yes", "ah", "i mean", "anyway"}  # fmt: skip
_WH = {"what", "how", "why", "where", "when", "who", "which", "whose", "whom", "what's", "how's",
       "where's", "who's", "why's", "when's", "what'd", "how'd", "where'd", "who'd", "why'd",
       "what're", "how're", "what've", "whatd", "whats", "hows"}  # fmt: skip
_AUX = {"do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "can", "could",
        "will", "would", "shall", "should", "may", "might", "must", "am", "don't", "doesn't",
        "didn't", "isn't", "aren't", "wasn't", "haven't", "hasn't", "can't", "couldn't",
        "won't", "wouldn't", "any", "anything", "anyone"}  # fmt: skip
_STOP = {"i", "me", "my", "you", "your", "you're", "i'm", "it", "it's", "the", "a", "an", "and",
         "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "is", "are", "was",
         "were", "be", "been", "have", "has", "had", "do", "does", "did", "that", "this",
         "just", "really", "very", "then", "there", "they", "them", "he", "she", "we", "our",
         "not", "no", "yes", "yeah", "okay", "ok", "um", "uh", "like", "about", "all", "what",
         "how", "if", "up", "get", "got", "i've", "you've", "don't", "bit",
         "well", "right", "mm", "know", "think", "would", "can", "could", "will", "?"}  # fmt: skip
_FEELINGS = re.compile(
    r"\b(feel\w*|felt|worr\w+|scared|afraid|frighten\w*|anxious|angry|upset|frustrat\w+|lonely|"
    r"alone|guilt\w*|ashamed|proud|relieved|hopeless|hopeful|torn|stuck|exhausted|worn|tired|"
    r"sad|low|fed up|overwhelm\w*|stress\w*|hurt|let down|burden|confiden\w+|mean\w*|matters?|"
    r"important|care about|miss)\b"
)
_CUES = {
    "reflect_complex": r"\b(it )?sounds? (like|as if|as though)\b|\byou'?re wondering\b|"
    r"\bon the one hand\b|\bon the other\b|\bpart of you\b|\bit seems\b|\byou seem\b|"
    r"\bi get the sense\b|\bi'm hearing\b|\bit'?s (almost )?like\b|\bwhat you'?re saying\b|"
    r"\bit must\b|\bmust (be|have been|feel)\b|\bmaybe you\b|\bperhaps you\b|\bin other words\b",
    "affirm": r"\bwell done\b|\bgood on you\b|"
    r"\b(took|takes) (a lot of |real |some |great )?(courage|guts)\b|"
    r"\bbrave\b|\bproud of (yourself|you)\b|\b(worked|tried) (really |so )?hard\b|\bimpressive\b|"
    r"\badmire\b|\bachievement\b|\bdetermin\w+\b|\bstrength\b|\bbrilliant(ly)?\b|\bamazing\b|"
    r"\bdone (so |really )?well\b|\bcommitted\b|\bresourceful\b|\bgreat (idea|plan)\b|"
    r"\bthank you for (being|sharing|telling)\b|\bcome a long way\b|\bprogress\b",
    "summary": r"\bso far\b|\blet me see if\b|\bif i'?ve got\b|\bto sum (it )?up\b|\bsummar\w+\b|"
    r"\brecap\b|\bputting (that|it|this) together\b|\bpull(ing)? together\b|\bbring it together\b|"
    r"\byou'?ve (told me|mentioned|said)\b|\byou also said\b|\bgo back over\b|"
    r"\blet me check i'?ve understood\b|\bwhat i'?ve heard\b",
    "advice": r"\byou (should|ought to|must|need to|have to|'d be better)\b|\bwhy don'?t you\b|"
    r"\bwhy not\b|\bhave you (tried|thought about trying|considered)\b|"
    r"\bi'?d (suggest|recommend)\b|"
    r"\bi (would )?(suggest|recommend)\b|\bthe best thing\b|\bmy advice\b|\bif i were you\b|"
    r"\bit'?d be a good idea\b|\bit might be worth\b|\bmake sure\b|\bdon'?t leave it\b|"
    r"\byou could try\b|\bmaybe you should\b|\bperhaps you could\b|\bbest if you\b|"
    r"\bi (really )?think you (should|need)\b",
    "info": r"\busually\b|\bthere'?s an?\b|\bthere are\b|\bmost (people|carers)\b|\bsome people\b|"
    r"\bthe (council|assessment|gp|doctor|team|service|form|hospital|nurse|scheme)\b|"
    r"\b(can|will) (refer|arrange|help|look|put|come|send)\b|\bentitled\b|\bfree\b|\bcosts?\b|"
    r"\bresearch\b|\brisk\b|\bi'?ll\b|\bwe'?ll\b|\bi'?m going to\b|\bi can\b|\bone option\b|"
    r"\boptions?\b|\bweeks?\b|\bmonths?\b|\bdays?\b|\bminutes\b|\bhours?\b|\b\d+\b|"
    r"\btends? to\b|\bcommon\b|\bit'?s your (decision|choice)\b",
    # The practitioner's own view, duty or reading of the facts, not the person's experience.
    "view": r"\bi'?m (a bit |quite |really |also )?(worried|concerned|thinking about|seeing)\b|"
    r"\bi'?d hate\b|\bi promise\b|\bi notice\b|\bi'?m willing\b|\bwe'?re (required|going)\b|"
    r"\bwe (have|need) to\b|\b(perfectly )?normal\b|\blikely\b|\bon (the|this|your) form\b|"
    r"\byou (wrote|put|ticked)\b|\bthe next step\b|\bside effects?\b|\bshows?\b|"
    r"\bwhat i'?d like to do\b|\blet'?s start\b|\bbefore we start\b|\bsurprised how many\b",
    "tellme": r"\b(tell|talk) (me|us)\b|\bsay (a bit )?more\b|\bdescribe\b|"
    r"\bwalk (me|us) through\b|"
    r"\bhelp me understand\b|\bgive me an example\b|\bremind me\b|\bwanted to ask\b|"
    r"\bshare with me\b|\bshar(e|ing) (a (little )?bit|some)\b|\bfill(ing)? me in\b|"
    r"\brun me through\b|"
    r"\bi'?d like to hear\b|\bi wonder(ed)?\b|"
    r"\bi'?m curious\b|\bi'?m (just )?(kind of )?wondering\b|\bi was wondering\b|"
    r"\bi'?d (like|love) to (know|find out|hear)\b|\binterested (in|to hear) (what|how)\b",
    "check": r"\b(is|was) that (right|fair|about right|a fair summary|correct)\b|"
    r"\bhave i got (that|it) right\b|\bdid i (miss|get)\b|\bdoes that sound right\b|"
    r"\bam i right\b|\bis that (it|what you mean(t)?|how it (feels|is))\b|"
    r"\bwould that be (right|fair)\b|\bam i (getting|on the right)\b|\bdoes that (fit|ring true)\b|"
    r"\bdoes that (make sense|sound ok(ay)?)\b",
    "tag": r"(,|\b)\s*(isn'?t it|aren'?t you|don'?t you|doesn'?t (it|he|she)|haven'?t you|"
    r"hasn'?t it|wasn'?t it|didn'?t you|can'?t you|won'?t you|right|yeah|is it|do you|eh)\s*\?$",
    "closed_wh": r"^(about )?(how (many|much|long|old|often|far|soon|deep|big|bad|late|early)|"
    r"what time|which|when|where|who|what (day|date|age|year|number|kind of|sort of|type of|"
    r"part|one|name|colour|size)|what'?s the (longest|shortest|most|least|best|worst|name)|"
    r"what (is|was) (your|his|her|their) (name|age|address|date))\b",
    # "On a scale of 1 to 10, how important…?", "what number would you pick?": a number answers.
    "scale": r"\bscale (of|from)\b|\bwhat number\b|\b(nought|zero|0|one|1) to (ten|10)\b",
    "what_about": r"^(and )?(what|how) about\b",
    # "Anything else?", "Any other things you enjoy?": an invitation to say more.
    "invite": r"\b(anything|something|anyone|anybody|what|who|where) else\b|\bany other\b|"
    r"\banything more\b",
    # "Do you see them much, or?": alternatives left open for the person to fill.
    "or_tail": r"\bor\s*[?.\-]*$",
    "backchannel": r"^(mm+|m-hm+|mm-hmm|uh-huh|hmm+|yeah|yes|yep|no|okay|ok|right|sure|i see|"
    r"alright|great|good|fine|lovely|thanks|thank you|of course|absolutely|exactly|indeed|"
    r"sorry|oh|ah|wow|well|so)\b[ ,.!]*((okay|ok|yeah|right|good|thanks|thank you|great|so|"
    r"then|well|i see)[ ,.!]*)*$",
    "greeting": r"\b(hello|hi|good (morning|afternoon|evening)|nice to meet|see you|bye|"
    r"take care|welcome|thanks for (coming|your time))\b",
}
_CUE_RE = {name: re.compile(pattern) for name, pattern in _CUES.items()}
_FILLER_PAIRS = {("i", "mean"), ("you", "know"), ("i", "guess"), ("kind", "of"), ("sort", "of"),
                 ("i", "suppose"), ("let's", "see")}  # fmt: skip
_PREPOSITIONS = {"in", "to", "for", "from", "with", "at", "by", "on", "of", "about"}
_INVERTING = {"do", "does", "did", "is", "are", "was", "were", "have", "has", "can", "could",
              "would", "will", "should"}  # fmt: skip
_SUBJECTS = {"you", "he", "she", "it", "they", "we", "i", "there", "that", "this", "your"}
_DECLARATIVE_QUESTION = {"q:mark", "q:declarative_mark"}
_OPEN_ENDED = {"q:or_tail", "cue:invite", "cue:tellme"}
# Words after "what" that are not the noun of "what + noun + auxiliary" ("what else do…").
_NOT_NOUNS = {"else", "about", "other", "if", "exactly", "then", "now", "so", "kind", "sort",
              "type", "happened", "happens", "helps", "helped", "matters", "worries", "makes",
              "made", "gets", "got", "keeps", "stops", "brings", "brought", "would", "might",
              "one"}  # fmt: skip
_PARENTHETICALS = {"do you think", "would you say", "do you reckon", "would you think",
                   "d'you think", "you think"}  # fmt: skip
# An auxiliary tag ("…, don't you?") makes a question; "…, right?" / "yeah?" is a check that a
# reflection may carry, so only the scorer weighs it.
_AUX_TAG = re.compile(
    r"\b(is|are|do|does|did|have|has|was|can|will|would)(n'?t)? (it|you|he|she|they|we|there)\s*\?$"
)


@dataclass(frozen=True)
class CodedTurn:
    """The code of one practitioner turn and the scorer's confidence in it (0-1)."""

    code: str
    confidence: float

    def as_json(self) -> dict:
        return {"code": self.code, "confidence": self.confidence}


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip().lower()
    return _HYPHENATED.sub(_unstutter, text)


def _unstutter(match: re.Match[str]) -> str:
    """A spoken false start is the word itself: "wh-what", "what-what-what", "ho-how"."""
    *starts, word = re.split(r"-+", match.group(0))
    return word if all(word.startswith(start) for start in starts) else match.group(0)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _strip_fillers(tokens: list[str]) -> list[str]:
    """Drop spoken lead-ins ("okay, so, um", "i mean", "you know") before the first real word;
    a preposition before a wh-word goes too ("in what way?" asks like "what way?")."""
    start = 0
    while start < len(tokens) - 1:
        if tokens[start] in _FILLERS:
            start += 1
        elif tuple(tokens[start : start + 2]) in _FILLER_PAIRS and start < len(tokens) - 2:
            start += 2
        elif tokens[start] in _PREPOSITIONS and tokens[start + 1] in _WH:
            start += 1
        else:
            break
    return tokens[start:]


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    return sum(value >= edge for edge in edges)


def features(text: str, prev: str | None = None) -> list[str]:
    """The names of the features that fire for a turn (duplicates removed, order kept)."""
    norm = _normalise(text)
    tokens = _tokens(norm)
    words = [t for t in tokens if t != "?"]
    feats = ["bias"]
    if not words:
        return [*feats, "empty"]
    sentences = [s for s in _SENTENCE.split(norm) if _tokens(s)]
    questions = [s for s in sentences if _is_question(s)]
    checks = [s for s in questions if _CUE_RE["check"].search(s)]
    substantive = [s for s in questions if s not in checks]
    # MITI: the last substantive question decides a compound turn; else the last sentence.
    head = substantive[-1] if substantive else sentences[-1]
    head_words = _strip_fillers([t for t in _tokens(head) if t != "?"]) or ["<none>"]
    clause = _wh_clause(head)
    if clause and (
        head_words[0] not in _WH | _AUX
        or (head_words[0] in _AUX and _is_question(" ".join(clause)))
    ):
        # "So, having heard that, how do you feel about it?": the last clause is the question;
        # so is a wh-question that rephrases a yes/no one ("Do you have hobbies, like, what do
        # you do at weekends?").
        head_words = clause
        feats.append("q:wh_clause")
    first = _strip_fillers(words)
    feats += [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(["<s>", *words], [*words, "</s>"], strict=True)]
    feats += [f"f1:{first[0]}", f"f2:{'_'.join(first[:2])}"]
    feats += [f"h1:{head_words[0]}", f"h2:{'_'.join(head_words[:2])}"]
    feats += [f"h3:{'_'.join(head_words[:3])}"]
    head_text = " ".join(head_words)
    if head_words[0] in _WH:
        feats.append("q:wh")
    if head_words[0] in _AUX:
        feats.append("q:aux")
    # "What about your sister, does she help?": the last clause carries the question's function.
    if head_words[0] not in _AUX and _closed_tail(head):
        feats.append("q:aux_tail")
    if head_words[0] in _AUX and _WH.intersection(head_words[2:]):
        feats.append("q:aux_embedded_wh")  # "Have you thought about how you'd do that?"
    what_noun = _what_noun(head_words)
    if what_noun:
        feats.append(f"q:{what_noun}")
    if _CUE_RE["invite"].search(head_text):
        feats.append("cue:invite")
    if _CUE_RE["or_tail"].search(head):
        feats.append("q:or_tail")
    if head.endswith("?"):
        feats.append("q:mark")
        if not _WH.intersection(head_words[:4]) and head_words[0] not in _AUX:
            feats.append("q:declarative_mark")
    if substantive and sentences[-1] in substantive:
        feats.append("q:last")
    if substantive and len(sentences) > 1:
        feats.append("q:compound")
    if checks:
        feats.append("q:check")
    if len(words) <= 3 and head.endswith("?"):
        feats.append("q:short")
    if _CUE_RE["scale"].search(norm):
        feats.append("cue:scale")
        if _CUE_RE["scale"].search(head) and substantive:
            feats.append("q:scale")  # the question itself asks for a number on a scale
    for name in ("tellme", "closed_wh", "what_about"):
        if _CUE_RE[name].search(head_text):
            feats.append(f"cue:{name}")
    if head.endswith("?") and _CUE_RE["tag"].search(head):
        feats.append("cue:tag")
    for name in ("reflect_complex", "affirm", "summary", "advice", "info", "view", "greeting"):
        hits = len(_CUE_RE[name].findall(norm))
        if hits:
            feats.append(f"cue:{name}")
            if hits > 1:
                feats.append(f"cue:{name}+")
    if _CUE_RE["backchannel"].match(norm):
        feats.append("cue:backchannel")
    if _FEELINGS.search(norm):
        feats.append("feeling")
    you = sum(
        w in {"you", "your", "you're", "you've", "you'd", "you'll", "yourself"} for w in words
    )
    me = sum(w in {"i", "me", "my", "i'm", "i've", "i'd", "i'll"} for w in words)
    feats += [f"you:{min(you, 3)}", f"me:{min(me, 2)}"]
    if first[0] in {"you", "you're", "you've", "you'd", "your", "you'll"}:
        feats.append("starts:you")
    feats.append(f"len:{_bucket(len(words), (2, 4, 7, 12, 20, 35))}")
    feats.append(f"sents:{min(len(sentences), 3)}")
    content = [w for w in words if w not in _STOP and len(w) > 2]
    if prev and prev.strip():
        prev_words = {w for w in _tokens(_normalise(prev)) if w not in _STOP}
        prev_stems = {w[:5] for w in prev_words}
        feats.append("prev")
        if content:
            shared = sum(w in prev_words or w[:5] in prev_stems for w in content) / len(content)
            novel = sum(w not in prev_words and w[:5] not in prev_stems for w in content)
            feats.append(f"overlap:{_bucket(shared, (0.01, 0.34, 0.67))}")
            feats.append(f"novel:{_bucket(novel, (1, 3, 6))}")
            if shared >= 0.5 and not head.endswith("?"):
                feats.append("echo")
    else:
        feats.append("noprev")
    return list(dict.fromkeys(feats))


def _is_question(sentence: str) -> bool:
    """A question mark, or (transcripts often drop it) a wh-word or auxiliary inverted with
    its subject at the start: "what are you drinking.", "do you live alone"."""
    if sentence.endswith("?"):
        return True
    words = _strip_fillers([t for t in _tokens(sentence) if t != "?"])
    if len(words) < 3:
        return False
    if _CUE_RE["tellme"].search(" ".join(words)):
        return True  # "Tell me about your week.", "I'm wondering how that felt." ask openly
    if words[0] in _WH:
        # "what are you…", "how confident are you…", "how much do you…"
        return (
            any(
                word in _INVERTING and following in _SUBJECTS
                for word, following in zip(words[1:4], words[2:5], strict=False)
            )
            or words[1] in _INVERTING
        )
    return words[0] in _INVERTING and words[1] in _SUBJECTS


def _what_noun(words: list[str]) -> str | None:
    """ "what/which + noun + auxiliary" picks one item ("What school does he go to?"): closed,
    while a plural noun ("What things would help?") often asks for a range."""
    if len(words) < 3 or words[0] not in {"what", "which"} or words[2] not in _INVERTING:
        return None
    noun = words[1]
    if noun in _AUX or noun in _SUBJECTS or noun in _NOT_NOUNS or noun in _WH:
        return None
    return "what_nouns" if noun.endswith("s") and not noun.endswith("ss") else "what_noun"


def _asks(text: str) -> bool:
    """Whether any sentence of a turn is a question (by mark, form or a "tell me" request)."""
    return any(_is_question(s) for s in _SENTENCE.split(_normalise(text)) if _tokens(s))


def _wh_clause(sentence: str) -> list[str] | None:
    """The words of a question's last comma clause that starts with a wh-word, else None.

    A name, aside or afterthought may sit either side of the question: "Sam, if you don't mind
    me asking, what would you change, from here on?" asks "what would you change".
    """
    if "," not in sentence or not sentence.endswith("?"):
        return None
    for clause in reversed(sentence.split(",")[1:]):
        words = _strip_fillers([t for t in _tokens(clause) if t != "?"])
        if words and words[0] in _WH:
            return words
    return None


def _closed_tail(question: str) -> bool:
    """Whether a question's last clause asks yes or no after something else.

    "What about school, is he going in?" is closed; "Uh, can you tell me…?" (only a filler
    before the comma), "…, can you tell me more?" and "…help, do you think?" (a parenthetical)
    are not.
    """
    if "," not in question:
        return False
    before, last = question.rsplit(",", 1)
    if all(token in _FILLERS for token in _tokens(before)):
        return False
    tail = _strip_fillers([t for t in _tokens(last) if t != "?"])
    return (
        len(tail) > 1
        and tail[0] in _AUX
        and tail[1] in _SUBJECTS
        and " ".join(tail[:3]) not in _PARENTHETICALS
        and not _CUE_RE["tellme"].search(" ".join(tail))
    )


def _interrogative(text: str) -> str | None:
    """The last substantive question of a turn if it has interrogative form, else None.

    Interrogative form: a wh-word or auxiliary first (after fillers), a "tell me"/"what about"
    opener, or a tag question. A declarative with a question mark ("You're worried?") may be a
    reflection voiced as a question, so it is left to the scorer.
    """
    norm = _normalise(text)
    sentences = [s for s in _SENTENCE.split(norm) if _tokens(s)]
    for sentence in reversed(sentences):
        if not _is_question(sentence) or _CUE_RE["check"].search(sentence):
            continue
        words = _strip_fillers([t for t in _tokens(sentence) if t != "?"])
        if not words:
            continue
        head = " ".join(words)
        if (
            words[0] in _WH
            or _wh_clause(sentence)
            or words[0] in _AUX
            or _CUE_RE["tellme"].search(head)
            or _CUE_RE["what_about"].search(head)
            or _AUX_TAG.search(sentence)
        ):
            return sentence
        return None
    return None


def load_examples(path: Path = EXAMPLES) -> list[dict]:
    """The team-written training examples: ``{"text", "code", "prev"?}`` per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def fingerprint(path: Path = EXAMPLES) -> str:
    """Hash of the examples and the feature/fitting choices the weights depend on."""
    digest = hashlib.sha256(
        f"{FEATURE_VERSION}|{ITERATIONS}|{LEARNING_RATE}|{L2}|{MIN_COUNT}|{CODES}".encode()
    )
    digest.update(path.read_bytes())
    return digest.hexdigest()


def fit(examples: list[dict]) -> dict[str, list[float]]:
    """Multinomial logistic regression by full-batch Adam: deterministic, about a second."""
    import numpy as np

    rows = [features(e["text"], e.get("prev")) for e in examples]
    counts: dict[str, int] = {}
    for feats in rows:
        for name in feats:
            counts[name] = counts.get(name, 0) + 1
    vocab = sorted(name for name, n in counts.items() if n >= MIN_COUNT)
    index = {name: i for i, name in enumerate(vocab)}
    # Binary features held sparsely: (row, column) pairs sorted by row, and the same by column,
    # so both products are one gather and one segment sum (np.add.reduceat).
    pairs = [(r, index[name]) for r, feats in enumerate(rows) for name in feats if name in index]
    by_row = np.array(pairs, dtype=np.int64)
    by_col = by_row[np.lexsort((by_row[:, 0], by_row[:, 1]))]
    row_starts = np.searchsorted(by_row[:, 0], np.arange(len(rows)))
    col_starts = np.searchsorted(by_col[:, 1], np.arange(len(vocab)))
    y = np.zeros((len(rows), len(CODES)))
    y[np.arange(len(rows)), [CODES.index(e["code"]) for e in examples]] = 1.0
    w = np.zeros((len(vocab), len(CODES)))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, ITERATIONS + 1):
        logits = np.add.reduceat(w[by_row[:, 1]], row_starts, axis=0)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        error = (p - y) / len(rows)
        grad = np.add.reduceat(error[by_col[:, 0]], col_starts, axis=0) + L2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= LEARNING_RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return {name: [round(float(value), 4) for value in w[i]] for name, i in index.items()}


def build(path: Path = WEIGHTS) -> Path:
    """Fit the weights from the examples and write them (the committed build artefact)."""
    model = {"fingerprint": fingerprint(), "codes": list(CODES), "weights": fit(load_examples())}
    path.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n")
    return path


@lru_cache(maxsize=1)
def _weights() -> dict[str, list[float]]:
    try:
        model = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    except FileNotFoundError:
        model = {}
    if model.get("fingerprint") == fingerprint() and model.get("codes") == list(CODES):
        return model["weights"]
    log.warning("OARS weights are missing or stale; refitting (run python -m bot.coaching.oars)")
    return fit(load_examples())


def scores(text: str, prev: str | None = None) -> dict[str, float]:
    """The softmax probability of every code for a turn."""
    return _softmax(features(text, prev))


def _softmax(feats: list[str]) -> dict[str, float]:
    weights = _weights()
    totals = [0.0] * len(CODES)
    for name in feats:
        row = weights.get(name)
        if row is not None:
            totals = [t + x for t, x in zip(totals, row, strict=True)]
    top = max(totals)
    exps = [math.exp(t - top) for t in totals]
    whole = sum(exps)
    return {code: e / whole for code, e in zip(CODES, exps, strict=True)}


def code_utterance(text: str, prev: str | None = None) -> CodedTurn:
    """Code one practitioner turn; ``prev`` is what the client said just before, if known."""
    if not text or not _tokens(_normalise(text)):
        return CodedTurn("other", 1.0)
    feats = features(text, prev)
    probabilities = _softmax(feats)
    allowed = CODES
    question = _interrogative(text)
    if question is not None:
        # MITI: a question after a reflection (or anything else) makes the turn a question;
        # "Why don't you…?" / "Have you tried…?" stay advice.
        allowed = ("open_question", "closed_question", "advice")
        if _closed_tail(question):  # "What about school, is he going in?" asks yes or no
            allowed = ("closed_question", "advice")
    elif not _asks(text):
        # No question mark and no interrogative or "tell me" sentence: a statement, so not a
        # question ("And you have five or six on a night out.").
        allowed = tuple(c for c in CODES if not c.endswith("_question"))
    code = max(allowed, key=lambda c: probabilities[c])
    # "So you're back at your mum's?": a statement voiced as a question is answered yes or no
    # (closed), unless it trails off for the person to fill ("…, or?", "anything else?").
    if (
        code == "open_question"
        and _DECLARATIVE_QUESTION.issubset(feats)
        and not _OPEN_ENDED.intersection(feats)
    ):
        code = "closed_question"
    if code == "open_question" and "q:scale" in feats:
        code = "closed_question"  # "On a scale of 0 to 10, how confident…?": a number answers
    return CodedTurn(code, round(probabilities[code], 4))


if __name__ == "__main__":
    print(f"Wrote {build()} from {len(load_examples())} examples", file=sys.stderr)
