"""Smart dispatch's text engine: the ticket classifier (`classifier`) and its evaluation on
labelled files (`evaluation`). No Django models here; `parkos.property.categorize` is the door
that feeds it a company's tickets."""
