"""Numbers on Chinese pages grouped by thousands with a comma ("680,000"), as park reports,
invoices and the amounts shown as ¥ already are. Django's own zh_Hans formats group by ten
thousands with no separator, which left "680000 m²" beside "¥200,000.00". Only explicit
grouping (`floatformat:"0g"`) uses this: USE_THOUSAND_SEPARATOR stays off, so years and ids
are never grouped."""

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
