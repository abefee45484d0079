"""The website: pages generated from data/ by plain Python, rendered by MkDocs.

* ``escape``: the one way data text reaches a page;
* ``urls``: the only module that knows where a page lives;
* ``material``: the only module that knows MkDocs, Material and mkdocs.yml
  (front matter keys, search exclusion, the docs folder), so another renderer
  is a change of this file;
* ``registry``: the page kinds and the folders they generate, read by the
  build, the tests, the benchmark and ``make clean``;
* ``view``: one report with everything its pages need, computed once;
* ``pages/``: one module per page kind, each a function from views to pages;
* ``build``: validate, generate into a scratch folder, swap in atomically;
* ``parts``: the whole site (``xxgk site``) in parts by report year, rebuilt
  only where a report's key changed, rendered in parallel (``render``: MkDocs,
  strict, dirty), assembled atomically;
* ``search``: the Pagefind index, one per part, merged in the browser;
* ``catalogue``: the DCAT and schema.org descriptions of every package.
"""
