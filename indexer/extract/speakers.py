"""Speaker mentions: names with their titles, pronouns, role nouns, organisations.

A mention is found next to a cue ("Zelensky said", "said Mr. Obama", "the Kremlin said");
`coref` decides which person or organisation it refers to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.extract.cues import AUXILIARIES, CUE_WORDS

TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Sens|Rep|Reps|Gov|Lt|Col|Sgt|Capt|Jr|Sr|Prof|Rev|Adm|Maj|Cmdr|St)\."
    r"|(?:[A-Z]\.){2,}|[A-Z]\.(?=\s+[A-Z])|\w+(?:[’'\-.&]\w+)*|[^\w\s]"
)

PRONOUNS = {
    "he": "m",
    "she": "f",
    "they": "p",
    "it": "n",
    "i": "s",
    "we": "p",
    "him": "m",
    "her": "f",
    "them": "p",
}
SUBJECT_PRONOUNS = {"he", "she", "they", "it", "i", "we"}

TITLE_WORDS = {
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "gen",
    "general",
    "judge",
    "justice",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "ambassador",
    "chairman",
    "chairwoman",
    "chair",
    "speaker",
    "director",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "candidate",
    "nominee",
    "leader",
    "former",
    "foreign",
    "defense",
    "defence",
    "state",
    "attorney",
    "deputy",
    "chief",
    "executive",
    "ceo",
    "lt",
    "col",
    "capt",
    "sgt",
    "adm",
    "cmdr",
    "maj",
    "prof",
    "professor",
    "rev",
    "reverend",
    "gop",
    "democratic",
    "republican",
    "democrat",
    "u.s.",
    "us",
    "white",
    "house",
    "first",
    "lady",
    "congressman",
    "congresswoman",
    "commissioner",
    "officer",
    "coach",
    "sheriff",
    "host",
    "anchor",
    "pastor",
    "bishop",
    "cardinal",
    "rabbi",
    "imam",
    "sir",
    "dame",
    "lord",
    "premier",
    "emir",
    "sheikh",
    "presidential",
    "economist",
    "analyst",
    "author",
    "actor",
    "actress",
    "singer",
    "rapper",
    "comedian",
    "billionaire",
    "businessman",
    "businesswoman",
    "activist",
    "mogul",
    "strategist",
    "pollster",
    "adviser",
    "advisor",
    "aide",
    "manager",
    "campaign",
    "chairperson",
    "head",
    "interior",
    "finance",
    "health",
    "treasury",
    "homeland",
    "security",
    "national",
    "press",
    "communications",
    "senior",
    "top",
    "trade",
    "labor",
    "energy",
    "education",
    "commerce",
    "agriculture",
    "transportation",
    "army",
    "navy",
    "air",
    "force",
    "marine",
    "corps",
    "supreme",
    "court",
    "federal",
    "reserve",
    "fed",
    "district",
    "county",
    "city",
    "council",
    "councilman",
    "councilwoman",
    "assemblyman",
    "assemblywoman",
    "delegate",
    "lawmaker",
    "legislator",
    "party",
    "majority",
    "minority",
    "whip",
    "senate",
    "mp",
    "mep",
    "envoy",
    "special",
    "counsel",
    "lawyer",
    "editor",
    "councillor",
    "councilor",
    "alderman",
    "elder",
    "farmer",
    "librarian",
    "detective",
    "inspector",
    "superintendent",
    "constable",
    "trooper",
    "nurse",
    "engineer",
}
# Titles that only ever precede a person's name, so whatever comes before them is description.
PERSON_TITLES = {
    "president",
    "host",
    "anchor",
    "correspondent",
    "columnist",
    "strategist",
    "pollster",
    "economist",
    "analyst",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "gen",
    "general",
    "lt",
    "col",
    "capt",
    "sgt",
    "adm",
    "cmdr",
    "maj",
    "ceo",
    "chairman",
    "chairwoman",
    "secretary",
    "minister",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "professor",
    "judge",
    "ambassador",
    "congressman",
    "congresswoman",
    "commissioner",
    "sheriff",
}

FEMALE_TITLES = {
    "mrs",
    "ms",
    "miss",
    "queen",
    "princess",
    "spokeswoman",
    "chairwoman",
    "congresswoman",
    "councilwoman",
    "assemblywoman",
    "businesswoman",
    "dame",
    "lady",
    "actress",
}
MALE_TITLES = {
    "mr",
    "king",
    "prince",
    "spokesman",
    "chairman",
    "congressman",
    "councilman",
    "assemblyman",
    "businessman",
    "sir",
    "lord",
}
FEMALE_NAMES = {
    "hillary",
    "nancy",
    "elizabeth",
    "kellyanne",
    "michelle",
    "melania",
    "ivanka",
    "sarah",
    "kate",
    "katie",
    "mary",
    "susan",
    "karen",
    "linda",
    "barbara",
    "jennifer",
    "jessica",
    "maria",
    "anna",
    "ann",
    "anne",
    "angela",
    "theresa",
    "teresa",
    "jill",
    "kamala",
    "nikki",
    "condoleezza",
    "madeleine",
    "samantha",
    "susana",
    "dianne",
    "diane",
    "patty",
    "debbie",
    "claire",
    "amy",
    "kirsten",
    "tammy",
    "maxine",
    "donna",
    "huma",
    "cheryl",
    "hope",
    "kayleigh",
    "sheryl",
    "laura",
    "lisa",
    "emily",
    "rachel",
    "rebecca",
    "margaret",
    "helen",
    "ursula",
    "christine",
    "marine",
    "giorgia",
    "liz",
    "jacinda",
    "julia",
    "olena",
    "irina",
    "olga",
    "natalia",
    "yulia",
    "marie",
    "sophie",
    "catherine",
    "carly",
    "janet",
    "gina",
    "loretta",
    "sally",
    "heidi",
    "stephanie",
    "nicole",
    "ashley",
    "alexandria",
    "ilhan",
    "rashida",
    "ayanna",
    "lindsey",
    "megyn",
    "mika",
    "rosie",
    "oprah",
    "beyonce",
    "katy",
    "taylor",
    "jane",
    "joan",
    "judy",
    "betsy",
    "elaine",
    "ruth",
    "sonia",
    "elena",
    "tulsi",
    "marsha",
    "martha",
    "joni",
    "shelley",
    "ellen",
    "gretchen",
    "kirstjen",
    "omarosa",
    "sanders",
    "chelsea",
    "tiffany",
    "lara",
    "dana",
    "andrea",
    "valerie",
    "neera",
    "jen",
    "karine",
    "brianna",
    "ana",
    "alicia",
    "gloria",
    "sheila",
    "pam",
    "pamela",
}
ORG_WORDS = {
    "kremlin",
    "house",
    "ministry",
    "department",
    "party",
    "campaign",
    "committee",
    "association",
    "inc",
    "corp",
    "times",
    "news",
    "post",
    "agency",
    "council",
    "union",
    "office",
    "court",
    "police",
    "army",
    "government",
    "university",
    "institute",
    "foundation",
    "commission",
    "bureau",
    "administration",
    "pentagon",
    "congress",
    "senate",
    "parliament",
    "company",
    "group",
    "network",
    "journal",
    "cnn",
    "fbi",
    "cia",
    "nato",
    "un",
    "eu",
    "gop",
    "center",
    "centre",
    "fund",
    "bank",
    "board",
    "service",
    "organization",
    "organisation",
    "coalition",
    "alliance",
    "federation",
    "league",
    "club",
    "team",
    "pac",
    "caucus",
    "embassy",
    "navy",
    "forces",
    "military",
    "cabinet",
    "secretariat",
    "poll",
    "survey",
    "reuters",
    "ap",
    "afp",
    "tass",
    "politifact",
    "breitbart",
    "msnbc",
    "fox",
    "abc",
    "nbc",
    "cbs",
    "npr",
    "bbc",
    "moscow",
    "kiev",
    "kyiv",
    "washington",
    "beijing",
    "russia",
    "ukraine",
    "china",
    "iran",
    "israel",
    "america",
    "britain",
    "france",
    "germany",
    "japan",
    "india",
    "turkey",
    "syria",
    "europe",
}
STOP_CAPITALS = {
    "said",
    "says",
    "rival",
    "beyond",
    "everything",
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "but",
    "and",
    "or",
    "however",
    "meanwhile",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "our",
    "its",
    "according",
    "after",
    "before",
    "while",
    "when",
    "if",
    "as",
    "since",
    "during",
    "despite",
    "although",
    "though",
    "for",
    "with",
    "without",
    "under",
    "over",
    "both",
    "some",
    "many",
    "several",
    "most",
    "other",
    "another",
    "such",
    "so",
    "yet",
    "still",
    "then",
    "there",
    "here",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "not",
    "no",
    "yes",
    "asked",
    "speaking",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "today",
    "yesterday",
    "tomorrow",
    "now",
    "last",
    "next",
    "earlier",
    "later",
    "also",
    "even",
    "just",
    "only",
    "all",
    "any",
    "each",
    "every",
    "one",
    "two",
    "three",
    "my",
    "your",
    "you",
    "me",
    "us",
    "to",
    "of",
    "by",
    "from",
    "about",
    "into",
    "than",
    "because",
    "instead",
    "until",
    "unless",
    "whether",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "should",
    "must",
    "might",
    "let",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "watch",
    "read",
    "click",
    "update",
    "updated",
    "photo",
    "video",
    "getty",
    "images",
    "follow",
    "twitter",
}
NAME_CONNECTORS = {
    "de",
    "van",
    "von",
    "bin",
    "al",
    "la",
    "le",
    "du",
    "del",
    "der",
    "da",
    "di",
    "dos",
    "el",
    "ibn",
    "st.",
    "mc",
    "o'",
}
GROUP_NOUNS = {
    "officials",
    "critics",
    "experts",
    "analysts",
    "aides",
    "sources",
    "supporters",
    "voters",
    "democrats",
    "republicans",
    "lawmakers",
    "observers",
    "residents",
    "protesters",
    "investigators",
    "prosecutors",
    "police",
    "authorities",
    "economists",
    "researchers",
    "scientists",
    "advisers",
    "advisors",
    "leaders",
    "members",
    "activists",
    "people",
    "witnesses",
    "diplomats",
    "organizers",
    "organisers",
    "executives",
    "polls",
    "reports",
    "documents",
    "records",
    "studies",
    "data",
    "surveys",
    "insiders",
    "allies",
    "opponents",
    "candidates",
    "republican",
    "democrat",
    "spokesmen",
    "staffers",
    "strategists",
    "pollsters",
    "conservatives",
    "liberals",
    "progressives",
    "parents",
    "teachers",
    "students",
}
ROLE_NOUNS = {
    "president",
    "leader",
    "minister",
    "senator",
    "governor",
    "candidate",
    "nominee",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "secretary",
    "chairman",
    "chairwoman",
    "mayor",
    "businessman",
    "billionaire",
    "congressman",
    "congresswoman",
    "lawmaker",
    "diplomat",
    "ambassador",
    "chancellor",
    "premier",
    "general",
    "commander",
    "director",
    "chief",
    "head",
    "adviser",
    "advisor",
    "aide",
    "strategist",
    "manager",
    "executive",
    "lawyer",
    "attorney",
    "prosecutor",
    "judge",
    "economist",
    "analyst",
    "expert",
    "professor",
    "researcher",
    "scientist",
    "author",
    "writer",
    "reporter",
    "journalist",
    "host",
    "anchor",
    "man",
    "woman",
    "source",
    "insider",
    "democrat",
    "republican",
    "politician",
    "statesman",
    "activist",
    "pollster",
    "officer",
    "representative",
    "speaker",
    "king",
    "queen",
    "prince",
    "pope",
    "star",
    "actor",
    "actress",
    "mogul",
    "tycoon",
    "incumbent",
    "challenger",
    "frontrunner",
    "front-runner",
    "veteran",
    "founder",
    "owner",
    "campaign",
    "administration",
    "government",
    "kremlin",
    "ministry",
    "department",
    "agency",
    "company",
    "firm",
    "group",
    "organization",
    "organisation",
    "party",
    "committee",
    "court",
    "report",
    "poll",
    "survey",
    "study",
    "statement",
    "newspaper",
    "paper",
    "network",
    "coach",
    "player",
    "witness",
    "victim",
    "doctor",
    "physician",
    "resident",
    "mother",
    "father",
    "wife",
    "husband",
    "son",
    "daughter",
    "friend",
}
DETERMINERS = {
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "one",
    "another",
    "two",
    "three",
    "several",
    "many",
    "some",
    "most",
    "other",
    "our",
    "this",
    "that",
}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def bare(self) -> str:
        return self.text.lower().rstrip(".")

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]


@dataclass
class Mention:
    """A span of text that names, describes or stands for a speaker."""

    text: str
    start: int
    end: int
    kind: str  # name | pronoun | nominal | group
    name: str | None = None  # the name without titles, for kind == name
    description: str | None = None  # titles or apposition: "Ukrainian President"
    gender: str | None = None
    definite: bool = True

    @property
    def head(self) -> str:
        return self.text.split()[-1].lower().strip(".,")


def is_name_token(tok: Token) -> bool:
    if not tok.capitalized or tok.bare in STOP_CAPITALS:
        return False
    return bool(re.match(r"[A-Z][\w’'\-.&]*$", tok.text))


def name_mention(tokens: list[Token], first: int, last: int) -> Mention | None:
    """Build a name mention from tokens[first..last], splitting leading titles off the name."""
    while first <= last and tokens[first].bare in STOP_CAPITALS:
        first += 1
    if first > last:
        return None
    words = tokens[first : last + 1]
    split = 0
    for i, word in enumerate(words[:-1]):
        if word.bare in PERSON_TITLES:
            split = i + 1  # "Massachusetts Sen. Elizabeth Warren": the name follows the title
    while split < len(words) - 1 and (
        words[split].bare in TITLE_WORDS or _is_demonym(words[split].text)
    ):
        split += 1
    if all(w.bare in TITLE_WORDS for w in words[split:]):
        split = 0  # "White House", "Mr. President": the whole phrase is the name
    name_words = [w for w in words[split:] if w.text not in {"'s", "’s"}]
    if not name_words:
        return None
    name = re.sub(r"[’']s$", "", " ".join(w.text for w in name_words))
    if name != " ".join(w.text for w in name_words):  # possessive: "Russia's"
        last = words[-1]
        words = [*words[:-1], Token(last.text[:-2], last.start, last.end - 2)]
    titles = {w.bare for w in words[:split]}
    gender = None
    if titles & FEMALE_TITLES or name_words[0].bare in FEMALE_NAMES:
        gender = "f"
    elif titles & MALE_TITLES:
        gender = "m"
    description = " ".join(w.text for w in words[:split]) or None
    if description and description.lower().rstrip(".") in {"mr", "mrs", "ms", "dr", "miss"}:
        description = None
    return Mention(
        text=" ".join(w.text for w in words),
        start=words[0].start,
        end=words[-1].end,
        kind="name",
        name=name,
        description=description,
        gender=gender,
    )


_I_DEMONYMS = {
    "israeli",
    "pakistani",
    "iraqi",
    "saudi",
    "kuwaiti",
    "yemeni",
    "omani",
    "qatari",
    "somali",
    "bangladeshi",
    "nepali",
    "emirati",
    "azerbaijani",
    "bahraini",
}


def _is_demonym(word: str) -> bool:
    if word.lower() in _I_DEMONYMS:
        return True
    if word.lower().endswith("man") and word.lower() != "german":
        return False  # Norman, Truman, Coleman
    return bool(re.match(r"[A-Z][a-z]+(?:an|ian|ese|ish|ic)$", word)) and word.lower() not in {
        "brian",
        "bryan",
        "ethan",
        "jonathan",
        "stephan",
        "aidan",
        "keegan",
        "ivan",
        "susan",
        "ryan",
        "ian",
        "adrian",
        "dan",
        "stan",
        "jan",
        "juan",
        "alan",
        "dean",
        "sean",
        "evan",
        "logan",
        "nathan",
        "jordan",
        "morgan",
        "megan",
        "hassan",
        "hogan",
        "egan",
        "regan",
        "reagan",
        "duncan",
        "khan",
        "dylan",
        "erdogan",
        "sloan",
        "allan",
        "rubin",
        "vivian",
        "jillian",
        "lillian",
        "gillian",
        "julian",
        "christian",
        "kristian",
        "damian",
        "cristian",
        "fabian",
        "marian",
        "sebastian",
        "dominic",
        "eric",
        "patrick",
        "derrick",
        "frederick",
        "cedric",
        "roderick",
        "ali",
        "levi",
        "eli",
        "rami",
    }


def names_in(text: str, start: int, end: int) -> list[Mention]:
    """Every capitalised name in a stretch of text (for the entity registry)."""
    tokens = tokenize(text, start, end)
    found, i = [], 0
    while i < len(tokens):
        if is_name_token(tokens[i]) or (
            tokens[i].bare in TITLE_WORDS
            and tokens[i].capitalized
            and i + 1 < len(tokens)
            and is_name_token(tokens[i + 1])
        ):
            j = i
            while j + 1 < len(tokens) and (
                is_name_token(tokens[j + 1])
                or (
                    tokens[j + 1].lower in NAME_CONNECTORS
                    and j + 2 < len(tokens)
                    and is_name_token(tokens[j + 2])
                )
            ):
                j += 1
            mention = name_mention(tokens, i, j)
            if (mention and not (i == 0 or tokens[i - 1].text in '.!?"“”')) or (
                mention and (j > i or mention.description)
            ):
                found.append(mention)
            i = j + 1
        else:
            i += 1
    return found


def subject_before(tokens: list[Token], cue_index: int) -> Mention | None:
    """The speaker mention right before a cue: "Zelensky said", "a White House spokesman told"."""
    j = _skip_adverbials(tokens, cue_index - 1)
    if j >= 0 and tokens[j].text == ")":
        k = j - 1
        while k >= 0 and tokens[k].text != "(" and j - k < 12:
            k -= 1
        if k >= 1 and tokens[k].text == "(":
            j = k - 1
    if j < 0:
        return None
    # apposition: "Dmitry Peskov, the Kremlin spokesman, said"
    if tokens[j].text == "," and j > 0:
        k = j - 1
        while k >= 0 and tokens[k].text not in {",", "(", "“", "”", '"', ";", ":"}:
            k -= 1
        inner = tokens[k + 1 : j]
        if (
            inner
            and len(inner) <= 5
            and all(is_name_token(t) or t.lower in NAME_CONNECTORS for t in inner)
        ):
            mention = _np(tokens, k + 1, j - 1)
            if mention is not None and mention.kind == "name":
                before = tokens[max(0, k - 6) : k] if k >= 0 else []
                if before and before[-1].lower in ROLE_NOUNS | TITLE_WORDS:
                    mention.description = mention.description or " ".join(t.text for t in before)
                return mention
        if k >= 1 and tokens[k].text == ",":
            appos = tokens[k + 1 : j]
            if (
                appos
                and appos[0].lower in {"the", "a", "an", "who", "whose", "which"} | TITLE_WORDS
            ):
                mention = _np_ending_at(tokens, k - 1)
                if mention and mention.kind == "name":
                    desc = " ".join(t.text for t in appos)
                    if appos[0].lower not in {"who", "whose", "which"}:
                        mention.description = mention.description or desc
                    return mention
        return None
    return _np_ending_at(tokens, j)


_TIME_WORDS = {
    "week",
    "month",
    "year",
    "morning",
    "afternoon",
    "evening",
    "night",
    "weekend",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "summer",
    "spring",
    "fall",
    "autumn",
    "winter",
    "day",
    "time",
    "decade",
}


def _skip_adverbials(tokens: list[Token], j: int) -> int:
    """Step back over auxiliaries, -ly adverbs and time phrases ('just this month')."""
    while j >= 0:
        low = tokens[j].lower
        if low in AUXILIARIES or (low.endswith("ly") and tokens[j].text.islower()):
            j -= 1
        elif (
            low in _TIME_WORDS
            and j >= 1
            and tokens[j - 1].lower
            in {
                "this",
                "last",
                "next",
                "on",
                "that",
                "each",
                "every",
                "earlier",
                "later",
            }
        ):
            j -= 2
        else:
            return j
    return j


def subject_after(tokens: list[Token], cue_index: int) -> Mention | None:
    """The speaker after an inverted cue: "…," said Mr. Obama / said the Kremlin spokesman."""
    i = cue_index + 1
    if i >= len(tokens):
        return None
    if tokens[i].lower in SUBJECT_PRONOUNS:
        return _pronoun(tokens[i])
    k = i
    while (
        k < len(tokens)
        and k - i < 4
        and tokens[k].text.islower()
        and tokens[k].text.isalpha()
        and tokens[k].lower not in DETERMINERS | {"that", "on", "in", "at", "to", "of"}
    ):
        k += 1
    if k > i and k < len(tokens) and is_name_token(tokens[k]):
        end = k
        while end + 1 < len(tokens) and is_name_token(tokens[end + 1]):
            end += 1
        mention = name_mention(tokens, k, end)
        if mention is not None:
            mention.description = " ".join(t.text for t in tokens[i:k])
            return mention
    j = i
    if tokens[j].lower in DETERMINERS:
        j += 1
    while j < len(tokens) and (
        tokens[j].capitalized
        or tokens[j].lower in TITLE_WORDS
        or tokens[j].lower in ROLE_NOUNS
        or tokens[j].text == "-"
        or tokens[j].lower in NAME_CONNECTORS
    ):
        if tokens[j].bare in STOP_CAPITALS and tokens[j].lower not in DETERMINERS:
            break
        j += 1
    if j == i or (j == i + 1 and tokens[i].lower in DETERMINERS):
        return None
    return _np(tokens, i, j - 1)


def _pronoun(tok: Token) -> Mention:
    return Mention(tok.text, tok.start, tok.end, "pronoun", gender=PRONOUNS[tok.lower])


def _np_ending_at(tokens: list[Token], j: int) -> Mention | None:
    tok = tokens[j]
    if tok.lower in SUBJECT_PRONOUNS:
        return _pronoun(tok)
    if tok.text in {"'s", "’s"}:
        return None
    if is_name_token(tok) or (tok.bare in TITLE_WORDS and tok.capitalized):
        i = j
        while i - 1 >= 0 and (
            is_name_token(tokens[i - 1])
            or tokens[i - 1].lower in NAME_CONNECTORS
            or (tokens[i - 1].bare in TITLE_WORDS and tokens[i - 1].capitalized)
        ):
            i -= 1
        # "the Kremlin", "the White House": keep the article off the name, note it is definite
        return _np(tokens, i, j)
    if tok.lower in ROLE_NOUNS or tok.lower in GROUP_NOUNS or tok.lower.rstrip("s") in ROLE_NOUNS:
        i = j
        limit = max(0, j - 6)
        while i - 1 >= limit and tokens[i - 1].text not in {",", ";", ":", "(", ")", "“", "”", '"'}:
            if tokens[i - 1].lower in CUE_WORDS or tokens[i - 1].lower in {
                "that",
                "and",
                "but",
                "who",
                "which",
                "as",
            }:
                break
            i -= 1
            if tokens[i].lower in DETERMINERS:
                break
        return _np(tokens, i, j)
    return None


def _np(tokens: list[Token], i: int, j: int) -> Mention | None:
    words = tokens[i : j + 1]
    text = " ".join(w.text for w in words)
    start, end = words[0].start, words[-1].end
    first = words[0].lower
    content = words[1:] if first in DETERMINERS else words
    if not content:
        return None
    head = content[-1]
    if (head.capitalized and head.bare not in TITLE_WORDS | ROLE_NOUNS) or (
        head.capitalized and all(w.capitalized for w in content) and first not in DETERMINERS
    ):
        idx = tokens.index(content[0])
        mention = name_mention(tokens, idx, idx + len(content) - 1)
        if mention is None:
            return None
        if first in DETERMINERS:
            mention.text, mention.start = text, start
        return mention
    kind = "group" if head.lower in GROUP_NOUNS and head.lower.endswith("s") else "nominal"
    gender = "f" if head.lower in FEMALE_TITLES else "m" if head.lower in MALE_TITLES else None
    return Mention(
        text,
        start,
        end,
        kind,
        gender=gender,
        definite=first in {"the", "his", "her", "their", "its", "this", "that"},
    )


_OPENERS = {
    "during",
    "in",
    "on",
    "at",
    "after",
    "before",
    "while",
    "when",
    "following",
    "earlier",
    "later",
    "meanwhile",
    "however",
    "but",
    "and",
    "also",
    "still",
    "yet",
    "then",
    "speaking",
    "asked",
    "since",
    "last",
    "this",
    "as",
    "with",
    "for",
    "by",
}


def sentence_subject(tokens: list[Token], limit: int) -> Mention | None:
    """The subject of a sentence's main clause, for participle cues ('…, saying "…"')."""
    start = 0
    if tokens and tokens[0].lower in _OPENERS:
        comma = next((k for k, t in enumerate(tokens[:limit]) if t.text == ","), None)
        if comma is None:
            return None
        start = comma + 1
    if start >= limit:
        return None
    first = tokens[start]
    if first.lower in SUBJECT_PRONOUNS:
        return _pronoun(first)
    end = start
    if first.lower in DETERMINERS:
        end += 1
    while end < limit and (
        is_name_token(tokens[end])
        or tokens[end].lower in NAME_CONNECTORS
        or (tokens[end].bare in TITLE_WORDS and tokens[end].capitalized)
    ):
        end += 1
    if end > start and is_name_token(tokens[end - 1]):
        return _np(tokens, start, end - 1)
    return None
