#!/usr/bin/env python3
"""Writes a large `terraform show -json` plan for the plan gate's memory benchmark: a real
plan (infracost's Terraform 0.14 fixture from ../shared/terraform-plans/) with its resource
changes, planned values and prior state repeated under new addresses until the file reaches
the size asked (MB, default 52). Usage: bench/plan_memory.py OUT.json [MB]"""
import copy, json, sys

src = "../shared/terraform-plans/infracost__terraform_v0.14_plan.json"
out, target = sys.argv[1], float(sys.argv[2]) * 1e6 if len(sys.argv) > 2 else 52e6
plan = json.load(open(src))
base = {
    "rc": list(plan.get("resource_changes", [])),
    "pv": list(plan.get("planned_values", {}).get("root_module", {}).get("resources", [])),
    "ps": list(plan.get("prior_state", {}).get("values", {}).get("root_module", {}).get("resources", [])),
}
size = len(json.dumps(plan))
copies = max(1, int(target / size))
for key, where in (("rc", plan["resource_changes"]),
                   ("pv", plan["planned_values"]["root_module"].setdefault("resources", [])),
                   ("ps", plan.setdefault("prior_state", {}).setdefault("values", {}).setdefault("root_module", {}).setdefault("resources", []))):
    for i in range(1, copies):
        for r in base[key]:
            r = copy.deepcopy(r)
            r["address"] = f"{r['address']}_copy{i}"
            r["name"] = f"{r['name']}_copy{i}"
            where.append(r)
json.dump(plan, open(out, "w"))
