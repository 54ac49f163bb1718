#!/usr/bin/env python3
"""Generate name-matching benchmark cases from the names of a real sanctions list.

Reads a FollowTheMoney JSON-lines list and writes one JSON object per line:

    {"id": "c00001", "class": "typo_...", "query": "...", "type": "person"|"organization"|null,
     "expected": "<entity id>"|null, "source_name": "<listed name the query came from>"}

Positive classes take a listed name of an entity and vary it the way screening
inputs vary in practice (another romanisation, a dropped middle name, a typo, a
legal form, another script...); `expected` is that entity. Negative classes
build names that belong to no listed entity; `expected` is null.

The output is a pure function of the list, --seed and --per-class: every class
draws from its own random generator, seeded by the seed and the class name.

    python3 bench/names/generate.py [--list PATH] [--seed 7] [--per-class 150] [--out FILE]

Only the standard library is needed, except for the han_pinyin class, which uses
pypinyin (see requirements.txt) to build its syllable table.
"""

import argparse
import json
import os
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict

DEFAULT_LIST = "../shared/data/lists/combined-2022-05-05.ftm.jsonl"
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
SCHEMA_TYPES = {
    "Person": "person",
    "Organization": "organization",
    "Company": "organization",
    "LegalEntity": "organization",
    "Vessel": None,
    "Airplane": None,
}
ORG_SCHEMAS = {"Organization", "Company", "LegalEntity"}

POSITIVE_CLASSES = [
    "transliteration", "diacritics", "name_order", "token_drop", "particles",
    "initials", "titles", "punctuation_case", "homoglyphs", "invisible",
    "vowel_drop", "double_letters", "phonetic", "ocr", "keyboard_typo",
    "transposition", "truncation", "concatenation", "splitting", "legal_form",
    "cyrillic_script", "arabic_script", "han_pinyin",
]
NEGATIVE_CLASSES = ["negative_crossed", "negative_token_swap", "negative_near_miss"]

VOWELS = set("aeiouAEIOU")
WORD_RE = re.compile(r"[^\W\d_]+")
TOKEN_RE = re.compile(r"\S+")

# Words that say little about who an entity is: never the "distinctive" token.
STOPWORDS = set("""
a an and the of for in on at to by de du des la le les el al del della di da do dos das van von der den
bin ibn bint abu abou ben ould ul ur ud
co company companies corp corporation inc incorporated ltd limited llc l l c plc lp llp gmbh ag sa s a
srl sarl bv nv oy ab as spa pte pvt sdn bhd jsc ojsc cjsc pjsc oao zao ooo ao pao tov fze fzco fzc
group holding holdings trading international industries industrial enterprise enterprises services
bank organization organisation foundation society association ministry department office center centre
general import export commercial investment investments shipping
liability stock joint public closed open private y cia ltda
mr mrs ms dr prof sheikh shaykh haji hajji mullah maulvi general colonel
""".split())


# ---------------------------------------------------------------------------
# Loading the list
# ---------------------------------------------------------------------------

def load_entities(path):
    """Screenable entities: id, schema, type, names, country hints and notes."""
    if not os.path.isfile(path):
        sys.exit(f"error: list file not found: {path}\n"
                 "  pass it with --list (the shared data lives in ../shared/data/lists/)")
    entities = []
    programs = defaultdict(list)  # entity id -> sanction programs
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            schema = record.get("schema")
            if schema == "Sanction":
                for target in record.get("properties", {}).get("entity", []):
                    programs[target].extend(record["properties"].get("program", []))
            if schema not in SCHEMA_TYPES:
                continue
            props = record.get("properties", {})
            names = []
            for prop in NAME_PROPS:
                for value in props.get(prop, []):
                    value = " ".join(value.split())
                    if value and value not in names:
                        names.append(value)
            if not names:
                continue
            entities.append({
                "id": record["id"],
                "schema": schema,
                "type": SCHEMA_TYPES[schema],
                "names": names,
                "countries": country_hints(props, with_addresses=False),
                "places": country_hints(props, with_addresses=True),
                "notes": " ".join(props.get("notes", [])),
            })
    for entity in entities:
        entity["programs"] = " ".join(programs.get(entity["id"], [])).lower()
    return entities


def country_hints(props, with_addresses):
    """Lower-case text of nationality, citizenship, country (and the country part of addresses)."""
    parts = []
    for key in ("nationality", "citizenship", "country"):
        parts.extend(props.get(key, []))
    if with_addresses:
        for address in props.get("address", []):
            parts.append(address.rsplit(",", 1)[-1])
    return " " + " ".join(re.sub(r"[^\w]+", " ", p) for p in parts).lower() + " "


def from_countries(entity, codes, words, addresses=False):
    hints = entity["places" if addresses else "countries"]
    return any(f" {c} " in hints for c in codes) or any(w in hints for w in words)


SLAVIC = (("ru", "ua", "by", "kz"), ("russia", "ukrain", "belarus", "kazakh"))
ARAB = (("sy", "iq", "sa", "ye", "lb", "jo", "eg", "ly", "tn", "dz", "ma", "sd", "kw", "qa", "ae",
         "bh", "om", "ps", "mr"),
        ("syria", "iraq", "saudi", "yemen", "leban", "jordan", "egypt", "libya", "tunisia", "algeria",
         "morocco", "sudan", "kuwait", "qatar", "arab emirates", "bahrain", "oman", "palestin",
         "mauritania"))
HISPANIC = (("mx", "co", "ve", "ni", "cu", "pa", "gt", "hn", "sv", "pe", "ec", "bo", "ar", "cl", "py",
             "uy", "es", "do", "cr"),
            ("mexico", "colombia", "venezuela", "nicaragua", "cuba", "panama", "guatemala", "honduras",
             "salvador", "peru", "ecuador", "bolivia", "argentina", "chile", "paraguay", "uruguay",
             "spain", "dominican", "costa rica"))
CHINESE = (("cn",), ("china",))
NOT_CHINESE = (("kp", "kr", "vn", "mm", "kh", "th"), ("korea", "viet", "burma", "myanmar", "cambodia"))


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

def has_script(text, low, high):
    return any(low <= ch <= high for ch in text)


def has_cyrillic(text):
    return has_script(text, "\u0400", "\u04ff")


def has_arabic(text):
    return has_script(text, "\u0600", "\u06ff")


def is_latin_name(name):
    """A name written in Latin letters only (diacritics allowed), without mojibake."""
    if "?" in name or "\ufffd" in name:
        return False
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 3:
        return False
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


UNDECOMPOSABLE = str.maketrans("łŁøØđĐıħ", "lLoOdDih")


def fold(text):
    """Remove diacritics (NFKD and drop combining marks; ł, ø, đ, ı, ħ by table)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain_tokens(name):
    """Lower-case tokens without punctuation or diacritics."""
    return re.sub(r"[\W_]+", " ", fold(name).lower()).split()


def name_key(name):
    """Order-free comparison key: lower-case, no punctuation, sorted tokens."""
    return " ".join(sorted(plain_tokens(name)))


def match_case(template, word):
    """Write `word` in the letter case of `template` (UPPER, Title or lower)."""
    letters = [ch for ch in template if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if letters and letters[0].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def is_upper_word(token):
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def replace_span(text, start, end, new):
    return text[:start] + new + text[end:]


def tokens(name):
    return TOKEN_RE.findall(name)


def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# ---------------------------------------------------------------------------
# Person names: which tokens are the family name
# ---------------------------------------------------------------------------

class PersonName:
    """A person's name split into given and family tokens, with its written style.

    Styles: "comma" (FAMILY, Given), "upper_first" (FAMILY Given),
    "upper_last" (Given FAMILY).
    """

    def __init__(self, given, family, style):
        self.given, self.family, self.style = list(given), list(family), style

    def render(self, given=None, family=None, style=None):
        given = self.given if given is None else given
        family = self.family if family is None else family
        style = style or self.style
        if style == "comma":
            return " ".join(family) + ", " + " ".join(given)
        if style == "upper_first":
            return " ".join(family + given)
        return " ".join(given + family)


def parse_person(name):
    """PersonName for names whose family part is marked by a comma or by upper case."""
    if re.search(r"[()\[\]\"“”«»/&:;]", name):
        return None
    if name.count(",") == 1:
        family, given = (part.split() for part in name.split(","))
        if family and given and len(family) <= 4 and len(given) <= 5:
            return PersonName(given, family, "comma")
        return None
    if "," in name:
        return None
    toks = name.split()
    if len(toks) < 2 or len(toks) > 6:
        return None
    upper = [is_upper_word(t) for t in toks]
    if all(upper) or not any(upper):
        return None
    lead = 0
    while upper[lead]:
        lead += 1
    if lead and not any(upper[lead:]):
        return PersonName(toks[lead:], toks[:lead], "upper_first")
    trail = 0
    while upper[-1 - trail]:
        trail += 1
    if trail and not any(upper[:-trail]):
        return PersonName(toks[:-trail], toks[-trail:], "upper_last")
    return None


# ---------------------------------------------------------------------------
# Context shared by the classes
# ---------------------------------------------------------------------------

class Context:
    def __init__(self, entities, seed):
        self.entities = entities
        self.seed = seed
        self.doc_freq = Counter()
        self.keys = set()
        self.token_sets = defaultdict(list)  # rarest token -> token sets of listed names
        for entity in entities:
            for name in entity["names"]:
                toks = set(plain_tokens(name))
                self.doc_freq.update(toks)
                self.keys.add(name_key(name))
        for entity in entities:
            for name in entity["names"]:
                toks = frozenset(plain_tokens(name))
                if len(toks) >= 2:
                    rarest = min(toks, key=lambda t: (self.doc_freq[t], t))
                    self.token_sets[rarest].append(toks)
        self.common_limit = max(50, sum(len(e["names"]) for e in entities) // 200)

    def rng(self, label):
        return random.Random(f"{self.seed}/{label}")

    def distinctive(self, word):
        word = fold(word).lower()
        return (len(word) >= 3 and word.isalpha() and word not in STOPWORDS
                and self.doc_freq[word] < self.common_limit)

    def is_listed(self, query):
        """True when the query is, or contains every token of, some listed name."""
        if name_key(query) in self.keys:
            return True
        toks = set(plain_tokens(query))
        for token in toks:
            for listed in self.token_sets.get(token, ()):
                if listed <= toks:
                    return True
        return False


def origin(entity, name):
    """Rough origin of a person's name: "slavic", "arabic", "hispanic" or "other"."""
    low = " " + fold(name).lower().replace("-", " ").replace(",", " ") + " "
    if re.search(r"(vich|vych|vitj|vytj|ovna|evna) ", low):
        return "slavic"
    if from_countries(entity, *ARAB) or re.search(
            r" (al|bin|ibn|abu|abd|abdul|abdel|bint) | (al|el)-|mohamm|muhamm|ahmad|ahmed|hussein|husayn|"
            r"hassan|abdul|abdel|allah|ullah", low):
        return "arabic"
    if from_countries(entity, *SLAVIC) or re.search(
            r"(ovich|evich|ovna|evna|enko|ov|ev|ova|eva|skiy|skaya|sky) ", low):
        return "slavic"
    if from_countries(entity, *HISPANIC, addresses=True):
        return "hispanic"
    return "other"


def pick_word(ctx, rng, name, min_len=1, predicate=None):
    """A random letter run of the name, preferring distinctive ones. Returns a match or None."""
    words = [m for m in WORD_RE.finditer(name) if len(m.group()) >= min_len
             and (predicate is None or predicate(m.group()))]
    if not words:
        return None
    good = [m for m in words if ctx.distinctive(m.group())]
    return rng.choice(good or words)


# ---------------------------------------------------------------------------
# Positive classes. Each takes (ctx, rng, entity, name) and returns the
# varied name, or None when the class does not apply to that name.
# ---------------------------------------------------------------------------

TRANSLIT_GROUPS = [
    "yuriy yury yuri iurii yurii", "aleksandr alexander aleksander alexandr",
    "aleksey alexey alexei aleksei", "sergey sergei serguei", "andrey andrei",
    "dmitriy dmitry dmitri dmitrii", "evgeniy evgeny yevgeny yevgeniy evgenii", "vyacheslav viacheslav",
    "nikolay nikolai", "mikhail mikhael", "vasiliy vasily vassily",
    "anatoliy anatoly anatolii", "valeriy valery valerii", "gennadiy gennady gennadii",
    "grigoriy grigory grigorii", "viktor victor", "natalya natalia nataliya",
    "tatyana tatiana", "yuliya yulia iuliia", "ilya ilia", "pyotr petr piotr", "fyodor fedor fiodor", "semyon semen", "arkadiy arkady arkadii",
    "maksim maxim", "yelena elena", "yekaterina ekaterina",
    "mohammed muhammad mohamad mohammad muhammed mohamed mohamud", "ahmed ahmad ahmet",
    "hussein husayn hussain husain hossein", "hassan hasan", "hussam husam hosam",
    "abdullah abdallah abdulla", "yousef yusuf youssef yousif yusef", "omar umar",
    "osama usama", "khaled khalid", "saeed said saeid sayeed", "mahmoud mahmud mahmood",
    "mustafa mostafa moustafa", "ibrahim ebrahim", "ismail ismael esmail", "suleiman sulayman soleiman",
    "qassem qasim kassem kasim", "jamal gamal djamal", "faisal faysal faycal", "zaid zayd zeid",
    "hamid hameed", "rashid rasheed", "majid majeed", "nasser nasir naser", "salah salaheddine",
    "abdulrahman abdurrahman abdelrahman", "abdulaziz abdelaziz", "jaafar jafar ja'far",
    "othman uthman osman", "hamza hamzah", "ayman aiman", "walid waleed", "khalil khaleel",
    "yasser yasir yaser", "nabil nabeel", "adel adil", "ali aly", "salim salem", "tariq tarek tareq",
    "bashir basheer", "karim kareem", "munir mounir", "abbas abas", "aziz azeez",
]
TRANSLIT_TABLE = {}
for _group in TRANSLIT_GROUPS:
    _forms = _group.split()
    for _form in _forms:
        TRANSLIT_TABLE[_form] = [f for f in _forms if f != _form]

SLAVIC_RULES = [
    (r"iy$", "y"), (r"iy$", "ii"), (r"iy$", "i"), (r"([^aeiou])y$", r"\1iy"), (r"ii$", "iy"),
    (r"^ye", "e"), (r"^yu", "iu"), (r"^ya", "ia"), (r"ya", "ia"), (r"yu", "iu"), (r"ia", "ya"),
    (r"ks", "x"), (r"x", "ks"), (r"kh", "h"), (r"ts", "tz"), (r"([aeiou])yev", r"\1ev"),
    (r"([aeiou])ev", r"\1yev"), (r"ei$", "ey"), (r"ey$", "ei"), (r"ai$", "ay"), (r"ay$", "ai"),
    (r"iya$", "ia"), (r"ia$", "iya"), (r"^zh", "j"), (r"^dzh", "j"), (r"^j", "dzh"), (r"yo", "e"),
    (r"ye", "e"), (r"ov$", "off"), (r"shch", "sch"), (r"ch", "tch"),
]
ARABIC_RULES = [
    (r"kh", "h"), (r"ou", "u"), (r"([bcdfghjklmnpqrstvwxz])u([bcdfghjklmnpqrstvwxz])$", r"\1ou\2"),
    (r"ee", "i"), (r"([^aeiou])i([^aeiouy])$", r"\1ee\2"), (r"oo", "u"), (r"q", "k"), (r"^j", "dj"),
    (r"^dj", "j"), (r"aa", "a"), (r"ei", "ay"), (r"ay", "ai"), (r"ai", "ay"), (r"dh", "z"),
    (r"th", "s"), (r"^abdul", "abdel"), (r"^abdel", "abdul"), (r"ullah$", "allah"), (r"allah$", "ullah"),
    (r"ss", "s"), (r"e", "a"), (r"^u", "o"), (r"^o", "u"),
]


def translit_variants(word, rules):
    low = word.lower()
    out = list(TRANSLIT_TABLE.get(low, []))
    for pattern, repl in rules:
        for m in re.finditer(pattern, low):
            new = low[:m.start()] + m.expand(repl) + low[m.end():]
            if new != low and len(new) >= 2:
                out.append(new)
    return sorted(set(out))


def vary_transliteration(ctx, rng, entity, name):
    if entity["schema"] != "Person":
        return None
    kind = origin(entity, name)
    if kind not in ("slavic", "arabic"):
        return None
    rules = SLAVIC_RULES if kind == "slavic" else ARABIC_RULES
    options = []
    for m in WORD_RE.finditer(name):
        if len(m.group()) < 3 or not m.group().isascii():
            continue
        for variant in translit_variants(m.group(), rules):
            options.append((m, variant))
    if not options:
        return None
    m, variant = rng.choice(options)
    return replace_span(name, m.start(), m.end(), match_case(m.group(), variant))


DIACRITIC_WORDS = {
    w.lower(): w for w in """
    José María Jesús Ramón Andrés Iván Tomás Víctor Raúl Óscar Ángel Joaquín Martín Julián Sebastián
    Nicolás Agustín Germán Héctor Félix Rubén Fabián Sofía Inés Mónica Verónica Lucía Rocío Adrián
    Efraín Simón León Benjamín Álvaro Néstor Darío Rodríguez García Martínez Hernández
    González López Pérez Sánchez Gómez Díaz Ramírez Jiménez Álvarez Fernández Muñoz Núñez Gutiérrez
    Domínguez Vázquez Suárez Chávez Benítez Méndez Velázquez Márquez Ibáñez Ordóñez Peña Castañeda
    Guzmán Beltrán Durán Rincón Calderón Colón Obregón Quiñónez Cárdenas Ávila Ángeles Meléndez
    Sáenz Cortés Galván Zúñiga Muñiz Báez Rentería Ríos Acuña Solís
    François Frédéric Hélène Jérôme Stéphane Séverin Célestin Zoé Gaëlle Noël Raphaël Joël Michèle
    Müller Schröder Köhler Jürgen Günter Björn Sören Özdemir Öztürk Çelik Şahin Yılmaz Doğan Gül
    Gökhan Gürsel Çakır Ünal Şimşek Dvořák Nováček Đorđević Jovanović Petrović Milošević Karadžić
    Šešelj Ražnatović Lukašenko Łukasz Wałęsa Gonçalves Conceição João Sebastião Antônio Simões
    """.split()
}
DIACRITIC_STRIP = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "AE", "Ö": "OE", "Ü": "UE"}


def accent_ez(word):
    """Spanish family names in -ez carry an accent on the vowel before the ending."""
    low = word.lower()
    if not low.endswith("ez") or len(low) < 5:
        return None
    stem = low[:-2]
    for i in range(len(stem) - 1, -1, -1):
        ch = stem[i]
        if ch in "aeiou":
            if ch == "u" and i > 0 and stem[i - 1] in "gq":
                continue
            accented = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}[ch]
            return low[:i] + accented + low[i + 1:]
    return None


def vary_diacritics(ctx, rng, entity, name):
    if not name.isascii():
        options = [fold(name)]
        if any(ch in DIACRITIC_STRIP for ch in name):
            options.append("".join(DIACRITIC_STRIP.get(ch, ch) for ch in name))
            options.append(fold("".join(DIACRITIC_STRIP.get(ch, ch) for ch in name)))
        options = [o for o in options if o != name]
        return rng.choice(options) if options else None
    hispanic = entity["schema"] == "Person" and (
        from_countries(entity, *HISPANIC, addresses=True) or any(w.lower() in DIACRITIC_WORDS for w in WORD_RE.findall(name)))
    options = []
    for m in WORD_RE.finditer(name):
        word = m.group()
        new = DIACRITIC_WORDS.get(word.lower())
        if new is None and hispanic:
            new = accent_ez(word)
            if new is None and word.lower().endswith("on") and len(word) >= 5 and word.lower()[-3] not in "aeiou":
                new = word.lower()[:-2] + "ón"
        if new and new.lower() != word.lower():
            options.append((m, new))
    if not options:
        return None
    picked = rng.sample(options, min(len(options), rng.choice([1, 1, 2])))
    for m, new in sorted(picked, key=lambda p: -p[0].start()):
        name = replace_span(name, m.start(), m.end(), match_case(m.group(), new))
    return name


def vary_name_order(ctx, rng, entity, name):
    if entity["schema"] != "Person":
        return None
    person = parse_person(name)
    if person:
        if person.style == "comma":
            return person.render(style="upper_last")
        if person.style == "upper_first":
            return person.render(style="upper_last")
        return person.render(style=rng.choice(["comma", "upper_first"]))
    toks = tokens(name)
    if len(toks) < 2 or "," in name or not is_latin_name(name):
        return None
    if rng.random() < 0.5:
        return " ".join(toks[1:] + toks[:1])
    return " ".join(toks[-1:] + toks[:-1])


PARTICLES = {"al", "el", "bin", "ibn", "ben", "bint", "abu", "abou", "van", "de", "von", "der", "den",
             "da", "del", "di", "du", "ul", "ur", "ud", "ad", "ar", "as", "ash", "ould"}


def vary_token_drop(ctx, rng, entity, name):
    person = parse_person(name) if entity["schema"] == "Person" else None
    if person:
        toks, n_given = person.given + person.family, len(person.given)
    elif "," in name:
        return None
    else:
        toks, n_given = tokens(name), None
    if len(toks) < 3:
        return None
    rarest = min((fold(w).lower() for t in toks for w in WORD_RE.findall(t) if ctx.distinctive(w)),
                 key=lambda w: (ctx.doc_freq[w], w), default=None)
    options = []
    for i in range(1, len(toks) - 1):
        core = fold(toks[i]).lower().strip(".,'-")
        if not core.isalpha() or core in PARTICLES or core in STOPWORDS:
            continue
        if person and ((i < n_given and n_given == 1) or (i >= n_given and len(toks) - n_given == 1)):
            continue  # keep at least one given and one family token
        if core == rarest:
            continue
        rest = toks[:i] + toks[i + 1:]
        if any(ctx.distinctive(w) and len(w) >= 4 for t in rest for w in WORD_RE.findall(t)):
            options.append(i)
    if not options:
        return None
    i = rng.choice(options)
    if person:
        given, family = list(person.given), list(person.family)
        if i < n_given:
            del given[i]
        else:
            del family[i - n_given]
        return person.render(given, family)
    return " ".join(toks[:i] + toks[i + 1:])


PARTICLE_ALTERNATIVES = {
    "bin": ["ibn", "ben"], "ibn": ["bin", "ben"], "ben": ["bin", "ibn"], "abu": ["abou", "abo"],
    "abou": ["abu"], "al": ["el"], "el": ["al"], "van": ["v."], "von": ["v."],
}
DROPPABLE = PARTICLES - {"abu", "abou"}


WESTERN_PARTICLES = {"van", "de", "von", "der", "den", "da", "del", "di", "du"}


def particle_options(toks, allowed):
    """(token index, edit) pairs; an edit is a new token, "" (drop), "-" (hyphen-join) or "+" (run together)."""
    options = []
    for i, tok in enumerate(toks):
        m = re.match(r"^(al|el|ul|ad|ar|as|ash|an|az)-(.{3,})$", tok, re.IGNORECASE)
        if m and "al" in allowed:
            article, body = m.groups()
            other = "el" if article.lower() == "al" else "al"
            joined = article + (body if tok.isupper() else body.lower())  # al-Assad -> alassad
            options += [(i, body), (i, article + " " + body), (i, joined), (i, match_case(article, other) + "-" + body)]
            continue
        bare = tok.lower().strip(",.")
        if bare not in allowed:
            continue
        inner = 0 < i < len(toks) - 1 or (i == 0 and bare in ("abu", "abou", "al", "el") and len(toks) > 2)
        if bare not in PARTICLES or not inner:
            continue
        for alt in PARTICLE_ALTERNATIVES.get(bare, []):
            options.append((i, match_case(tok, alt) + tok[len(bare):]))
        if bare in DROPPABLE:
            options.append((i, ""))
        if not tok.endswith(",") and i + 1 < len(toks) and toks[i + 1][0].isalpha():
            options += [(i, "-"), (i, "+")]
    return options


def vary_particles(ctx, rng, entity, name):
    toks = tokens(name)
    allowed = set(PARTICLES)
    if entity["schema"] != "Person":
        allowed -= WESTERN_PARTICLES
    if origin(entity, name) != "arabic":
        allowed &= WESTERN_PARTICLES
    options = particle_options(toks, allowed)
    if not options:
        return None
    i, edit = rng.choice(options)
    if edit in ("-", "+"):
        nxt = toks[i + 1]
        if edit == "+" and not toks[i].isupper():
            nxt = nxt.lower()
        toks[i:i + 2] = [toks[i] + ("-" if edit == "-" else "") + nxt]
    elif edit == "":
        if toks[i].endswith(",") and i > 0:
            toks[i - 1] += ","
        del toks[i]
    else:
        toks[i] = edit
    return " ".join(toks)


def vary_initials(ctx, rng, entity, name):
    if entity["schema"] != "Person":
        return None
    person = parse_person(name)
    if person is None:
        toks = tokens(name)
        if "eu_fsf" not in entity["id"] or len(toks) < 2 or "," in name or not is_latin_name(name):
            return None
        person = PersonName(toks[:-1], toks[-1:], "upper_last")
    options = [i for i, g in enumerate(person.given)
               if len(WORD_RE.findall(g)) == 1 and len(g.strip(".,")) >= 2 and g[0].isalpha()
               and g.strip(".,").lower() not in PARTICLES]
    if not options:
        return None
    i = options[0] if rng.random() < 0.6 else rng.choice(options)
    given = list(person.given)
    given[i] = given[i][0].upper() + rng.choice([".", ""])
    return person.render(given=given)


TITLES = {
    "arabic": ["Sheikh", "Haji", "Dr.", "Mullah", "Maulvi", "General", "Eng."],
    "slavic": ["General", "Colonel", "Dr.", "Prof.", "Mr."],
    "other": ["Dr.", "General", "Colonel", "Prof.", "Mr."],
}


def vary_titles(ctx, rng, entity, name):
    if entity["schema"] != "Person" or not is_latin_name(name):
        return None
    if set(plain_tokens(name)) & {"dr", "mr", "mrs", "sheikh", "shaykh", "haji", "hajji", "mullah", "general"}:
        return None
    kind = origin(entity, name)
    titles = list(TITLES.get(kind, TITLES["other"]))
    notes = entity["notes"].lower()
    if "female" in notes:
        titles = [t for t in titles if t not in ("Mr.", "Sheikh", "Maulvi", "Mullah")] + ["Mrs.", "Ms."]
    title = rng.choice(titles)
    if name.isupper():
        title = title.upper()
    person = parse_person(name)
    if person and person.style == "comma":
        return person.render(given=[title] + person.given)
    if "," in name:
        return None
    return title + " " + name


def vary_punctuation_case(ctx, rng, entity, name):
    out = name
    if re.search(r"[^\w\s]", name):
        how = rng.choice(["strip", "strip", "space", "comma"])
        if how == "strip":
            out = re.sub(r"[-/]", " ", out)
            out = re.sub(r"[^\w\s]", "", out)
        elif how == "space":
            out = re.sub(r"[^\w\s]", " ", out)
        else:
            out = out.replace(",", "").replace(".", "")
        out = " ".join(out.split())
    case = rng.choice(["lower", "upper", "title", "keep"])
    if case == "lower":
        out = out.lower()
    elif case == "upper":
        out = out.upper()
    elif case == "title":
        out = " ".join(t[:1].upper() + t[1:].lower() for t in out.split())
    if out == name:
        out = name.lower() if name != name.lower() else name.upper()
    return out if out != name and plain_tokens(out) else None


HOMOGLYPHS = {
    "a": "аα", "c": "с", "e": "е", "i": "іι", "j": "ј", "o": "оο", "p": "рρ", "s": "ѕ", "x": "хχ", "y": "у",
    "A": "АΑ", "B": "ВΒ", "C": "С", "E": "ЕΕ", "H": "НΗ", "I": "ІΙ", "J": "Ј", "K": "КΚ", "M": "МΜ",
    "N": "Ν", "O": "ОΟ", "P": "РΡ", "S": "Ѕ", "T": "ТΤ", "X": "ХΧ", "Y": "УΥ", "Z": "Ζ",
}


def vary_homoglyphs(ctx, rng, entity, name):
    if not is_latin_name(name):
        return None
    spots = [i for i, ch in enumerate(name) if ch in HOMOGLYPHS]
    if not spots:
        return None
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.choice([1, 1, 2, 3]))):
        chars[i] = rng.choice(HOMOGLYPHS[chars[i]])
    return "".join(chars)


INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u200e", "\u200f", "\u2060", "\ufeff"]


def vary_invisible(ctx, rng, entity, name):
    spots = [i for i in range(1, len(name)) if name[i - 1].isalpha() and name[i].isalpha()]
    if not spots:
        return None
    chars = list(name)
    for i in sorted(rng.sample(spots, min(len(spots), rng.choice([1, 1, 2]))), reverse=True):
        chars.insert(i, rng.choice(INVISIBLES))
    return "".join(chars)


def vary_vowel_drop(ctx, rng, entity, name):
    m = pick_word(ctx, rng, name, 4, lambda w: w.isascii() and sum(c in VOWELS for c in w[1:]) >= 1)
    if m is None:
        return None
    word = m.group()
    new = word[0] + "".join(c for c in word[1:] if c not in VOWELS)
    if len(new) < 2:
        return None
    return replace_span(name, m.start(), m.end(), new)


def vary_double_letters(ctx, rng, entity, name):
    options = []
    for m in WORD_RE.finditer(name):
        w = m.group()
        if len(w) < 4 or not w.isascii():
            continue
        for i in range(1, len(w)):
            if w[i].lower() == w[i - 1].lower() and w[i].lower() not in VOWELS:
                options.append((m, w[:i] + w[i + 1:]))
            elif (0 < i < len(w) - 1 and w[i].lower() in "bdfgklmnprstz" and w[i - 1].lower() in "aeiou"
                  and w[i + 1].lower() in "aeiou"):
                options.append((m, w[:i + 1] + w[i] + w[i + 1:]))
    if not options:
        return None
    collapse = [o for o in options if len(o[1]) < len(o[0].group())]
    pool = collapse if collapse and rng.random() < 0.5 else options
    m, new = rng.choice(pool)
    return replace_span(name, m.start(), m.end(), new)


PHONETIC_RULES = [
    ("ph", "f"), ("f", "ph"), ("ck", "k"), ("(?<=[aeiou])k(?![aeiou])", "ck"), ("c(?=[aou])", "k"), ("k(?=[aou])", "c"),
    ("ou", "u"), ("u(?=[^aeiou])", "ou"), ("ee", "i"), ("i(?=[^aeiou]$)", "ee"), ("w", "v"), ("v", "w"),
    ("z", "s"), ("(?<=[aeiou])s(?=[aeiou])", "z"), ("th", "t"), ("(?<=[aeiou])t(?=[aeiou])", "th"),
    ("ks", "x"), ("x", "ks"), ("qu", "kw"), ("q", "k"), ("(?<=[^aeiou])y(?=[^aeiou])", "i"),
    ("(?<=[^aeiou])i(?=[^aeiou])", "y"), ("ai", "ay"), ("ay", "ai"), ("ie$", "y"), ("y$", "ie"),
    ("oo", "u"), ("dj", "j"), ("gh", "g"), ("sch", "sh"), ("sh", "sch"), ("ch", "tch"),
]


def vary_phonetic(ctx, rng, entity, name):
    options = []
    for m in WORD_RE.finditer(name):
        w = m.group()
        if len(w) < 3 or not w.isascii():
            continue
        low = w.lower()
        for pattern, repl in PHONETIC_RULES:
            for hit in re.finditer(pattern, low):
                if hit.start() == 0 and pattern in ("c(?=[aou])", "k(?=[aou])") and not ctx.distinctive(w):
                    continue
                new = low[:hit.start()] + repl + low[hit.end():]
                options.append((m, ctx.distinctive(w), new))
    if not options:
        return None
    good = [o for o in options if o[1]] or options
    m, _, new = rng.choice(good)
    return replace_span(name, m.start(), m.end(), match_case(m.group(), new))


OCR = {"m": "rn", "o": "0", "l": "1", "i": "1", "S": "5", "B": "8", "M": "RN", "O": "0", "I": "1", "s": "5"}


def vary_ocr(ctx, rng, entity, name):
    if not is_latin_name(name):
        return None
    spots = [i for i, ch in enumerate(name) if ch in OCR]
    if not spots:
        return None
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.choice([1, 2]))):
        chars[i] = OCR[chars[i]]
    return "".join(chars)


QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def keyboard_neighbours(ch):
    for r, row in enumerate(QWERTY):
        if ch in row:
            c = row.index(ch)
            out = set()
            for dr, dc in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < 3 and 0 <= cc < len(QWERTY[rr]):
                    out.add(QWERTY[rr][cc])
            return sorted(out)
    return []


def vary_keyboard_typo(ctx, rng, entity, name):
    m = pick_word(ctx, rng, name, 5, str.isascii)
    if m is None:
        return None
    word = m.group()
    i = rng.randrange(len(word))
    near = keyboard_neighbours(word[i].lower())
    if not near:
        return None
    new = rng.choice(near)
    new = new.upper() if word[i].isupper() else new
    return replace_span(name, m.start() + i, m.start() + i + 1, new)


def vary_transposition(ctx, rng, entity, name):
    m = pick_word(ctx, rng, name, 4)
    if m is None:
        return None
    word = m.group()
    spots = [i for i in range(len(word) - 1) if word[i].lower() != word[i + 1].lower()]
    if not spots:
        return None
    i = rng.choice(spots)
    new = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if i == 0 and word[0].isupper() and not word.isupper():
        new = new[0].upper() + new[1].lower() + new[2:]
    return replace_span(name, m.start(), m.end(), new)


def vary_truncation(ctx, rng, entity, name):
    widths = [w for w in (15, 20, 25, 30) if w < len(name) and len(name[:w].rstrip(" ,.-'")) >= 0.6 * len(name)]
    if not widths:
        return None
    out = name[:rng.choice(widths)].rstrip(" ,.-'(")
    return out if len(plain_tokens(out)) >= 1 else None


def vary_concatenation(ctx, rng, entity, name):
    toks = tokens(name)
    spots = [i for i in range(len(toks) - 1)
             if toks[i][-1].isalpha() and toks[i + 1][0].isalpha() and not (len(toks[i]) == 1 and len(toks[i + 1]) == 1)]
    if not spots:
        return None
    i = rng.choice(spots)
    joined = toks[i] + (toks[i + 1].lower() if toks[i + 1][0].isupper() and not toks[i + 1].isupper()
                        and rng.random() < 0.5 else toks[i + 1])
    return " ".join(toks[:i] + [joined] + toks[i + 2:])


SPLIT_PREFIXES = ("abdul", "abdel", "abdur", "abdol", "abd", "abu", "nasr", "nour", "nur", "saif", "seif", "mohammad",
                  "muhammad", "mohammed", "ali", "gholam", "petro", "electro", "radio", "aero", "auto", "bio",
                  "techno", "tech", "trans", "inter", "neft", "gaz", "prom", "energo", "avia", "agro", "tele",
                  "hydro", "micro", "mash", "stroy", "sever", "ural", "sib", "rosto", "kommerz", "euro", "nano")
SPLIT_SUFFIXES = ("ullah", "ollah", "allah", "zadeh", "zada", "rahman", "uddin",
                  "eddine", "eddin", "stan", "berg", "burg", "grad", "bank", "neft", "prom", "gaz", "stroy", "tech",
                  "trans", "energo", "chemical", "service", "systems", "marine", "ship", "line", "port", "industries",
                  "tronics", "import", "export", "ryad", "reza", "mehdi", "hossein", "mahmoud")


def morpheme_cuts(low):
    """Split points of a word at a common name or company-word morpheme, keeping 3+ letters each side."""
    cuts = set()
    for prefix in SPLIT_PREFIXES:
        if low.startswith(prefix) and len(low) - len(prefix) >= 3:
            cuts.add(len(prefix))
    for suffix in SPLIT_SUFFIXES:
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            cuts.add(len(low) - len(suffix))
    return sorted(cuts)


def vary_splitting(ctx, rng, entity, name):
    m = pick_word(ctx, rng, name, 8, lambda w: not PATRONYMIC.search(w.lower()))
    if m is None:
        return None
    word = m.group()
    low = word.lower()
    cuts = morpheme_cuts(low)
    if cuts:
        p = rng.choice(cuts)
        right = word[p:]
        if word[0].isupper() and not word.isupper():
            right = right[0].upper() + right[1:]
        return replace_span(name, m.start(), m.end(), word[:p] + " " + right)
    cuts = [p for p in range(4, len(word) - 3)
            if low[p] not in "aeiou" and low[p + 1] in "aeiouy" and low[p - 1] != low[p]
            and not (low[p] == "h" and low[p - 1] in "cskzgt")]
    if not cuts:
        return None
    p = rng.choice(cuts)
    right = word[p:]
    if word[0].isupper() and not word.isupper():
        right = right[0].upper() + right[1:]
    return replace_span(name, m.start(), m.end(), word[:p] + " " + right)


LEGAL_FORMS = [
    ("limited liability company", "llc"), ("joint stock company", "jsc"), ("public joint stock company", "jsc"),
    ("corporation limited", "ltd"), ("corporation ltd", "ltd"), ("co., ltd.", "ltd"), ("co. ltd.", "ltd"), ("co., ltd", "ltd"), ("co ltd", "ltd"), ("company limited", "ltd"),
    ("pte. ltd.", "ltd"), ("pte ltd", "ltd"), ("pvt. ltd.", "ltd"), ("pvt ltd", "ltd"), ("private limited", "ltd"),
    ("sdn. bhd.", "ltd"), ("sdn bhd", "ltd"), ("s.a. de c.v.", "sa"), ("sa de cv", "sa"),
    ("l.l.c.", "llc"), ("llc", "llc"), ("ltd.", "ltd"), ("ltd", "ltd"), ("limited", "ltd"), ("ooo", "llc"),
    ("tov", "llc"), ("jsc", "jsc"), ("ojsc", "jsc"), ("cjsc", "jsc"), ("pjsc", "jsc"), ("oao", "jsc"),
    ("zao", "jsc"), ("pao", "jsc"), ("ao", "jsc"), ("gmbh", "gmbh"), ("s.a.", "sa"), ("sa", "sa"),
    ("s.a.r.l.", "sarl"), ("sarl", "sarl"), ("s.r.l.", "srl"), ("srl", "srl"), ("co.", "co"), ("company", "co"),
    ("corp.", "co"), ("corporation", "co"), ("inc.", "co"), ("inc", "co"), ("plc", "plc"),
    ("fze", "fze"), ("fzco", "fze"), ("fzc", "fze"), ("b.v.", "bv"), ("bv", "bv"),
]
LEGAL_EQUIVALENTS = {
    "llc": ["LLC", "L.L.C.", "Ltd", "Limited", "OOO", "Limited Liability Company"],
    "ltd": ["Ltd", "Ltd.", "Limited", "LLC", "Co., Ltd.", "Co Ltd", "Company Limited"],
    "jsc": ["JSC", "OAO", "PJSC", "OJSC", "AO", "PAO", "Joint Stock Company"],
    "gmbh": ["GmbH", "Ltd", "LLC"],
    "sa": ["S.A.", "SA", "S.A. de C.V.", "SA de CV", "Ltd"],
    "sarl": ["SARL", "S.A.R.L.", "Ltd"],
    "srl": ["SRL", "S.R.L.", "Ltd"],
    "co": ["Co.", "Co", "Company", "Corp.", "Corporation", "Inc.", "Ltd"],
    "plc": ["PLC", "Public Limited Company", "Ltd"],
    "fze": ["FZE", "FZCO", "FZ-LLC", "LLC"],
    "bv": ["B.V.", "BV", "Ltd"],
}


def find_legal_form(name):
    """(start, end, group) of a legal form at the start or end of the name, or None."""
    low = name.lower()
    for form, group in LEGAL_FORMS:
        if low.endswith(" " + form) or low.endswith("," + form) or low.endswith(", " + form):
            return len(name) - len(form), len(name), group
        if low.startswith(form + " ") and len(form) >= 2 and form not in ("sa", "co", "co.", "company"):
            return 0, len(form), group
    return None


def vary_legal_form(ctx, rng, entity, name):
    if entity["schema"] not in ORG_SCHEMAS:
        return None
    found = find_legal_form(name)
    if not found:
        return None
    start, end, group = found
    current = name[start:end]
    rest = (name[:start] + name[end:]).strip(" ,")
    if not plain_tokens(rest):
        return None
    options = [f for f in LEGAL_EQUIVALENTS[group] if f.lower().replace(".", "") != current.lower().replace(".", "")]
    if any(ctx.distinctive(w) for w in WORD_RE.findall(rest)):
        options.append("")  # removed
    form = rng.choice(options)
    if form == "":
        return rest
    if name.isupper():
        form = form.upper()
    if start == 0:
        return form + " " + rest
    return name[:start].rstrip(" ,") + (", " if form.startswith("S.A") and "," in name[start - 2:start] else " ") + form


CYRILLIC_MULTI = [
    ("shch", "щ"), ("sch", "щ"), ("kh", "х"), ("zh", "ж"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"),
    ("tz", "ц"), ("ck", "к"), ("ph", "ф"), ("x", "кс"), ("j", "дж"),
]
CYRILLIC_SINGLE = dict(zip("abvgdzklmnoprstufhwq", "абвгдзклмнопрстуфхвк"))
CYRILLIC_EXCEPTIONS = {"viktor": "виктор", "igor": "игорь", "olga": "ольга", "ilya": "илья",
                       "natalya": "наталья", "alexander": "александр", "alexandr": "александр", "tatyana": "татьяна", "daria": "дарья", "darya": "дарья"}
CYRILLIC_VOWELS = "aeiouy"
UKRAINIAN_MARKERS = re.compile(r"(ovych|evych|ivna|yivna|oleksandr|oleksii|oleksiy|volodymyr|mykola|serhii|serhiy|"
                               r"yevhen|andrii|andriy|petro|vasyl|hryhorii|mykhailo|mykhaylo|yurii|yuriy)\b")


def latin_to_cyrillic(word, ukrainian=False):
    """Cyrillic spelling of a romanised Russian (or Ukrainian) word; lower case in and out."""
    w = word.lower().replace("'", "ь")
    if not ukrainian and w in CYRILLIC_EXCEPTIONS:
        return CYRILLIC_EXCEPTIONS[w]
    out = []
    i = 0
    while i < len(w):
        ch = w[i]
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if ch == "y":
            soft = prev and prev not in CYRILLIC_VOWELS and not ukrainian
            if soft and (nxt in ("e", "i") or (nxt == "a" and i + 2 == len(w))):
                out.append("ь" + {"e": "е", "i": "и", "a": "я"}[nxt])  # Grigoryevich, Ilyin, Natalya
                i += 2
            elif nxt in ("a", "u", "e", "o") or (ukrainian and nxt == "i"):
                out.append({"a": "я", "u": "ю", "e": "є" if ukrainian else "е",
                            "o": "йо" if ukrainian else "ё", "i": "ї"}[nxt])
                i += 2
            elif not nxt and prev and prev not in CYRILLIC_VOWELS:
                out.append("ий")  # Dmitry, Vasily
                i += 1
            else:
                out.append("й" if prev and prev in CYRILLIC_VOWELS else "и" if ukrainian or not prev else "ы")
                i += 1
            continue
        if ch == "i" and nxt in ("a", "u") and (i == 0 or prev not in CYRILLIC_VOWELS):
            if i + 2 == len(w) and i > 0:
                out.append("ия" if nxt == "a" else "ию")  # Natalia, Maria
            else:
                out.append("я" if nxt == "a" else "ю")  # Iurii, Viacheslav
            i += 2
            continue
        if ch == "i" and ukrainian and nxt == "e":
            out.append("є")
            i += 2
            continue
        for latin, cyr in CYRILLIC_MULTI:
            if w.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            if ch == "e":
                out.append("э" if i == 0 and w.startswith(("ed", "elv", "em", "er")) else "е")
            elif ch == "i":
                if not nxt and prev and prev in "aeoui":
                    out.append("й")  # Nikolai, Aleksei
                else:
                    out.append("і" if ukrainian else "и")
            elif ch == "c":
                out.append("ц" if nxt in ("e", "i", "y") else "к")
            elif ch == "h" and ukrainian:
                out.append("г")
            elif ch in CYRILLIC_SINGLE:
                out.append(CYRILLIC_SINGLE[ch])
            elif ch == "ь":
                out.append("ь")
            else:
                return None
            i += 1
    return "".join(out)


def looks_slavic(entity, name):
    low = " " + fold(name).lower().replace(",", " ") + " "
    if re.search(r"(vich|vych|vna|enko|ov|ev|ova|eva|skiy|skaya|sky|skyi) ", low):
        return True
    if from_countries(entity, *SLAVIC) and origin(entity, name) == "slavic" and not from_countries(entity, *HISPANIC):
        return True
    return False


def vary_cyrillic_script(ctx, rng, entity, name):
    if entity["schema"] != "Person" or any(has_cyrillic(n) for n in entity["names"]):
        return None
    if not name.isascii() or not looks_slavic(entity, name) or origin(entity, name) == "arabic":
        return None
    ukrainian = bool(UKRAINIAN_MARKERS.search(name.lower()))  # UA nationals often carry Russian name forms

    def convert(tok):
        parts = []
        for piece in tok.strip(",.").split("-"):
            cyr = latin_to_cyrillic(piece, ukrainian) if re.fullmatch(r"[A-Za-z']+", piece) else None
            if not cyr:
                return None
            parts.append(match_case(piece, cyr))
        return "-".join(parts)

    person = parse_person(name)
    if person and person.style == "comma" and rng.random() < 0.5:
        # Cyrillic aliases are mostly written in natural order: Given Patronymic FAMILY
        given, family = [convert(t) for t in person.given], [convert(t) for t in person.family]
        return None if None in given + family else " ".join(given + family)
    out = []
    for tok in tokens(name):
        cyr = convert(tok)
        if cyr is None:
            return None
        out.append(cyr + ("," if tok.endswith(",") else ""))
    return " ".join(out)


ARABIC_WORDS = {
    "mohammed": "محمد", "muhammad": "محمد", "mohamed": "محمد", "mohammad": "محمد", "mohamad": "محمد",
    "muhammed": "محمد", "ahmed": "أحمد", "ahmad": "أحمد", "ali": "علي", "hassan": "حسن", "hasan": "حسن",
    "hussein": "حسين", "husayn": "حسين", "hussain": "حسين", "husain": "حسين", "abdullah": "عبد الله",
    "abdallah": "عبد الله", "omar": "عمر", "umar": "عمر", "khaled": "خالد", "khalid": "خالد",
    "ibrahim": "إبراهيم", "yusuf": "يوسف", "yousef": "يوسف", "youssef": "يوسف", "mahmoud": "محمود",
    "mahmud": "محمود", "mustafa": "مصطفى", "mostafa": "مصطفى", "saeed": "سعيد", "said": "سعيد", "abu": "أبو",
    "abou": "أبو", "bin": "بن", "ibn": "بن", "bint": "بنت", "osama": "أسامة", "usama": "أسامة", "abbas": "عباس",
    "ismail": "إسماعيل", "jamal": "جمال", "salem": "سالم", "nasser": "ناصر", "nasir": "ناصر", "abd": "عبد",
    "allah": "الله", "musa": "موسى", "issa": "عيسى", "isa": "عيسى", "yahya": "يحيى", "hamza": "حمزة",
    "ayman": "أيمن", "anas": "أنس", "adel": "عادل", "adil": "عادل", "faisal": "فيصل", "faysal": "فيصل",
    "sheikh": "شيخ", "shaykh": "شيخ", "shah": "شاه", "aziz": "عزيز", "karim": "كريم", "rahman": "رحمن", "din": "دين",
}
ARABIC_MULTI = [("ai", "اي"), ("kh", "خ"), ("sh", "ش"), ("th", "ث"), ("dh", "ذ"), ("gh", "غ"), ("ch", "ش"), ("ph", "ف"),
                ("ou", "و"), ("oo", "و"), ("uu", "و"), ("ee", "ي"), ("ii", "ي"), ("aa", "ا"), ("ei", "ي"),
                ("ai", "ي"), ("ay", "ي"), ("aw", "و"), ("au", "و")]
ARABIC_SINGLE = dict(zip("btjdrzsfqklmnwygpvch'", "بتجدرزسفقكلمنويجبفكحع"))
ARABIC_ARTICLES = {"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ud", "ur", "ud"}


def latin_to_arabic(word):
    """Arabic spelling of a romanised Arabic word: consonants, long vowels, no short vowels."""
    w = fold(word).lower()
    if w in ARABIC_WORDS:
        return ARABIC_WORDS[w]
    for suffix in ("ullah", "allah"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            head = latin_to_arabic(w[:-len(suffix)])
            return head and head + " الله"
    for prefix in ("abdul", "abdel", "abdal", "abdur", "abdol"):
        if w.startswith(prefix) and len(w) > len(prefix) + 2:
            tail = latin_to_arabic(w[len(prefix):])
            return tail and "عبد ال" + tail
    if not re.fullmatch(r"[a-z']+", w):
        return None
    vowels = "aeiou"
    long_a = re.fullmatch(r"([^aeiou']{1,2})a([^aeiou'])i([^aeiou'])", w)
    if long_a:  # Khalid, Rashid, Yasir: the first a is long, the i short
        c1, c2, c3 = long_a.groups()
        return "".join(latin_to_arabic_consonants(c) for c in (c1,)) + "ا" + \
            latin_to_arabic_consonants(c2) + latin_to_arabic_consonants(c3)
    out = []
    i = 0
    if w[0] in vowels:
        out.append("ا")
        i = 1
        if w[:2] in ("ou", "oo", "ee", "ii", "aa", "uu"):
            i = 2
    while i < len(w):
        final = i == len(w) - 1
        for latin, ar in ARABIC_MULTI:
            if w.startswith(latin, i):
                out.append(ar)
                i += len(latin)
                break
        else:
            ch = w[i]
            if i > 0 and ch == w[i - 1] and ch not in vowels:
                i += 1  # doubled consonant: Arabic writes it once
                continue
            if ch in vowels:
                last_syllable = i == len(w) - 2 and w[-1] not in vowels
                if final:
                    out.append({"a": "ة" if len(w) >= 4 else "ا", "e": "ي", "i": "ي", "o": "و", "u": "و"}[ch])
                elif last_syllable and ch in "iu":
                    out.append("ي" if ch == "i" else "و")
                elif last_syllable and ch == "o":
                    out.append("و")
                elif last_syllable and ch == "a" and w[-1] == "n":
                    out.append("ا")
            elif ch == "h" and final:
                out.append("ه")
            elif ch == "x":
                out.append("كس")
            elif ch == "c" and w[i + 1:i + 2] in ("e", "i", "y"):
                out.append("س")  # Youcef
            elif ch in ARABIC_SINGLE:
                out.append(ARABIC_SINGLE[ch])
            else:
                return None
            i += 1
    return "".join(out) or None


def latin_to_arabic_consonants(cluster):
    out = []
    i = 0
    while i < len(cluster):
        for latin, ar in ARABIC_MULTI[1:8]:
            if cluster.startswith(latin, i):
                out.append(ar)
                i += len(latin)
                break
        else:
            out.append(ARABIC_SINGLE.get(cluster[i], ""))
            i += 1
    return "".join(out)


def looks_arabic(entity, name):
    """Arab nationality, or an Arabic-looking name (common Arabic name words, al-, abd...), never Slavic-looking."""
    low = [fold(t).lower() for t in re.split(r"[\s,\-]+", name) if t]
    if any(PATRONYMIC.search(t) or re.search(r"(ov|ev|ova|eva|enko)$", t) for t in low):
        return False
    if from_countries(entity, *ARAB):
        return True
    markers = sum(t in ARABIC_WORDS or t == "al" or t.startswith("abd") for t in low)
    return markers >= 1 and origin(entity, name) == "arabic"


def vary_arabic_script(ctx, rng, entity, name):
    if entity["schema"] != "Person" or any(has_arabic(n) for n in entity["names"]):
        return None
    if not is_latin_name(name) or not looks_arabic(entity, name):
        return None
    person = parse_person(name)
    toks = person.given + person.family if person else tokens(name)
    words = []
    for tok in toks:
        words.extend(p for p in re.split(r"[\s\-]+", tok.strip(",.")) if len(p.strip(".")) > 1)  # no initials
    out = []
    prefix = ""
    for i, word in enumerate(words):
        low = fold(word).lower()
        if low in ARABIC_ARTICLES and i + 1 < len(words):
            prefix = "ال"
            continue
        if low in ("abdul", "abdel", "abdal", "abdur") and i + 1 < len(words):
            out.append("عبد")
            prefix = "ال"
            continue
        arabic = latin_to_arabic(word)
        if not arabic:
            return None
        if prefix and arabic.startswith("ال"):
            prefix = ""
        out.append(prefix + arabic)
        prefix = ""
    result = " ".join(out)
    return result if has_arabic(result) and not re.search(r"[A-Za-z]", result) else None


# --- Han characters from pinyin ------------------------------------------------

CHINESE_SURNAMES = set("""
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song
tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen
yao cui zhong tan fan jin shi liao jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan lei hou
long tao gu mao hao gong shao wan qian dai mo kong xiang chang kang niu hong wen geng zhan qi ni lan
ouyang sima zhuge situ shangguan
""".split())
# Only legal forms are translated: a company name in Han characters is pinyin made Han plus its legal form.
# Names with other English words (Technology, Trading ...) are not used: that would test translation.
ORG_WORDS_ZH = {
    "company": "公司", "co": "公司", "corp": "公司", "corporation": "公司", "limited": "有限公司", "ltd": "有限公司",
    "inc": "公司", "group": "集团", "youxian": "有限", "gongsi": "公司", "jituan": "集团",
}


class PinyinTable:
    """Toneless pinyin syllable -> Han character with that one reading only."""

    def __init__(self):
        try:
            from pypinyin import Style, pinyin
        except ImportError:
            sys.exit("error: the han_pinyin class needs pypinyin: pip install -r bench/names/requirements.txt")
        self.char = {}
        for cp in range(0x4E00, 0xA000):
            readings = pinyin(chr(cp), style=Style.NORMAL, heteronym=True)[0]
            if len(readings) == 1 and readings[0] != chr(cp):
                self.char.setdefault(readings[0], chr(cp))
        for syllable in list(self.char):
            if "v" in syllable:  # lv -> lyu, nv -> nyu, as written in passports
                self.char.setdefault(syllable.replace("v", "yu"), self.char[syllable])
        for bad in ("m", "n", "ng", "hm", "hng", "o", "e", "a", "ei", "ai", "ao", "ou", "er"):
            # lone vowels would make almost any Latin word "pinyin"
            self.char.pop(bad, None)
        self.max_len = max(map(len, self.char))

    def segment(self, word):
        """Fewest-syllable split of a run-together pinyin word, or None."""
        word = word.lower()
        best = [None] * (len(word) + 1)
        best[0] = []
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - self.max_len), end):
                if best[start] is not None and word[start:end] in self.char:
                    cand = best[start] + [word[start:end]]
                    if best[end] is None or len(cand) < len(best[end]):
                        best[end] = cand
        return best[-1]

    def han(self, syllables):
        return "".join(self.char[s] for s in syllables)


def pinyin_person(table, entity, name):
    """(surname syllables, given syllables) of a well-formed pinyin person name, or None."""
    if re.search(r"[^A-Za-z ,'\-]", name):
        return None
    person = parse_person(name)
    if person:
        family, given = person.family, person.given
    else:
        toks = tokens(name)
        if len(toks) < 2 or "," in name:
            return None
        if toks[0].lower() in CHINESE_SURNAMES:
            family, given = toks[:1], toks[1:]
        elif toks[-1].lower() in CHINESE_SURNAMES:
            family, given = toks[-1:], toks[:-1]
        else:
            return None
    if len(family) != 1 or fold(family[0]).lower().strip(",") not in CHINESE_SURNAMES:
        return None
    fam = table.segment(family[0].strip(","))
    giv = []
    for tok in given:
        for piece in tok.replace("'", "-").split("-"):
            seg = table.segment(piece) if piece else None
            if not seg:
                return None
            giv += seg
    if not fam or not giv or len(giv) > 2 or len(fam) > 2:
        return None
    return fam, giv


ORG_PHRASES_ZH = [("co., ltd.", " ltd "), ("co., ltd", " ltd "), ("co. ltd.", " ltd "), ("co.,ltd", " ltd "),
                  ("co ltd", " ltd "), ("company limited", " ltd "), ("limited company", " ltd "),
                  ("limited liability company", " ltd ")]


def han_person(table, entity, name):
    parsed = pinyin_person(table, entity, name)
    return table.han(parsed[0] + parsed[1]) if parsed else None


PINYIN_LOOKALIKES = {"china", "chinese", "machining"}  # English words that parse as pinyin


def han_organization(table, entity, name):
    """Han spelling of a pinyin company name (legal forms translated). Person names
    listed as LegalEntity ("Jinping Chen") are written family name first."""
    if entity["schema"] == "LegalEntity" and pinyin_person(table, entity, name):
        return han_person(table, entity, name)
    low = re.sub(r"\([^)]*\)", " ", name.lower())
    for phrase, repl in ORG_PHRASES_ZH:
        low = low.replace(phrase, repl)
    if " ltd " in low + " ":
        low = low[:(low + " ").index(" ltd ") + 5]  # drop an address after the legal form
    out, pinyin_words = [], 0
    for word in re.split(r"[\s,.\-&]+", low):
        if not word:
            continue
        if word in ORG_WORDS_ZH:
            out.append(ORG_WORDS_ZH[word])
            continue
        seg = table.segment(word) if word.isalpha() and word.isascii() and word not in PINYIN_LOOKALIKES else None
        if not seg or len(seg) > 3 or (len(seg) == 3 and word.endswith("e")):
            return None  # English words that parse as pinyin (Machine, Marine, Police) have 3+ syllables
        out.append(table.han(seg))
        pinyin_words += 1
    return "".join(out).replace("公司有限公司", "有限公司") if pinyin_words else None


# ---------------------------------------------------------------------------
# Driving the positive classes
# ---------------------------------------------------------------------------

VARIERS = {cls: globals()["vary_" + cls] for cls in POSITIVE_CLASSES if cls != "han_pinyin"}


def source_names(entity, rng, latin_only=True):
    names = [n for n in entity["names"] if not latin_only or is_latin_name(n)]
    names = [n for n in names if 4 <= len(n) <= 90 and not re.match(r"(and|or|of|the) ", n, re.IGNORECASE)]
    rng.shuffle(names)
    return names


def acceptable(cls, entity, name, query):
    if not query or query == name or not query.strip():
        return False
    if cls == "punctuation_case":
        return query not in entity["names"]
    # a variation that is another listed name of the entity tests nothing
    return query.casefold() not in {n.casefold() for n in entity["names"]}


def generate_class(ctx, cls, count, vary):
    rng = ctx.rng(cls)
    order = list(range(len(ctx.entities)))
    rng.shuffle(order)
    cases = []
    for index in order:
        entity = ctx.entities[index]
        for name in source_names(entity, rng):
            query = vary(ctx, rng, entity, name)
            if query is not None:
                query = " ".join(query.split()) if cls != "invisible" else query
            if acceptable(cls, entity, name, query):
                cases.append(make_case(cls, query, entity, name))
                break
        if len(cases) >= count:
            break
    return cases


def generate_han(ctx, count, table):
    """Half persons, half companies where the list allows. Persons come from CN entities
    first, then (fill) from pinyin-looking person names without a CN or other East Asian hint."""
    rng = ctx.rng("han_pinyin")
    order = list(range(len(ctx.entities)))
    rng.shuffle(order)
    cases, used, filled = [], set(), 0

    def collect(limit, schemas, convert, accept):
        added = 0
        for index in order:
            if added >= limit:
                break
            entity = ctx.entities[index]
            if entity["id"] in used or entity["schema"] not in schemas or not accept(entity):
                continue
            if any(has_script(n, "\u4e00", "\u9fff") for n in entity["names"]):
                continue
            for name in source_names(entity, rng):
                query = convert(table, entity, name)
                if query and acceptable("han_pinyin", entity, name, query):
                    cases.append(make_case("han_pinyin", query, entity, name))
                    used.add(entity["id"])
                    added += 1
                    break
        return added

    def chinese(entity):
        return from_countries(entity, *CHINESE, addresses=True)

    def unhinted(entity):
        korean = re.search(r"dprk|prk|korea", entity["programs"])  # Korean names often look like pinyin
        return not chinese(entity) and not korean and not from_countries(entity, *NOT_CHINESE, addresses=True)

    persons = collect((count + 1) // 2, {"Person"}, han_person, chinese)
    if persons < (count + 1) // 2:
        filled = collect((count + 1) // 2 - persons, {"Person"}, han_person, unhinted)
    collect(count - len(cases), ORG_SCHEMAS, han_organization, chinese)
    if len(cases) < count:
        collect(count - len(cases), {"Person"}, han_person, chinese)
    if len(cases) < count:
        filled += collect(count - len(cases), {"Person"}, han_person, unhinted)
    return cases, filled


def make_case(cls, query, entity, source, expected=True):
    return {"class": cls, "query": query, "type": entity["type"],
            "expected": entity["id"] if expected else None, "source_name": source}


# ---------------------------------------------------------------------------
# Negatives
# ---------------------------------------------------------------------------

def parsed_persons(ctx):
    out = []
    for entity in ctx.entities:
        if entity["schema"] != "Person":
            continue
        for name in entity["names"]:
            person = parse_person(name) if is_latin_name(name) else None
            if person and all(re.fullmatch(r"[^\W\d_][\w'\-.]*,?", t) for t in person.given + person.family):
                out.append((entity, name, person))
                break
    return out


def negative_crossed(ctx, rng, count):
    persons = parsed_persons(ctx)
    rng.shuffle(persons)
    cases = []
    for entity, name, person in persons:
        if len(cases) >= count:
            break
        kind = origin(entity, name)
        for attempt in range(40):
            other, other_name, other_person = rng.choice(persons)
            if other["id"] == entity["id"] or (attempt < 30 and origin(other, other_name) != kind):
                continue  # prefer a family name of the same origin: a harder, more plausible negative
            fam_a, fam_b = set(plain_tokens(" ".join(person.family))), set(plain_tokens(" ".join(other_person.family)))
            if fam_a & fam_b or set(plain_tokens(" ".join(person.given))) & fam_b:
                continue
            if not any(ctx.distinctive(t) for t in fam_b):
                continue
            query = person.render(family=other_person.family)
            if not ctx.is_listed(query):
                case = make_case("negative_crossed", query, entity, name, expected=False)
                case["source_name"] = f"{name} | {other_name}"
                cases.append(case)
                break
    return cases


PATRONYMIC = re.compile(r"(vich|vych|vitj|vytj|vna|ovič|evič|ogly|oglu|qizi|kyzy)$")


def negative_token_swap(ctx, rng, count):
    by_type = defaultdict(list)
    for entity in ctx.entities:
        for name in entity["names"]:
            if is_latin_name(name):
                by_type[entity["type"]].append((entity, name))
    def donor_word(word):
        return (len(word) >= 4 and word.isascii() and ctx.distinctive(word) and ctx.doc_freq[word.lower()] <= 20
                and not PATRONYMIC.search(word.lower()))

    donors = defaultdict(list)  # (type, origin) -> (entity, word); persons swap within an origin
    for kind, names in by_type.items():
        for e, n in names:
            words = [w for w in WORD_RE.findall(n) if donor_word(w)]
            if words:
                key = (kind, origin(e, n) if kind == "person" else None)
                donors[key].extend((e, w) for w in words)
    pool = [(e, n) for t in by_type for e, n in by_type[t]]
    rng.shuffle(pool)
    cases, used = [], set()
    for entity, name in pool:
        if len(cases) >= count:
            break
        if entity["id"] in used:
            continue
        words = list(WORD_RE.finditer(name))
        meaningful = [m for m in words if fold(m.group()).lower() not in STOPWORDS and len(m.group()) > 1]
        distinct = [m for m in meaningful if ctx.distinctive(m.group()) and not PATRONYMIC.search(m.group().lower())]
        if not 2 <= len(meaningful) <= 3 or not distinct:
            continue
        target = min(distinct, key=lambda m: (ctx.doc_freq[fold(m.group()).lower()], m.start()))
        mine = set(plain_tokens(name))
        candidates = donors.get((entity["type"], origin(entity, name) if entity["type"] == "person" else None))
        for _ in range(20 if candidates else 0):
            donor, word = rng.choice(candidates)
            if donor["id"] == entity["id"] or fold(word).lower() in mine or abs(len(word) - len(target.group())) > 3:
                continue
            query = replace_span(name, target.start(), target.end(), match_case(target.group(), word))
            if not ctx.is_listed(query):
                case = make_case("negative_token_swap", query, entity, name, expected=False)
                cases.append(case)
                used.add(entity["id"])
                break
    return cases


CONSONANT_CLASSES = ["bp", "dt", "gkcq", "fvw", "szx", "mn", "lr", "hj", "y"]


def consonant_class(ch):
    for i, group in enumerate(CONSONANT_CLASSES):
        if ch in group:
            return i
    return -1


def skeleton(word):
    """Consonant classes of a word, doubles collapsed: a rough sound key."""
    out = []
    for ch in word.lower():
        if ch in "aeiou":
            continue
        c = consonant_class(ch)
        if not out or out[-1] != c:
            out.append(c)
    return out


def mangle(word, rng, edits):
    """Change `edits` letters: consonants to other-sounding consonants, vowels to other vowels."""
    chars = list(word)
    letters = [i for i, ch in enumerate(chars) if ch.isalpha() and ch.isascii()]
    consonants = [i for i in letters if chars[i].lower() not in "aeiou"]
    spots = rng.sample(consonants, min(len(consonants), edits - 1 if edits >= 3 else edits))
    rest = [i for i in letters if i not in spots]
    spots += rng.sample(rest, max(0, min(len(rest), edits - len(spots))))
    for i in spots:
        low = chars[i].lower()
        if low in "aeiou":
            new = rng.choice([v for v in "aeiou" if v != low])
        else:
            new = rng.choice([c for c in "bdfgklmnprstvz" if consonant_class(c) != consonant_class(low)])
        chars[i] = new.upper() if chars[i].isupper() else new
    return "".join(chars)


def negative_near_miss(ctx, rng, count):
    pool = [(e, n) for e in ctx.entities for n in e["names"] if is_latin_name(n) and n.isascii()]
    rng.shuffle(pool)
    cases, used = [], set()
    for entity, name in pool:
        if len(cases) >= count:
            break
        if entity["id"] in used:
            continue
        words = list(WORD_RE.finditer(name))
        long_words = [m for m in words if len(m.group()) >= 5]
        query = name
        if long_words:
            for m in reversed(long_words):
                new = mangle(m.group(), rng, 3)
                if levenshtein(new.lower(), m.group().lower()) < 3 or \
                        levenshtein(skeleton(new), skeleton(m.group())) < 2:
                    query = None
                    break
                query = replace_span(query, m.start(), m.end(), new)
        else:
            letters = sum(len(m.group()) for m in words)
            for m in reversed(words):
                k = max(1, -(-len(m.group()) * 2 // 5))
                query = replace_span(query, m.start(), m.end(), mangle(m.group(), rng, k))
            if levenshtein(query.lower(), name.lower()) < 0.4 * letters:
                query = None
        if query and query != name and not ctx.is_listed(query):
            cases.append(make_case("negative_near_miss", query, entity, name, expected=False))
            used.add(entity["id"])
    return cases


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", nargs="?", help="FtM JSON-lines list (same as --list)")
    parser.add_argument("--list", dest="list_opt", help=f"FtM JSON-lines list (default {DEFAULT_LIST})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-class", type=int, default=150, help="cases per positive and negative class")
    parser.add_argument("--out", help="output file (default stdout)")
    args = parser.parse_args(argv)
    args.list = args.list_opt or args.list or default_list_path()
    return args


def default_list_path():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.normpath(os.path.join(repo, DEFAULT_LIST))


def main(argv=None):
    args = parse_args(argv)
    entities = load_entities(args.list)
    table = PinyinTable()  # fails early when pypinyin is missing
    ctx = Context(entities, args.seed)
    n = args.per_class
    all_cases = []

    def report(cls, cases, note=""):
        flag = "" if len(cases) >= n else f"  WARNING: only {len(cases)} of {n}"
        print(f"{cls:22s} {len(cases):5d}{flag}{note}", file=sys.stderr)
        all_cases.extend(cases)

    for cls in POSITIVE_CLASSES:
        if cls == "han_pinyin":
            cases, filled = generate_han(ctx, n, table)
            report(cls, cases, f"  ({filled} filled from pinyin-looking person names without CN nationality)")
        else:
            report(cls, generate_class(ctx, cls, n, VARIERS[cls]))
    for cls, make in (("negative_crossed", negative_crossed), ("negative_token_swap", negative_token_swap),
                      ("negative_near_miss", negative_near_miss)):
        report(cls, make(ctx, ctx.rng(cls), n))

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    for number, case in enumerate(all_cases, 1):
        record = {"id": f"c{number:05d}", **case}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.out:
        out.close()
    positives = sum(c["expected"] is not None for c in all_cases)
    print(f"{'total':22s} {len(all_cases):5d} ({positives} positive, {len(all_cases) - positives} negative)"
          f" from {len(entities)} entities", file=sys.stderr)


if __name__ == "__main__":
    main()
