"""`xxgk import`: draft a report package from its source, whatever form it came in.

One reader per kind of source (``readers/``) turns the file into a
:class:`~xxgk.importer.document.Document`; the rest of the importer works on
that document only and never looks at the file again.
"""

from .legacy import ImportError_, evaluate_against_curated, import_report, render_evaluation  # noqa: F401
