"""The spaCy pipeline behind the coaching functions, built reproducibly from repo data.

``spacy.blank("en")`` + lookup lemmas (spacy-lookups-data) + a ``SpanRuler`` of services and
resources (``data/services.txt``) + two bag-of-words text classifiers trained by
``coach train-nlp`` from ``data/statements.jsonl``: the kind of a statement (outcome, service,
other) and the Talking Points domain of an outcome. Nothing is downloaded: if a user has a full
English model installed, ``COACH_SPACY_MODEL`` names it and our components are added to it.

The trained pipeline is saved under ``models/nlp/`` with the fingerprint of the data it was
trained from, and loaded once per process (``get_nlp``). If it is missing or stale it is
trained on first use (a few seconds; deterministic under a fixed seed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.training import Example
from spacy.util import filter_spans

from bot.coaching.contracts import DOMAINS

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "nlp"
SERVICES_KEY = "services"
KINDS = ("outcome", "service", "other")
SEED = 7
EPOCHS = 12

_BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 2,
    "no_output_layer": False,
}


def training_files() -> list[Path]:
    return [DATA / "statements.jsonl", DATA / "services.txt", DATA / "service_patterns.jsonl"]


def data_fingerprint() -> str:
    """Hash of the data and code choices the trained pipeline depends on."""
    digest = hashlib.sha256(f"{spacy.__version__}|{EPOCHS}|{SEED}|{_BOW}".encode())
    for path in training_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def service_patterns() -> list[dict]:
    """Phrase patterns from the lexicon, then token patterns (``service_patterns.jsonl``) for
    services the lexicon can't list: "a cookery class", "the falls prevention team",
    "someone to do the shopping"."""
    patterns: list[dict] = [{"label": "SERVICE", "pattern": t} for t in service_terms()]
    path = DATA / "service_patterns.jsonl"
    with path.open(encoding="utf-8") as handle:
        patterns += [json.loads(line) for line in handle if line.strip()]
    return patterns


def service_terms() -> list[str]:
    """The services lexicon: one term per line, ``#`` comments."""
    path = DATA / "services.txt"
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    return sorted(set(terms))


OWN_COMPONENTS = ("service_ruler", "textcat_kind", "textcat_domain")


def _base_pipeline() -> tuple[Language, list[str]]:
    """An untrained pipeline, and the names of the components this project adds to it."""
    name = os.environ.get("COACH_SPACY_MODEL")
    added: list[str] = []
    if name:
        nlp = spacy.load(name, exclude=["textcat", "textcat_multilabel"])
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        added.append("lemmatizer")
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
        added.append("sentencizer")
    nlp.add_pipe(
        "span_ruler",
        name="service_ruler",
        config={"spans_key": SERVICES_KEY, "phrase_matcher_attr": "LOWER", "overwrite": False},
    )
    nlp.add_pipe("textcat", name="textcat_kind", config={"model": _BOW})
    nlp.add_pipe("textcat", name="textcat_domain", config={"model": _BOW})
    return nlp, added + list(OWN_COMPONENTS)


def load_statements(path: Path | None = None) -> list[dict]:
    path = path or DATA / "statements.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def train(output: Path = MODEL_DIR, epochs: int = EPOCHS) -> Path:
    """Train the text classifiers from the repo's statements and save the pipeline."""
    random.seed(SEED)
    spacy.util.fix_random_seed(SEED)
    nlp, own = _base_pipeline()
    rows = load_statements()
    kind_examples, domain_examples = [], []
    for row in rows:
        kind_cats = {k: float(k == row["kind"]) for k in KINDS}
        kind_examples.append(Example.from_dict(nlp.make_doc(row["text"]), {"cats": kind_cats}))
        if row["kind"] == "outcome" and row.get("domain"):
            domain_cats = {d: float(d == row["domain"]) for d in DOMAINS}
            domain_examples.append(
                Example.from_dict(nlp.make_doc(row["text"]), {"cats": domain_cats})
            )
    # Only this project's components are initialised, so the weights of a full model named
    # by COACH_SPACY_MODEL are kept; labels are given, not inferred from the examples, so that
    # neither classifier picks up the other's labels.
    settings = {
        "service_ruler": {"patterns": service_patterns()},
        "textcat_kind": {"labels": list(KINDS)},
        "textcat_domain": {"labels": list(DOMAINS)},
    }
    samples = {"textcat_kind": kind_examples[:20], "textcat_domain": domain_examples[:20]}
    for name in own:
        nlp.get_pipe(name).initialize(
            lambda name=name: samples.get(name, []), nlp=nlp, **settings.get(name, {})
        )
    optimizer = nlp.create_optimizer()
    for _epoch in range(epochs):
        random.shuffle(kind_examples)
        random.shuffle(domain_examples)
        # Each classifier learns only from its own examples (only outcomes carry a domain).
        for batch in spacy.util.minibatch(kind_examples, size=16):
            nlp.update(batch, sgd=optimizer, exclude=["textcat_domain"])
        for batch in spacy.util.minibatch(domain_examples, size=16):
            nlp.update(batch, sgd=optimizer, exclude=["textcat_kind"])
    output.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so a process loading the model never sees half of it.
    staging = Path(tempfile.mkdtemp(prefix="nlp-", dir=output.parent))
    nlp.to_disk(staging)
    (staging / "fingerprint").write_text(data_fingerprint())
    if output.exists():
        shutil.rmtree(output)
    staging.rename(output)
    return output


def is_current(model_dir: Path = MODEL_DIR) -> bool:
    stamp = model_dir / "fingerprint"
    return stamp.exists() and stamp.read_text().strip() == data_fingerprint()


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The trained pipeline, loaded once per process (trained first if missing or stale)."""
    if not is_current():
        log.info("Training the coaching pipeline (data changed or no model yet)")
        train()
    return spacy.load(MODEL_DIR)


# Words that open a request rather than name the service: "an advocate", "more hours",
# "a referral to CAMHS" → "advocate", "hours", "CAMHS".
_LEADING = {"a", "an", "the", "some", "more", "any", "another", "extra", "new", "my",
            "our", "her", "his", "their", "your", "proper", "bigger", "regular", "few",
            "little"}  # fmt: skip
_REFERRAL = {"referral", "referrals", "referred", "place", "places"}
_AMOUNTS = {"hours", "hour", "bit", "lot", "days", "day", "nights", "night", "visits", "visit",
            "weeks", "week", "sessions", "session", "kind", "sort", "type"}  # fmt: skip
_LINKS = {"to", "for", "at", "in", "with", "from", "a", "an", "the"}


def _trim(span):
    start = span.start
    doc = span.doc
    while start < span.end - 1:
        word = doc[start].lower_
        if word in _LEADING or doc[start].like_num:
            start += 1
        elif word in _AMOUNTS and doc[start + 1].lower_ == "of" and start + 2 < span.end:
            start += 2
        elif word in _REFERRAL and doc[start + 1].lower_ in _LINKS:
            start += 1
            while start < span.end - 1 and doc[start].lower_ in _LINKS:
                start += 1
        else:
            break
    return doc[start : span.end] if start != span.start else span


def services_in(doc: Doc) -> list:
    """Service spans in a processed doc: trimmed of request words, longest wins, in order."""
    spans = [_trim(s) for s in doc.spans.get(SERVICES_KEY, [])]
    spans = [
        s for s in spans if not all(t.is_stop or t.is_punct or t.lower_ in _AMOUNTS for t in s)
    ]
    # The longest match wins; a looser pattern match that contains a lexicon term ("day
    # centre place") counts as a lexicon match, so drafting keeps it out of statements.
    lexicon = [s for s in spans if s.label_ == "SERVICE"]
    chosen = []
    for span in filter_spans(spans):
        if span.label_ != "SERVICE" and any(
            span.start <= s.start and s.end <= span.end for s in lexicon
        ):
            span = SpacySpan(span.doc, span.start, span.end, label="SERVICE")
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)
