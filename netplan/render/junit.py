"""JUnit XML for CI dashboards: one testsuite per scenario, one testcase per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from netplan.engine import Report
from netplan.render import renderer


@renderer("junit")
def render_junit(report: Report) -> str:
    root = ET.Element("testsuites", name=f"dr-netplan {report.design.name}")
    total = failures = skipped = 0
    for res in report.results:
        suite = ET.SubElement(root, "testsuite", name=res.scenario.name)
        n_fail = n_skip = 0
        if not res.findings:
            ET.SubElement(suite, "testcase", classname="dr-netplan", name="no findings")
        for f in res.findings:
            case = ET.SubElement(
                suite, "testcase", classname=f"{f.rule_id}.{f.rule_name}", name=f.subject
            )
            where = str(f.location) if f.location else ""
            if f.accepted:
                n_skip += 1
                ET.SubElement(case, "skipped", message=f"accepted: {f.accepted_reason}")
            elif f.severity in ("error", "warning"):
                n_fail += 1
                fail = ET.SubElement(case, "failure", message=f.message, type=str(f.severity))
                fail.text = f"{where}\n{f.message}\nFix: {f.remediation}"
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"{where} info: {f.message}"
        count = max(len(res.findings), 1)
        suite.set("tests", str(count))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(n_skip))
        total, failures, skipped = total + count, failures + n_fail, skipped + n_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
