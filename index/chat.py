"""Read a question typed the way people type in chat before it is retrieved and scored.

"whats the dccc", "how many ppl ran", "what % did handel get": chat abbreviations
are spelled out ("what is", "people", "percent") and a number written in words
gets its digits beside it ("eighteen (18)"), so that BM25 and the embedding see
the words the articles use. Lowercase acronyms are the acronym expander's job
(index/acronyms.py), which runs after this. The answer always keeps the question
as the user typed it; only the text that is scored changes.

`CHAT_ABBREVIATIONS` is also what the reader's training data is augmented with
(scripts/reader_data.py), read the other way round: "what is" -> "whats".
"""

from __future__ import annotations

import re

# Chat spelling -> the words the articles use. Only forms that mean one thing in a
# question about news: "u" is "you", but "us" is left alone (the U.S.).
CHAT_ABBREVIATIONS: dict[str, str] = {
    "whats": "what is",
    "whos": "who is",
    "wheres": "where is",
    "whens": "when is",
    "hows": "how is",
    "whys": "why is",
    "wat": "what",
    "wht": "what",
    "hw": "how",
    "ppl": "people",
    "r": "are",
    "u": "you",
    "ur": "your",
    "y": "why",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "b4": "before",
    "prev": "previous",
    "b/c": "because",
    "w/": "with",
    "w/o": "without",
    "yr": "year",
    "yrs": "years",
    "yo": "years old",
    "govt": "government",
    "gov": "governor",
    "dem": "Democrat",
    "dems": "Democrats",
    "repub": "Republican",
    "repubs": "Republicans",
    "gop": "Republican",
    "prez": "president",
    "pres": "president",
    "rep": "representative",
    "sec": "secretary",
    "dist": "district",
    "approx": "approximately",
    "num": "number",
    "amt": "amount",
    "tho": "though",
    "thru": "through",
    "pls": "please",
    "plz": "please",
    "vs": "versus",
    "gf": "girlfriend",
    "bf": "boyfriend",
    "hubby": "husband",
    "bday": "birthday",
    "celeb": "celebrity",
    "celebs": "celebrities",
    "info": "information",
    "pic": "picture",
    "msg": "message",
    "mgr": "manager",
    "dept": "department",
    "admin": "administration",
    "vp": "vice president",
    "natl": "national",
    "avg": "average",
    "pct": "percent",
    "mil": "million",
    "bil": "billion",
    "esp": "especially",
    "diff": "difference",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tonite": "tonight",
    "yday": "yesterday",
    # Days and months, where the short form means nothing else ("wed", "sat", "sun", "mar" and "may" do)
    "tue": "Tuesday",
    "tues": "Tuesday",
    "thu": "Thursday",
    "thurs": "Thursday",
    "fri": "Friday",
    "jan": "January",
    "feb": "February",
    "apr": "April",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "sept": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
    # Contractions typed without the apostrophe
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "werent": "weren't",
    "cant": "can't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "hasnt": "hasn't",
    "havent": "haven't",
}
# Symbols that stand for a word in chat ("what % did she get", "ossoff & handel").
_SYMBOLS = {"%": "percent", "&": "and", "#": "number", "+": "and", "@": "at", "$": "money"}
NUMBER_WORDS = {  # also index/kinds.py, to compare the numbers sentences state
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
# A chat token: a word (with inner apostrophes, "w/", "b/c" and "b4"), or one of the symbols standing alone or glued.
_TOKEN = re.compile(r"w/o?|b/c|[\w'’]+(?:\.[\w'’]+)*\.?|[%&#+@$]")  # "U.S." is one token, not "u"


def normalise_chat(question: str) -> str:
    """`question` with chat abbreviations and symbols spelled out and number words given digits.

    Words that are not chat spellings are kept exactly as typed, so a well-formed
    question comes back unchanged. A "$" before a number is kept: "$2 million" is a sum.
    """

    def spelled_out(match: re.Match[str]) -> str:
        token = match.group(0)
        low = token.lower().replace("’", "'").rstrip(".")
        if low in CHAT_ABBREVIATIONS:
            return CHAT_ABBREVIATIONS[low] + token[len(low) :]  # keeps a closing full stop
        if low in _SYMBOLS:
            following = question[match.end() : match.end() + 1]
            if low == "$" and following.isdigit():
                return token
            return f" {_SYMBOLS[low]} "
        if low in NUMBER_WORDS:
            return f"{token[: len(low)]} ({NUMBER_WORDS[low]}){token[len(low) :]}"
        return token

    return " ".join(_TOKEN.sub(spelled_out, question).split())
