"""Stage 2 for the crosswalk: every concept and cell it names exists."""

from __future__ import annotations

from .. import model
from ..findings import Finding
from ..model import parse_cell_ref
from . import Context, check


@check("unknown-cell", "unknown-template", kinds=("crosswalk",))
def crosswalk_cells(ctx: Context):
    cw = model.load_crosswalk(ctx.folder)
    f = ctx.resource_file("cells")
    concepts = {c["concept"] for c in cw.concepts}
    for row in cw.cells:
        if row["concept"] not in concepts:
            yield Finding("unknown-cell", f, f"指标 {row['concept']} 不在 concepts.csv 中", line=row["_line"], field="concept",
                          found=row["concept"])
        template = model.template_by_id(row["template"], str(model.templates_dir_for(ctx.folder, row["template"])))
        if template is None:
            yield Finding("unknown-template", f, f"模板 {row['template']} 不存在", line=row["_line"], field="template",
                          found=row["template"])
            continue
        known = set(template.cells())
        for ref in row["cells"].split():
            if parse_cell_ref(ref) not in known:
                yield Finding("unknown-cell", f, f"{ref} 不是模板 {row['template']} 的数值单元格", line=row["_line"],
                              field="cells", found=ref)
