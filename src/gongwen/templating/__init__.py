"""Templates and the Jinja environment that fills them.

* :mod:`.engine` — docxtpl with autoescape and strict undefined; user templates in
  the sandbox;
* :mod:`.registry` — the built-in templates: the committed ``templates/*.docx`` or,
  for another profile, one built in memory;
* :mod:`.builder` — builds the built-in templates from :mod:`gongwen.layout.standard`
  (``python -m gongwen.templating.builder templates``).
"""
