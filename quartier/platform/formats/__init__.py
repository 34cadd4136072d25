"""Swiss date, time and number formats per language (FORMAT_MODULE_PATH).

Django's own modules for de, fr and it follow Germany, France and Italy (1.250,00;
05/03/2026); a Swiss marketplace writes 1’250.00, 05.03.2026 and 14:30 in every
language. The shared values live here; each language module adds its long dates.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\u2019"  # right single quotation mark: 1’250.00
NUMBER_GROUPING = 3
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
