"""Stage 2 for the agency register: predecessors and publications name agencies that exist."""

from __future__ import annotations

from .. import model
from ..findings import Finding
from . import Context, check


@check("agency-error", kinds=("agencies",))
def agency_register(ctx: Context):
    reg = model.load_agencies(ctx.folder)
    af, pf = ctx.resource_file("agencies"), ctx.resource_file("publications")
    ids = {a["agency_id"] for a in reg.agencies}
    for a in reg.agencies:
        if a["predecessor"] and a["predecessor"] not in ids:
            yield Finding("agency-error", af, f"前身 {a['predecessor']} 不在机构名录中", line=a["_line"], field="predecessor",
                          expected="agencies.csv 中的机构编号", found=a["predecessor"])
        elif a["predecessor"] == a["agency_id"]:
            yield Finding("agency-error", af, "机构不能是自己的前身", line=a["_line"], field="predecessor", found=a["predecessor"])
        if a["predecessor"] and not a["relation"]:
            yield Finding("agency-error", af, "写明与前身的关系（何时、如何更替）", line=a["_line"], field="relation",
                          expected="沿革说明", found="（空）")
        if not a["agency_id"].startswith(a["region_code"] + "-"):
            yield Finding("agency-error", af, "机构编号以其行政区划代码开头", line=a["_line"], field="agency_id",
                          expected=f"{a['region_code']}-…", found=a["agency_id"])
    for p in reg.publications:
        if p["agency_id"] not in ids:
            yield Finding("agency-error", pf, f"机构 {p['agency_id']} 不在机构名录中", line=p["_line"], field="agency_id",
                          expected="agencies.csv 中的机构编号", found=p["agency_id"])
