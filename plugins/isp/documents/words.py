"""An amount in Russian words, as invoices and acts print it: «Одна тысяча двести рублей 50 копеек»."""

from __future__ import annotations

UNITS = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
UNITS_FEMININE = ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
TEENS = (
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
)
TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто")
HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот")
# (one, few, many) forms and whether the noun is feminine, from thousands up.
SCALES = (
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
)


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian form for ``n``: 1 рубль, 2 рубля, 5 рублей (11–14 take the "many" form)."""
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def _triad(n: int, feminine: bool) -> list[str]:
    words = [HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest < 20:
        words.append(TEENS[rest - 10])
    else:
        words.append(TENS[rest // 10])
        words.append((UNITS_FEMININE if feminine else UNITS)[rest % 10])
    return [w for w in words if w]


def number_in_words(n: int) -> str:
    """A whole number in words (masculine): ``1201`` → ``"одна тысяча двести один"``."""
    if n == 0:
        return "ноль"
    words: list[str] = []
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        if index == 0:
            words += _triad(group, False)
        else:
            forms, feminine = SCALES[index - 1]
            words += _triad(group, feminine)
            words.append(plural(group, forms))
    return " ".join(words)


def rubles_in_words(kopecks: int) -> str:
    """``120050`` → ``"Одна тысяча двести рублей 50 копеек"``."""
    rubles, kop = divmod(abs(kopecks), 100)
    rouble_word = plural(rubles, ("рубль", "рубля", "рублей"))
    kopeck_word = plural(kop, ("копейка", "копейки", "копеек"))
    text = f"{number_in_words(rubles)} {rouble_word} {kop:02d} {kopeck_word}"
    return text[0].upper() + text[1:]
