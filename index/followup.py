"""Read a follow-up question against the previous turn of its conversation.

No generative model: a question is rewritten only in three shapes, each from names the
articles themselves use.

- **A pronoun** (he, him, his, she, her, hers) in a question that names nobody itself
  stands for a person of the previous turn: first one the previous *answer* brought in,
  then one the previous *question* named. Persons, and whether the articles call each
  "he" or "she", are learned from the articles (`NameBook`): a person is a capitalised
  "First Last" of words the articles capitalise, seldom after "the" or "in" (places and
  bodies are); the pronoun is the one the articles use after the person's name, outside
  quotations. "how old is she" after an answer naming Karen Handel becomes "how old is
  Karen Handel".
- **An elliptical question** ("what about the dnc", "how about handel?", "and handel",
  "handel too?") repeats the previous question with its subject swapped: "how much money
  did ossoff raise" then "what about the dnc" becomes "how much money did the dnc raise".
- **A bare question** ("why?", "by how much") asks again about the previous question's topic.

Anything else is read as typed: a question that stands on its own is never bent. The
`Reading` says how a question was read when it changed, so a wrong guess is visible.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from index.models import Answer, Reading
from index.splitter import sentence_spans

MASCULINE = {"he": "", "him": "", "his": "'s"}  # pronoun -> what follows the name in its place
FEMININE = {"she": "", "her": "", "hers": "'s"}
PRONOUN_GENDER = {**{p: "m" for p in MASCULINE}, **{p: "f" for p in FEMININE}}
CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
MIN_PRONOUNS_FOR_GENDER = 2  # lone mentions followed by a pronoun before the articles' usage counts
MAX_SUBJECT_WORDS = 5  # "what about X": a longer X is a question of its own, not an ellipsis
LOWERCASE_SHARE = 4  # a last name is written in lowercase at most once for every 4 capitalised uses
MAX_BARE_WORDS = 4  # "by how much exactly"
MAX_PLACED_SHARE = 0.2  # of a name's mentions after "the" or "in": more, and it is a place or a body
TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "st",
    "jr",
    "sr",
    "president",
    "secretary",
    "senator",
}  # never a last name: "State Sen." is not a person

_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_PLACE_OR_BODY = re.compile(r"\b(?:the|in)\s+$", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
# "what about the dnc?", "and how about handel", "and handel?", "handel too?"
_ELLIPSES = (
    re.compile(r"^(?:and|but|so|ok|okay)?[\s,]*(?:what|how)\s+about\s+(?P<subject>.+?)[\s?.!]*$", re.IGNORECASE),
    re.compile(r"^(?:and|&)\s+(?P<subject>.+?)[\s?.!]*$", re.IGNORECASE),
    re.compile(r"^(?P<subject>.+?)\s+(?:too|as well)[\s?.!]*$", re.IGNORECASE),
)


@dataclass(frozen=True)
class Turn:
    """One answered question of a conversation: the question as it was read, and the answer."""

    question: str
    answer: Answer

    @classmethod
    def after(cls, answer: Answer) -> Turn:
        """The turn a conversation keeps after `answer`: its question as read (a follow-up resolved)."""
        return cls(answer.reading.question if answer.reading else answer.question, answer)


@dataclass(frozen=True)
class Person:
    name: str  # the full name the articles use most, "Karen Handel"
    gender: str | None  # "m", "f", or None when the articles don't show it


class NameBook:
    """Persons and name words of the articles, built once per index; lookups are cheap."""

    def __init__(self, texts: Iterable[str]) -> None:
        sentences = [s for text in texts for s in _sentences(text)]
        capitalised, lowercase = _word_cases(sentences)
        self.name_words = {w for w, n in capitalised.items() if n > lowercase[w] and w not in CALENDAR}
        self.persons = _persons(sentences, self.name_words, lowercase, capitalised)

    def persons_in(self, text: str) -> list[tuple[Person, re.Match[str]]]:
        """Persons mentioned in `text` by last name (any case), in order of mention."""
        found = []
        for match in _WORD.finditer(text):
            key = _bare(match.group(0)).lower()
            if key in self.persons:
                found.append((self.persons[key], match))
        return found

    def subject_in(self, question: str) -> re.Match[str] | None:
        """The span naming what `question` is about: a person, else a run of words the articles capitalise."""
        persons = self.persons_in(question)
        if persons:
            person, match = persons[0]
            return _widened_to_name(question, match, person)
        for match in _WORD.finditer(question):
            if _bare(match.group(0)).lower() in self.name_words:
                return match
        return None


def read_follow_up(question: str, previous: Turn | None, names: NameBook) -> Reading | None:
    """How to read `question` after `previous` (None: the conversation starts here or has expired);
    None when it is read as typed."""
    if previous is None:
        return None
    subject = _elliptical_subject(question)
    if subject is not None:
        return _swap_subject(question, subject, previous, names)
    asked = _bare_question(question)
    if asked is not None:  # "why?", "by how much", "says who": the same topic, another question about it
        rewritten = f"{asked} {previous.question.rstrip(' ?')}?"
        return Reading(rewritten, f"reading this as “{asked}: {previous.question.rstrip(' ?')}?”")
    pronouns = [m.group(0) for m in _WORD.finditer(question) if m.group(0).lower() in PRONOUN_GENDER]
    if not pronouns or names.persons_in(question):
        return None  # nobody to stand for, or the question names its own person
    rewritten, taken = question, set()
    readings: list[tuple[str, str]] = []  # (pronoun, the name read for it)
    for pronoun in dict.fromkeys(p.lower() for p in pronouns):  # "did she vote for him": one person each
        gender = PRONOUN_GENDER[pronoun]
        if gender in taken:
            continue
        referent = _referent(previous, names, gender, exclude=[r for _, r in readings])
        if referent is not None:
            rewritten = _replace_pronouns(rewritten, gender, referent.name)
            readings.append((pronoun, referent.name))
            taken.add(gender)
    if not readings:
        return None
    note = " and ".join(f"“{pronoun}” as {name}" for pronoun, name in readings)
    return Reading(rewritten, f"reading {note}")


def names_someone_else(question: str, answer_text: str, names: NameBook) -> bool:
    """True when `question` asks about a "he" or "she" it does not name, and every person the answer
    names is one the articles call by the other pronoun: the answer is about someone else."""
    genders = {PRONOUN_GENDER[w.lower()] for w in _WORD.findall(question) if w.lower() in PRONOUN_GENDER}
    if len(genders) != 1 or names.persons_in(question):
        return False
    persons = [p for p, _ in names.persons_in(answer_text)]
    return bool(persons) and all(p.gender is not None and p.gender not in genders for p in persons)


def _bare_question(question: str) -> str | None:
    """The question words of a question made of nothing else ("why?", "by how much"), else None."""
    typed = _WORD.findall(question.lower())
    if 0 < len(typed) <= MAX_BARE_WORDS and set(typed) <= _BARE_WORDS and set(typed) & _WH_WORDS:
        return " ".join(typed)
    return None


def _elliptical_subject(question: str) -> str | None:
    text = question.strip()
    for pattern in _ELLIPSES:
        match = pattern.match(text)
        if match and len(match.group("subject").split()) <= MAX_SUBJECT_WORDS:
            return match.group("subject").strip()
    return None


def _swap_subject(question: str, subject: str, previous: Turn, names: NameBook) -> Reading | None:
    words = subject.lower().split()
    if words[0] in PRONOUN_GENDER:
        referent = _referent(previous, names, PRONOUN_GENDER[words[0]])
        if referent is None:
            return None
        if len(words) > 1:  # "and his age?": a question of its own about that person
            rewritten = _replace_pronouns(subject, PRONOUN_GENDER[words[0]], referent.name)
            return Reading(rewritten, f"reading this as “{rewritten}”")
        subject = referent.name
    base = previous.question
    span = names.subject_in(base)
    if span is None:
        return None
    start, end = span.span()
    if base[:start].lower().endswith("the "):
        start -= len("the ")
    possessive = "'s" if _is_possessive(span.group(0)) and not _is_possessive(subject) else ""
    rewritten = base[:start] + subject + possessive + base[end:]
    return Reading(rewritten, f"reading this as “{rewritten}”")


def _referent(previous: Turn, names: NameBook, gender: str, exclude: Iterable[str] = ()) -> Person | None:
    """The person a pronoun of `gender` means: whom the answer brought in, then whom the question named;
    someone the articles call by this pronoun before someone whose pronoun they never show."""
    asked = [p for p, _ in names.persons_in(previous.question)]
    answered = [p for p, _ in names.persons_in(previous.answer.text or "")]
    ordered = [p for p in [p for p in answered if p not in asked] + asked + answered if p.name not in exclude]
    matching = [p for p in ordered if p.gender == gender] + [p for p in ordered if p.gender is None]
    return matching[0] if matching else None


def _replace_pronouns(question: str, gender: str, name: str) -> str:
    forms = MASCULINE if gender == "m" else FEMININE

    def replace(match: re.Match[str]) -> str:
        word = match.group(0).lower()
        if word not in forms:
            return match.group(0)
        if word == "her" and _followed_by_a_noun(question, match.end()):
            return name + "'s"  # "her husband" reads as possessive, "beat her" as the person
        return name + forms[word]

    return _WORD.sub(replace, question)


def _followed_by_a_noun(text: str, end: int) -> bool:
    following = _WORD.match(text, len(text) - len(text[end:].lstrip()))
    return following is not None and following.group(0).lower() not in _NOT_NOUNS


_WH_WORDS = {"why", "when", "where", "how", "who", "what", "which", "whom", "whose"}
_BARE_WORDS = _WH_WORDS | {
    "much", "many", "long", "old", "often", "far", "by", "says", "said", "so", "and", "then", "exactly", "else",
    "really", "ok", "okay", "for", "since", "until", "from", "to", "is", "was", "did", "does", "that",
}  # fmt: skip
_NOT_NOUNS = {
    "a", "an", "the", "to", "in", "on", "at", "for", "of", "with", "by", "from", "about", "and", "or", "but",
    "before", "after", "when", "if", "that", "as", "so", "is", "was", "be",
}  # fmt: skip


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, 0)]


def _bare(word: str) -> str:
    """A word without its possessive ending: "Handel's" -> "Handel"."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word.rstrip("'’")


def _is_possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _widened_to_name(text: str, last_name: re.Match[str], person: Person) -> re.Match[str]:
    """The mention widened to the person's first name when it is typed before it ("bob gray"), else itself."""
    first = person.name.split()[0]
    widened = re.compile(re.escape(first) + r"\s+" + re.escape(last_name.group(0)), re.IGNORECASE)
    start = last_name.start() - len(first) - 1
    match = widened.match(text, start) if start >= 0 else None
    return match or last_name


def _persons(
    sentences: list[str], name_words: set[str], lowercase: Counter[str], capitalised: Counter[str]
) -> dict[str, Person]:
    """Last name (lowercase) -> Person: a capitalised "First Last" of words the articles capitalise.

    Places and bodies look the same ("North Sea", "European Union"), but the articles put
    "the" or "in" before them, and almost never before a person's name.
    """
    full_names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    mentions: Counter[str] = Counter()  # every run a word ends, alone or not
    placed: Counter[str] = Counter()  # runs ending in the word that follow "the" or "in"
    for sentence in sentences:
        for run in _CAPITALISED_RUN.finditer(sentence):
            words = [_bare(w) for w in run.group(0).split()]
            if run.start() == 0:
                words = words[1:]  # the sentence's first word is capitalised whatever it is
            if not words:
                continue
            last = words[-1]
            mentions[last] += 1
            placed[last] += bool(_PLACE_OR_BODY.search(sentence[: run.start()]))
            if len(words) > 1:
                full_names[last][" ".join(words[-2:])] += 1
    persons = {}
    for last, forms in full_names.items():
        full = forms.most_common(1)[0][0]
        first = full.split()[0]
        if (
            last.isalpha()
            and not last.isupper()  # "House GOP": an acronym is not a last name
            and len(last) > 1
            and last.lower() not in TITLES
            and {first.lower(), last.lower()} <= name_words  # "The Georgia", "Congressional District"
            and lowercase[last.lower()] * LOWERCASE_SHARE <= capitalised[last.lower()]  # "New Day", "Capitol Hill"
            and placed[last] <= MAX_PLACED_SHARE * mentions[last]
        ):
            persons[last.lower()] = full
    genders = _genders(sentences, persons)
    return {key: Person(name, genders.get(key)) for key, name in persons.items()}


def _genders(sentences: list[str], persons: dict[str, str]) -> dict[str, str]:
    """Which pronoun the articles use for each person: "m", "f", or absent when unclear.

    Counted where the reference is plain: after the person's name in a sentence naming no one
    else, and in the next sentence if it names no one either; never inside quotation marks,
    where "he" may be anyone.
    """
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for i, sentence in enumerate(sentences):
        mentions = [m for m in _WORD.finditer(sentence) if _bare(m.group(0)).lower() in persons]
        if len({_bare(m.group(0)).lower() for m in mentions}) != 1:
            continue
        key = _bare(mentions[0].group(0)).lower()
        following = sentences[i + 1] if i + 1 < len(sentences) else ""
        if {_bare(w).lower() for w in _WORD.findall(following)} & persons.keys():
            following = ""  # someone else is named there: its pronouns may be theirs
        after = _QUOTED.sub(" ", sentence[mentions[0].end() :] + " " + following)
        for word in _WORD.findall(after):
            gender = PRONOUN_GENDER.get(word.lower())
            if gender:
                counts[key][gender] += 1
    out = {}
    for key, c in counts.items():
        (top, n), *rest = c.most_common() + [("", 0)]
        if n >= MIN_PRONOUNS_FOR_GENDER and n >= 3 * rest[0][1]:
            out[key] = top
    return out


def _word_cases(sentences: list[str]) -> tuple[Counter[str], Counter[str]]:
    """How often each (lowercased) word is written capitalised inside a sentence, and in lowercase."""
    capitalised: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    for sentence in sentences:
        for i, match in enumerate(_WORD.finditer(sentence)):
            word = _bare(match.group(0))
            if word[:1].isupper() and i > 0:
                capitalised[word.lower()] += 1
            elif word[:1].islower():
                lowercase[word] += 1
    return capitalised, lowercase
