from quartier.platform.formats import *  # noqa: F403

# English as written in Switzerland: day first, 24-hour clock, 1,250.00.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
