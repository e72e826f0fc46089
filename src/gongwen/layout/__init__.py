"""Where text meets the page: the only place that knows millimetres.

* :mod:`.standard` — every number of GB/T 9704-2012 and the named profiles;
* :mod:`.rules` — layout decided by the data (title lines, headings, 附件说明,
  署名 and 成文日期, 版记) written as docxtpl sub-documents;
* :mod:`.formtables` — the tables of the forms (承诺书, 民主评议), and
  :mod:`.memberform` the member rows at their top;
* :mod:`.endblock` — the 版记 kept on the last, even page;
* :mod:`.ooxml` — the OOXML helpers all of these share.

Nothing here renders or converts; the stages above import from here, never the reverse.
"""
