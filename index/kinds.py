"""The specific kind of answer a question asks for, and whether a sentence holds one.

Where the wording allows it, a question asks for one kind of thing: "how
old" wants an age ("30-year-old"), "how much money did she raise" wants an
amount of money, "what share of the vote" a percentage, "how many candidates"
a count that is not part of a date, "what office did she hold" a title
("Secretary of State"), "which newspaper / network" a news outlet ("USA
Today", "CNN"), "when" a calendar date or year (not "Tuesday"), "who
won" a stated result ("won", "defeated", "received 48 percent"), "in which
town" a place, "which businessman" a person.
Questions that give no such clue have no kind (None).
"""

from __future__ import annotations

import re

from index.chat import NUMBER_WORDS
from index.dates import MONTH_PATTERN, month_number
from index.text import STOPWORDS, tokenize, words

ANSWER_KINDS = (
    "age", "money", "percent", "clock", "margin", "winner", "count", "outlet", "office", "date", "place", "person",
)  # fmt: skip

_NUMBER_WORD = "(?:" + "|".join(NUMBER_WORDS) + "|thousand|million|billion|dozens?|hundreds|thousands|millions)"
# Bounded runs ({0,30}) keep a pathological "1,1,1,..." line from costing quadratic time (so in _OUTLET).
_NUMBER = r"(?:\d[\d,.]{0,30}|" + _NUMBER_WORD + r")"
_MONTH = MONTH_PATTERN

_PERSON_NOUNS = frozenset(
    """person people man woman men women candidate candidates businessman businesswoman executive actor actress
    senator congressman congressmen congresswoman representative lawmaker lawmakers politician politicians
    leader leaders official officials president governor mayor judge player players author writer singer
    artist director chairman chairwoman secretary minister king queen emperor scientist philosopher founder
    member members republican republicans democrat democrats opponent rival challenger incumbent spokesman
    spokeswoman reporter journalist host anchor owner coach pope bishop general commander officer activist
    donor voter voters friend girlfriend boyfriend wife husband son daughter mother father brother sister""".split()  # noqa: SIM905
)
_PLACE_NOUNS = frozenset(
    """town towns city cities county counties state states country countries region regions place places area
    areas neighborhood neighbourhood suburb suburbs district districts province provinces continent island
    islands village villages river capital location nation nations street venue""".split()  # noqa: SIM905
)

# "When" asks for a date only when it opens the question: "what did she promise to do when Trump ..." does not.
WHEN_OPENS = r"^(since |until |from |where and |how and )?when\b"
_QUESTION_PATTERNS = (
    ("age", r"\bhow old\b|\b(at )?what age\b"),
    (
        "money",
        r"\bhow much (money|cash|funding)\b|\bwhat (amount|sum) of money\b|\bhow much\b.*\b(cost|costs|costing|"
        r"raise|raised|raising|spend|spent|spending|pay|paid|give|given|donate|donated|earn|earned|worth)\b",
    ),
    ("percent", r"\bpercent|\bpercentage\b|\bwhat (share|proportion|fraction|portion)\b|\bhow much of the\b"),
    ("clock", r"\bwhat time\b|\bat what hour\b"),
    ("margin", r"\bby (how much|how many|what margin)\b|\bwhat margin\b"),
    (
        "winner",
        r"\bwho (won|wins|win|will win|beat|defeated|prevailed|came (out )?(first|ahead)|finished first)\b|"
        r"\bwhich (\w+ )?(candidate|party|team|side|player|country) (won|wins|beat|defeated|prevailed)\b",
    ),
    ("count", r"\bhow many\b|\bwhat number of\b|\bhow much\b"),
    (
        "outlet",
        r"\b(what|which)\s+(\w+\s+)?(newspaper|paper|network|outlet|station|channel|magazine|publication|"
        r"broadcaster|newscast|tv|television|radio|website|show|program|programme)s?\b",
    ),
    (
        "office",
        r"\b(what|which)\s+(\w+\s+)?(office|post|position|job|title|role)\b|\bwhat (did|does|do) \w+( \w+)? do\b",
    ),
    ("date", WHEN_OPENS + r"|\b(what|which) (date|day|year|month)\b|\bin what year\b"),
)
# "which"/"what", up to two capitalised words (names, proper adjectives), then a lowercase word.
_WHICH_NOUN = re.compile(r"\b(?i:which|what)\s+((?:[A-Z][\w'’-]*\s+){0,2})([a-z]+)")

_SENTENCE_PATTERNS = {
    "age": r"\b(\d{1,3}|" + _NUMBER_WORD + r")-year-old\b|\baged? \d{1,3}\b|\b\d{1,3} years old\b",
    "money": r"[$£€¥]\s?\d|\b"
    + _NUMBER
    + r"\s+(dollars|euros|pounds|yen|cents)\b|\b\d[\d,.]{0,30}\s*(million|billion)\b",
    "percent": r"\b" + _NUMBER + r"(\s|-)?(percent|per cent|percentage points?)\b|\d\s?%",
    "clock": r"\b\d{1,2}(:\d\d)?\s*[ap]\.?m\b|\bnoon\b|\bmidnight\b|\bo'clock\b",
    # A result is stated: someone won, beat, led, or got a share of the vote.
    "winner": r"\b(won|wins|winning|winner|victory|victor|victorious|defeat(ed|s|ing)?|beat|beats|beaten|"
    r"elected|prevailed|first[- ]place|came in first|finished first|led|leads|ahead|received|clinched|"
    r"captured|took)\b",
    "margin": r"\b"
    + _NUMBER
    + r"(\s|-)(percentage )?points?\b|\b"
    + _NUMBER
    + r"(\s|-)?(percent|%)|\b"
    + _NUMBER
    + r" votes\b",
}
# News outlets. Papers and news sites: a name ending in a word newspapers use, or a known agency or site.
_PRINT_OUTLET = (
    r"\b(AP|Reuters|Politico|Bloomberg|Axios|HuffPost|BuzzFeed|Vox|Slate)\b|"
    r"\b[A-Z][\w.&'-]{0,30}\s+(Times|Post|Journal|News|Today|Tribune|Herald|Gazette|Press|Chronicle|Daily|Magazine|"
    r"Review|Observer|Guardian|Telegraph|Inquirer|Examiner|Sun|Star|Globe|Register|Bee|Dispatch|Courier|Record|"
    r"Week|Wire)\b"
)
_PRINT_OUTLET_RE = re.compile(_PRINT_OUTLET)
_PRINT_OUTLET_NOUNS = frozenset(("newspaper", "paper", "magazine", "publication", "website", "site", "wire"))
# Any outlet: those, a broadcaster, or a show's title-case name in quotes (CNN's "New Day"). Each word
# of the title must follow a space: letting words abut would make a long capitalised run backtrack
# exponentially.
_OUTLET = re.compile(
    _PRINT_OUTLET + r"|\b(CNN|MSNBC|NBC|ABC|CBS|Fox|NPR|PBS|BBC|C-SPAN)\b|\b[A-Z][\w.&'-]{0,30}\s+(Radio|Network|"
    r"Television|TV)\b|[\"“][A-Z][\w'’]+(?:\s[A-Z][\w'’]*){0,4}[\"”]"
)
# Titles and occupations that answer "what office / post / job"; lowercase forms count too.
_TITLE = re.compile(
    r"\b(secretary|senator|sen\.|rep\.|representative|governor|gov\.|mayor|president|vice president|"
    r"chairman|chairwoman|chair|director|commissioner|attorney general|attorney|lawyer|judge|justice|speaker|"
    r"minister|ambassador|aide|executive|ceo|founder|leader|congressman|congresswoman|spokesman|spokeswoman|"
    r"filmmaker)\b",
    re.I,
)
# Numbers that belong to a date, a year or a time of day do not count as "how many".
_DATE_LIKE = re.compile(
    r"\b" + _MONTH + r"\.?\s+\d{1,2}\b|\b\d{1,2}\s+" + _MONTH + r"\b|\b(1[5-9]\d\d|20\d\d)s?\b|"
    r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b|\b\d{1,2}(:\d\d)?\s*[ap]\.?m\.?",
    re.I,
)
# A calendar date or a year: "April 18", "18 April", "1979". Weekdays and "last week" are too vague.
_CALENDAR_DATE = re.compile(
    r"\b" + _MONTH + r"\.?\s+\d{1,2}\b|\b\d{1,2}\s+" + _MONTH + r"\b|\b(1[5-9]\d\d|20\d\d)\b", re.I
)
_COUNT = re.compile(r"\b" + _NUMBER + r"\b", re.I)
_CALENDAR_WORD = re.compile(_MONTH + r"|(mon|tues|wednes|thurs|fri|satur|sun)day")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’.-]*")  # a capitalised word that does not start a sentence


def answer_kind(question: str) -> str | None:
    """One of ANSWER_KINDS when the question's wording says what the answer is, else None."""
    q = question.lower()
    for kind, pattern in _QUESTION_PATTERNS:
        if re.search(pattern, q):
            return kind
    nouns = _which_nouns(question)
    if not _PLACE_NOUNS.isdisjoint(nouns) or re.search(r"\bwhere\b", q):
        return "place"
    if not _PERSON_NOUNS.isdisjoint(nouns):
        return "person"
    return None


def _which_nouns(question: str) -> set[str]:
    """The word after "which"/"what", and the first lowercase one past the names before it, with plurals' singulars.

    "Which Georgia congressmen" -> {"georgia", "congressmen"}; "Which Republican won" -> {"republican", "won"}.
    """
    which = _WHICH_NOUN.search(question)
    if which is None:
        return set()
    first = (which.group(1).split() or [which.group(2)])[0]
    found = {first.lower(), which.group(2).lower()}
    return found | {w[:-1] for w in found if w.endswith("s")}


def has_answer_kind(sentence: str, kind: str, question_words: frozenset[str] | set[str]) -> bool:
    """Does the sentence hold something of `kind` that the question does not already mention?"""
    if kind in _SENTENCE_PATTERNS:
        return bool(re.search(_SENTENCE_PATTERNS[kind], sentence, re.I))
    if kind == "count":
        numbers = _COUNT.findall(_DATE_LIKE.sub(" ", sentence))
        return any(n.lower() not in question_words and n.lower() != "one" for n in numbers)
    if kind == "date":
        return any(not set(words(m.group(0))) <= question_words for m in _CALENDAR_DATE.finditer(sentence))
    if kind == "outlet":
        print_only = not _PRINT_OUTLET_NOUNS.isdisjoint(question_words)
        outlets = (_PRINT_OUTLET_RE if print_only else _OUTLET).finditer(sentence)
        return any(not set(words(m.group(0))) <= question_words for m in outlets)
    if kind == "office":
        return any(m.group(0).lower() not in question_words for m in _TITLE.finditer(sentence))
    if kind in ("place", "person"):
        return holds_new_name(sentence, question_words)
    raise ValueError(f"unknown answer kind {kind!r}; expected one of {ANSWER_KINDS}")


def holds_new_name(sentence: str, question_words: frozenset[str] | set[str]) -> bool:
    """Does the sentence hold a capitalised word (a name) that the question does not?

    Months and weekdays are capitalised but name no one: "June 13" answers no "who"."""
    for word in _NAME.findall(sentence):
        low = word.lower().strip(".'’")
        if low not in question_words and not _CALENDAR_WORD.fullmatch(low):
            return True
    return False


# The values a sentence states, for comparing what different articles say (index/disagreement.py).
# Kinds whose values can be compared: numbers, sums, shares, times and dates. Names cannot: two
# sentences naming different people rarely contradict each other.
VALUE_KINDS = ("age", "money", "percent", "clock", "margin", "count", "date")
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_UNITS = "|".join(w for w, n in NUMBER_WORDS.items() if n < 10)
_TENS = "|".join(w for w, n in NUMBER_WORDS.items() if 20 <= n < 100 and n % 10 == 0)
# A number ("1,200", "48.1", "eleven", "twenty-one"), then a scale ("2 million", "$8m") if any.
_AMOUNT = (
    r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:(?:"
    + _TENS
    + r")[- ](?:"
    + _UNITS
    + r")|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\b)(?:\s+(?P<scale>thousand|million|billion|trillion)|(?P<short>bn|mn|m|k))?\b"
)
_CURRENCY = {"$": "$", "£": "£", "€": "€", "¥": "¥", "dollar": "$", "euro": "€", "pound": "£", "yen": "¥", "cent": "$"}
_VALUE_PATTERNS = {
    "percent": re.compile(r"(?<![\w.,])" + _AMOUNT + r"(?:\s|-)?(?:%|percent\b|per cent\b|percentage points?\b)", re.I),
    "money": re.compile(
        r"(?P<cur>[$£€¥])\s?"
        + _AMOUNT
        + r"|(?<![\w.,$£€¥])"
        + _AMOUNT.replace("?P<", "?P<w_")
        + r"\s+(?P<unit>dollar|euro|pound|yen|cent)s?\b",
        re.I,
    ),
    "margin": re.compile(
        r"(?<![\w.,])" + _AMOUNT + r"(?:(?:\s|-)(?:percentage\s+)?(?P<points>points?)\b|(?:\s|-)?(?:%|percent\b)|"
        r"\s+(?P<votes>votes)\b)",
        re.I,
    ),
    "age": re.compile(
        r"(?<![\w.,])" + _AMOUNT + r"-year-old\b|\baged?\s+(?P<a>\d{1,3})\b|\b(?P<y>\d{1,3})\s+years\s+old\b", re.I
    ),
    "clock": re.compile(
        r"\b(?P<h>\d{1,2})(?::(?P<min>\d\d))?\s*(?P<ap>[ap])\.?m\b\.?|\b(?P<noon>noon|midnight)\b", re.I
    ),
    "count": re.compile(r"(?<![\w.,])" + _AMOUNT, re.I),
    "date": re.compile(
        r"\b(?P<m>" + _MONTH + r")\.?\s+(?P<d>\d{1,2})(?!\d)|\b(?P<d2>\d{1,2})\s+(?P<m2>" + _MONTH + r")\b|"
        r"\b(?P<year>1[5-9]\d\d|20\d\d)\b(?!s)",
        re.I,
    ),
}


def stated_values(sentence: str, kind: str, question: str, loose: bool = False) -> dict[str, str]:
    """The values of `kind` (one of VALUE_KINDS) the sentence states and the question does not mention.

    Keys are normalised so that the same value written two ways is one key: "48.1 percent" and
    "48.1%" are "48.1%", "$2 million" and "2 million dollars" are "$2000000", "eleven" and "11" are
    "11", "June 20, 2017" is "06-20" and "2017". Values are the words as written (the first time).
    A count is a number that is not part of a date, a time, an age, a share or a sum; "one" is no
    count; and when the question says what it counts ("how many GOP candidates"), a number counts
    only if one of those words follows it closely ("eleven Republican candidates", "an 18-candidate
    field"), so that "two top vote-getters" is no answer to it. `loose` drops that last rule: an
    article that writes "an 18-way primary" mentions 18 even if it counts no candidates with it.
    """
    if kind not in VALUE_KINDS:
        raise ValueError(f"cannot compare values of kind {kind!r}; expected one of {VALUE_KINDS}")
    question_words = set(words(question))
    text = sentence
    counted = _counted(question) if kind == "count" and not loose else frozenset()
    asked = frozenset(tokenize(question)) if counted else frozenset()
    if kind == "count":  # numbers of other kinds are blanked out, keeping offsets
        for other in (_VALUE_PATTERNS["percent"], _VALUE_PATTERNS["money"], _VALUE_PATTERNS["age"], _DATE_LIKE):
            text = other.sub(_blank, text)
    found: dict[str, str] = {}
    for match in _VALUE_PATTERNS[kind].finditer(text):
        written = sentence[match.start() : match.end()].strip()
        if set(words(written)) <= question_words:
            continue
        if counted and not _counts(tokenize(text[match.end() : match.end() + _COUNTED_REACH]), counted, asked):
            continue
        for key in _value_keys(kind, match):
            found.setdefault(key, written)
    return found


# What a "how many" question counts: at most this many words after it, before its first stop word.
_HOW_MANY = re.compile(r"\b(?:how many|what number of)\b", re.I)
_COUNTED_WORDS = 3
# A number counts them when one is among the next two words ("eleven Republican candidates"), not
# three: "an 18-way primary and a GOP field" counts no GOP candidates.
_COUNTED_AFTER = 2
_COUNTED_REACH = 40  # characters, enough for two words


def _counted(question: str) -> frozenset[str]:
    """The stems of what a "how many" question counts: "how many GOP candidates ran" -> {gop, candid}."""
    found = _HOW_MANY.search(question)
    if found is None:
        return frozenset()
    counted: list[str] = []
    for word in words(question[found.end() :]):
        if word in STOPWORDS:
            if counted:
                break
            continue  # "how many of the early ballots"
        counted.append(word)
        if len(counted) == _COUNTED_WORDS:
            break
    return frozenset(tokenize(" ".join(counted)))


def _counts(after: list[str], counted: frozenset[str], asked: frozenset[str]) -> bool:
    """Do the word stems `after` a number say it counts what the question counts? One of `counted` must be
    among the next two, and a word before it must be the question's too: "eleven Republican candidates"
    counts no "how many candidates" (the Republican ones only), but does count "how many GOP candidates"
    (read as "Republican", index/chat.py). `asked` are the question's stems."""
    for k, stem in enumerate(after[:_COUNTED_AFTER]):
        if stem in counted:
            return set(after[:k]) <= asked
    return False


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _value_keys(kind: str, match: re.Match[str]) -> list[str]:
    groups = match.groupdict()
    if kind == "date":
        if groups["year"]:
            return [groups["year"]]
        month, day = (groups["m"], groups["d"]) if groups["m"] else (groups["m2"], groups["d2"])
        number = month_number(month)
        return [f"{number:02d}-{int(day):02d}"] if number and 1 <= int(day) <= 31 else []
    if kind == "clock":
        if groups["noon"]:
            return ["12:00" if groups["noon"].lower() == "noon" else "00:00"]
        hour = int(groups["h"]) % 12 + (12 if groups["ap"].lower() == "p" else 0)
        return [f"{hour:02d}:{groups['min'] or '00'}"]
    if kind == "age" and not groups["n"]:
        return [str(int(groups["a"] or groups["y"]))]
    if kind == "money" and groups["n"] is None:
        value = _amount(groups["w_n"], groups["w_scale"] or groups["w_short"])
        unit = groups["unit"].lower()
        return [_CURRENCY[unit] + _number_key(value / 100 if unit == "cent" else value)]
    value = _amount(groups["n"], groups["scale"] or groups["short"])
    if kind == "count" and groups["n"].lower() == "one":
        return []
    key = _number_key(value)
    if kind == "percent":
        return [key + "%"]
    if kind == "money":
        return [_CURRENCY[groups["cur"]] + key]
    if kind == "margin":
        return [key + (" votes" if groups["votes"] else " points")]
    return [key]


def _amount(number: str, scale: str | None) -> float:
    """The value of a number as matched by _AMOUNT: digits or words, times its scale."""
    low = number.lower()
    if low[0].isdigit():
        value = float(low.replace(",", ""))
    else:
        value = float(sum(NUMBER_WORDS[part] for part in re.split(r"[- ]", low)))
    return value * _SCALES.get((scale or "").lower(), 1.0)


def _number_key(value: float) -> str:
    return f"{value:.12g}"
