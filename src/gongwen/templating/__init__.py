"""Templates and the Jinja environment that fills them.

* :mod:`.engine` — docxtpl with autoescape and strict undefined; user templates in
  the sandbox;
* :mod:`.sandbox` — the limits a user template's code renders under (time, memory,
  sizes, no files);
* :mod:`.registry` — the built-in templates: the committed ``templates/*.docx`` or,
  for another profile, one built in memory;
* :mod:`.builder` — builds the built-in templates from :mod:`gongwen.layout.standard`
  (``python -m gongwen.templating.builder templates``).
"""
